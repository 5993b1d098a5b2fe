"""rename customer name

Revision ID: 99dd6aea2bb7
Revises: cde5b776359d
Create Date: 2024-02-17 15:25:00.123466

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '99dd6aea2bb7'
down_revision: Union[str, Sequence[str], None] = 'cde5b776359d'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.alter_column("customers", "name", new_column_name="full_name",
                    existing_type=sa.String(length=120), existing_nullable=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.alter_column("customers", "full_name", new_column_name="name",
                    existing_type=sa.String(length=120), existing_nullable=False)
