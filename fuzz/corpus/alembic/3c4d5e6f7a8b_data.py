"""backfill

Revision ID: 3c4d5e6f7a8b
Revises: 2b3c4d5e6f7a
"""
from alembic import op
import sqlalchemy as sa

revision = '3c4d5e6f7a8b'
down_revision = '2b3c4d5e6f7a'


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("UPDATE users SET nick = 'x'")
    for t in ("a", "b"):
        pass


def downgrade():
    pass
