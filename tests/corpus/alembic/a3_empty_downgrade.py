"""nickname"""
from alembic import op
import sqlalchemy as sa

revision = "a3"
down_revision = "a2"


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    op.add_column("users", sa.Column("nickname", sa.Text(), nullable=True))


def downgrade():
    pass
