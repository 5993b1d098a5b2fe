from alembic import op

down_revision = "a4"


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    op.execute("ALTER TABLE users ADD COLUMN bio text")


def downgrade():
    op.execute("ALTER TABLE users DROP COLUMN bio")
