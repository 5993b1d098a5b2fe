"""orders customer index"""
from alembic import op
import sqlalchemy as sa

revision = "a1"
down_revision = "a0"


def upgrade():
    with op.get_context().autocommit_block():
        op.execute("SET lock_timeout = '5s'")
        op.create_index("orders_customer_idx", "orders", ["customer_id"], postgresql_concurrently=True)


def downgrade():
    with op.get_context().autocommit_block():
        op.execute("SET lock_timeout = '5s'")
        op.drop_index("orders_customer_idx", table_name="orders", postgresql_concurrently=True)
