"""Server records and the rules of starting and stopping them. No I/O but the database.

A server is *ready* when it has a URL and nothing pending, *pending* while it
starts (``spawn``) or stops (``stop``), and *stopped* otherwise. Everything
about it lives in its row: the pending action, the spawner's state (pid,
port, URL), the progress events of the last start and why it failed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from hub import names
from hub.core import events, oauth, tokens
from hub.core.leases import Lease
from hub.db.models import APIToken, Server, User
from hub.errors import BadRequest, Conflict, NotFound, TooManyRequests
from hub.names import server_prefix, valid_server_name
from hub.timeutil import isoformat, utcnow

REQUESTED = {"progress": 0, "message": "Server requested"}


@dataclass(frozen=True)
class Limits:
    allow_named_servers: bool
    named_server_limit_per_user: int
    concurrent_spawn_limit: int
    active_server_limit: int


@dataclass(frozen=True)
class SpawnPlan:
    """A start that was granted: what the lifecycle needs to carry it out."""

    server_id: int
    user: str
    server_name: str
    token: str
    user_options: dict[str, Any]


class SpawnThrottled(TooManyRequests):
    """``concurrent_spawn_limit``: too many starts are under way."""


class ServerLimitReached(TooManyRequests):
    """``active_server_limit``: too many servers are running or pending."""


def label(user: str, server_name: str) -> str:
    return f"{user}:{server_name}" if server_name else user


def _find_user(session: Session, name: str) -> User | None:
    return session.execute(select(User).where(User.name == name)).scalar_one_or_none()


def _user(session: Session, name: str) -> User:
    user = _find_user(session, name)
    if user is None:
        raise NotFound(None)
    return user


def _server(session: Session, user: User, server_name: str) -> Server | None:
    return session.execute(
        select(Server).where(Server.user_id == user.id, Server.name == server_name)
    ).scalar_one_or_none()


def check_name(server_name: str) -> None:
    if not valid_server_name(server_name):
        raise BadRequest(f"Invalid server_name: {server_name!r}")


def _named_checks(session: Session, user: User, server_name: str, limits: Limits, creating: bool) -> None:
    if not server_name:
        return
    if not limits.allow_named_servers:
        raise BadRequest("Named servers are not enabled.")
    if not creating:
        return
    check_name(server_name)
    limit = limits.named_server_limit_per_user
    if limit:
        named = session.execute(
            select(func.count(Server.id)).where(Server.user_id == user.id, Server.name != "")
        ).scalar_one()
        if named >= limit:
            raise BadRequest(
                f"User {user.name} already has the maximum of {limit} named servers."
                "  One must be deleted before a new server can be created"
            )


def _throttle(session: Session, limits: Limits) -> None:
    if limits.concurrent_spawn_limit:
        spawning = session.execute(
            select(func.count(Server.id)).where(Server.pending == "spawn")
        ).scalar_one()
        if spawning >= limits.concurrent_spawn_limit:
            retry = random.randint(30, 60)
            raise SpawnThrottled(
                f"Too many users trying to log in right now. Try again in {-(-retry // 10) * 10} seconds.",
                headers={"Retry-After": str(retry)},
            )
    if limits.active_server_limit:
        active = session.execute(
            select(func.count(Server.id)).where(or_(Server.pending.is_not(None), Server.url.is_not(None)))
        ).scalar_one()
        if active >= limits.active_server_limit:
            raise ServerLimitReached(
                "Active user limit exceeded. Try again in a few minutes.", headers={"Retry-After": "60"}
            )


def _display_name(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadRequest("display_name must be a string")
    if value == "":
        return None  # as JupyterHub: an empty display name is no display name given
    checked = names.display_name(value)
    if checked is None:
        raise BadRequest(f"Invalid display_name: {value!r}")
    return checked


def parse_request(body: Any) -> tuple[str | None, dict[str, Any] | None]:
    """(display_name, user_options) of a start or create request body."""
    if body is None:
        return None, None
    if not isinstance(body, dict):
        raise BadRequest("Body must be a JSON object")
    if "display_name" not in body and "user_options" not in body:
        return None, body or None  # older clients send the options as the whole body
    display_name = _display_name(body.get("display_name"))
    options = body.get("user_options")
    if options is not None and not isinstance(options, dict):
        raise BadRequest("user_options must be a dict")
    return display_name, options


def plan_start(
    session: Session,
    user_name: str,
    server_name: str,
    body: Any,
    limits: Limits,
    base_url: str = "/",
    client_scopes: tuple[str, ...] = (),
    lease: Lease | None = None,
    machine: str | None = None,
) -> SpawnPlan | str:
    """Grant a start, or say why none is needed.

    Returns the plan, or ``"pending"`` when that server is already starting
    and ``"running"`` when it is ready (the caller checks it is alive).
    ``machine``: the server will run on this machine, and only its hub
    processes may act on it.
    """
    user = _user(session, user_name)
    display_name, options = parse_request(body)
    server = _server(session, user, server_name)
    _named_checks(session, user, server_name, limits, creating=server is None)
    if server is not None:
        if server.pending == "spawn":
            return "pending"
        if server.pending is not None:
            raise BadRequest(f"{label(user.name, server_name)} is pending {server.pending}")
        if server.url is not None:
            return "running"
    _throttle(session, limits)
    created = server is None
    if server is None:
        server = Server(user_id=user.id, name=server_name, display_name=display_name or server_name)
        session.add(server)
    elif display_name is not None:
        server.display_name = display_name
    if options is not None:
        server.user_options = options
    elif server.user_options is None:
        server.user_options = {}
    now = utcnow()
    server.pending = "spawn"
    _hold(server, lease, now)
    server.started = now
    server.last_activity = now
    server.state = {}
    server.progress = [REQUESTED]
    server.spawn_error = None
    server.reported_port = None
    server.machine = machine
    user.last_activity = now
    prefix = server_prefix(base_url, user.name, server_name)
    access = f"access:servers!server={user.name}/{server_name}"
    scopes = [f"users:activity!user={user.name}", access]
    row, value = tokens.issue(session, user_id=user.id, scopes=scopes, note=f"Server at {prefix}")
    session.flush()
    server.token_id = row.id
    # the server is an OAuth client of the hub, its token the client secret
    oauth.register(
        session,
        oauth.server_client_id(user.name, server_name),
        value,
        f"{prefix}oauth_callback",
        f"Server at {prefix}",
        [*client_scopes, access],
    )
    session.flush()
    if created:
        events.note(session, "server.created", server.id)
    events.note(session, "server.starting", server.id)
    return SpawnPlan(server.id, user.name, server_name, value, dict(server.user_options or {}))


def add_progress(session: Session, server_id: int, event: dict[str, Any]) -> None:
    server = session.get(Server, server_id)
    if server is not None and server.pending == "spawn":
        server.progress = [*(server.progress or []), event]


def spawned(
    session: Session, server_id: int, url: str, state: dict[str, Any], ready_event: dict[str, Any]
) -> bool:
    """Record a finished start; False when the start was superseded (a stop
    is under way, or the server is gone), and nothing is recorded."""
    server = session.get(Server, server_id)
    if server is None or server.pending != "spawn":
        return False
    server.url = url
    server.state = state
    server.pending = None
    server.last_error = None
    _release(server)
    server.progress = [*(server.progress or []), ready_event]
    events.note(session, "server.ready", server_id)
    return True


def _hold(server: Server, lease: Lease | None, now: datetime) -> None:
    if lease is not None:
        server.lease_owner, server.lease_expires = lease.owner, lease.until(now)


def _release(server: Server) -> None:
    server.lease_owner = server.lease_expires = server.spawn_url = None


def reported_port(session: Session, server_id: int) -> int | None:
    """The port the server's job reported while its start is in flight."""
    return session.execute(
        select(Server.reported_port).where(Server.id == server_id, Server.pending == "spawn")
    ).scalar_one_or_none()


