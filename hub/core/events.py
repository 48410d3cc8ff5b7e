"""Events: one row per change, written in the transaction that makes the change.

Code that changes a resource *notes* it (:func:`note`; :func:`removed` for a
resource about to be deleted). Just before the transaction commits,
:func:`write` takes a snapshot of each noted resource as it then is and
inserts one event per note. Either the change and its events commit
together, or neither does: a reader never sees an event for a change that
was rolled back, nor a change without its event, whichever hub process made
it and whatever crashed afterwards.

A reader resumes after the last id it saw, so ids must become visible in
increasing order. On PostgreSQL a transaction takes a transaction-level
advisory lock before it draws its ids from the sequence and keeps it until
it commits, so the events of concurrent transactions are numbered in the
order they commit (writers wait for each other only for that last step, the
insert and the commit). SQLite has one writer at a time. Ids may skip
numbers (a rolled-back transaction's), never go back.

The snapshot is stored, not the model a requester is sent: the change
stream shapes it for each requester with its own scopes
(:mod:`hub.api.events`), as ``GET`` would show the resource then.

Not events: activity (``last_activity`` moves on every request), a server's
progress messages, and tokens the hub issues to its own servers and clients.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, text
from sqlalchemy.orm import Session

from hub.core import views
from hub.db.changes import EVENTS_CHANNEL
from hub.db.engine import NOTES
from hub.db.models import (
    APIToken,
    Event,
    EventLog,
    Group,
    Role,
    Server,
    Service,
    User,
    group_role_map,
    service_role_map,
    user_group_map,
)
from hub.timeutil import isoformat, parse_timestamp, utcnow

#: every event type, by the kind of resource it is about
TYPES: dict[str, tuple[str, ...]] = {
    "user": ("user.created", "user.updated", "user.deleted"),
    "group": ("group.created", "group.updated", "group.deleted"),
    "server": (
        "server.created",
        "server.starting",
        "server.ready",
        "server.stopping",
        "server.stopped",
        "server.failed",
        "server.updated",
        "server.deleted",
    ),
    "token": ("token.created", "token.deleted"),
    "share": ("share.created", "share.updated", "share.deleted"),
    "service": ("service.created", "service.deleted"),
    "role": ("role.created", "role.updated", "role.deleted"),
}
ALL_TYPES = frozenset(t for types in TYPES.values() for t in types)
#: PostgreSQL: held from drawing ids to commit, so ids commit in order
_ORDER_LOCK = 80818082


def _bind(where: Connection | Session) -> Connection:
    return where.connection() if isinstance(where, Session) else where


def note(where: Connection | Session, type_: str, key: int) -> None:
    """Record, for this transaction, that the resource ``key`` (its row id;
    the kind is the type's prefix) changed as ``type_`` says. Its snapshot
    is taken as the transaction commits."""
    assert type_ in ALL_TYPES, type_
    _bind(where).info.setdefault(NOTES, []).append((type_, key, None))


def removed(where: Connection | Session, type_: str, keys: Iterable[int]) -> None:
    """Like :func:`note`, for resources about to be deleted: their snapshots
    are taken now, while they exist."""
    conn = _bind(where)
    if isinstance(where, Session):
        where.flush()
    pending = conn.info.setdefault(NOTES, [])
    kind = type_.split(".")[0]
    for key in keys:
        snap = snapshot(conn, kind, key)
        if snap is not None:
            pending.append((type_, key, snap))


def write(conn: Connection) -> bool:
    """Insert the events noted in this transaction (called just before it
    commits); True when there were any."""
    pending: list[tuple[str, int, dict[str, Any] | None]] = conn.info.pop(NOTES, None) or []
    if not pending:
        return False
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, int]] = set()
    now = utcnow()
    for type_, key, snap in pending:
        if (type_, key) in seen:
            continue
        seen.add((type_, key))
        if snap is None:
            snap = snapshot(conn, type_.split(".")[0], key)
        if snap is not None:  # gone again within the same transaction
            rows.append({"at": now, "type": type_, "snapshot": snap})
    if not rows:
        return False
    if conn.dialect.name == "postgresql":
        conn.execute(text(f"SELECT pg_advisory_xact_lock({_ORDER_LOCK})"))
        conn.execute(text(f"NOTIFY {EVENTS_CHANNEL}"))  # every process's feed reads on commit
    conn.execute(insert(Event), rows)
    return True


# --- reading ------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Horizon:
    """What history is kept: ids up to ``trimmed_through`` are gone; ``last``
    is the newest id given out (0: none yet)."""

    trimmed_through: int
    last: int


def horizon(conn: Connection) -> Horizon:
    trimmed = conn.execute(select(EventLog.trimmed_through).where(EventLog.id == 1)).scalar() or 0
    last = conn.execute(select(func.max(Event.id))).scalar()
    return Horizon(trimmed, max(trimmed, last or 0))


def after(conn: Connection, after_id: int, limit: int) -> list[tuple[int, datetime, str, dict[str, Any]]]:
    """Up to ``limit`` events after ``after_id``, oldest first."""
    rows = conn.execute(
        select(Event.id, Event.at, Event.type, Event.snapshot)
        .where(Event.id > after_id)
        .order_by(Event.id)
        .limit(limit)
    )
    return [(r[0], r[1], r[2], r[3]) for r in rows]


def trim(session: Session, keep: timedelta) -> int:
    """Delete events older than ``keep``, always keeping the newest (it says
    how far ids have gone); returns how many went."""
    newest = session.execute(select(func.max(Event.id))).scalar()
    if newest is None:
        return 0
    through = session.execute(
        select(func.max(Event.id)).where(Event.at < utcnow() - keep, Event.id < newest)
    ).scalar()
    if through is None:
        return 0
    gone = session.execute(delete(Event).where(Event.id <= through)).rowcount  # type: ignore[attr-defined]
    log = session.get(EventLog, 1)
    if log is None:
        session.add(EventLog(id=1, trimmed_through=through))
    else:
        log.trimmed_through = max(log.trimmed_through, through)
    return int(gone)


# --- snapshots ------------------------------------------------------------------


def snapshot(conn: Connection, kind: str, key: int) -> dict[str, Any] | None:
    """The resource ``kind``/``key`` as stored in an event (None: it does not exist)."""
    snap: dict[str, Any] | None = _SNAPSHOTS[kind](conn, key)
    return snap


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return isoformat(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _user(conn: Connection, user_id: int) -> dict[str, Any] | None:
    view = views.user_by_id(conn, user_id)
    return None if view is None else {"user": _plain(dataclasses.asdict(view))}


def _server(conn: Connection, server_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(Server.user_id, Server.name).where(Server.id == server_id)).first()
    view = views.user_by_id(conn, row[0]) if row is not None else None
    if row is None or view is None:
        return None
    view.servers = [s for s in view.servers if s.name == row[1]]
    return {"user": _plain(dataclasses.asdict(view))}


def _names(conn: Connection, query: Any) -> list[str]:
    return sorted(conn.execute(query).scalars())


def _group(conn: Connection, group_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(Group.name, Group.properties).where(Group.id == group_id)).first()
    if row is None:
        return None
    members = select(User.name).join(user_group_map).where(user_group_map.c.group_id == group_id)
    roles = select(Role.name).join(group_role_map).where(group_role_map.c.group_id == group_id)
    return {
        "name": row[0],
        "properties": row[1] or {},
        "users": _names(conn, members),
        "roles": _names(conn, roles),
    }


_SERVICE_FIELDS = ("name", "admin", "url", "info", "display", "command", "pid")


def _service(conn: Connection, service_id: int) -> dict[str, Any] | None:
    columns = [getattr(Service, f) for f in _SERVICE_FIELDS]
    row = conn.execute(select(*columns).where(Service.id == service_id)).first()
    if row is None:
        return None
    roles = select(Role.name).join(service_role_map).where(service_role_map.c.service_id == service_id)
    return {**dict(zip(_SERVICE_FIELDS, row, strict=True)), "roles": _names(conn, roles)}


_TOKEN_FIELDS = ("id", "note", "created", "expires_at", "last_activity", "session_id", "client_id")


def _token(conn: Connection, token_id: int) -> dict[str, Any] | None:
    from hub.auth import scopes as sc
    from hub.auth.identity import credential_scopes
    from hub.core import roles

    columns = [getattr(APIToken, f) for f in _TOKEN_FIELDS]
    row = conn.execute(
        select(*columns, APIToken.scopes, User.id, User.name)
        .join(User, User.id == APIToken.user_id)
        .where(APIToken.id == token_id)
    ).first()
    if row is None:
        return None  # (services' tokens are not streamed)
    fields = dict(zip(_TOKEN_FIELDS, row[: len(_TOKEN_FIELDS)], strict=True))
    own_scopes, user_id, user_name = row[len(_TOKEN_FIELDS) :]
    role_scopes, _, groups = roles.user_role_scopes(conn, user_id)
    effective = credential_scopes(
        frozenset(role_scopes), sc.Owner("user", user_name), frozenset(groups), frozenset(own_scopes or [])
    )
    return {
        "token": _plain(fields),
        "owner": user_name,
        "groups": sorted(groups),
        "scopes": sorted(effective.strings),
    }


def _share(conn: Connection, share_id: int) -> dict[str, Any] | None:
    from hub.core import groups
    from hub.core import shares as shares_core
    from hub.db.models import Share

    found = shares_core.views_where(conn, [Share.id == share_id])
    if not found:
        return None
    view = found[0]
    return {
        "share": _plain(dataclasses.asdict(view)),
        "owner_groups": sorted(groups.names_of_member(conn, view.server.owner)),
    }


def _role(conn: Connection, role_id: int) -> dict[str, Any] | None:
    from hub.core import roles

    name = conn.execute(select(Role.name).where(Role.id == role_id)).scalar()
    if name is None:
        return None
    with Session(bind=conn, join_transaction_mode="conditional_savepoint") as session:
        snap: dict[str, Any] = _plain(dataclasses.asdict(roles.view(session, name)))
    return snap


_SNAPSHOTS: dict[str, Any] = {
    "user": _user,
    "server": _server,
    "group": _group,
    "service": _service,
    "token": _token,
    "share": _share,
    "role": _role,
}


# --- snapshots back into views (for shaping) ------------------------------------------


def _when(value: str | None) -> datetime | None:
    return parse_timestamp(value) if value else None


def user_view(snap: dict[str, Any]) -> views.UserView:
    data = dict(snap["user"])
    servers = [
        views.ServerView(**{**s, "started": _when(s["started"]), "last_activity": _when(s["last_activity"])})
        for s in data.pop("servers")
    ]
    data["created"] = _when(data["created"])
    data["last_activity"] = _when(data["last_activity"])
    return views.UserView(**data, servers=servers)


def keys_of(conn: Connection | Session, query: Any) -> Sequence[int]:
    """Row ids a query selects (the resources a bulk change touches)."""
    return list(_bind(conn).execute(query).scalars())
