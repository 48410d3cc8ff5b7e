"""Engine and session set-up.

One request is one transaction. On SQLite, a transaction that will write starts
with ``BEGIN IMMEDIATE``: SQLite otherwise upgrades a read transaction to a
write one lazily, and concurrent read-modify-write cycles can fail or lose
updates. The database runs in WAL mode with a busy timeout, so readers never
wait for writers.

On PostgreSQL, a write transaction runs at REPEATABLE READ: it sees one
snapshot, and if a row it updates or deletes was changed by another
transaction since that snapshot, PostgreSQL refuses the write (a
serialization failure) instead of overwriting the other change. Inserting a
name another transaction just inserted fails on the unique constraint.
:meth:`Database.run` runs such a transaction again from the start: the
second attempt reads what the winner committed and decides afresh (the
renamed-away user is now missing, the name is now taken), so concurrent
writers apply in turn and none is lost. SQLite needs no retry: its write
transactions never overlap.

Handlers run in worker threads with synchronous drivers (sqlite3, psycopg): a
request costs one hop from the event loop to a thread, whatever number of
queries it makes.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session

from hub.errors import Busy, DatabaseUnavailable

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"
WRITE = "hub_write"
#: in a connection's ``info``: what the current transaction noted for the
#: change stream (:mod:`hub.core.events`); cleared as each transaction begins
NOTES = "hub_notes"
POOL_SIZE = 20

T = TypeVar("T")

#: PostgreSQL errors after which a transaction is run again: serialization
#: failure, deadlock, and unique or foreign-key violations (another
#: transaction committed the same name, or deleted a row this one refers to)
RETRYABLE = frozenset({"40001", "40P01", "23505", "23503"})
#: PostgreSQL errors that mean the server cannot serve now: shutting down
#: (admin, crash), starting up, too many connections
UNREACHABLE = frozenset({"57P01", "57P02", "57P03", "53300"})
#: how long a transaction keeps being retried before it gives up (Busy, 503)
RETRY_BUDGET = 10.0


def sqlstate(error: BaseException) -> str | None:
    """The SQLSTATE of a PostgreSQL error, raised through SQLAlchemy or by
    the driver itself (hub.db.raw runs statements on the driver's cursor)."""
    state = getattr(getattr(error, "orig", error), "sqlstate", None)
    return state if isinstance(state, str) else None


def unreachable(error: BaseException) -> bool:
    """Whether a PostgreSQL error means the database cannot be reached (the
    server restarting or gone, a connection dropped, no connection to be
    had), rather than a fault of the statement: the request may be tried
    again as it was."""
    import psycopg

    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(error, PoolTimeout):
        return True
    orig = getattr(error, "orig", error)
    if not isinstance(orig, psycopg.OperationalError | psycopg.InterfaceError):
        return False
    state = sqlstate(orig)
    if state is None:
        return True  # no answer from a server at all
    # the server said so: a connection fault, shutting down or starting, or full;
    # not a conflict (40001 is an OperationalError too, retried by Database.run)
    return state.startswith("08") or state in UNREACHABLE


def sync_url(url: str) -> str:
    """Map the URLs people write in config to the drivers we ship."""
    parsed = make_url(url)
    driver = parsed.drivername
    if driver in ("sqlite+aiosqlite", "sqlite+pysqlite"):
        parsed = parsed.set(drivername="sqlite")
    elif driver in ("postgresql", "postgres", "postgresql+psycopg2", "postgresql+asyncpg"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


class Transaction:
    """The connection of one transaction, and an ORM session on it when needed."""

    __slots__ = ("_session", "conn")

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._session: Session | None = None

    @property
    def session(self) -> Session:
        if self._session is None:
            self._session = Session(
                bind=self.conn,
                join_transaction_mode="conditional_savepoint",
                autoflush=False,
                expire_on_commit=False,
            )
        return self._session

    def flush(self) -> None:
        if self._session is not None:
            self._session.flush()

    def close(self) -> None:
        if self._session is not None:
            self._session.close()


class Database:
    def __init__(self, url: str, echo: bool = False) -> None:
        self.url = sync_url(url)
        self.is_sqlite = self.url.startswith("sqlite")
        kwargs: dict[str, Any] = {"echo": echo, "pool_size": POOL_SIZE, "max_overflow": POOL_SIZE}
        if self.is_sqlite:
            if ":memory:" in self.url or self.url in ("sqlite://", "sqlite:///"):
                raise ValueError("an in-memory SQLite database cannot be shared; use a file")
            kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
        self.engine: Engine = create_engine(self.url, **kwargs)
        write_options: dict[str, Any] = {WRITE: True}
        if self.is_sqlite:
            _setup_sqlite(self.engine)
        else:
            write_options["isolation_level"] = "REPEATABLE READ"
            self._setup_reconnect()
        self._write_engine = self.engine.execution_options(**write_options)
        self._serializable_engine = (
            self._write_engine
            if self.is_sqlite
            else self.engine.execution_options(**{WRITE: True, "isolation_level": "SERIALIZABLE"})
        )
        self._held: dict[bool, Connection] = {}
        #: called just before each transaction commits; True: it wrote events
        self.before_commit: Callable[[Connection], bool] | None = None
        #: called after a transaction that wrote events committed
        self.after_commit: Callable[[], None] | None = None
        #: set by dispose(); work that outlives it must not leave a connection open
        self._closed = False

    def _setup_reconnect(self) -> None:
        """After the database was found unreachable (a restarted server ends
        every connection), pooled connections made before are not used again:
        the pool replaces them as they are checked out."""
        #: connections made before this moment (monotonic seconds) are replaced
        self._lost_at = 0.0

        def born(_dbapi_connection: Any, record: Any) -> None:
            record.info["born"] = time.monotonic()

        def checkout(_dbapi_connection: Any, record: Any, _proxy: Any) -> None:
            if record.info.get("born", 0.0) < self._lost_at:
                raise DisconnectionError("made before the database was lost")  # the pool reconnects

        event.listen(self.engine, "connect", born)
        event.listen(self.engine, "checkout", checkout)

    @contextmanager
    def transaction(self, write: bool = True, serializable: bool = False) -> Iterator[Transaction]:
        """One transaction: commits on success, rolls back on error.

        Hot paths run Core statements on ``tx.conn``; an ORM session bound to
        the same connection and transaction is made only when asked for.
        """
        engine: Engine = self._write_engine if write else self.engine
        if serializable:
            engine = self._serializable_engine
        try:
            with engine.connect() as conn:
                try:
                    with self._run(conn) as tx:
                        yield tx
                except Exception as e:
                    if not self.is_sqlite and unreachable(e) and not conn.invalidated:
                        conn.invalidate()  # not back into the pool: it is dead
                    raise
                finally:
                    if self._closed and not conn.invalidated:
                        # The database was closed while this ran, or before: work
                        # that outlived the hub's stop. Its connection would go
                        # back to a pool nobody closes any more and be collected
                        # open; close it now instead.
                        conn.invalidate()
        except Exception as e:
            if self.is_sqlite or not unreachable(e):
                raise
            # the next transactions connect afresh (once the server answers)
            self._lost_at = time.monotonic()
            first = str(e).splitlines()[0] if str(e) else type(e).__name__
            log.warning("The database cannot be reached: %s", first)
            raise DatabaseUnavailable() from e

    def run(
        self,
        fn: Callable[[Transaction], T],
        write: bool = True,
        inline: bool = False,
        serializable: bool = False,
    ) -> T:
        """``fn(tx)`` in one transaction, run again from the start while it
        loses to concurrent writes (PostgreSQL; see the module's docstring).

        ``fn`` must touch nothing but the database: it may run several times,
        and only the last run's writes are committed. A write that depends on
        how many rows match a condition (a limit on the number of servers)
        asks for ``serializable``: REPEATABLE READ would let two transactions
        each count before the other inserts, and both pass the limit.
        """
        if self.is_sqlite or not write:
            with (self.inline_transaction if inline else self.transaction)(write) as tx:
                return fn(tx)
        deadline = time.monotonic() + RETRY_BUDGET
        attempt = 0
        while True:
            try:
                with self.transaction(write, serializable) as tx:
                    return fn(tx)
            except Exception as e:
                if sqlstate(e) not in RETRYABLE:
                    raise
                if time.monotonic() > deadline:
                    log.warning("A write lost to concurrent writes for %.0f s; giving up", RETRY_BUDGET)
                    raise Busy() from e
                # a short random pause keeps the losers of one race from meeting again
                time.sleep(random.uniform(0, min(0.002 * 2**attempt, 0.1)))
                attempt += 1

    @contextmanager
    def inline_transaction(self, write: bool = True) -> Iterator[Transaction]:
        """A transaction on a connection this process keeps for inline requests.

        Only for SQLite requests run on the event loop: they run one at a
        time and to completion, so one connection serves them all and the
        pool's check-out and reset (about 30 µs) are saved.
        """
        if not self.is_sqlite:
            raise RuntimeError("inline transactions are for SQLite only")
        conn = self._held.get(write)
        if conn is None or conn.closed:
            engine = self._write_engine if write else self.engine
            conn = self._held[write] = engine.connect()
        with self._run(conn) as tx:
            yield tx

    @contextmanager
    def _run(self, conn: Connection) -> Iterator[Transaction]:
        conn.info.pop(NOTES, None)  # a failed transaction's, on a reused connection
        wrote = False
        with conn.begin():
            tx = Transaction(conn)
            try:
                yield tx
                tx.flush()
                if self.before_commit is not None and NOTES in conn.info:
                    wrote = self.before_commit(conn)
            finally:
                tx.close()
        if wrote and self.after_commit is not None:
            self.after_commit()

    @contextmanager
    def session(self, write: bool = True) -> Iterator[Session]:
        """An ORM session in its own transaction (start-up, command line)."""
        with self.transaction(write) as tx:
            yield tx.session

    def upgrade(self) -> None:
        """Bring the schema to the newest revision (creating it if empty)."""
        with self.engine.execution_options(**{WRITE: True}).begin() as conn:
            if not self.is_sqlite:
                # several workers may start together: one migrates at a time
                conn.execute(text("SELECT pg_advisory_xact_lock(80818081)"))
            current = MigrationContext.configure(conn).get_current_revision()
            head = head_revision()
            if current != head:
                log.info("Upgrading database schema from %s to %s", current, head)
                command.upgrade(alembic_config(conn), "head")

    def current_revision(self) -> str | None:
        with self.engine.connect() as conn:
            revision: str | None = MigrationContext.configure(conn).get_current_revision()
            return revision

    def dispose(self) -> None:
        self._closed = True
        for conn in self._held.values():
            conn.close()
        self._held.clear()
        self.engine.dispose()


def alembic_config(connection: Connection | None = None) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def _setup_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # let the "begin" listener below decide how transactions start
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get(WRITE, False)
        # on the driver's connection: exec_driver_sql would cost more than the BEGIN
        conn.connection.driver_connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")  # type: ignore[union-attr]
