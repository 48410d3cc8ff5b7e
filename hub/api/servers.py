"""Operations tagged ``servers``: start, stop, inspect and follow users' servers."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy.orm import Session
from starlette.responses import StreamingResponse

from hub.api.common import shaper
from hub.api.context import RequestContext, ctx
from hub.api.resolver import serializable
from hub.core import servers as servers_core
from hub.core import views
from hub.errors import BadRequest, NotFound
from hub.runtime import Hub
from hub.timeutil import utcnow

KEEPALIVE_SECONDS = 8


def _model(name: str, server_name: str) -> dict[str, Any]:
    c = ctx()
    user = views.user_by_name(c.conn, name)
    server = next((s for s in user.servers if s.name == server_name), None) if user else None
    if user is None or server is None:
        raise NotFound(None if user is None else f"{name} has no server named '{server_name}'")
    s = shaper()
    full = f"{name}/{server_name}"
    with_state = c.me().applies("admin:server_state", "server", full, frozenset(user.groups))
    return s.server(user, server, with_state=with_state)


def _remove_flag(body: Any) -> bool:
    if body is None:
        return False
    if not isinstance(body, dict):
        raise BadRequest("Body must be a JSON object")
    remove = body.get("remove", False)
    if not isinstance(remove, bool):
        raise BadRequest("remove must be true or false")
    return remove


def _who_asks(c: RequestContext, owner: str) -> tuple[bool, bool] | None:
    """For the refresh before a start or stop: (the owner asks, from their own
    browser session); None when this request already refreshed the owner's
    login (at most once per request, as in JupyterHub)."""
    me = c.me()
    by_owner = me.kind == "user" and me.name == owner
    if by_owner and c.refreshed is not None:
        return None
    return by_owner, by_owner and me.token_id is None


async def _start(name: str, server_name: str, body: Any) -> Any:
    c = ctx()
    asking = _who_asks(c, name)
    if asking is not None:
        await c.hub.logins.before_spawn(name, asking[1])
    status = await c.hub.lifecycle.start(name, server_name, body)
    return None, status


async def _stop(name: str, server_name: str, body: Any) -> Any:
    c = ctx()
    remove = _remove_flag(body)
    asking = _who_asks(c, name)
    if asking is not None:
        await c.hub.logins.before_stop(name, server_name, *asking)
    status = await c.hub.lifecycle.stop(name, server_name, remove)
    return None, status


def get_user_server(name: str) -> Any:
    return _model(name, "")


async def post_user_server(name: str, body: Any = None) -> Any:
    return await _start(name, "", body)


async def delete_user_server(name: str, body: Any = None) -> Any:
    return await _stop(name, "", body)


def put_user_server(name: str, body: Any = None) -> Any:
    return put_user_server_name(name, "", body)


def patch_user_server(name: str, body: dict[str, Any]) -> Any:
    return patch_user_server_name(name, "", body)


def get_user_server_name(name: str, server_name: str) -> Any:
    return _model(name, server_name)


@serializable  # the named-server limit counts the user's servers
def put_user_server_name(name: str, server_name: str, body: Any = None) -> Any:
    c = ctx()
    servers_core.create_stopped(c.session, name, server_name, body, c.hub.lifecycle.limits)
    return _model(name, server_name), 201


async def post_user_server_name(name: str, server_name: str, body: Any = None) -> Any:
    return await _start(name, server_name, body)


def patch_user_server_name(name: str, server_name: str, body: dict[str, Any]) -> Any:
    c = ctx()
    server = servers_core.modify_stopped(c.session, name, server_name, body, c.hub.lifecycle.limits)
    return _model(name, server.name)


async def delete_user_server_name(name: str, server_name: str, body: Any = None) -> Any:
    return await _stop(name, server_name, body)


# --- progress ------------------------------------------------------------------------


def _progress_of(
    session: Session, name: str, server_name: str
) -> tuple[int, str | None, str | None, list[Any]]:
    user = session.execute(views.select_user_id(name)).scalar()
    if user is None:
        raise NotFound(None)
    row = servers_core.server_row(session, name, server_name)
    if row is None:
        raise NotFound(f"{name} has no server named '{server_name}'")
    return row.id, row.pending, row.url, list(row.progress or [])


async def _progress(name: str, server_name: str) -> Any:
    hub = ctx().hub
    sid, pending, url, events = await hub.transact(lambda s: _progress_of(s, name, server_name), write=False)
    if pending is None:
        final = events[-1] if events else None
        if url is not None and final is not None and final.get("ready"):
            return _stream_once(final)
        if final is not None and final.get("failed"):
            return _stream_once(final)
        raise BadRequest(f"{servers_core.label(name, server_name)} is not starting...")
    return StreamingResponse(
        _follow(hub, sid, name, server_name),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache"},
    )


def _event(data: dict[str, Any]) -> str:
    return f"data: {json.dumps(data)}\n\n"


def _stream_once(event: dict[str, Any]) -> StreamingResponse:
    async def once() -> AsyncIterator[str]:
        yield _event(event)

    return StreamingResponse(once(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})


async def _follow(hub: Hub, sid: int, name: str, server_name: str) -> AsyncIterator[str]:
    """Events as they are recorded, until the ready or failed event.

    The row is read again when a notice says it changed (any hub process's
    write, on PostgreSQL) and every few seconds all the same; on SQLite every
    fraction of a second (:mod:`hub.db.changes`). It runs after the handler
    has returned: it gets the hub, not the request context.
    """
    sent = 0
    loop = asyncio.get_running_loop()
    last_write = loop.time()
    with hub.changes.watch(sid) as watch:
        while True:
            try:
                now_sid, pending, _url, events = await hub.transact(
                    lambda s: _progress_of(s, name, server_name), write=False
                )
            except NotFound:
                return
            if now_sid != sid:
                return  # removed, and another of the same name made since
            for event in events[sent:]:
                yield _event(event)
                last_write = loop.time()
            sent = len(events)
            if events and (events[-1].get("ready") or events[-1].get("failed")):
                return
            if pending is None:
                return  # stopped without a final event (cancelled elsewhere)
            if loop.time() - last_write > KEEPALIVE_SECONDS:
                yield "\n\n"
                last_write = loop.time()
            await watch.changed(at_most=KEEPALIVE_SECONDS)


async def get_user_server_progress(name: str) -> Any:
    return await _progress(name, "")


async def get_user_server_name_progress(name: str, server_name: str) -> Any:
    return await _progress(name, server_name)


def post_batchspawner(body: dict[str, Any]) -> Any:
    """A batch job reports its server's port, with that server's own token."""
    me = ctx().me()
    if me.kind != "user" or me.token_id is None:
        raise NotFound("This credential belongs to no server being started")
    if not servers_core.report_port(ctx().session, me.token_id, int(body["port"])):
        raise NotFound("This credential belongs to no server being started")
    return {"message": "BatchSpawner data configured"}, 201


def get_server_counts() -> dict[str, int]:
    return views.server_counts(ctx().conn, utcnow())
