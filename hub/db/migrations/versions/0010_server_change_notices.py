"""PostgreSQL: a notice on channel ``hub_servers`` (payload: the server's id)
whenever a server row is added, removed, or changes its pending action,
address, progress, start error or reported port

Every hub process listens on the channel, so progress streams and waits in
one process learn at once of what another process did. SQLite has no such
notices: there the readers poll.

Revision ID: 0010
Revises: 0009
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """
        CREATE FUNCTION hub_server_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('hub_servers', COALESCE(NEW.id, OLD.id)::text);
            RETURN NULL;
        END
        $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER servers_changed
        AFTER INSERT OR DELETE OR UPDATE OF pending, url, progress, spawn_error, reported_port
        ON servers FOR EACH ROW EXECUTE FUNCTION hub_server_changed()
        """
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER servers_changed ON servers")
    op.execute("DROP FUNCTION hub_server_changed()")
