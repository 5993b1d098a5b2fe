"""customer phone required

Revision ID: 76bb3ac3ec5d
Revises: 089cca8f7cd0
Create Date: 2024-03-12 19:07:00.123472

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '76bb3ac3ec5d'
down_revision: Union[str, Sequence[str], None] = '089cca8f7cd0'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.execute("UPDATE customers SET phone = 'unknown' WHERE phone IS NULL")
    op.alter_column("customers", "phone", existing_type=sa.String(length=30), nullable=False,
                    server_default="unknown")


def downgrade() -> None:
    """Downgrade schema."""
    op.alter_column("customers", "phone", existing_type=sa.String(length=30), nullable=True,
                    server_default=None)
