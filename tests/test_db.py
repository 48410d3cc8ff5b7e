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
