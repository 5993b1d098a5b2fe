"""index orders by customer

Revision ID: 15f40f644a5c
Revises: 1a6b9ed26cf4
Create Date: 2024-01-20 11:06:00.123459

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '15f40f644a5c'
down_revision: Union[str, Sequence[str], None] = '1a6b9ed26cf4'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_index(op.f("ix_orders_customer_id"), "orders", ["customer_id"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f("ix_orders_customer_id"), table_name="orders")
