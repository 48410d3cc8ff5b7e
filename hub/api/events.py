"""Operations tagged ``events``: the change stream.

Events are stored as snapshots of their resources (:mod:`hub.core.events`);
here each is shaped for the requester, with the same rules as ``GET``, and
left out when the requester may not read its resource. A stream outlives
the request's transaction: it reads through the hub's shared feed
(:mod:`hub.core.event_feed`) and checks every so often that its credential
still holds (a revoked token or ended login ends the stream, and changed
roles change what it shows).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from functools import partial
from types import SimpleNamespace
from typing import Any

from connexion.context import context as connexion_context
from starlette.responses import StreamingResponse

from hub import metrics
from hub.api import identify, models
from hub.api import roles as roles_api
from hub.api.common import current_page
from hub.api.context import ctx
from hub.api.models import Shaper
from hub.auth.identity import Identity
from hub.core import events as core
from hub.core.event_feed import Row
from hub.core.roles import RoleView
from hub.core.shares import ServerRef, ShareView
from hub.errors import Gone
from hub.runtime import Hub
from hub.timeutil import isoformat, parse_timestamp

#: a comment line this often keeps idle connections (and proxies) open
KEEPALIVE_SECONDS = 15.0
#: how often a stream checks that its credential still holds
RECHECK_SECONDS = 60.0
STREAM = "text/event-stream"
#: events of the history a stream resumes from, read at a time
HISTORY_BATCH = 500


def _names(names: list[str]) -> list[SimpleNamespace]:
    return [SimpleNamespace(name=n) for n in names]


def _server_model(s: Shaper, snap: dict[str, Any]) -> dict[str, Any] | None:
    user = core.user_view(snap)
    if not user.servers:
        return None
    server = user.servers[0]
    groups = frozenset(user.groups)
    full = f"{user.name}/{server.name}"
    me = s.me
    if not (
        me.applies("read:servers", "user", user.name, groups)
        or me.applies("read:servers", "server", full, groups)
    ):
        return None
    with_state = me.applies("admin:server_state", "server", full, groups)
    return s.server(user, server, with_state=with_state)


def _user_model(s: Shaper, snap: dict[str, Any]) -> dict[str, Any] | None:
    model = s.user(core.user_view(snap), include_stopped=True)
    if model is not None:
        model.pop("auth_state", None)  # never streamed
    return model


def _group_model(s: Shaper, snap: dict[str, Any]) -> dict[str, Any] | None:
    group = SimpleNamespace(
        name=snap["name"],
        properties=snap["properties"],
        users=_names(snap["users"]),
        roles=_names(snap["roles"]),
    )
    return s.group(group)  # type: ignore[arg-type]


def _service_model(s: Shaper, snap: dict[str, Any]) -> dict[str, Any] | None:
    service = SimpleNamespace(**{**snap, "roles": _names(snap["roles"])})
    return s.service(service)  # type: ignore[arg-type]


def _token_model(s: Shaper, snap: dict[str, Any]) -> dict[str, Any] | None:
    if not s.me.applies("read:tokens", "user", snap["owner"], frozenset(snap["groups"])):
        return None
    fields = snap["token"]
    row = SimpleNamespace(
        **{
            **fields,
            "created": _when(fields["created"]),
            "expires_at": _when(fields["expires_at"]),
            "last_activity": _when(fields["last_activity"]),
        }
    )
    return models.token(row, "user", snap["owner"], snap["scopes"])  # type: ignore[arg-type]


def _share_model(s: Shaper, snap: dict[str, Any]) -> dict[str, Any] | None:
    share = snap["share"]
    server = ServerRef(**share["server"])
    me = s.me
    visible = (
        me.applies("read:shares", "server", server.full_name, frozenset(snap["owner_groups"]))
        or (share["user"] is not None and me.applies("read:users:shares", "user", share["user"]))
        or (share["group"] is not None and me.applies("read:groups:shares", "group", share["group"]))
    )
    if not visible:
        return None
    view = ShareView(**{**share, "server": server, "created_at": _when(share["created_at"])})
    return models.share(view, s.base_url)


def _role_model(s: Shaper, snap: dict[str, Any]) -> dict[str, Any] | None:
    if not s.me.applies("read:roles", "role", snap["name"]):
        return None
    return roles_api.model(RoleView(**snap))


def _when(value: str | None) -> datetime | None:
    return parse_timestamp(value) if value else None


_MODELS: dict[str, Callable[[Shaper, dict[str, Any]], dict[str, Any] | None]] = {
    "user": _user_model,
    "server": _server_model,
    "group": _group_model,
    "service": _service_model,
    "token": _token_model,
    "share": _share_model,
    "role": _role_model,
}


def shape(s: Shaper, row: Row) -> dict[str, Any] | None:
    """The event as the shaper's requester may see it; None: not at all."""
    event_id, at, type_, snap = row
    resource = _MODELS[type_.split(".")[0]](s, snap)
    if resource is None:
        return None
    return {"id": event_id, "type": type_, "at": isoformat(at), "resource": resource}


