"""The schema: migrations match the models; SQLite runs in WAL mode."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from hub.db.engine import Database, head_revision, sync_url
from hub.db.models import Base


def test_migrations_produce_exactly_the_models(db_url):
    db = Database(db_url)
    try:
        db.upgrade()
        with db.engine.connect() as conn:
            changes = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        revision = db.current_revision()
    finally:
        db.dispose()
    assert changes == []
    assert revision == head_revision()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path):
    db = Database(f"sqlite:///{tmp_path}/x.sqlite")
    try:
        with db.engine.connect() as conn:
            mode = conn.execute(text("PRAGMA journal_mode")).scalar()
            fks = conn.execute(text("PRAGMA foreign_keys")).scalar()
    finally:
        db.dispose()
    assert (mode, fks) == ("wal", 1)


def test_work_that_outlives_the_database_closes_its_connections(db_url):
    """A transaction still running when the hub closes its database, and one
    begun after, close their connections when they end (none is left open in
    a pool nobody closes, to be collected later)."""
    import threading

    db = Database(db_url)
    began, closed = threading.Event(), threading.Event()
    seen = []

    def in_flight() -> None:
        with db.transaction() as tx:
            seen.append(tx.conn.connection.dbapi_connection)
            began.set()
            closed.wait(10)
            tx.conn.execute(text("SELECT 1"))

    worker = threading.Thread(target=in_flight)
    worker.start()
    assert began.wait(10)
    db.dispose()
    closed.set()
    worker.join(10)
    with db.transaction() as tx:  # begun after
        seen.append(tx.conn.connection.dbapi_connection)
        tx.conn.execute(text("SELECT 1"))
    assert len(seen) == 2
    assert all(_closed(conn) for conn in seen)


def _closed(dbapi_connection) -> bool:
    closed = getattr(dbapi_connection, "closed", None)  # psycopg has it, sqlite3 not
    if closed is not None:
        return bool(closed)
    try:  # sqlite3 has no such attribute; a closed connection refuses to work
        dbapi_connection.execute("SELECT 1")
    except Exception:
        return True
    return False


def test_only_a_database_out_of_reach_is_unreachable():
    """An unreachable database is a 503 to try again; a conflict is retried
    (it is an OperationalError too); a statement's fault is neither."""
    import psycopg

    from hub.db.engine import unreachable

    assert unreachable(psycopg.OperationalError("connection refused"))  # no server answered
    assert unreachable(psycopg.errors.AdminShutdown("terminating connection"))
    assert unreachable(psycopg.errors.CannotConnectNow("the database system is starting up"))
    assert not unreachable(psycopg.errors.SerializationFailure("could not serialize access"))
    assert not unreachable(psycopg.errors.DeadlockDetected("deadlock"))
    assert not unreachable(psycopg.errors.UniqueViolation("duplicate key"))


def test_config_urls_map_to_async_drivers():
    assert sync_url("sqlite:///jupyterhub.sqlite") == "sqlite:///jupyterhub.sqlite"
    assert sync_url("postgresql://u:p@h/db") == "postgresql+psycopg://u:p@h/db"


def test_concurrent_writes_do_not_lose_updates(api):
    """Sixteen clients adding members at once: every member ends up in the group."""
    from concurrent.futures import ThreadPoolExecutor

    names = [f"u{i}" for i in range(16)]
    api.post("/users", json={"usernames": names})
    api.post("/groups/g")
    with ThreadPoolExecutor(16) as pool:
        statuses = list(
            pool.map(lambda n: api.post("/groups/g/users", json={"users": [n]}).status_code, names)
        )
    assert statuses == [200] * 16
    assert sorted(api.get("/groups/g").json()["users"]) == sorted(names)
