"""One log line per request, as JupyterHub writes them.

``200 GET /hub/api/users (admin@127.0.0.1) 4.71ms``: status, method, path,
who asked (a user's name, ``service:NAME`` for a service; nothing when no
credential was accepted) and from where, and the time to the response's
start. Successes are INFO, refusals (4xx) WARNING, failures (5xx) ERROR;
health checks are DEBUG. ``--log-level`` sets what is shown.

No credential ever reaches a line: query parameters that carry one
(``token``, ``code``, ``_xsrf``, ...) are shown as ``[secret]``, and so are
the path segments that are credentials (``/authorizations/token/<token>``,
``/authorizations/cookie/<name>/<value>``).

Whoever identifies the requester calls :func:`requester`; the name travels
in a context variable holding a mutable slot, so a handler running on a
worker thread (which gets a copy of the context) writes to the same slot.
"""

from __future__ import annotations

import logging
import re
import time
from contextvars import ContextVar
from typing import Any
from urllib.parse import parse_qsl, quote

log = logging.getLogger("hub.access")

#: query parameters whose values are credentials, or become them
SECRET_PARAMS = frozenset(
    {"token", "code", "_xsrf", "state", "access_token", "refresh_token", "client_secret", "password", "auth"}
)
_SECRET_PATHS = (
    re.compile(r"(/authorizations/token/)[^/?]+"),
    re.compile(r"(/authorizations/cookie/[^/]+/)[^/?]+"),
)

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")

_slot: ContextVar[list[str] | None] = ContextVar("hub_requester", default=None)


def requester(kind: str, name: str) -> None:
    """Record who made the current request (``kind`` is "user" or "service")."""
    slot = _slot.get()
    if slot is not None:
        slot[:] = [name if kind == "user" else f"service:{name}"]


def client_address(scope: Any) -> str:
    """The client's address: the peer's, or the one the proxy's
    ``X-Forwarded-For`` names when uvicorn trusts the peer (by default only
    a proxy on this machine; the ``FORWARDED_ALLOW_IPS`` environment
    variable names others)."""
    client = scope.get("client")
    return str(client[0]) if client else ""


def request_facts(method: str, path: str, scope: Any) -> tuple[str, str, str | None]:
    """(method, path, client address) of a request for the audit log
    (:mod:`hub.core.audit`), as a line shows them but without the query
    string, which may carry a credential."""
    return method, scrubbed(path, b""), client_address(scope) or None


def scrubbed(path: str, query: bytes) -> str:
    """The path and query for a log line, credentials replaced."""
    for pattern in _SECRET_PATHS:
        path = pattern.sub(r"\1[secret]", path)
    # a decoded %0A must not start a line of its own
    path = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", path)
    if not query:
        return path
    pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
    shown = "&".join(
        f"{quote(k, safe='')}={'[secret]' if k.lower() in SECRET_PARAMS else quote(v, safe='/:')}"
        for k, v in pairs
    )
    return f"{path}?{shown}" if shown else path


class AccessLog:
    """ASGI middleware writing the line when the response starts."""

    def __init__(self, app: Any, health_path: str = "") -> None:
        self.app = app
        self.health_path = health_path

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not log.isEnabledFor(logging.DEBUG):
            await self.app(scope, receive, send)
            return
        began = time.perf_counter()
        slot: list[str] = []
        reset = _slot.set(slot)
        status = 500

        async def noting_status(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, noting_status)
        finally:
            _slot.reset(reset)
            self._write(scope, status, slot, (time.perf_counter() - began) * 1000)

    def _write(self, scope: Any, status: int, slot: list[str], ms: float) -> None:
        path = scope.get("path", "")
        if status >= 500:
            level = logging.ERROR
        elif status >= 400:
            level = logging.WARNING
        elif path == self.health_path:
            level = logging.DEBUG
        else:
            level = logging.INFO
        if not log.isEnabledFor(level):
            return
        address = client_address(scope)
        who = f"{slot[0]}@{address}" if slot else address
        target = scrubbed(path, scope.get("query_string", b""))
        log.log(level, "%d %s %s (%s) %.2fms", status, scope.get("method", ""), target, who, ms)
