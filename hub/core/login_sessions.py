"""Login sessions: a row per browser login, the check every login cookie
passes, and ending one or all of a user's sessions.

A login makes a row (:func:`start`) whose id the login cookie carries, signed.
The cookie is a credential only while the row exists (:func:`find`, one
primary-key lookup joined to the user), so a session ended through any hub
process is refused by all of them at the next request. Ending a session
deletes its row, revokes the tokens and OAuth codes issued during it (they
carry its id in ``session_id``) in the same transaction.

Login cookies of before sessions were recorded carry the user's
``cookie_id`` instead, beside the unsigned ``jupyterhub-session-id`` cookie.
They keep working, so that an upgrade logs nobody out: the first request
makes a ``legacy`` row for them (by the session id cookie), so they are
listed and can be ended like the others. Such a cookie cannot be told apart
from a copy of it, so ending a legacy session, or all sessions, gives the
user a new ``cookie_id``: every cookie of that kind the user has stops
working (their other legacy rows go too), while sessions made since stay.

Activity is recorded as the user's is: at most once per
``activity_resolution``, after the request, in a transaction of its own.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, literal, select, true, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from hub.db import raw
from hub.db.models import APIToken, LoginSession, OAuthCode, User
from hub.errors import NotFound
from hub.timeutil import utcnow

#: longer user agents are cut to this (the column's size)
USER_AGENT_LENGTH = 512
ADDRESS_LENGTH = 255


@dataclass(frozen=True)
class Presented:
    """What a browser presents: the session id its login cookie names, and for
    a legacy login cookie the ``cookie_id`` it carries; the user agent and
    address are recorded when a legacy session's row is made."""

    session_id: str
    cookie_id: str | None = None
    user_agent: str = ""
    address: str = ""


@dataclass(frozen=True)
class Found:
    """The user of a session that passed the check, and what its activity needs."""

    user_id: int
    name: str
    admin: bool
    user_activity: datetime | None
    auth_refreshed: datetime | None
    presented: Presented
    #: None: a legacy login whose row :func:`record` is to make
    session_activity: datetime | None

    def stale(self, now: datetime, resolution: timedelta) -> bool:
        """Whether :func:`record` has something to write."""
        return self.session_activity is None or now - self.session_activity >= resolution


_USER = (User.id, User.name, User.admin, User.last_activity, User.auth_refreshed)
_DECODERS = (None, None, raw.boolean, raw.timestamp, raw.timestamp, raw.timestamp)
_BY_SESSION = raw.RawQuery(
    select(*_USER, LoginSession.last_activity)
    .select_from(LoginSession)
    .join(User, User.id == LoginSession.user_id)
    .where(LoginSession.id == bindparam("session_id")),
    _DECODERS,
)
# a legacy cookie: its user, and the row of its session id, if there is one
_BY_COOKIE = raw.RawQuery(
    select(*_USER, LoginSession.last_activity, LoginSession.user_id, LoginSession.legacy)
    .select_from(User)
    .outerjoin(LoginSession, LoginSession.id == bindparam("session_id"))
    .where(User.cookie_id == bindparam("cookie_id")),
    (*_DECODERS, None, raw.boolean),
)


def find(conn: Connection, presented: Presented) -> Found | None:
    """The user whose session the browser presents; None when it is no
    credential (no such session, or a legacy cookie of a ``cookie_id`` since
    changed, or one naming a session that is not its own)."""
    params = {"session_id": presented.session_id}
    if presented.cookie_id is None:
        row = _BY_SESSION.first(conn, params)
        if row is None:
            return None
    else:
        row = _BY_COOKIE.first(conn, {**params, "cookie_id": presented.cookie_id})
        if row is None:
            return None
        owner, legacy = row[6], row[7]
        if owner is not None and (owner != row[0] or not legacy):
            return None
    user_id, name, admin, user_activity, auth_refreshed, session_activity = row[:6]
    return Found(user_id, name, admin, user_activity, auth_refreshed, presented, session_activity)


