"""The schema: migrations match the models; SQLite runs in WAL mode."""

import asyncio

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from hub.db.engine import Database, async_url, head_revision
from hub.db.models import Base


def test_migrations_produce_exactly_the_models(db_url):
    async def diff():
        db = Database(db_url)
        try:
            await db.upgrade()
            async with db.engine.connect() as conn:
                return await conn.run_sync(
                    lambda c: compare_metadata(MigrationContext.configure(c), Base.metadata)
                ), await db.current_revision()
        finally:
            await db.dispose()

    changes, revision = asyncio.run(diff())
    assert changes == []
    assert revision == head_revision()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path):
    async def pragmas():
        db = Database(f"sqlite:///{tmp_path}/x.sqlite")
        try:
            async with db.engine.connect() as conn:
                mode = (await conn.execute(text("PRAGMA journal_mode"))).scalar()
                fks = (await conn.execute(text("PRAGMA foreign_keys"))).scalar()
                return mode, fks
        finally:
            await db.dispose()

    assert asyncio.run(pragmas()) == ("wal", 1)


def test_config_urls_map_to_async_drivers():
    assert async_url("sqlite:///jupyterhub.sqlite") == "sqlite+aiosqlite:///jupyterhub.sqlite"
    assert async_url("postgresql://u:p@h/db") == "postgresql+asyncpg://u:p@h/db"


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
