"""server lifecycle: progress events, spawn errors, server tokens

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("servers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("progress", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("spawn_error", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("token_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_servers_token_id_api_tokens"), "api_tokens", ["token_id"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    with op.batch_alter_table("servers", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_servers_token_id_api_tokens"), type_="foreignkey")
        batch_op.drop_column("token_id")
        batch_op.drop_column("spawn_error")
        batch_op.drop_column("progress")
