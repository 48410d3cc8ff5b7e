"""Duties that one hub process at a time performs (managed services, purges),
each held under a lease

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "duties",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("owner", sa.String(255), nullable=False),
        sa.Column("expires", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("duties")
