"""Sharing servers: shares and share codes. No HTTP here.

A share grants scopes on exactly one server to one user or one group, at
most one share per (server, user) and per (server, group). A share code is
a secret that any user may exchange for a share of its server; it is stored
hashed and always expires.

Scopes are stored as bare names; every scope of a share is narrowed to the
share's server (``!server=owner/name``) when it is read. Granting checks
that each scope exists, carries no other filter, and is held by the granter
on that server; the receiver's permissions are resolved from these rows on
every request (:func:`hub.core.roles.user_role_scopes`).
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, delete, func, or_, select
from sqlalchemy.orm import Session, aliased

from hub.auth import hashing
from hub.auth import scopes as sc
from hub.core import events
from hub.db.models import Group, Server, Share, ShareCode, User, user_group_map
from hub.errors import BadRequest, Forbidden, NotFound
from hub.timeutil import utcnow

log = logging.getLogger(__name__)

DEFAULT_SCOPES = ("access:servers",)
DEFAULT_CODE_LIFETIME = 86400  # seconds: one day
CODE_BYTES = 32
CODE_ID = re.compile(r"sc_([0-9]{1,10})")
MAX_ID = 2**31 - 1
CODE_VALUE = re.compile(r"[A-Za-z0-9_-]{1,256}")

#: held on the server: may the requester grant this scope there?
Holds = Callable[[str], bool]
#: held on a user or group by name: may the requester name it?
Names = Callable[[str, str], bool]


@dataclass(frozen=True)
class ServerRef:
    """A shared server as the models show it."""

    id: int
    owner: str
    name: str
    url: str | None
    pending: str | None

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"


@dataclass(frozen=True)
class ShareView:
    id: int
    server: ServerRef
    scopes: list[str]  # filtered to the server
    user: str | None
    group: str | None
    created_at: datetime


@dataclass(frozen=True)
class CodeView:
    id: int
    server: ServerRef
    scopes: list[str]
    created_at: datetime
    expires_at: datetime
    exchange_count: int
    last_exchanged_at: datetime | None


# --- the server and the scopes --------------------------------------------------------


def find_server(session: Session, owner: str, server_name: str) -> ServerRef | None:
    row = session.execute(
        select(Server.id, User.name, Server.name, Server.url, Server.pending)
        .join(User, User.id == Server.user_id)
        .where(User.name == owner, Server.name == server_name)
    ).first()
    return None if row is None else ServerRef(*row)


def server(session: Session, owner: str, server_name: str) -> ServerRef:
    """The stored server ``owner/server_name``; 404 if there is none."""
    ref = find_server(session, owner, server_name)
    if ref is None:
        raise NotFound(f"No such server: {owner}/{server_name}")
    return ref


def owner_id(session: Session, owner: str) -> int:
    found = session.execute(select(User.id).where(User.name == owner)).scalar_one_or_none()
    if found is None:
        raise NotFound(None)
    return found


def bare_scopes(scopes: Sequence[str] | None, owner: str, server_name: str) -> list[str] | None:
    """Scope names without their filter, or None for an empty or absent list.

    A scope must exist and carry no filter other than this server's (400).
    """
    if not scopes:
        return None
    allowed = sc.server_filter(owner, server_name)
    names: set[str] = set()
    for scope in scopes:
        name, sep, flt = scope.partition("!")
        if name not in sc.SCOPES:
            hint = " (did you mean 'inherit'?)" if name == "all" else ""
            raise BadRequest(f"Scope '{scope}' for share does not exist{hint}")
        if sep and flt != allowed:
            raise BadRequest(f"!{flt} not allowed on sharing {scope}, only !{allowed}")
        names.add(name)
    return sorted(names)


def check_grantable(names: Sequence[str], owner: str, server_name: str, holds: Holds) -> None:
    """The granter must hold every scope it grants, on this server (403)."""
    for scope in sc.on_server(names, owner, server_name):
        if not holds(scope.partition("!")[0]):
            raise Forbidden(f"Do not have permission to grant share with scope {scope}")


# --- shares -----------------------------------------------------------------------


_RECEIVER = aliased(User)
_SHARE_COLUMNS = (
    Share.id,
    Server.id,
    User.name,
    Server.name,
    Server.url,
    Server.pending,
    Share.scopes,
    _RECEIVER.name,
    Group.name,
    Share.created_at,
)


def _shares(
    session: Session | Connection, conditions: Sequence[ColumnElement[bool]], offset: int, limit: int | None
) -> list[ShareView]:
    query = (
        select(*_SHARE_COLUMNS)
        .join(Server, Server.id == Share.server_id)
        .join(User, User.id == Server.user_id)
        .outerjoin(_RECEIVER, _RECEIVER.id == Share.user_id)
        .outerjoin(Group, Group.id == Share.group_id)
        .where(*conditions)
        .order_by(Share.id)
        .offset(offset)
    )
    if limit is not None:
        query = query.limit(limit)
    out = []
    for row in session.execute(query):
        share_id, server_id, owner, name, url, pending, scopes, user, group, created = row
        ref = ServerRef(server_id, owner, name, url, pending)
        out.append(ShareView(share_id, ref, sc.on_server(scopes, owner, name), user, group, created))
    return out


def views_where(where: Session | Connection, conditions: Sequence[ColumnElement[bool]]) -> list[ShareView]:
    """Every share matching ``conditions``, in the order they were made."""
    return _shares(where, conditions, 0, None)


def _count(session: Session, model: Any, conditions: Sequence[ColumnElement[bool]]) -> int:
    query = select(func.count(model.id)).join(Server, Server.id == model.server_id).where(*conditions)
    return int(session.execute(query).scalar_one())


def page_of_shares(
    session: Session, conditions: Sequence[ColumnElement[bool]], offset: int, limit: int
) -> tuple[int, list[ShareView]]:
    return _count(session, Share, conditions), _shares(session, conditions, offset, limit)


def of_owner(owner: int) -> list[ColumnElement[bool]]:
    return [Server.user_id == owner]


def of_server(ref: ServerRef) -> list[ColumnElement[bool]]:
    return [Share.server_id == ref.id]


def of_receiver_user(session: Session, user: str) -> list[ColumnElement[bool]]:
    """Shares granted to the user, directly or through one of their groups; 404 for no such user."""
    uid = session.execute(select(User.id).where(User.name == user)).scalar_one_or_none()
    if uid is None:
        raise NotFound(f"No such user: {user}")
    groups = select(user_group_map.c.group_id).where(user_group_map.c.user_id == uid)
    return [or_(Share.user_id == uid, Share.group_id.in_(groups))]


def of_receiver_group(session: Session, group: str) -> list[ColumnElement[bool]]:
    gid = session.execute(select(Group.id).where(Group.name == group)).scalar_one_or_none()
    if gid is None:
        raise NotFound(f"No such group: {group}")
    return [Share.group_id == gid]


def _receiver_id(session: Session, kind: str, name: str) -> int | None:
    model: Any = User if kind == "user" else Group
    found: int | None = session.execute(select(model.id).where(model.name == name)).scalar_one_or_none()
    return found


def _share_row(session: Session, ref: ServerRef, kind: str, receiver: int) -> Share | None:
    column = Share.user_id if kind == "user" else Share.group_id
    return session.execute(
        select(Share).where(Share.server_id == ref.id, column == receiver)
    ).scalar_one_or_none()


def _view(session: Session, share_id: int) -> ShareView:
    return _shares(session, [Share.id == share_id], 0, 1)[0]


def grant(
    session: Session,
    ref: ServerRef,
    kind: str,
    receiver: str,
    scopes: Sequence[str] | None,
    holds: Holds,
    may_name: Names,
) -> ShareView:
    """Grant ``scopes`` (default: access) on ``ref`` to a user or a group, merging
    them into an existing share."""
    names = bare_scopes(scopes, ref.owner, ref.name) or list(DEFAULT_SCOPES)
    check_grantable(names, ref.owner, ref.name, holds)
    scope = "read:users:name" if kind == "user" else "read:groups:name"
    if not may_name(kind, receiver):
        raise Forbidden(f"Need scope '{scope}' to share with {kind}s by name")
    receiver_id = _receiver_id(session, kind, receiver)
    if receiver_id is None:
        raise BadRequest(f"No such {kind}: {receiver}")
    share = _share_row(session, ref, kind, receiver_id)
    if share is None:
        share = Share(server_id=ref.id, scopes=names, created_at=utcnow())
        if kind == "user":
            share.user_id = receiver_id
        else:
            share.group_id = receiver_id
        session.add(share)
        log.info("Sharing %s with %s %s: %s", ref.full_name, kind, receiver, names)
        session.flush()
        events.note(session, "share.created", share.id)
    elif not set(names) <= set(share.scopes):
        share.scopes = sorted(set(share.scopes) | set(names))
        log.info("Sharing more of %s with %s %s: %s", ref.full_name, kind, receiver, names)
        events.note(session, "share.updated", share.id)
    session.flush()
    return _view(session, share.id)


def revoke(
    session: Session, ref: ServerRef, kind: str, receiver: str, scopes: Sequence[str] | None
) -> ShareView | None:
    """Take ``scopes`` (all when none are given) from one receiver's share;
    the share that remains, or None when nothing does."""
    names = bare_scopes(scopes, ref.owner, ref.name)
    receiver_id = _receiver_id(session, kind, receiver)
    share = _share_row(session, ref, kind, receiver_id) if receiver_id is not None else None
    if share is None:
        return None
    remaining = [] if names is None else [s for s in share.scopes if s not in names]
    if not remaining:
        events.removed(session, "share.deleted", [share.id])
        session.delete(share)
        session.flush()
        log.info("Revoked all of %s from %s %s", ref.full_name, kind, receiver)
        return None
    if remaining != share.scopes:
        share.scopes = remaining
        session.flush()
        events.note(session, "share.updated", share.id)
        log.info("Revoked %s on %s from %s %s", names, ref.full_name, kind, receiver)
    return _view(session, share.id)


def revoke_all(session: Session, ref: ServerRef) -> None:
    events.removed(
        session, "share.deleted", events.keys_of(session, select(Share.id).where(Share.server_id == ref.id))
    )
    session.execute(delete(Share).where(Share.server_id == ref.id))
    log.info("Revoked every share of %s", ref.full_name)


def received(session: Session, kind: str, receiver: str, owner: str, server_name: str) -> Share:
    """The share of ``owner/server_name`` granted to this user or group itself (404;
    for no such group, a 404 that says so, as JupyterHub answers)."""
    receiver_id = _receiver_id(session, kind, receiver)
    if receiver_id is None and kind == "group":
        raise NotFound(f"No such group: {receiver}")
    ref = find_server(session, owner, server_name) if receiver_id is not None else None
    share = None
    if receiver_id is not None and ref is not None:
        share = _share_row(session, ref, kind, receiver_id)
    if share is None:
        raise NotFound(f"No such share for {kind} {receiver} on {owner}/{server_name}")
    return share


def received_view(session: Session, kind: str, receiver: str, owner: str, server_name: str) -> ShareView:
    return _view(session, received(session, kind, receiver, owner, server_name).id)


def leave(session: Session, kind: str, receiver: str, owner: str, server_name: str) -> None:
    share = received(session, kind, receiver, owner, server_name)
    events.removed(session, "share.deleted", [share.id])
    session.delete(share)
    session.flush()


# --- share codes --------------------------------------------------------------------


def _live_code() -> ColumnElement[bool]:
    return ShareCode.expires_at >= utcnow()


def page_of_codes(
    session: Session, conditions: Sequence[ColumnElement[bool]], offset: int, limit: int
) -> tuple[int, list[CodeView]]:
    """A page of unexpired codes (expired ones are never shown, and purged hourly)."""
    where = [*conditions, _live_code()]
    rows = session.execute(
        select(ShareCode, User.name, Server.name, Server.url, Server.pending)
        .join(Server, Server.id == ShareCode.server_id)
        .join(User, User.id == Server.user_id)
        .where(*where)
        .order_by(ShareCode.id)
        .offset(offset)
        .limit(limit)
    ).all()
    views = [
        _code_view(code, ServerRef(code.server_id, owner, name, url, pending))
        for code, owner, name, url, pending in rows
    ]
    return _count(session, ShareCode, where), views


def codes_of_owner(owner: int) -> list[ColumnElement[bool]]:
    return [Server.user_id == owner]


def codes_of_server(ref: ServerRef) -> list[ColumnElement[bool]]:
    return [ShareCode.server_id == ref.id]


def _code_view(code: ShareCode, ref: ServerRef) -> CodeView:
    return CodeView(
        code.id,
        ref,
        sc.on_server(code.scopes, ref.owner, ref.name),
        code.created_at,
        code.expires_at,
        code.exchange_count,
        code.last_exchanged_at,
    )


def check_code_cap(session: Session, ref: ServerRef, cap: int) -> None:
    """Refuse a new code for a server of a user whose servers already have
    ``cap`` unexpired codes (``JupyterHub.max_share_codes_per_user``; 0: no
    cap). The caller's transaction is serializable: it counts, then inserts."""
    if not cap:
        return
    held = _count(session, ShareCode, [*codes_of_owner(owner_id(session, ref.owner)), _live_code()])
    if held >= cap:
        raise Forbidden(
            f"User {ref.owner} already has the maximum of {cap} share codes; "
            "revoke one (or let one expire) before issuing another"
        )