def report_port(session: Session, token_id: int, port: int) -> bool:
    """Record the port a starting server reports with its own token; False when
    the token belongs to no server that is starting."""
    server = session.execute(
        select(Server).where(Server.token_id == token_id, Server.pending == "spawn")
    ).scalar_one_or_none()
    if server is None:
        return False
    server.reported_port = port
    return True


def save_state(session: Session, server_id: int, state: dict[str, Any], url: str | None = None) -> None:
    """The spawner's state (and, during a start, where its process listens)."""
    server = session.get(Server, server_id)
    if server is not None:
        server.state = state
        if url is not None and server.pending == "spawn":
            server.spawn_url = url


#: why a start failed, as ``last_error.reason`` names it
FAILURE_REASONS = ("timeout", "error", "cancelled", "hub_process_lost", "machine_lost")


def stopped(session: Session, server_id: int, error: str | None = None, reason: str = "error") -> None:
    """The server is gone: forget its process and revoke its token. With
    ``error``, its start failed, for ``reason`` (one of :data:`FAILURE_REASONS`)."""
    server = session.get(Server, server_id)
    if server is None:
        return
    events.note(session, "server.stopped" if error is None else "server.failed", server_id)
    if error is not None:
        now = utcnow()
        message = error.replace("\x00", "")
        server.last_error = {"reason": reason, "message": message, "at": isoformat(now)}
        server.spawn_error = error
        server.progress = [
            *(server.progress or []),
            {"progress": 100, "failed": True, "message": f"Spawn failed: {error}"},
        ]
    server.url = None
    server.pending = None
    _release(server)
    server.started = None
    server.state = {}
    server.reported_port = None
    server.machine = None
    if server.token_id is not None:
        session.execute(delete(APIToken).where(APIToken.id == server.token_id))
        server.token_id = None
    owner = session.execute(select(User.name).where(User.id == server.user_id)).scalar_one()
    oauth.remove(session, oauth.server_client_id(owner, server.name))


