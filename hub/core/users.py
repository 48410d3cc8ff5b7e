"""Users: creation, renaming, admin status, deletion, activity."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, or_, select, update
from sqlalchemy import delete as sql_delete
from sqlalchemy.orm import Session

from hub.auth.authenticators import Authenticator
from hub.core import events, grants
from hub.db.models import Server, User
from hub.errors import BadRequest, Conflict, Forbidden, NotFound
from hub.timeutil import parse_timestamp, utcnow

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def _new_user(name: str, admin: bool = False) -> User:
    return User(name=name, admin=admin, created=utcnow(), cookie_id=secrets.token_hex(16))


def by_name(session: Session, name: str) -> User | None:
    if "\x00" in name:
        return None  # no name holds NUL, and PostgreSQL refuses it even in a query (a 500)
    return (session.execute(select(User).where(User.name == name))).scalar_one_or_none()


def require(session: Session, name: str) -> User:
    user = by_name(session, name)
    if user is None:
        raise NotFound(None)
    return user


def _insert(session: Session, names: Sequence[str], admin: bool) -> list[User]:
    users = [_new_user(n, admin) for n in names]
    session.add_all(users)
    session.flush()
    ids = [u.id for u in users]
    # every user has a (stopped) default server record from the start
    session.execute(insert(Server), [{"user_id": uid, "name": "", "display_name": ""} for uid in ids])
    grants.give(session, "user", ids)
    if admin:
        grants.give(session, "admin", ids)
    for user_id in ids:
        events.note(session, "user.created", user_id)
    return users


def create_many(
    session: Session,
    names: Sequence[str],
    authenticator: Authenticator,
    admin: bool = False,
) -> list[User]:
    """Create the users among ``names`` that do not exist yet.

    Names are normalized first. One invalid name creates nothing (400); if
    every name exists already, 409.
    """
    normalized: list[str] = []
    invalid: list[str] = []
    for raw in names:
        name = authenticator.normalize_username(raw)
        if not authenticator.validate_username(name):
            invalid.append(raw)
        elif name not in normalized:
            normalized.append(name)
    if invalid:
        label = "username" if len(invalid) == 1 else "usernames"
        raise BadRequest(f"Invalid {label}: {', '.join(invalid)}")
    existing = set((session.execute(select(User.name).where(User.name.in_(normalized)))).scalars())
    new = [n for n in normalized if n not in existing]
    if not new:
        raise Conflict(f"All {len(normalized)} users already exist")
    return _insert(session, new, admin)


def create_one(session: Session, name: str, authenticator: Authenticator, admin: bool) -> User:
    """Create a user with exactly ``name`` (not normalized, as JupyterHub does)."""
    if not authenticator.validate_username(name):
        raise BadRequest(f"Invalid username: {name}")
    if by_name(session, name) is not None:
        raise Conflict(f"User {name} already exists")
    (user,) = _insert(session, [name], admin)
    return user


def get_or_create_many(session: Session, names: Iterable[str]) -> list[User]:
    """Users by name, creating the missing ones (for configuration)."""
    wanted = list(dict.fromkeys(names))
    if not wanted:
        return []
    found = {u.name: u for u in (session.execute(select(User).where(User.name.in_(wanted)))).scalars()}
    missing = [n for n in wanted if n not in found]
    for user in _insert(session, missing, False) if missing else []:
        found[user.name] = user
    return [found[n] for n in wanted]


def modify(
    session: Session,
    user: User,
    *,
    requester_admin: bool,
    name: str | None = None,
    admin: bool | None = None,
    authenticator: Authenticator,
) -> User:
    if not requester_admin and (user.admin or admin):
        raise Forbidden(
            "Only admins can modify other admins" if user.admin else "Only admins can grant admin permissions"
        )
    before = (user.name, user.admin)
    if name is not None and name != user.name:
        if not authenticator.validate_username(name):
            raise BadRequest(f"Invalid username: {name}")
        if by_name(session, name) is not None:
            raise BadRequest(f"User {name} already exists, username must be unique")
        user.name = name
    if admin is not None and admin != user.admin:
        user.admin = admin
        if admin:
            grants.give(session, "admin", [user.id])
        else:
            grants.take(session, "admin", [user.id])
    if (user.name, user.admin) != before:
        events.note(session, "user.updated", user.id)
    session.flush()
    return user


_ID_BY_NAME: Any = select(User.id).where(User.name == bindparam("name"))
_DELETE: Any = sql_delete(User).where(User.id == bindparam("id"))


def id_of(conn: Connection, name: str) -> int | None:
    user_id: int | None = conn.execute(_ID_BY_NAME, {"name": name}).scalar()
    return user_id


_ACTIVE: Any = (
    select(Server.id)
    .where(Server.user_id == bindparam("id"), or_(Server.pending.is_not(None), Server.url.is_not(None)))
    .limit(1)
)
_ANY_SERVER: Any = select(Server.id).where(Server.user_id == bindparam("id")).limit(1)


def has_active_servers(conn: Connection, user_id: int) -> bool:
    return conn.execute(_ACTIVE, {"id": user_id}).first() is not None


def has_servers(conn: Connection, user_id: int) -> bool:
    """Whether any server (running or not) is recorded for the user."""
    return conn.execute(_ANY_SERVER, {"id": user_id}).first() is not None


def delete(conn: Connection, user_id: int) -> None:
    """Delete a user; the database deletes their tokens, servers, memberships
    and role grants with them (ON DELETE CASCADE)."""
    events.removed(conn, "user.deleted", [user_id])
    conn.execute(_DELETE, {"id": user_id})


FUTURE_SLACK = timedelta(minutes=59)


def _activity_time(text: str) -> datetime:
    try:
        when = parse_timestamp(text)
    except (ValueError, OverflowError):
        raise BadRequest(f"Invalid timestamp: {text!r}") from None
    if when - utcnow() > FUTURE_SLACK:
        raise BadRequest(f"Rejecting activity from more than an hour in the future: {text}")
    return when


def record_activity(
    session: Session,
    user: User,
    last_activity: str | None,
    servers: dict[str, dict[str, str]] | None,
) -> None:
    """Move the user's (and servers') last activity forward, never back."""
    if last_activity is None and servers is None:
        raise BadRequest("body must contain at least one of `last_activity` or `servers`")
    newest = _activity_time(last_activity) if last_activity is not None else None
    updates: dict[str, datetime] = {}
    if servers:
        stored = {
            s.name: s for s in (session.execute(select(Server).where(Server.user_id == user.id))).scalars()
        }
        for server_name, activity in servers.items():
            if server_name not in stored:
                # (the names are keys of the body, which no schema pattern reaches:
                # control characters are shown escaped, never echoed as they are)
                shown = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", server_name)
                raise BadRequest(f"No such server '{shown}' for user {user.name}")
            updates[server_name] = when = _activity_time(activity["last_activity"])
            if newest is None or when > newest:
                newest = when
        for server_name, when in updates.items():
            server = stored[server_name]
            if server.last_activity is None or when > server.last_activity:
                server.last_activity = when
    if newest is not None and (user.last_activity is None or newest > user.last_activity):
        user.last_activity = newest
    session.flush()


def touch(conn: Connection, user_id: int, now: datetime, resolution: timedelta) -> None:
    """Record request activity, at most once per ``resolution``."""
    conn.execute(
        update(User)
        .where(User.id == user_id)
        .where((User.last_activity.is_(None)) | (User.last_activity < now - resolution))
        .values(last_activity=now)
    )


def count(session: Session) -> int:
    return (session.execute(select(func.count(User.id)))).scalar_one()


#: ``log_in``'s default for the encrypted auth_state: leave the stored value
KEEP: Any = object()


def log_in(
    session: Session,
    name: str,
    admin: bool | None,
    *,
    user_info: dict[str, Any] | None = None,
    encrypted_auth_state: bytes | None = KEEP,
    activity: bool = True,
) -> User:
    """A successful login (or refresh of one): the user (created if new), admin
    as the authenticator says (None keeps the stored flag), activity now
    (unless ``activity`` is false), the login confirmed now; the
    authenticator's ``user_info`` and encrypted ``auth_state`` when given."""
    (user,) = get_or_create_many(session, [name])
    if user_info is not None and user_info != user.user_info:
        user.user_info = user_info
        events.note(session, "user.updated", user.id)
    if encrypted_auth_state is not KEEP:
        user.encrypted_auth_state = encrypted_auth_state
    if admin is not None and admin != user.admin:
        user.admin = admin
        (grants.give if admin else grants.take)(session, "admin", [user.id])
        events.note(session, "user.updated", user.id)
    now = utcnow()
    if activity:
        user.last_activity = now
    user.auth_refreshed = now
    session.flush()
    return user


def all_names(session: Session) -> list[str]:
    return list(session.execute(select(User.name)).scalars())
