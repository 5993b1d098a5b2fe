"""merge reporting into main

Revision ID: acfd3ef1a08e
Revises: 0b6d855b3cb7, ca39930d523d
Create Date: 2024-02-25 16:39:00.123468

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'acfd3ef1a08e'
down_revision: Union[str, Sequence[str], None] = ('0b6d855b3cb7', 'ca39930d523d')
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    pass


def downgrade() -> None:
    """Downgrade schema."""
    pass
