"""Limits on failed logins, per user name and per client address.

A failed login is recorded against the name typed and against the client's
address (a row of ``failed_logins`` for each), so every hub process counts
the same attempts. Once either key has ``limit`` failures younger than
``window``, a login with it is refused before the authenticator is asked,
until the oldest of those failures ages out of the window: that wait is the
answer's ``Retry-After``. Refused attempts are not recorded, so the wait
never grows while it is sat out. A successful login clears the user name's
failures (not the address's: one user's success says nothing about the
other names tried from there).

Checking and recording are two transactions around the authenticator (which
may take seconds), so logins running at the same moment may pass the check
together: the limit can be overshot by as many attempts as run at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, insert, select

from hub.db.models import FailedLogin

NAME = "name"
ADDRESS = "address"
#: the longest key stored (the column's width): a longer name typed is cut to it
KEY_LENGTH = 255


@dataclass(frozen=True)
class Policy:
    #: failures allowed per key within ``window``; 0: no limit
    limit: int
    window: timedelta


def _keys(name: str | None, address: str | None) -> list[tuple[str, str]]:
    keys = []
    if name:
        keys.append((NAME, name[:KEY_LENGTH]))
    if address:
        keys.append((ADDRESS, address[:KEY_LENGTH]))
    return keys


def retry_after(
    conn: Connection, policy: Policy, name: str | None, address: str | None, now: datetime
) -> int | None:
    """Seconds until a login with ``name`` from ``address`` is let through
    again, when either has used up the limit; None when it may go ahead."""
    if not policy.limit:
        return None
    waits = []
    for kind, key in _keys(name, address):
        # the limit-th newest failure in the window: once it ages out, one more may go
        oldest_counted = conn.execute(
            select(FailedLogin.at)
            .where(FailedLogin.kind == kind, FailedLogin.key == key, FailedLogin.at > now - policy.window)
            .order_by(FailedLogin.at.desc())
            .offset(policy.limit - 1)
            .limit(1)
        ).scalar_one_or_none()
        if oldest_counted is not None:
            waits.append((oldest_counted + policy.window - now).total_seconds())
    return max(1, math.ceil(max(waits))) if waits else None


def record_failure(
    conn: Connection, policy: Policy, name: str | None, address: str | None, now: datetime
) -> None:
    """Count a failed login against ``name`` and ``address``, and drop their
    failures that no longer count."""
    keys = _keys(name, address)
    if not policy.limit or not keys:
        return
    for kind, key in keys:
        conn.execute(
            delete(FailedLogin).where(
                FailedLogin.kind == kind, FailedLogin.key == key, FailedLogin.at <= now - policy.window
            )
        )
    conn.execute(insert(FailedLogin), [{"kind": kind, "key": key, "at": now} for kind, key in keys])


def clear(conn: Connection, name: str) -> None:
    """Forget the failed logins of the user ``name`` (they just logged in)."""
    conn.execute(delete(FailedLogin).where(FailedLogin.kind == NAME, FailedLogin.key == name[:KEY_LENGTH]))


def purge(conn: Connection, window: timedelta, now: datetime) -> int:
    """Delete the failures of every key older than ``window`` (hourly)."""
    result = conn.execute(delete(FailedLogin).where(FailedLogin.at <= now - window))
    return int(getattr(result, "rowcount", 0) or 0)
