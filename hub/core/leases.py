"""Which hub process runs a server's pending start or stop.

Several hub processes share one database. The process that plans a start or
a stop (:func:`hub.core.servers.plan_start`, ``plan_stop``) takes a lease on
the server row: its name (``lease_owner``) and an expiry, which it renews
while the work runs. When the work ends (ready, failed, stopped) the lease is
cleared with the pending state. A lease that expires belongs to a process
that died (or hung): any other process may then claim it and finish the work
(:mod:`hub.core.lifecycle` adopts a start whose server answers, ends the rest
as failures, and finishes stops).

A process is named by its host and the hub's port, so a process restarted in
the same place recognises its predecessor's leases and claims them at once.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from hub.db.models import Server, User


@dataclass(frozen=True)
class Lease:
    owner: str
    duration: timedelta

    def until(self, now: datetime) -> datetime:
        return now + self.duration

    @property
    def machine(self) -> str:
        """The machine this process runs on (its name is ``machine:port``)."""
        return machine_of(self.owner)


def machine_of(owner: str) -> str:
    return owner.rpartition(":")[0] or owner


@dataclass(frozen=True)
class Orphan:
    """A pending start or stop whose lease has run out."""

    server_id: int
    user: str
    server_name: str
    pending: str
    state: dict[str, Any]
    spawn_url: str | None
    #: the machine its process runs on, when only that machine's hub processes may act on it
    machine: str | None = None


def renew(session: Session, owner: str, server_ids: Collection[int], until: datetime) -> int:
    """Extend the leases ``owner`` holds on these servers; how many it still holds."""
    if not server_ids:
        return 0
    result = session.execute(
        update(Server)
        .where(Server.id.in_(list(server_ids)), Server.lease_owner == owner, Server.pending.is_not(None))
        .values(lease_expires=until)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _claimable(owner: str | None, now: datetime) -> Any:
    expired = or_(Server.lease_expires.is_(None), Server.lease_expires < now)
    return expired if owner is None else or_(expired, Server.lease_owner == owner)


def orphans(session: Session, now: datetime, predecessor: str | None = None) -> list[Orphan]:
    """Pending starts and stops whose lease expired, and (at start-up) those
    of ``predecessor``, the process that ran here before."""
    rows = session.execute(
        select(
            Server.id, User.name, Server.name, Server.pending, Server.state, Server.spawn_url, Server.machine
        )
        .join(User, User.id == Server.user_id)
        .where(Server.pending.in_(("spawn", "stop")), _claimable(predecessor, now))
    )
    return [Orphan(r[0], r[1], r[2], r[3], dict(r[4] or {}), r[5], r[6]) for r in rows]


def claim(session: Session, orphan: Orphan, lease: Lease, now: datetime, predecessor: bool = False) -> bool:
    """Take the lease on an orphan, if it is still one (exactly one claimer wins)."""
    claimable = _claimable(lease.owner if predecessor else None, now)
    result = session.execute(
        update(Server)
        .where(Server.id == orphan.server_id, Server.pending == orphan.pending, claimable)
        .values(lease_owner=lease.owner, lease_expires=lease.until(now))
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