@dataclass(frozen=True)
class StopPlan:
    server_id: int
    state: dict[str, Any]
    was_pending: str | None
    remove: bool
    #: the machine whose hub processes carry the stop out (not this one's)
    elsewhere: str | None = None


def owner_if_stoppable(session: Session, user_name: str, server_name: str | None) -> int | None:
    """The owner's id when a stop request would stop this server (``None``:
    any of the user's servers) now: it runs or is starting, and no stop or
    rename is under way; else None."""
    user = _find_user(session, user_name)
    if user is None:
        return None
    if server_name is None:
        candidates = of_user(session, user.id)
    else:
        candidates = [s for s in [_server(session, user, server_name)] if s is not None]
    for server in candidates:
        if server.pending not in ("stop", "rename") and (
            server.url is not None or server.pending is not None
        ):
            return user.id
    return None


def plan_stop(
    session: Session,
    user_name: str,
    server_name: str,
    remove: bool,
    limits: Limits,
    lease: Lease | None = None,
    machine: str | None = None,
) -> StopPlan | str | None:
    """Mark a server stopping; None when there is nothing to stop or remove,
    ``"stopping"`` when a stop is already under way (JupyterHub answers 202).

    With ``machine`` (this process's, for a spawner whose servers only mean
    something on their own machine), a server running on another machine is
    left unleased, for that machine's hub processes to stop (``elsewhere``)."""
    user = _user(session, user_name)
    if server_name and not limits.allow_named_servers:
        raise BadRequest("Named servers are not enabled.")
    server = _server(session, user, server_name)
    if server is None:
        if server_name:
            raise NotFound(f"{user.name} has no server named '{server_name}'")
        return None
    if remove and not server_name:
        raise BadRequest("Cannot delete the default server")
    if server.pending == "stop" and not remove:
        return "stopping"
    if server.pending in ("stop", "rename"):
        raise BadRequest(f"{label(user.name, server_name)} is pending {server.pending}")
    was = server.pending
    if server.url is None and was is None:
        if remove:
            events.removed(session, "server.deleted", [server.id])
            session.delete(server)
        return None
    server.pending = "stop"
    events.note(session, "server.stopping", server.id)
    if machine is not None and server.machine not in (None, machine):
        server.lease_owner = server.lease_expires = None  # theirs to take at once
        return StopPlan(server.id, dict(server.state or {}), was, remove, elsewhere=server.machine)
    _hold(server, lease, utcnow())
    return StopPlan(server.id, dict(server.state or {}), was, remove)


