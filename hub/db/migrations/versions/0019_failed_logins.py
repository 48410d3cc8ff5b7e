"""Failed logins, counted per user name and per client address

Revision ID: 0019
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "failed_logins",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_failed_logins"),
    )
    op.create_index("ix_failed_logins_at", "failed_logins", ["at"])
    op.create_index("ix_failed_logins_kind_key_at", "failed_logins", ["kind", "key", "at"])


def downgrade() -> None:
    op.drop_table("failed_logins")
