"""The metrics' figures in the database: totals added up, gauges counted.

Every hub process adds the deltas it observed (:mod:`hub.metrics.recorder`)
to ``metric_totals`` with an upsert that adds (``value = value +
excluded.value``), so concurrent flushes never lose an increment: on
PostgreSQL each row's update waits for the other's and adds to what it
committed (or, under REPEATABLE READ, the transaction runs again), on SQLite
write transactions run one at a time. The gauges are a few counts over the
users and servers, made at scrape time.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from hub.db.models import MetricTotal, Server, User
from hub.errors import log_failure
from hub.metrics import catalogue as cat
from hub.metrics.recorder import Recorder, Row, labels_key

log = logging.getLogger(__name__)

#: (metric name, labels as JSON, sample) -> value
Samples = dict[tuple[str, str, str], float]
Transact = Callable[..., Awaitable[Any]]
NO_LABELS = "{}"


def add(session: Session, rows: Iterable[Row]) -> None:
    """Add each row's amount to its total (created at the amount if missing)."""
    values = [{"name": n, "labels": labels, "sample": s, "value": v} for n, labels, s, v in rows]
    if not values:
        return
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    insert = dialect.insert(MetricTotal)
    upsert = insert.on_conflict_do_update(
        index_elements=[MetricTotal.name, MetricTotal.labels, MetricTotal.sample],
        set_={"value": MetricTotal.value + insert.excluded.value},
    )
    session.execute(upsert, values)


def totals(session: Session) -> Samples:
    rows = session.execute(
        select(MetricTotal.name, MetricTotal.labels, MetricTotal.sample, MetricTotal.value)
    )
    return {(r[0], r[1], r[2]): float(r[3]) for r in rows}


def gauges(session: Session, now: datetime) -> Samples:
    """Users (all, and active within each period) and servers (active: running,
    starting or stopping, as JupyterHub counts them; and starting)."""
    user_counts = [func.count(User.id)] + [
        func.count(User.id).filter(User.last_activity >= now - timedelta(seconds=seconds))
        for seconds in cat.ACTIVE_PERIODS.values()
    ]
    users = session.execute(select(*user_counts)).one()
    active = or_(Server.pending.is_not(None), Server.url.is_not(None))
    servers = session.execute(
        select(func.count(Server.id).filter(active), func.count(Server.id).filter(Server.pending == "spawn"))
    ).one()
    samples: Samples = {
        (cat.TOTAL_USERS, NO_LABELS, ""): users[0],
        (cat.RUNNING_SERVERS, NO_LABELS, ""): servers[0],
        (cat.SPAWNS_IN_FLIGHT, NO_LABELS, ""): servers[1],
    }
    active_users = cat.CATALOGUE[cat.ACTIVE_USERS]
    for period, count in zip(cat.ACTIVE_PERIODS, users[1:], strict=True):
        samples[(cat.ACTIVE_USERS, labels_key(active_users, (period,)), "")] = count
    return samples


class Totals:
    """Flushes this process's observations, and reads the whole hub's figures.

    A flush and a scrape of one process never overlap (a lock), so a scrape
    counts each observation once: in the database or in the recorder.
    """

    def __init__(self, transact: Transact, recorder: Recorder) -> None:
        self.transact = transact
        self.recorder = recorder
        self._lock = asyncio.Lock()

    async def flush(self) -> None:
        """Add what was observed since the last flush to the database's totals
        (kept for the next flush if the database cannot be written)."""
        async with self._lock:
            rows = self.recorder.take()
            if not rows:
                return
            try:
                await self.transact(lambda s: add(s, rows))
            except Exception:
                self.recorder.put_back(rows)
                raise

    async def keep_flushing(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            try:
                await self.flush()
            except Exception:
                log_failure(log, "Writing the metrics to the database failed; the next flush tries again")

    async def samples(self, now: datetime) -> Samples:
        """Every figure: the gauges, the totals, and this process's unflushed deltas."""
        async with self._lock:
            found: Samples = await self.transact(lambda s: {**totals(s), **gauges(s, now)}, write=False)
            for name, labels, sample, amount in self.recorder.peek():
                found[(name, labels, sample)] = found.get((name, labels, sample), 0.0) + amount
        return found