def record(conn: Connection, found: Found, now: datetime, resolution: timedelta) -> None:
    """The session's activity now (at most once per ``resolution``), or the
    row of a legacy login, made unless its ``cookie_id`` changed meanwhile."""
    presented = found.presented
    if found.session_activity is not None:
        conn.execute(
            update(LoginSession)
            .where(LoginSession.id == presented.session_id)
            .where(LoginSession.last_activity < now - resolution)
            .values(last_activity=now)
        )
        return
    made = select(
        literal(presented.session_id),
        User.id,
        literal(now),
        literal(now),
        literal(presented.user_agent[:USER_AGENT_LENGTH]),
        literal(presented.address[:ADDRESS_LENGTH]),
        true(),
    ).where(User.id == found.user_id, User.cookie_id == presented.cookie_id)
    columns = ["id", "user_id", "created", "last_activity", "user_agent", "address", "legacy"]
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    # two first requests at once: one of them makes the row
    conn.execute(insert(LoginSession).from_select(columns, made).on_conflict_do_nothing())


def start(session: Session, user_id: int, user_agent: str, address: str) -> str:
    """A new session of the user (a login); returns its id."""
    session_id = secrets.token_hex(16)
    now = utcnow()
    session.add(
        LoginSession(
            id=session_id,
            user_id=user_id,
            created=now,
            last_activity=now,
            user_agent=user_agent[:USER_AGENT_LENGTH],
            address=address[:ADDRESS_LENGTH],
            legacy=False,
        )
    )
    session.flush()
    return session_id


# --- listing and ending -------------------------------------------------------------


def _user_id(session: Session, name: str) -> int:
    user_id = session.execute(select(User.id).where(User.name == name)).scalar_one_or_none()
    if user_id is None:
        raise NotFound(f"No such user: {name}")
    return user_id


def page(session: Session, name: str, offset: int, limit: int) -> tuple[int, list[LoginSession]]:
    """The user's sessions, oldest first: (how many in all, one page)."""
    user_id = _user_id(session, name)
    mine = LoginSession.user_id == user_id
    total = session.execute(select(func.count()).select_from(LoginSession).where(mine)).scalar_one()
    rows = session.execute(
        select(LoginSession)
        .where(mine)
        .order_by(LoginSession.created, LoginSession.id)
        .offset(offset)
        .limit(limit)
    ).scalars()
    return total, list(rows)


def one(session: Session, name: str, session_id: str) -> LoginSession:
    """The user's session ``session_id``; 404 for another user's, as for none."""
    user_id = _user_id(session, name)
    row = session.get(LoginSession, session_id)
    if row is None or row.user_id != user_id:
        raise NotFound(f"No such session {session_id} for user {name}")
    return row


def _revoke_issued(session: Session, user_id: int, in_session: Any) -> None:
    """Revoke the user's tokens (and unexchanged OAuth codes) whose
    ``session_id`` satisfies ``in_session``."""
    session.execute(delete(APIToken).where(APIToken.user_id == user_id, in_session(APIToken.session_id)))
    session.execute(delete(OAuthCode).where(OAuthCode.user_id == user_id, in_session(OAuthCode.session_id)))


def _new_cookie_id(session: Session, user_id: int) -> None:
    """Every legacy login cookie of the user stops working, and their rows go."""
    session.execute(update(User).where(User.id == user_id).values(cookie_id=secrets.token_hex(16)))
    session.execute(
        delete(LoginSession).where(LoginSession.user_id == user_id, LoginSession.legacy == true())
    )


def end(session: Session, user_id: int, session_id: str) -> bool:
    """End one session of the user (logging out, or over the API): its row
    and the tokens issued in it go. False when the user has no such session
    (the tokens issued in it are revoked all the same: a logout of a login of
    before sessions were recorded still ends what it gave out)."""
    legacy = session.execute(
        select(LoginSession.legacy).where(LoginSession.id == session_id, LoginSession.user_id == user_id)
    ).scalar_one_or_none()
    _revoke_issued(session, user_id, lambda column: column == session_id)
    if legacy is None:
        return False
    session.execute(delete(LoginSession).where(LoginSession.id == session_id))
    if legacy:
        _new_cookie_id(session, user_id)
    return True


def end_all(session: Session, name: str) -> None:
    """End every session of the user: all rows, every token issued in a
    browser session, and (a new ``cookie_id``) every legacy login cookie."""
    user_id = _user_id(session, name)
    _revoke_issued(session, user_id, lambda column: column.is_not(None))
    session.execute(delete(LoginSession).where(LoginSession.user_id == user_id))
    _new_cookie_id(session, user_id)


def purge_expired(session: Session, max_age: timedelta) -> int:
    """Delete the sessions whose login cookie is too old to be accepted."""
    result = session.execute(delete(LoginSession).where(LoginSession.created < utcnow() - max_age))
    return int(getattr(result, "rowcount", 0) or 0)