def issue_code(
    session: Session,
    ref: ServerRef,
    scopes: Sequence[str] | None,
    expires_in: int,
    holds: Holds,
    cap: int = 0,
) -> tuple[CodeView, str]:
    """A new code for ``ref`` and its value, which is not stored and not shown
    again; refused past ``cap`` codes of the owner (:func:`check_code_cap`)."""
    names = bare_scopes(scopes, ref.owner, ref.name) or list(DEFAULT_SCOPES)
    check_grantable(names, ref.owner, ref.name, holds)
    check_code_cap(session, ref, cap)
    value = secrets.token_urlsafe(CODE_BYTES)
    now = utcnow()
    code = ShareCode(
        server_id=ref.id,
        prefix=hashing.prefix_of(value),
        hashed=hashing.hash_token(value, hashing.GENERATED_ROUNDS),
        scopes=names,
        created_at=now,
        expires_at=now + timedelta(seconds=expires_in),
        exchange_count=0,
    )
    session.add(code)
    session.flush()
    log.info("Issued share code sc_%d for %s", code.id, ref.full_name)
    return _code_view(code, ref), value


def _find_code(session: Session, value: str, ref: ServerRef) -> ShareCode | None:
    candidates = session.execute(
        select(ShareCode).where(ShareCode.prefix == hashing.prefix_of(value), ShareCode.server_id == ref.id)
    ).scalars()
    return next((c for c in candidates if hashing.verify(value, c.hashed)), None)


