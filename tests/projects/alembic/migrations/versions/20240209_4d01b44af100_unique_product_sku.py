"""unique product sku

Revision ID: 4d01b44af100
Revises: 7f9bc040d05a
Create Date: 2024-02-09 14:11:00.123464

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '4d01b44af100'
down_revision: Union[str, Sequence[str], None] = '7f9bc040d05a'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_unique_constraint("uq_products_sku", "products", ["sku"])


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_constraint("uq_products_sku", "products", type_="unique")
