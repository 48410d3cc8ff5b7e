"""``jupyterhub_request_duration_seconds``: every HTTP request, timed at the ASGI edge.

The labels stay few whatever the requests are, since each combination is
kept for good: ``handler`` is the API operation's ``operationId``
(``get-users``), a page's route name (``spawn_page``, written by
:func:`named` around each page), else ``other`` (a path that matches
nothing, the Swagger UI); never a path, which would hold user names.
``method`` is one of HTTP's usual methods, else ``other``; ``code`` the
status of the response. The time runs until the response has been sent
(for a progress stream, until it ends).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from hub.metrics.catalogue import REQUEST_DURATION
from hub.metrics.recorder import Recorder

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
OTHER = "other"

_route: ContextVar[list[str] | None] = ContextVar("hub_route", default=None)

Endpoint = Callable[[Request], Awaitable[Response]]


def named(name: str, endpoint: Endpoint) -> Endpoint:
    """``endpoint``, labelling the requests it serves with the route's ``name``."""

    async def labelled(request: Request) -> Response:
        slot = _route.get()
        if slot is not None:
            slot[:] = [name]
        return await endpoint(request)

    labelled.__name__ = getattr(endpoint, "__name__", name)
    return labelled


class RequestDurations:
    """ASGI middleware observing each request's duration in ``recorder``."""

    def __init__(self, app: Any, recorder: Recorder) -> None:
        self.app = app
        self.recorder = recorder

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        began = time.perf_counter()
        # connexion records the operation in the scope's extensions; a layer
        # within may copy the scope, but the copy shares this dict
        extensions = scope.setdefault("extensions", {})
        slot: list[str] = []
        reset = _route.set(slot)
        status = 500

        async def noting_status(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, noting_status)
        finally:
            _route.reset(reset)
            method = scope.get("method", "")
            labels = {
                "method": method if method in METHODS else OTHER,
                "handler": _handler(extensions, slot),
                "code": str(status),
            }
            self.recorder.observe(REQUEST_DURATION, labels, time.perf_counter() - began)


def _handler(extensions: dict[str, Any], slot: list[str]) -> str:
    routing = extensions.get("connexion_routing") or {}
    operation: str | None = routing.get("operation_id")
    if operation:
        return operation
    return slot[0] if slot else OTHER
