"""This process's reader of new events, shared by all its change-stream subscribers.

However many clients follow ``GET /hub/api/events`` on one hub process, the
process reads each new event from the database once and hands it to every
subscriber. It reads when woken: by a commit of this process that wrote
events, by a PostgreSQL notice that another process did (channel
``hub_events``, :mod:`hub.db.changes`), and every so often all the same
(often on SQLite, which has no notices and may be shared by processes on one
machine). It runs only while someone subscribes.

A subscriber joins before it reads the history it asked for, so nothing
falls between that history and what the feed hands it afterwards; it drops
the ids it has already sent. A subscriber that falls too far behind is
ended (its client resumes with ``Last-Event-ID``, losing nothing) rather
than holding the process's memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterator
from datetime import datetime
from typing import Any

log = logging.getLogger(__name__)

Row = tuple[int, datetime, str, dict[str, Any]]
#: events read in one query
BATCH = 500
#: batches a subscriber may have waiting before it is ended
BACKLOG = 200


class Subscriber:
    """One follower of the stream: batches of new events, in order."""

    def __init__(self) -> None:
        self.batches: asyncio.Queue[list[Row] | None] = asyncio.Queue(BACKLOG)

    def end(self) -> None:
        """End the stream now: what is queued is dropped, not sent (the client
        resumes after the last event it received)."""
        while not self.batches.empty():
            self.batches.get_nowait()
        self.batches.put_nowait(None)

    def hand(self, batch: list[Row]) -> bool:
        """Queue a batch; False when the subscriber is too far behind."""
        try:
            self.batches.put_nowait(batch)
        except asyncio.QueueFull:
            return False
        return True


class EventFeed:
    def __init__(
        self,
        read: Callable[[int, int], Awaitable[list[Row]]],
        newest: Callable[[], Awaitable[int]],
        poll_seconds: Callable[[], float],
    ) -> None:
        #: events after an id, oldest first, at most a number of them
        self._read = read
        #: the newest event id (where a new feed starts)
        self._newest = newest
        #: how long to wait for a wake-up before reading all the same
        self._poll_seconds = poll_seconds
        self._subscribers: set[Subscriber] = set()
        self._cursor = 0
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._started: asyncio.Future[None] | None = None

    def poke(self) -> None:
        """New events may have been committed (callable from any thread)."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            if asyncio.get_running_loop() is loop:
                self._wake.set()
                return
        except RuntimeError:
            pass  # a worker thread
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(self._wake.set)

    async def join(self) -> Subscriber:
        """A new subscriber; the feed hands it every event committed after
        this returns (and possibly some before: the subscriber drops ids it
        has sent)."""
        subscriber = Subscriber()
        self._subscribers.add(subscriber)
        if self._task is None or self._task.done():
            self._loop = asyncio.get_running_loop()
            self._started = self._loop.create_future()
            self._task = asyncio.create_task(self._run(self._started))
        assert self._started is not None
        try:
            await asyncio.shield(self._started)
        except BaseException:
            self.leave(subscriber)
            raise
        return subscriber

    def leave(self, subscriber: Subscriber) -> None:
        self._subscribers.discard(subscriber)
        if not self._subscribers:
            self._wake.set()  # the reader ends

    @contextlib.contextmanager
    def subscribed(self, subscriber: Subscriber) -> Iterator[Subscriber]:
        try:
            yield subscriber
        finally:
            self.leave(subscriber)

    async def stop(self) -> None:
        task, self._task = self._task, None
        for subscriber in list(self._subscribers):
            subscriber.end()
        self._subscribers.clear()
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def _run(self, started: asyncio.Future[None]) -> None:
        try:
            self._cursor = await self._newest()
        except asyncio.CancelledError:
            started.cancel()  # (a future cannot hold a cancellation as its exception)
            self._task = None
            raise
        except Exception as e:
            started.set_exception(e)
            self._task = None
            return
        started.set_result(None)
        while self._subscribers:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(
                    self._poll_seconds()
                ):  # (not wait_for: it can lose a cancellation)
                    await self._wake.wait()
            self._wake.clear()
            if not self._subscribers:
                break
            try:
                await self._read_new()
            except asyncio.CancelledError:
                raise
            except Exception as e:  # the database is away: try again at the next wake
                log.warning("Reading new events failed: %s", e)
                await asyncio.sleep(self._poll_seconds())

    async def _read_new(self) -> None:
        while True:
            batch = await self._read(self._cursor, BATCH)
            if not batch:
                return
            self._cursor = batch[-1][0]
            for subscriber in list(self._subscribers):
                if not subscriber.hand(batch):
                    log.info("An event-stream subscriber fell %d batches behind; ending its stream", BACKLOG)
                    self._subscribers.discard(subscriber)
                    subscriber.end()
            if len(batch) < BATCH:
                return
