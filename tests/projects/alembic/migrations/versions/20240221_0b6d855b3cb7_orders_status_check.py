"""orders status check

Revision ID: 0b6d855b3cb7
Revises: 99dd6aea2bb7
Create Date: 2024-02-21 16:02:00.123467

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0b6d855b3cb7'
down_revision: Union[str, Sequence[str], None] = '99dd6aea2bb7'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.execute("UPDATE orders SET status = 'new' WHERE status NOT IN ('new', 'paid', 'shipped', 'cancelled')")
    op.create_check_constraint("ck_orders_status", "orders", "status IN ('new', 'paid', 'shipped', 'cancelled')")


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_constraint("ck_orders_status", "orders", type_="check")
