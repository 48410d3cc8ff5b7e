"""Notices of changed server rows (PostgreSQL): a write by any process wakes
the readers of that row in every process, at once rather than at their next
read."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import create_engine, text

from hub.db.changes import ServerChanges, listen_url
from hub.db.engine import Database

ON_POSTGRES = pytest.mark.parametrize("db_url", ["postgres"], indirect=True)


def _write(db_url: str, statement: str) -> None:
    """A write by someone else: another engine, as another hub process would."""
    engine = create_engine(db_url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.begin() as conn:
            conn.execute(text(statement))
    finally:
        engine.dispose()


async def _in_thread(db_url: str, statement: str) -> None:
    await asyncio.to_thread(_write, db_url, statement)


def _seed(db_url: str) -> None:
    _write(
        db_url,
        "INSERT INTO users (id, name, admin, created, cookie_id) VALUES (1, 'alice', false, now(), 'c1')",
    )
    _write(
        db_url, "INSERT INTO servers (id, user_id, name, display_name) VALUES (1, 1, '', ''), (2, 1, 'b', '')"
    )


@ON_POSTGRES
def test_a_write_by_another_process_wakes_the_readers_of_that_server(db_url):
    db = Database(db_url)
    db.upgrade()
    db.dispose()
    _seed(db_url)

    async def scenario() -> list[bool]:
        # a fallback far beyond the waits below: only a notice can wake them
        changes = ServerChanges(listen_url(db_url), fallback=60)
        await changes.start()
        seen = []
        try:
            assert changes.listening
            with changes.watch(1) as one, changes.watch(2) as two:
                await _in_thread(db_url, "UPDATE servers SET pending = 'spawn' WHERE id = 1")
                seen.append(await one.changed(at_most=10))
                seen.append(await two.changed(at_most=0.5))  # another server's change
                # activity alone is no change a reader waits for
                await _in_thread(db_url, "UPDATE servers SET last_activity = now() WHERE id = 1")
                seen.append(await one.changed(at_most=0.5))
                await _in_thread(
                    db_url, """UPDATE servers SET progress = '[{"progress": 50}]' WHERE id = 1"""
                )
                seen.append(await one.changed(at_most=10))
                await _in_thread(db_url, "DELETE FROM servers WHERE id = 2")
                seen.append(await two.changed(at_most=10))
        finally:
            await changes.stop()
        assert not changes.listening
        return seen

    assert asyncio.run(scenario()) == [True, False, False, True, True]


@ON_POSTGRES
def test_a_notice_during_the_read_wakes_the_next_wait(db_url):
    """A change committed after a watch opened but before its wait began is not lost."""
    db = Database(db_url)
    db.upgrade()
    db.dispose()
    _seed(db_url)

    async def scenario() -> bool:
        changes = ServerChanges(listen_url(db_url), fallback=60)
        await changes.start()
        try:
            with changes.watch(1) as one:
                await _in_thread(db_url, "UPDATE servers SET url = 'http://127.0.0.1:1' WHERE id = 1")
                # the notice arrives while the reader reads, before it waits
                for _ in range(100):
                    if one.noticed:
                        break
                    await asyncio.sleep(0.1)
                return await one.changed(at_most=0.01)
        finally:
            await changes.stop()

    assert asyncio.run(scenario()) is True


def test_sqlite_has_no_notices():
    assert listen_url("sqlite:////tmp/hub.sqlite") is None
    assert listen_url("postgresql+psycopg://u:p@h:5/db") == "postgresql://u:p@h:5/db"