def revoke_codes(session: Session, ref: ServerRef, code: str | None, code_id: str | None) -> None:
    """Delete one code, given by its value or its id (404 when none matches), or all of the server's."""
    if code:
        found = _find_code(session, code, ref)
        if found is None:
            raise NotFound("No matching code found")
        session.delete(found)
    elif code_id:
        match = CODE_ID.fullmatch(code_id)
        row = None
        # ids beyond the integer column's range match nothing (and must not reach the database)
        if match is not None and int(match.group(1)) <= MAX_ID:
            row = session.execute(
                select(ShareCode).where(ShareCode.server_id == ref.id, ShareCode.id == int(match.group(1)))
            ).scalar_one_or_none()
        if row is None:
            raise NotFound(f"No code found matching id={code_id}")
        session.delete(row)
    else:
        session.execute(delete(ShareCode).where(ShareCode.server_id == ref.id))
    session.flush()
    log.info("Revoked share codes of %s", ref.full_name)


def purge_expired_codes(session: Session) -> int:
    result = session.execute(delete(ShareCode).where(ShareCode.expires_at < utcnow()))
    return int(getattr(result, "rowcount", 0) or 0)


# --- accepting a share code ------------------------------------------------------------


@dataclass(frozen=True)
class Invitation:
    """What a share code offers, as the accept page shows it."""

    server: ServerRef
    scopes: list[str]
    expires_at: datetime
    already_held: bool  # the visitor's own share already holds every scope of the code


