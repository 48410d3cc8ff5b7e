"""Who is asking: turn a token into an :class:`Identity`.

This runs on every authenticated request, so it is kept to two small queries
(the token, or the login session, with its owner, then the owner's roles and
groups) and no ORM objects. Activity timestamps are written at most once per
``activity_resolution``, in a transaction of their own, so that reading
requests stay read-only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, select

from hub.auth import hashing
from hub.auth import scopes as sc
from hub.auth.identity import Identity, credential_scopes
from hub.core import login_sessions, roles
from hub.core import tokens as tokens_core
from hub.core import users as users_core
from hub.db import raw
from hub.db.models import APIToken, Service, User
from hub.runtime import Hub
from hub.timeutil import utcnow

SERVER_TOKEN_NOTE = "Server at "

_COLUMNS = (
    APIToken.id,
    APIToken.hashed,
    APIToken.expires_at,
    APIToken.last_activity,
    APIToken.scopes,
    APIToken.session_id,
    APIToken.note,
    User.id,
    User.name,
    User.admin,
    User.last_activity,
    User.auth_refreshed,
    Service.id,
    Service.name,
    Service.admin,
)
_BASE = (
    select(*_COLUMNS)
    .outerjoin(User, User.id == APIToken.user_id)
    .outerjoin(Service, Service.id == APIToken.service_id)
)
_DECODERS = (
    None, None, raw.timestamp, raw.timestamp, raw.json_value, None, None,
    None, None, raw.boolean, raw.timestamp, raw.timestamp, None, None, raw.boolean,
)  # fmt: skip
_BY_ID = raw.RawQuery(_BASE.where(APIToken.id == bindparam("id")), _DECODERS)
_BY_PREFIX = raw.RawQuery(_BASE.where(APIToken.prefix == bindparam("prefix")), _DECODERS)


def _find_row(conn: Connection, value: str, memo: tokens_core.VerifiedTokens) -> Any:
    fingerprint = hashing.fingerprint(value)
    hit = memo.get(fingerprint)
    if hit is not None:
        row = _BY_ID.first(conn, {"id": hit[0]})
        if row is not None and row[1] == hit[1]:
            return row
        memo.drop(fingerprint)
    for row in _BY_PREFIX.all(conn, {"prefix": hashing.prefix_of(value)}):
        if hashing.verify(value, row[1]):
            memo.put(fingerprint, row[0], row[1])
            return row
    return None


class Activity:
    """Activity to record after the request, if the stored values are stale
    (``session``: the login session's, or its row to make)."""

    def __init__(
        self, token_id: int | None, user_id: int | None, session: login_sessions.Found | None = None
    ) -> None:
        self.token_id = token_id
        self.user_id = user_id
        self.session = session


def identify(conn: Connection, value: str, hub: Hub) -> tuple[Identity, Activity | None] | None:
    row = _find_row(conn, value, hub.verified_tokens)
    now = utcnow()
    if row is None or (row[2] is not None and row[2] < now):
        return None
    (token_id, _, _, token_activity, token_scopes, session_id, note, user_id, user_name, user_admin,
     user_activity, auth_refreshed, service_id, service_name, service_admin) = row  # fmt: skip
    if user_id is not None:
        role_scopes, _, groups = roles.user_role_scopes(conn, user_id)
        kind, owner_id, name, admin = "user", user_id, user_name, user_admin
    elif service_id is not None:
        role_scopes, groups = roles.service_role_scopes(conn, service_id), set()
        kind, owner_id, name, admin = "service", service_id, service_name, service_admin
    else:
        return None
    owner = sc.Owner(kind, name)
    identity = Identity(
        kind=kind,
        id=owner_id,
        name=name,
        admin=admin,
        groups=frozenset(groups),
        scopes=credential_scopes(frozenset(role_scopes), owner, frozenset(groups), frozenset(token_scopes)),
        token_id=token_id,
        session_id=session_id,
        refresh_due=kind == "user" and hub.logins.due(auth_refreshed, now),
    )
    resolution = hub.activity_resolution

    def stale(when: datetime | None) -> bool:
        return when is None or now - when >= resolution

    touch_user = kind == "user" and not note.startswith(SERVER_TOKEN_NOTE) and stale(user_activity)
    activity = None
    if stale(token_activity) or touch_user:
        activity = Activity(token_id, owner_id if touch_user else None)
    return identity, activity


def identify_cookie(
    conn: Connection, presented: login_sessions.Presented, hub: Hub
) -> tuple[Identity, Activity | None] | None:
    """The user of a browser's login session (None: it has ended, or never was)."""
    found = login_sessions.find(conn, presented)
    if found is None:
        return None
    now = utcnow()
    role_scopes, _, groups = roles.user_role_scopes(conn, found.user_id)
    owner = sc.Owner("user", found.name)
    identity = Identity(
        kind="user",
        id=found.user_id,
        name=found.name,
        admin=found.admin,
        groups=frozenset(groups),
        scopes=credential_scopes(frozenset(role_scopes), owner, frozenset(groups), None),
        session_id=presented.session_id,
        refresh_due=hub.logins.due(found.auth_refreshed, now),
    )
    resolution = hub.activity_resolution
    user_stale = found.user_activity is None or now - found.user_activity >= resolution
    session = found if found.stale(now, resolution) else None
    if not user_stale and session is None:
        return identity, None
    return identity, Activity(None, found.user_id if user_stale else None, session)


def record(conn: Connection, hub: Hub, activity: Activity) -> None:
    now = utcnow()
    resolution = hub.activity_resolution
    if activity.token_id is not None:
        tokens_core.touch(conn, activity.token_id, now, resolution)
    if activity.user_id is not None:
        users_core.touch(conn, activity.user_id, now, resolution)
    if activity.session is not None:
        login_sessions.record(conn, activity.session, now, resolution)
