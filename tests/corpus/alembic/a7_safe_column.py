"""note column"""
from alembic import op
import sqlalchemy as sa

revision = "a7"
down_revision = "a6"


def upgrade():
    op.execute("SET SESSION lock_wait_timeout = 5")
    op.add_column("orders", sa.Column("note", sa.Text(), nullable=True))


def downgrade():
    op.drop_column("orders", "note")