def _code_by_value(session: Session, value: str) -> tuple[ShareCode, ServerRef] | None:
    """The code with this value, expired or not, and its server."""
    # a code is url-safe base64: anything else matches nothing (and must not reach the database)
    if not CODE_VALUE.fullmatch(value):
        return None
    rows = session.execute(
        select(ShareCode, User.name, Server.name, Server.url, Server.pending)
        .join(Server, Server.id == ShareCode.server_id)
        .join(User, User.id == Server.user_id)
        .where(ShareCode.prefix == hashing.prefix_of(value))
    ).all()
    for code, owner, name, url, pending in rows:
        if hashing.verify(value, code.hashed):
            return code, ServerRef(code.server_id, owner, name, url, pending)
    return None


def _usable_code(session: Session, value: str, visitor: str, status: int) -> tuple[ShareCode, ServerRef]:
    """The live code with this value, for a visitor who is not its owner.

    ``status`` is the one for an unusable code: 404 on the page, 400 on
    its form (as JupyterHub answers). The message says why it is unusable.
    """
    error = NotFound if status == 404 else BadRequest
    found = _code_by_value(session, value)
    if found is None:
        raise error(
            "No share code matches this link: it was revoked by its owner, its server was removed, "
            "or the link is incomplete. Ask the owner for a new link."
        )
    code, ref = found
    if code.expires_at < utcnow():
        stamp = code.expires_at.strftime("%Y-%m-%d %H:%M UTC")
        raise error(f"This share code expired on {stamp}. Ask {ref.owner} for a new link.")
    if ref.owner == visitor:
        raise (Forbidden if status == 404 else BadRequest)(
            "This is a share code of your own server: you cannot share it with yourself."
        )
    return code, ref


