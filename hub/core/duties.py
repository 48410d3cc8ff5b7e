"""Work that one hub process at a time does for the whole hub.

Several hub processes share one database, but some work must happen once:
running the managed services (one copy of each), purging expired tokens,
syncing the proxy's routes (one process at a time).
Each live process also holds a duty of its own (``member:<name>``), so the
processes know each other and share the polling of running servers out.
Each such duty is a row of ``duties`` naming the process that holds it and
until when. The holder renews it (every third of the lease); when it stops
renewing (it died, or hangs), any other process takes the duty once the
lease has run out. A process restarted in the same place (the same name: its
host and port) takes its predecessor's duties at once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hub.db.models import Duty

SERVICES = "managed-services"
PURGE = "purge"
#: bringing the proxy's routes in step with the database: one process at a time
PROXY_SYNC = "proxy-sync"
#: sending events to webhooks: one process at a time, so each goes out once, in order
WEBHOOKS = "webhooks"
#: each live process holds ``member:<its name>``: who shares the polling of servers
MEMBER = "member:"
#: a process gone this long is forgotten
FORGET_AFTER = timedelta(hours=1)


def acquire(session: Session, name: str, owner: str, until: datetime, now: datetime) -> bool:
    """Hold (or keep holding) the duty until ``until``; False while another process holds it."""
    result = session.execute(
        update(Duty)
        .where(Duty.name == name, or_(Duty.owner == owner, Duty.expires < now))
        .values(owner=owner, expires=until)
    )
    if result.rowcount:  # type: ignore[attr-defined]
        return True
    if session.get(Duty, name) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(Duty(name=name, owner=owner, expires=until))
    except IntegrityError:
        return False  # another process created it first
    return True


def release(session: Session, name: str, owner: str, now: datetime) -> None:
    """Give the duty up (at shutdown): another process may take it at once."""
    session.execute(update(Duty).where(Duty.name == name, Duty.owner == owner).values(expires=now))


def members(session: Session, now: datetime) -> list[str]:
    """The names of the live hub processes (holding their member duty), sorted."""
    rows = session.execute(select(Duty.name).where(Duty.name.startswith(MEMBER), Duty.expires >= now))
    return sorted(name.removeprefix(MEMBER) for name in rows.scalars())


def forget_gone(session: Session, now: datetime) -> None:
    session.execute(delete(Duty).where(Duty.name.startswith(MEMBER), Duty.expires < now - FORGET_AFTER))
