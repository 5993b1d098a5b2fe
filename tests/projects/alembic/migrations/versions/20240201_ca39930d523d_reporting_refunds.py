"""reporting refunds

Revision ID: ca39930d523d
Revises: 115acee3db88
Create Date: 2024-02-01 12:57:00.123462

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'ca39930d523d'
down_revision: Union[str, Sequence[str], None] = '115acee3db88'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column("daily_sales", sa.Column("refunds", sa.Numeric(precision=14, scale=2), nullable=True))
    op.create_index("ix_daily_sales_revenue", "daily_sales", ["revenue"])


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_daily_sales_revenue", table_name="daily_sales")
    op.drop_column("daily_sales", "refunds")