def _shaper(hub: Hub, identity: Identity) -> Shaper:
    return Shaper(identity, hub.base_prefix, hub.hub_prefix)


# --- the operation ---------------------------------------------------------------------


def _resume_point(after: int | None) -> int | None:
    header = ctx().request.headers.get("last-event-id")
    if header is not None and header.strip() != "":
        # (the spec declares it an integer: the request was refused otherwise)
        return int(header)
    return after


def _check(horizon: core.Horizon, after: int) -> None:
    if after < horizon.trimmed_through or after > horizon.last:
        raise Gone(
            f"Events after {after} are no longer kept (history starts after {horizon.trimmed_through}): "
            "list again"
            if after < horizon.trimmed_through
            else f"No event {after} was given out (the newest is {horizon.last}): list again"
        )


async def get_events(after: int | None = None, limit: int | None = None) -> Any:
    c = ctx()
    hub = c.hub
    me = c.me()
    resume = _resume_point(after)
    horizon = await hub.transact(lambda s: core.horizon(s.connection()), write=False)
    if resume is not None:
        _check(horizon, resume)
    accept = c.request.headers.get("accept", "")
    if STREAM not in accept:
        p = current_page(None, limit)
        start = horizon.trimmed_through if resume is None else resume
        rows = await hub.transact(lambda s: core.after(s.connection(), start, p.limit), write=False)
        s = _shaper(hub, me)
        shaped = [e for e in (shape(s, r) for r in rows) if e is not None]
        page = {"events": shaped, "last_id": rows[-1][0] if rows else start}
        return page, 200, {"Content-Type": "application/json"}
    recheck = _rechecker(hub)
    # joined before the history is read: nothing falls between the two
    subscriber = await hub.event_feed.join()
    return StreamingResponse(
        _stream(hub, me, subscriber, resume, recheck),
        media_type=STREAM,
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


def _rechecker(hub: Hub) -> Callable[[], Any]:
    """Identify the requester again, as at the start of the request (None: its
    credential no longer holds)."""
    info = connexion_context.get("token_info") or {}
    credential = info.get("token")
    request = ctx().request
    presented = hub.sessions.read(info["cookie"], request) if credential is None else None

    def again(conn: Any) -> Identity | None:
        if credential is not None:
            found = identify.identify(conn, str(credential), hub)
        elif presented is not None:
            found = identify.identify_cookie(conn, presented, hub)
        else:
            found = None
        return None if found is None else found[0]

    return lambda: hub.transact(lambda s: again(s.connection()), write=False)


def _history(session: Any, after: int) -> list[Row]:
    return core.after(session.connection(), after, HISTORY_BATCH)


def _frame(event: dict[str, Any]) -> str:
    return f"id: {event['id']}\ndata: {json.dumps(event)}\n\n"


async def _stream(
    hub: Hub, me: Identity, subscriber: Any, resume: int | None, recheck: Callable[[], Any]
) -> AsyncIterator[str]:
    loop = asyncio.get_running_loop()
    s = _shaper(hub, me)
    sent = -1 if resume is None else resume  # the newest id this stream has passed
    with hub.event_feed.subscribed(subscriber):
        yield "retry: 2000\n: connected\n\n"
        if resume is not None:
            while True:  # the history asked for, then what the feed hands on
                rows = await hub.transact(partial(_history, after=sent), write=False)
                for row in rows:
                    event = shape(s, row)
                    if event is not None:
                        metrics.inc(metrics.EVENTS_SENT)
                        yield _frame(event)
                if rows:
                    sent = rows[-1][0]
                if len(rows) < HISTORY_BATCH:
                    break
        checked = loop.time()
        while True:
            try:
                async with asyncio.timeout(KEEPALIVE_SECONDS):  # (see hub.api.webhook_delivery)
                    batch = await subscriber.batches.get()
            except TimeoutError:
                batch = []
            if batch is None:
                return  # too far behind, or the hub is stopping: the client resumes
            if loop.time() - checked > RECHECK_SECONDS:
                checked = loop.time()
                identity = await recheck()
                if identity is None:
                    return
                s = _shaper(hub, identity)
            if not batch:
                yield ": keepalive\n\n"
                continue
            fresh = [row for row in batch if row[0] > sent]
            out = [e for e in (shape(s, row) for row in fresh) if e is not None]
            if fresh:
                sent = fresh[-1][0]
            chunk = "".join(_frame(e) for e in out)
            if out:
                metrics.inc(metrics.EVENTS_SENT, n=len(out))
            if fresh and (not out or out[-1]["id"] != sent):
                chunk += f"id: {sent}\n\n"  # moves the client's Last-Event-ID past what it may not see
            if chunk:
                yield chunk
