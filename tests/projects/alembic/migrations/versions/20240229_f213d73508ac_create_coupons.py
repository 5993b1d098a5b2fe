"""create coupons

Revision ID: f213d73508ac
Revises: acfd3ef1a08e
Create Date: 2024-02-29 17:16:00.123469

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'f213d73508ac'
down_revision: Union[str, Sequence[str], None] = 'acfd3ef1a08e'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "coupons",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("percent_off", sa.Integer(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("code"),
    )
    op.add_column("orders", sa.Column("coupon_code", sa.String(length=32), nullable=True))
    op.create_foreign_key("fk_orders_coupon", "orders", "coupons", ["coupon_code"], ["code"])


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_constraint("fk_orders_coupon", "orders", type_="foreignkey")
    op.drop_column("orders", "coupon_code")
    op.drop_table("coupons")
