"""Operations tagged ``proxy``: the routing table, and synchronizing it."""

from __future__ import annotations

import bisect
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx

from hub.api.common import current_page, paged
from hub.api.context import ctx
from hub.errors import BadRequest, ProxyUnavailable
from hub.proxy.chp import ProxyError

log = logging.getLogger("hub.api.proxy")
T = TypeVar("T")


async def _reachable(action: Callable[[], Awaitable[T]]) -> T:
    """``action`` on the proxy; when its API cannot be reached, the proxy the hub
    started is started again first if it has exited (JupyterHub waits for that too),
    else 503 at once (where JupyterHub retries for 30 s and answers 500)."""
    hub = ctx().hub
    try:
        return await action()
    except (ProxyError, httpx.HTTPError):
        try:
            # (a concurrent request may have started it again meanwhile: tried again below)
            await hub.restore_proxy()
        except (ProxyError, httpx.HTTPError) as again:
            raise ProxyUnavailable(f"The proxy exited and could not be started again: {again}") from again
    try:
        return await action()
    except (ProxyError, httpx.HTTPError) as e:
        raise ProxyUnavailable(f"The proxy is not available: {e}") from e


async def get_proxy(offset: int | None = None, limit: int | None = None, after: str | None = None) -> Any:
    routes = await _reachable(ctx().hub.proxy.get_all_routes)
    p = current_page(offset, limit)
    keys = sorted(routes)
    # after a route specification (the next URL's position): the routes that
    # sort after it, so routes added or removed meanwhile shift nothing
    start = bisect.bisect_right(keys, after) if after is not None else p.offset
    shown = keys[start : start + p.limit]
    page = {key: routes[key] for key in shown}
    more = start + p.limit < len(keys)
    return paged(page, p, len(keys), shown[-1] if shown else None, more)


async def post_proxy() -> Any:
    await _reachable(ctx().hub.lifecycle.reconcile)
    return {}, 200


async def patch_proxy(body: Any) -> Any:
    if not isinstance(body, dict):
        raise BadRequest("Request body must be JSON dict")
    hub = ctx().hub
    api_url, auth_token = body.get("api_url"), body.get("auth_token")
    if api_url is not None and not isinstance(api_url, str):
        raise BadRequest("api_url must be a string")
    if auth_token is not None and not isinstance(auth_token, str):
        raise BadRequest("auth_token must be a string")
    try:
        await hub.proxy.retarget(api_url, auth_token)
    except ProxyError as e:
        raise BadRequest(f"Not switching proxies: {e}") from e
    try:
        await hub.lifecycle.reconcile()
    except (ProxyError, httpx.HTTPError) as e:
        # the switch is made; the periodic check adds the routes if this one failed
        log.warning("Routes not yet synced with the new proxy: %s", e)
    return {}, 200
