"""Servers record which hub process runs their start or stop (a lease), and
where a start's process listens before it is ready

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("servers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lease_owner", sa.String(255), nullable=True))
        batch_op.add_column(sa.Column("lease_expires", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("spawn_url", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("servers", schema=None) as batch_op:
        batch_op.drop_column("spawn_url")
        batch_op.drop_column("lease_expires")
        batch_op.drop_column("lease_owner")
