"""products stock

Revision ID: f615a48954ad
Revises: 47018cc3da34
Create Date: 2024-03-20 20:21:00.123474

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'f615a48954ad'
down_revision: Union[str, Sequence[str], None] = '47018cc3da34'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column("products", sa.Column("stock", sa.Integer(), server_default="0", nullable=False))
    op.alter_column("products", "active", existing_type=sa.Boolean(), server_default=sa.text("false"))


def downgrade() -> None:
    """Downgrade schema."""
    op.alter_column("products", "active", existing_type=sa.Boolean(), server_default=sa.text("true"))
    op.drop_column("products", "stock")
