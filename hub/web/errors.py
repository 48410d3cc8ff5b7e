"""Errors for people: HTML pages for browsers, the proxy's error target, the logo.

An error answers in HTML when the request comes from a browser page (its
``Accept`` prefers ``text/html``) and is not an API call: the API answers
JSON (``{"status": N, "message": "..."}``) whatever it is asked, except
its browser-facing OAuth authorization endpoint.

configurable-http-proxy asks ``GET /hub/error/<code>?url=<the request>``
when it cannot reach a route's target (503) or has none (404), and shows
the page it gets. ``/hub/logo`` serves ``JupyterHub.logo_file`` (the hub's
own logo by default), which pages of services extending the hub's look
link to; ``/hub/static/`` serves the hub's stylesheet and images.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response

from hub.runtime import current
from hub.web.templating import TEMPLATES

STATIC = Path(__file__).resolve().parent / "static"
DEFAULT_LOGO = STATIC / "images" / "logo.svg"
#: API paths a browser navigates to (a refusal there is a page)
BROWSER_API_PATHS = ("/oauth2/authorize",)

REASONS = {
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Payload Too Large",
    424: "Failed Dependency",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def prefers_html(accept: str) -> bool:
    """Whether an ``Accept`` header ranks HTML above JSON (browsers' page loads do)."""
    best: dict[str, float] = {}
    for part in accept.lower().split(","):
        kind, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        best[kind.strip()] = max(quality, best.get(kind.strip(), 0.0))
    html = best.get("text/html", 0.0)
    json = max(best.get("application/json", 0.0), best.get("*/*", 0.0) if "text/html" not in best else 0.0)
    return html > 0 and html >= json


def for_browser(path: str, accept: str) -> bool:
    """Whether an error at ``path`` is shown as a page."""
    api = current().hub_prefix + "api"
    if (path == api or path.startswith(api + "/")) and not path.endswith(BROWSER_API_PATHS):
        return False
    return prefers_html(accept)


def error_html(status: int, message: str | None, user: str | None = None, **extra: Any) -> str:
    hub = current()
    return TEMPLATES.get_template("error.html").render(
        hub_prefix=hub.hub_prefix,
        status=status,
        reason=REASONS.get(status, ""),
        message=message or REASONS.get(status, ""),
        user=user,
        **extra,
    )


async def proxy_error(request: Request) -> Response:
    """The page configurable-http-proxy shows when a route's target fails."""
    try:
        status = int(request.path_params["status"])
    except ValueError:
        status = 404
    if not 400 <= status <= 599:
        status = 404
    url = unquote(request.query_params.get("url", ""))
    if status == 503:
        message = (
            "The server at this address is not answering. It may have stopped; "
            "the hub notices within a minute, then you can start it again."
        )
    elif status == 404:
        message = "Nothing is served at this address."
    else:
        message = "The proxy could not complete this request."
    return HTMLResponse(error_html(status, message, url=url), status_code=status)


async def logo(_request: Request) -> Response:
    configured = current().settings.logo_file
    path = Path(configured) if configured else DEFAULT_LOGO
    if not path.is_file():
        path = DEFAULT_LOGO
    return FileResponse(path, media_type=mimetypes.guess_type(path.name)[0] or "application/octet-stream")


async def static(request: Request) -> Response:
    """A file of :data:`STATIC`; nothing outside it."""
    try:
        wanted = (STATIC / request.path_params["path"]).resolve()
        found = wanted.is_relative_to(STATIC) and wanted.is_file()
    except (OSError, ValueError):
        found = False  # a name too long for the file system, or one holding NUL
    if not found:
        return HTMLResponse(error_html(404, "No such file."), status_code=404)
    return FileResponse(wanted, headers={"Cache-Control": "public, max-age=3600"})
