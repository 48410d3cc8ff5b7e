"""The totals of the Prometheus counters and histograms, added up over
every hub process

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "metric_totals",
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("labels", sa.Text(), nullable=False),
        sa.Column("sample", sa.String(32), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("name", "labels", "sample", name="pk_metric_totals"),
    )


def downgrade() -> None:
    op.drop_table("metric_totals")
