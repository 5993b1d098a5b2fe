"""customer phone

Revision ID: 7f9bc040d05a
Revises: 85e1d12be312
Create Date: 2024-02-05 13:34:00.123463

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '7f9bc040d05a'
down_revision: Union[str, Sequence[str], None] = '85e1d12be312'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column("customers", sa.Column("phone", sa.String(length=30), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_column("customers", "phone")
