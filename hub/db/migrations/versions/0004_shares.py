"""Sharing servers: shares and share codes

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _fk(column: str, table: str, source: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{table}.id"], name=op.f(f"fk_{source}_{column}_{table}"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "shares",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("server_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _fk("server_id", "servers", "shares"),
        _fk("user_id", "users", "shares"),
        _fk("group_id", "groups", "shares"),
        sa.CheckConstraint("(user_id IS NULL) != (group_id IS NULL)", name="ck_shares_one_receiver"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shares")),
        sa.UniqueConstraint("server_id", "user_id", name="uq_shares_server_id_user_id"),
        sa.UniqueConstraint("server_id", "group_id", name="uq_shares_server_id_group_id"),
    )
    op.create_index(op.f("ix_shares_server_id"), "shares", ["server_id"], unique=False)
    op.create_index(op.f("ix_shares_user_id"), "shares", ["user_id"], unique=False)
    op.create_index(op.f("ix_shares_group_id"), "shares", ["group_id"], unique=False)
    op.create_table(
        "share_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("server_id", sa.Integer(), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("hashed", sa.String(length=255), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("exchange_count", sa.Integer(), nullable=False),
        sa.Column("last_exchanged_at", sa.DateTime(), nullable=True),
        _fk("server_id", "servers", "share_codes"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_codes")),
        sa.UniqueConstraint("hashed", name=op.f("uq_share_codes_hashed")),
    )
    op.create_index(op.f("ix_share_codes_server_id"), "share_codes", ["server_id"], unique=False)
    op.create_index(op.f("ix_share_codes_prefix"), "share_codes", ["prefix"], unique=False)
    op.create_index(op.f("ix_share_codes_expires_at"), "share_codes", ["expires_at"], unique=False)


def downgrade() -> None:
    op.drop_table("share_codes")
    op.drop_table("shares")
