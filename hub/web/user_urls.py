"""Requests for servers that reach the hub instead of a server.

The proxy sends ``/user/NAME/...`` to the hub when it has no route for it:
the server is stopped (the idle culler stopped it while JupyterLab was
open), still starting, or its route went missing. As in JupyterHub:

- ``/user/NAME/...`` redirects to ``/hub/user/NAME/...``, where the hub's
  cookie is sent;
- there, a stopped server answers ``424``: a page with a Launch button for
  browsers, ``{"status": 424, "message": ...}`` naming the URL that starts
  it for API clients (JupyterLab then offers to restart the server); a
  server that is starting, or whose last start failed, sends the browser to
  its spawn-pending page; a running server gets its route back and the
  request goes to it again (``?redirects=N`` counts the tries, so a proxy
  that keeps losing the route ends in an error instead of a loop);
- requests other than GET answer the JSON ``424`` at once, without
  identifying anyone (there is nothing to show them);
- a requester without ``access:servers`` on the server gets ``404``.
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote, unquote, urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from hub.api import identify
from hub.auth.identity import Identity
from hub.core import groups as groups_core
from hub.core import servers, users
from hub.names import server_prefix
from hub.runtime import Hub, current
from hub.web import pages
from hub.web.errors import error_html, prefers_html
from hub.web.templating import TEMPLATES

#: tries of a redirect to a running server before giving up (JupyterHub's user_redirect_limit)
REDIRECT_LIMIT = 4


async def prefix_redirect(request: Request) -> Response:
    """``/user/...`` (no route in the proxy) → ``/hub/user/...``, query kept."""
    hub = current()
    rest = request.url.path[len(hub.base_prefix) :]
    query = f"?{request.url.query}" if request.url.query else ""
    return RedirectResponse(f"{hub.hub_prefix}{quote(rest, safe='/')}{query}", 302)


def _spawn_path(hub: Hub, owner: str, server_name: str) -> str:
    path = f"{hub.hub_prefix}spawn/{quote(owner, safe='')}"
    return path + (f"/{quote(server_name, safe='')}" if server_name else "")


def _not_running_json(request: Request, owner: str, server_name: str) -> Response:
    hub = current()
    spawn_url = str(request.url.replace(path=_spawn_path(hub, owner, server_name), query=""))
    shown = request.url.path[len(hub.hub_prefix) - 1 :]
    message = f"The server at {shown} is not running. Start it again at {spawn_url}"
    return JSONResponse({"status": 424, "message": message}, status_code=424)


def _refusal(request: Request, status: int, message: str, user: str | None) -> Response:
    if prefers_html(request.headers.get("accept", "")):
        return HTMLResponse(error_html(status, message, user=user), status_code=status)
    return JSONResponse({"status": status, "message": message}, status_code=status)


async def requester_identity(request: Request) -> Identity | None:
    """Who asks: the login cookie's user (refreshing the login when due), or a token."""
    hub = current()
    user = await pages.logged_in(request)
    presented = hub.sessions.presented(request)
    if user is not None and presented is not None:
        found = await hub.transact(
            lambda s: identify.identify_cookie(s.connection(), presented, hub), write=False
        )
        return None if found is None else found[0]
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() in ("token", "bearer") and value.strip():
        token = value.strip()
        found = await hub.transact(lambda s: identify.identify(s.connection(), token, hub), write=False)
        return None if found is None else found[0]
    return None


def _lookup(session: Any, owner: str, segment: str | None) -> tuple[frozenset[str], list[Any]] | None:
    """The owner's groups and servers (None: no such user)."""
    user = users.by_name(session, owner)
    if user is None:
        return None
    return groups_core.names_of_member(session, owner), servers.of_user(session, user.id)


async def user_url(request: Request) -> Response:
    hub = current()
    owner = unquote(request.path_params["user"])
    rest = "/" + request.path_params.get("rest", "")
    segments = rest.split("/")
    named = segments[1] if len(segments) >= 3 and hub.settings.allow_named_servers else None
    if request.method not in ("GET", "HEAD"):
        found = await hub.transact(lambda s: _lookup(s, owner, named), write=False)
        names = {row.name for row in found[1]} if found else set()
        return _not_running_json(request, owner, named if named is not None and named in names else "")
    identity = await requester_identity(request)
    if identity is None:
        return pages.to_login(request)
    found = await hub.transact(lambda s: _lookup(s, owner, named), write=False)
    requester = identity.name if identity.kind == "user" else None
    owner_groups, rows = found if found is not None else (frozenset(), [])
    candidates = ["", named] if named else [""]
    if found is None or not any(
        identity.applies("access:servers", "server", f"{owner}/{name}", owner_groups) for name in candidates
    ):
        return _refusal(request, 404, "No access to this server, or no such server.", requester)
    by_name = {row.name: row for row in rows}
    server_name: str = named if named is not None and named in by_name else ""
    row = by_name.get(server_name)
    if row is not None and row.url and not row.pending:
        return await _back_to_server(request, owner, server_name, row.url)
    accept = request.headers.get("accept", "")
    if not prefers_html(accept) or "api" in segments:
        return _not_running_json(request, owner, server_name)
    here = _server_url(request)
    path = quote(owner, safe="") + (f"/{quote(server_name, safe='')}" if server_name else "")
    if row is not None and (row.pending or row.spawn_error):
        return RedirectResponse(f"{hub.hub_prefix}spawn-pending/{path}?{urlencode({'next': here})}", 303)
    html = TEMPLATES.get_template("not_running.html").render(
        hub_prefix=hub.hub_prefix,
        user=requester,
        own=requester == owner,
        owner=owner,
        label=f"server {server_name}" if server_name else "server",
        target=server_prefix(hub.base_prefix, owner, server_name) + rest.lstrip("/").split("?")[0],
        spawn_url=f"{_spawn_path(hub, owner, server_name)}?{urlencode({'next': here})}",
    )
    return HTMLResponse(html, status_code=424)


def _server_url(request: Request) -> str:
    """The address this request meant: ``/user/...`` rather than ``/hub/user/...``."""
    query = _without_redirects(request.url.query)
    return _server_path(request) + (f"?{query}" if query else "")


def _server_path(request: Request) -> str:
    """The request's path with the hub's prefix taken off, quoted: ``/user/...``."""
    hub = current()
    return quote(hub.base_prefix + request.url.path[len(hub.hub_prefix) :], safe="/")


def _without_redirects(query: str) -> str:
    """The query as sent (``?reset`` stays ``?reset``), without ``redirects=``."""
    return "&".join(part for part in query.split("&") if part and part.split("=", 1)[0] != "redirects")


async def _back_to_server(request: Request, owner: str, server_name: str, target: str) -> Response:
    """The server runs but the request came here: route it again and send the request back."""
    hub = current()
    try:
        redirects = int(request.query_params.get("redirects", "0"))
    except ValueError:
        redirects = 0
    if redirects >= REDIRECT_LIMIT:
        message = "The proxy keeps sending this server's requests to the hub; ask the administrator."
        return _refusal(request, 503, message, None)
    await hub.lifecycle.route(owner, server_name, target)
    if redirects:
        # the proxy may take a moment to apply the route (several replicas, traefik)
        await asyncio.sleep(min(2**redirects, 10))
    query = "&".join(filter(None, [_without_redirects(request.url.query), f"redirects={redirects + 1}"]))
    return RedirectResponse(f"{_server_path(request)}?{query}", 302)
