"""Server rows changed by any hub process, as they change.

On PostgreSQL a trigger (migration 0010) sends a notice on channel
``hub_servers``, carrying the row's id, when a server is added or removed or
changes its pending action, address, progress, start error or reported port;
PostgreSQL delivers it to every listening connection once the writing
transaction commits. Each hub process keeps one connection listening, and
wakes the readers watching that server: a progress stream in process B sends
the events a start in process A records as soon as they are committed.

The same connection listens on ``hub_events``, which a transaction that
wrote events notifies (:mod:`hub.core.events`): it wakes this process's
change-stream feed.

Readers still read the row now and then without a notice (every few seconds),
so a notice lost with a dropped connection delays nothing for long; while the
listening connection is down, and on SQLite (which has no notices and serves
one process), they read every fraction of a second instead.

Use: open a watch *before* reading, wait on it after::

    with changes.watch(server_id) as watch:
        while True:
            row = read()
            ...
            await watch.changed()

A notice that arrives while the row is being read wakes the next wait at once,
so no change is missed between the read and the wait.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterator

from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

CHANNEL = "hub_servers"
#: events committed (:mod:`hub.core.events`), by any hub process
EVENTS_CHANNEL = "hub_events"
#: how often readers read without notices (SQLite, or the listener is down)
POLL_SECONDS = 0.2
#: how often readers read all the same while notices arrive
FALLBACK_SECONDS = 5.0
#: the longest pause between attempts to listen again after losing the connection
RECONNECT_MAX = 5.0


def listen_url(url: str) -> str | None:
    """The libpq address for a database URL, or None where there are no notices."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("postgresql"):
        return None
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


class Watch:
    """One reader's interest in one server row."""

    def __init__(self, feed: ServerChanges) -> None:
        self._feed = feed
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()

    @property
    def noticed(self) -> bool:
        """Whether a notice came since the last wait returned."""
        return self._event.is_set()

    async def changed(self, at_most: float | None = None) -> bool:
        """Return when the row may have changed: True when a notice came,
        False when it is time to read anyway (after ``at_most`` seconds at
        the latest)."""
        timeout = self._feed.fallback if self._feed.listening else POLL_SECONDS
        if at_most is not None:
            timeout = min(timeout, at_most)
        try:
            await asyncio.wait_for(self._event.wait(), timeout)
        except TimeoutError:
            return False
        self._event.clear()
        return True


class ServerChanges:
    """This process's listener for server-row notices, and the readers it wakes."""

    def __init__(self, url: str | None, fallback: float = FALLBACK_SECONDS) -> None:
        #: libpq address to listen on; None: no notices (SQLite)
        self.url = url
        self.fallback = fallback
        #: whether the listening connection is up (readers wait longer then)
        self.listening = False
        self._watches: dict[int, set[Watch]] = {}
        self._task: asyncio.Task[None] | None = None
        self._connected = asyncio.Event()
        #: called when another process may have committed events (channel hub_events)
        self.on_events: Callable[[], None] = lambda: None

    async def start(self) -> None:
        """Begin listening (PostgreSQL); returns once listening, or after a short wait for it."""
        if self.url is None or self._task is not None:
            return
        self._task = asyncio.create_task(self._listen())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._connected.wait(), 5)

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        self.listening = False

    @contextlib.contextmanager
    def watch(self, server_id: int) -> Iterator[Watch]:
        watch = Watch(self)
        self._watches.setdefault(server_id, set()).add(watch)
        try:
            yield watch
        finally:
            watches = self._watches.get(server_id)
            if watches is not None:
                watches.discard(watch)
                if not watches:
                    del self._watches[server_id]

    def _wake(self, server_id: int) -> None:
        for watch in self._watches.get(server_id, ()):
            watch.notify()

    def _wake_all(self) -> None:
        for watches in self._watches.values():
            for watch in watches:
                watch.notify()

    async def _listen(self) -> None:
        import psycopg

        assert self.url is not None
        pause = 0.1
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(self.url, autocommit=True) as conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    await conn.execute(f"LISTEN {EVENTS_CHANNEL}")
                    self.listening = True
                    self._connected.set()
                    pause = 0.1
                    self._wake_all()  # whatever changed while nobody listened
                    self.on_events()
                    async for notice in conn.notifies():
                        if notice.channel == EVENTS_CHANNEL:
                            self.on_events()
                            continue
                        with contextlib.suppress(ValueError):
                            self._wake(int(notice.payload))
            except asyncio.CancelledError:
                raise
            except Exception as e:
                if self.listening:
                    log.warning("Lost the database connection that listens for server changes: %s", e)
            finally:
                self.listening = False
            await asyncio.sleep(pause)
            pause = min(pause * 2, RECONNECT_MAX)