def remove(session: Session, server_id: int) -> None:
    server = session.get(Server, server_id)
    if server is not None:
        events.removed(session, "server.deleted", [server_id])
        session.delete(server)


def create_stopped(session: Session, user_name: str, server_name: str, body: Any, limits: Limits) -> Server:
    """PUT: a named server that is not started."""
    user = _user(session, user_name)
    if not server_name:
        raise Conflict(f"User {user.name} already has a default server")
    _named_checks(session, user, server_name, limits, creating=True)
    if _server(session, user, server_name) is not None:
        raise Conflict(f"User {user.name} already has server {server_name}")
    display_name, options = parse_request(body)
    server = Server(
        user_id=user.id,
        name=server_name,
        display_name=display_name or server_name,
        user_options=options or {},
    )
    session.add(server)
    session.flush()
    events.note(session, "server.created", server.id)
    return server


def modify_stopped(
    session: Session, user_name: str, server_name: str, body: dict[str, Any], limits: Limits
) -> Server:
    """PATCH: rename a stopped server or change its display name or options."""
    user = _user(session, user_name)
    if server_name and not limits.allow_named_servers:
        raise BadRequest("Named servers are not enabled.")
    server = _server(session, user, server_name)
    if server is None:
        raise NotFound(f"User {user.name} has no such server '{server_name}'")
    if server.pending is not None or server.url is not None:
        raise BadRequest(f"{label(user.name, server_name)} is active. Please stop it before modifying it.")
    new_name = body.get("name")
    if new_name is not None and new_name != server.name:
        _named_checks(session, user, new_name, limits, creating=True)
        if _server(session, user, new_name) is not None:
            raise Conflict(f"User {user.name} already has server '{new_name}'")
        server.name = new_name
    new_display_name = _display_name(body.get("display_name"))
    if new_display_name is not None:
        server.display_name = new_display_name
    if "user_options" in body:
        server.user_options = body["user_options"]
    events.note(session, "server.updated", server.id)
    session.flush()
    return server


def pinned_elsewhere(session: Session, machine: str) -> set[int]:
    """The servers with a process or a pending action that run on another machine."""
    query = select(Server.id).where(
        Server.machine.is_not(None),
        Server.machine != machine,
        or_(Server.pending.is_not(None), Server.url.is_not(None)),
    )
    return set(session.execute(query).scalars())


def stop_state(session: Session, server_id: int) -> tuple[str | None, bool] | None:
    """(pending action, has a process) of a server; None when it is gone."""
    row = session.execute(select(Server.pending, Server.url).where(Server.id == server_id)).one_or_none()
    return None if row is None else (row[0], row[1] is not None)


def active(
    session: Session, user: str | None = None
) -> list[tuple[int, str, str, dict[str, Any], str | None, str | None]]:
    """(id, user, server name, state, pending, url) of every server with a
    process or a pending action (of one user, if given)."""
    query = (
        select(Server.id, User.name, Server.name, Server.state, Server.pending, Server.url)
        .join(User, User.id == Server.user_id)
        .where(or_(Server.pending.is_not(None), Server.url.is_not(None)))
    )
    if user is not None:
        query = query.where(User.name == user)
    rows = session.execute(query)
    return [(r[0], r[1], r[2], dict(r[3] or {}), r[4], r[5]) for r in rows]


def server_row(session: Session, user_name: str, server_name: str) -> Server | None:
    user = _find_user(session, user_name)
    return None if user is None else _server(session, user, server_name)


def of_user(session: Session, user_id: int) -> list[Server]:
    """A user's stored servers, the default one first."""
    rows = session.execute(select(Server).where(Server.user_id == user_id)).scalars()
    return sorted(rows, key=lambda s: s.name)