def invitation(session: Session, value: str, visitor: str) -> Invitation:
    """What accepting the code would give ``visitor`` (404 for an unusable code, 403 for its owner)."""
    code, ref = _usable_code(session, value, visitor, 404)
    visitor_id = _receiver_id(session, "user", visitor)
    share = _share_row(session, ref, "user", visitor_id) if visitor_id is not None else None
    held = share is not None and set(code.scopes) <= set(share.scopes)
    return Invitation(ref, sc.on_server(code.scopes, ref.owner, ref.name), code.expires_at, held)


def accept_code(session: Session, value: str, visitor: str) -> ShareView:
    """Exchange a code for a share of its server for ``visitor``, merged into
    the share they may already have; 400 for an unusable code or its owner.

    Every exchange is counted, also a repeated one by the same user (as
    JupyterHub counts). One transaction: on PostgreSQL a concurrent
    revocation, a second acceptance or a removal of the server makes it run
    again and decide on what committed.
    """
    code, ref = _usable_code(session, value, visitor, 400)
    visitor_id = _receiver_id(session, "user", visitor)
    if visitor_id is None:
        raise BadRequest(f"No such user: {visitor}")
    share = _share_row(session, ref, "user", visitor_id)
    if share is None:
        share = Share(server_id=ref.id, user_id=visitor_id, scopes=sorted(code.scopes), created_at=utcnow())
        session.add(share)
        session.flush()
        events.note(session, "share.created", share.id)
    elif not set(code.scopes) <= set(share.scopes):
        share.scopes = sorted(set(share.scopes) | set(code.scopes))
        events.note(session, "share.updated", share.id)
    code.exchange_count += 1
    code.last_exchanged_at = utcnow()
    session.flush()
    log.info("Share code sc_%d of %s accepted by %s", code.id, ref.full_name, visitor)
    return _view(session, share.id)
