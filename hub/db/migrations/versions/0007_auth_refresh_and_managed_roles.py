"""When each user's login was last refreshed; roles and role grants the authenticator manages

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("auth_refreshed", sa.DateTime(), nullable=True))
    with op.batch_alter_table("roles", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("managed_by_auth", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("user_role_map", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("managed_by_auth", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("user_role_map", schema=None) as batch_op:
        batch_op.drop_column("managed_by_auth")
    with op.batch_alter_table("roles", schema=None) as batch_op:
        batch_op.drop_column("managed_by_auth")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("auth_refreshed")
