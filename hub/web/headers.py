"""Security headers on the hub's responses.

Every response says ``X-Content-Type-Options: nosniff`` (a browser must not
take a JSON answer or an uploaded logo for a script or a page). HTML pages
also get a ``Content-Security-Policy`` and ``Referrer-Policy: same-origin``
(addresses of the hub's pages, which may carry a share code or a ``next``,
do not leave the site). The default policy is JupyterHub's
``frame-ancestors 'self'`` (no other site may frame a page, so none can
trick a click on one), with ``base-uri 'self'`` and ``object-src 'none'``;
it leaves scripts and styles alone, because authenticators' login forms and
spawners' options forms bring inline ones of their own.

``c.JupyterHub.tornado_settings = {"headers": {...}}`` adds headers to every
response, as in JupyterHub; a ``Content-Security-Policy`` or
``Referrer-Policy`` there replaces the default. A header the response sets
itself is left as it is.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

log = logging.getLogger("hub.web")

DEFAULT_CSP = "frame-ancestors 'self'; base-uri 'self'; object-src 'none'"
#: on every response
ALWAYS = {"x-content-type-options": "nosniff"}
#: on HTML pages
PAGES = {"content-security-policy": DEFAULT_CSP, "referrer-policy": "same-origin"}

Headers = list[tuple[bytes, bytes]]


def configured(tornado_settings: Mapping[str, Any]) -> dict[str, str]:
    """The headers of ``tornado_settings`` (the only key read; others warn),
    by lower-case name; one that cannot be sent is left out with a warning."""
    for key in tornado_settings:
        if key != "headers":
            log.warning("JupyterHub.tornado_settings[%r] is not used by this hub; ignored", key)
    found: dict[str, str] = {}
    for name, value in dict(tornado_settings.get("headers") or {}).items():
        text = str(value)
        try:
            name.encode("latin-1")
            text.encode("latin-1")
        except UnicodeEncodeError:
            log.warning("The header %r of JupyterHub.tornado_settings is not Latin-1; ignored", name)
            continue
        if any(ch in name + text for ch in "\r\n") or not name:
            log.warning("The header %r of JupyterHub.tornado_settings is malformed; ignored", name)
            continue
        found[name.lower()] = text
    return found


def _encoded(headers: Mapping[str, str]) -> Headers:
    return [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]


class SecurityHeaders:
    """ASGI middleware adding the headers to each response's start."""

    def __init__(self, app: Any, extra: Mapping[str, str] | None = None) -> None:
        self.app = app
        extra = dict(extra or {})
        self.everywhere = _encoded({**ALWAYS, **extra})
        self.pages = _encoded({k: v for k, v in PAGES.items() if k not in extra})

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = self._added(list(message.get("headers", [])))
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _added(self, headers: Headers) -> Headers:
        present = {name.lower() for name, _ in headers}
        content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
        wanted = self.everywhere + (self.pages if content_type.lower().startswith(b"text/html") else [])
        return headers + [(name, value) for name, value in wanted if name not in present]
