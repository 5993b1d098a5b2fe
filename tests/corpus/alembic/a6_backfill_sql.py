"""backfill"""
from alembic import op
import sqlalchemy as sa

revision = "a6"
down_revision = "a5"


def upgrade():
    op.execute(
        """
        UPDATE users SET plan = 'free'
        """
    )


def downgrade():
    op.execute("UPDATE users SET plan = NULL WHERE plan = 'free'")
