"""status index"""
from alembic import op
import sqlalchemy as sa

revision = "a2"
down_revision = "a1"


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    op.create_index("orders_status_idx", "orders", ["status"], postgresql_concurrently=True)


def downgrade():
    op.drop_index("orders_status_idx", table_name="orders")
