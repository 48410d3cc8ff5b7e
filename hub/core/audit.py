"""The audit log: who changed what, when, from where, and how it ended.

Every state-changing API request is recorded (by :mod:`hub.api.resolver`:
in the request's own transaction when it succeeds, so that a change and its
record commit together or not at all; in a short transaction of its own
when it failed and its transaction was rolled back), and so is every login,
logout and failed login (by the login pages) and every change made from a
browser page (:mod:`hub.web.page_audit`). Records are only ever added;
:func:`purge` deletes those older than ``audit_retention_days``, in the one
hub process that holds the purge duty.

What a record holds is chosen so that no secret can reach it: names, the
operation, the path without its query string, the client's address and the
status code. Never a body, a header's value, a token, a password, a cookie
or authentication state.

A refusal without an identified requester (a failed login, a write with a
token the hub does not know) costs its sender nothing, so such refusals are
recorded up to :data:`REFUSALS_PER_MINUTE` a minute across the hub, lest
anyone grow the table without bound; the access log shows every one.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, delete, func, insert, select

from hub.db.models import AuditRecord
from hub.timeutil import utcnow

LOGIN = "login"
LOGOUT = "logout"
LOGIN_FAILED = "login.failed"
#: a share code accepted on its page (the API has no operation that does it)
ACCEPT_SHARE = "accept-share"
#: the actor kind of a request no credential was accepted for
NOBODY = "none"
REFUSALS_PER_MINUTE = 60

_INSERT = insert(AuditRecord)
_TABLE = AuditRecord.__table__
#: column sizes (values beyond them are cut: a typed user name may be long)
_SIZES = {"type": 64, "method": 16, "actor_name": 255, "resource": 1023, "address": 64, "path": 4096}


@dataclass(frozen=True)
class Entry:
    """One record, before it is written."""

    type: str  # an operationId, or LOGIN, LOGOUT, LOGIN_FAILED, ACCEPT_SHARE
    method: str
    path: str
    outcome: int  # the HTTP status of the answer
    actor_kind: str = NOBODY
    actor_name: str | None = None
    token_id: int | None = None
    resource: str | None = None
    address: str | None = None


def as_user(entry: Entry, name: str) -> Entry:
    """``entry`` made by the user ``name`` in a browser session, about their own account
    (a login, a logout)."""
    return replace(entry, actor_kind="user", actor_name=name, resource=f"user:{name}")


def record(conn: Connection, entry: Entry) -> None:
    """Add the record, in the caller's transaction: one INSERT."""
    values: dict[str, Any] = {**asdict(entry), "at": utcnow()}
    for column, size in _SIZES.items():
        value = values[column]
        if value is None:
            continue
        # what was asked for is kept as it was asked, but a NUL (which PostgreSQL
        # cannot store in text) is written as U+FFFD
        value = value.replace("\x00", "\ufffd")
        values[column] = value[:size]
    conn.execute(_INSERT, values)


def record_refusal(conn: Connection, entry: Entry) -> bool:
    """Add a refusal with no identified requester unless the hub already has
    :data:`REFUSALS_PER_MINUTE` of them from the last minute; whether it was added.
    (Processes counting at once may each add one more: a bound, not an exact cap.)"""
    since = utcnow() - timedelta(minutes=1)
    recent = conn.execute(
        select(func.count())
        .select_from(_TABLE)
        .where(AuditRecord.at >= since, AuditRecord.actor_kind == NOBODY, AuditRecord.outcome >= 400)
    ).scalar_one()
    if recent >= REFUSALS_PER_MINUTE:
        return False
    record(conn, entry)
    return True


@dataclass(frozen=True)
class Filter:
    """What ``GET /audit`` narrows the records to (None: no narrowing)."""

    actor: str | None = None
    actor_kind: str | None = None
    resource: str | None = None
    type: str | None = None
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive
    newest_first: bool = True


def _conditions(f: Filter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if f.actor is not None:
        conditions.append(AuditRecord.actor_name == f.actor)
    if f.actor_kind is not None:
        conditions.append(AuditRecord.actor_kind == f.actor_kind)
    if f.resource is not None:
        conditions.append(AuditRecord.resource == f.resource)
    if f.type is not None:
        conditions.append(AuditRecord.type == f.type)
    if f.since is not None:
        conditions.append(AuditRecord.at >= f.since)
    if f.until is not None:
        conditions.append(AuditRecord.at < f.until)
    return conditions


def page(
    conn: Connection, f: Filter, offset: int, limit: int, after: int | None = None
) -> tuple[int, list[Row[Any]], bool]:
    """(how many records match, the page, whether another page follows).

    Ordered by id, which grows with each record. ``after`` (a record's id)
    seeks past it on the index instead of skipping ``offset`` rows: a page
    deep in a long log costs what the first one does.
    """
    conditions = _conditions(f)
    total = conn.execute(select(func.count()).select_from(_TABLE).where(*conditions)).scalar_one()
    query = select(_TABLE).where(*conditions)
    if after is not None:
        query = query.where(AuditRecord.id < after if f.newest_first else AuditRecord.id > after)
    else:
        query = query.offset(offset)
    order = AuditRecord.id.desc() if f.newest_first else AuditRecord.id.asc()
    rows = list(conn.execute(query.order_by(order).limit(limit + 1)))
    return total, rows[:limit], len(rows) > limit


def purge(conn: Connection, retention_days: int, now: datetime) -> int:
    """Delete the records older than ``retention_days`` (0: keep all); how many went."""
    if retention_days <= 0:
        return 0
    result = conn.execute(delete(AuditRecord).where(AuditRecord.at < now - timedelta(days=retention_days)))
    return int(result.rowcount)
