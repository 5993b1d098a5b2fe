"""rename coupons to promotions

Revision ID: 47018cc3da34
Revises: 76bb3ac3ec5d
Create Date: 2024-03-16 19:44:00.123473

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '47018cc3da34'
down_revision: Union[str, Sequence[str], None] = '76bb3ac3ec5d'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.drop_constraint("fk_orders_coupon", "orders", type_="foreignkey")
    op.rename_table("coupons", "promotions")
    op.create_foreign_key("fk_orders_promotion", "orders", "promotions", ["coupon_code"], ["code"])


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_constraint("fk_orders_promotion", "orders", type_="foreignkey")
    op.rename_table("promotions", "coupons")
    op.create_foreign_key("fk_orders_coupon", "orders", "coupons", ["coupon_code"], ["code"])
