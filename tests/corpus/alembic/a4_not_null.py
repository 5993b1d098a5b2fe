"""tenant"""
from alembic import op
import sqlalchemy as sa

revision = "a4"
down_revision = "a3"


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    op.add_column("users", sa.Column("tenant_id", sa.BigInteger(), nullable=False))


def downgrade():
    op.drop_column("users", "tenant_id")
