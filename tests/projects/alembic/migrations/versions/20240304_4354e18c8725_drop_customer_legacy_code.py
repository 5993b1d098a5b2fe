"""drop customer legacy code

Revision ID: 4354e18c8725
Revises: f213d73508ac
Create Date: 2024-03-04 17:53:00.123470

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '4354e18c8725'
down_revision: Union[str, Sequence[str], None] = 'f213d73508ac'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.drop_column("customers", "legacy_code")


def downgrade() -> None:
    """Downgrade schema."""
    op.add_column("customers", sa.Column("legacy_code", sa.String(length=20), nullable=True))
