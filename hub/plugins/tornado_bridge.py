"""Serving an authenticator's own Tornado handlers from the hub's ASGI app.

``Authenticator.get_handlers()`` (OAuthenticator: ``/oauth_login``,
``/oauth_callback``, ``/logout``) are Tornado ``RequestHandler`` subclasses
built on JupyterHub's ``BaseHandler``. Each request is turned into Tornado's
own request object (from the ASGI scope and body) with a connection object
that collects what the handler writes; the handler runs on the hub's event
loop, and the collected status, headers and body become the response.

Each handler class is wrapped in a leaf subclass that replaces only methods
JupyterHub's (or Tornado's) base classes define: who is logged in, logging in
and out, ``db``, ``finish``, error pages and templates. A method the plugin
defines itself stays in charge.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from http import HTTPStatus
from types import SimpleNamespace
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from tornado import httputil, web
from tornado.concurrent import Future

from hub import metrics
from hub.metrics import catalogue
from hub.plugins.authenticators import HostedAuthenticator, PluginUser

log = logging.getLogger("hub.plugins.tornado")

#: the longest a plugin handler may take (its own HTTP timeouts are shorter)
HANDLER_TIMEOUT = 120.0


class _Connection:
    """Tornado's view of the HTTP connection: collects the response."""

    def __init__(self, remote_ip: str, protocol: str) -> None:
        self.context = SimpleNamespace(remote_ip=remote_ip, protocol=protocol)
        self.status = 200
        self.headers: list[tuple[str, str]] = []
        self.body = bytearray()
        self.done = asyncio.Event()

    @staticmethod
    def _resolved() -> Future[None]:
        future: Future[None] = Future()
        future.set_result(None)
        return future

    def set_close_callback(self, callback: Any) -> None:
        pass

    def write_headers(
        self, start_line: Any, headers: httputil.HTTPHeaders, chunk: bytes | None = None
    ) -> Any:
        self.status = int(start_line.code)
        self.headers = list(headers.get_all())
        if chunk:
            self.body += chunk
        return self._resolved()

    def write(self, chunk: bytes) -> Any:
        self.body += chunk
        return self._resolved()

    def finish(self) -> None:
        self.done.set()


def _hub() -> Any:
    from hub.runtime import current

    return current()


def _copy_cookies(handler: web.RequestHandler, response: Response) -> None:
    for key, value in response.raw_headers:
        if key == b"set-cookie":
            handler.add_header("Set-Cookie", value.decode("latin-1"))


def _error_html(status: int, message: str, user: str | None = None) -> str:
    from hub.web.templating import TEMPLATES

    hub = _hub()
    return TEMPLATES.get_template("error.html").render(
        hub_prefix=hub.hub_prefix, xsrf="", user=user, status=status, message=message
    )


# --- the replacements for BaseHandler's own methods -----------------------------


async def _prepare(self: Any) -> None:
    self.expanded_scopes = set()
    await self.get_current_user()


async def _get_current_user(self: Any) -> PluginUser | None:
    if hasattr(self, "_jupyterhub_user"):
        return self._jupyterhub_user  # type: ignore[no-any-return]
    from hub.web.pages import logged_in

    row = await logged_in(self.request.hub_request)
    self._jupyterhub_user = PluginUser(row.name, row.id, row.admin) if row is not None else None
    return self._jupyterhub_user  # type: ignore[no-any-return]


class _LoginLimited(web.HTTPError):
    """A login refused by the failed-login limit, with the seconds to wait."""

    def __init__(self, seconds: int) -> None:
        from hub.web.login_limits import message

        super().__init__(429, reason=message(seconds))
        self.retry_after = seconds


async def _login_user(self: Any, data: dict[str, Any] | None = None) -> PluginUser | None:
    from hub.web import login_limits
    from hub.web.pages import finish_login, login_ended, refused_login

    hub = _hub()
    field = (data or {}).get("username")
    typed = field if isinstance(field, str) else None
    seconds = await login_limits.wait(self.request.hub_request, typed)
    if seconds is not None:
        raise _LoginLimited(seconds)
    began = time.perf_counter()
    await hub.sync_authenticator()
    authenticated = await hub.authenticator.get_authenticated_user(data or {}, handler=self)
    if authenticated is None:
        log.warning("A login through %s was refused", type(self).__name__)
        await refused_login(self.request.hub_request, typed)
        login_ended(began, succeeded=False)
        return None
    row, session_id = await finish_login(hub, authenticated, self.request.hub_request)
    user = PluginUser(row.name, row.id, row.admin)
    self._hub_session_ids = {row.name: session_id}
    self.set_login_cookie(user)
    login_ended(began, succeeded=True)
    log.info("User logged in: %s", row.name)
    return user


def _set_login_cookie(self: Any, user: Any) -> None:
    """The login cookie of a new session of ``user`` (the one :func:`_login_user`
    started, else one started here: a plugin may call this itself)."""
    hub = _hub()
    request = self.request.hub_request

    def start(s: Any) -> str:
        from hub.core import login_sessions, users

        user_agent, address = hub.sessions.client(request)
        return login_sessions.start(s, users.require(s, user.name).id, user_agent, address)

    session_id = getattr(self, "_hub_session_ids", {}).get(user.name)
    if session_id is None:
        session_id = hub.db.run(lambda tx: start(tx.session), inline=True)
    scratch = Response()
    hub.sessions.log_in(scratch, request, session_id)
    _copy_cookies(self, scratch)
    self._jupyterhub_user = user


def _clear_login_cookie(self: Any, name: str | None = None) -> None:
    scratch = Response()
    _hub().sessions.log_out(scratch)
    _copy_cookies(self, scratch)


async def _shutdown_servers(self: Any, user: Any) -> None:
    from hub.errors import HubError
    from hub.web.pages import logout_refresh

    try:
        await logout_refresh(self.request.hub_request, user.name)
    except HubError as e:
        # refresh_pre_stop refused: the servers keep running, the user stays logged in
        raise web.HTTPError(e.status, e.message) from None
    await _hub().lifecycle.stop_user(user.name)


async def _default_handle_logout(self: Any) -> None:
    """End the hub session (its row and the tokens issued in it, with its audit
    record), stop servers if configured, clear the cookies; timed as the hub's
    own logout page is (the plugin's page around it counts into JupyterHub's
    metrics, which this hub does not export)."""
    from hub.web.pages import end_session

    hub = _hub()
    began = time.perf_counter()
    try:
        user = self.current_user
        if user is not None:
            if hub.settings.shutdown_on_logout:
                await self._shutdown_servers(user)
            request = self.request.hub_request
            presented = hub.sessions.presented(request)
            session_id = presented.session_id if presented is not None else None
            await end_session(request, user.id, user.name, session_id)
            log.info("User logged out: %s", user.name)
        self.clear_login_cookie()
    finally:
        metrics.observe(catalogue.LOGOUT_DURATION, None, time.perf_counter() - began)


def _get_next_url(self: Any, user: Any = None, default: str | None = None) -> str:
    from hub.web.pages import landing, local_path

    wanted = local_path(self.get_argument("next", None), "")
    if wanted or default:
        return wanted or str(default)
    name = getattr(user, "name", None) or (user.get("name") if isinstance(user, dict) else None)
    if name:
        return landing(self.request.hub_request, str(name))
    return f"{_hub().hub_prefix}home"


def _landing(handler: Any) -> str:
    """``default_url`` in the plugin's settings: the hub's landing for the user just logged in."""
    from hub.web.pages import landing

    user = getattr(handler, "_jupyterhub_user", None)
    if user is None:
        return f"{_hub().hub_prefix}home"
    return landing(handler.request.hub_request, str(user.name))


def _write_error(self: Any, status_code: int, **kwargs: Any) -> None:
    exc = (kwargs.get("exc_info") or (None, None, None))[1]
    message = ""
    if isinstance(exc, web.HTTPError):
        message = exc.log_message % exc.args if exc.log_message and exc.args else exc.log_message or ""
        message = message or exc.reason or ""
    if status_code >= 500:
        # the identity provider down, slow or answering garbage, or the plugin failing
        status_code = 502
        message = "The login service failed or could not be reached; try again later."
        if exc is not None:
            log.warning("Login handler %s failed: %s", type(self).__name__, type(exc).__name__)
    self.set_status(status_code)
    self.set_header("Content-Type", "text/html; charset=utf-8")
    if isinstance(exc, _LoginLimited):
        self.set_header("Retry-After", str(exc.retry_after))
    user = getattr(self, "_jupyterhub_user", None)
    self.finish(_error_html(status_code, message or HTTPStatus(status_code).phrase, user and user.name))


def _render_template(self: Any, name: str, sync: bool = False, **ns: Any) -> Any:
    if name.startswith("logout"):
        html = _error_html(200, "You have been logged out.")
    else:
        html = _error_html(int(ns.get("status_code", 200)), str(ns.get("message", "")))
    if sync:
        return html
    future: Future[str] = Future()
    future.set_result(html)
    return future


class _Db:
    """``handler.db``: the hub writes in its own transactions."""

    def commit(self) -> None:
        pass

    def rollback(self) -> None:
        pass


REPLACEMENTS: dict[str, Any] = {
    "prepare": _prepare,
    "get_current_user": _get_current_user,
    "login_user": _login_user,
    "set_login_cookie": _set_login_cookie,
    "clear_login_cookie": _clear_login_cookie,
    "_shutdown_servers": _shutdown_servers,
    "default_handle_logout": _default_handle_logout,
    "get_next_url": _get_next_url,
    "write_error": _write_error,
    "render_template": _render_template,
    "finish": web.RequestHandler.finish,
    "set_default_headers": web.RequestHandler.set_default_headers,
    "check_xsrf_cookie": lambda self: None,
    "_resolve_roles_and_scopes": lambda self: None,
    "db": property(lambda self: _Db()),
}


def _defined_by_host_library(cls: type[Any], name: str) -> bool:
    owner = next((k for k in cls.__mro__ if name in k.__dict__), None)
    return owner is None or owner.__module__.split(".")[0] in ("jupyterhub", "tornado")


def leaf(cls: type[Any]) -> type[Any]:
    """``cls`` with the base classes' own methods replaced, the plugin's kept."""
    namespace = {name: fn for name, fn in REPLACEMENTS.items() if _defined_by_host_library(cls, name)}
    return type(cls.__name__, (cls,), namespace)


class TornadoBridge:
    """The plugin's handlers, mounted under the hub prefix."""

    def __init__(self, authenticator: HostedAuthenticator, hub_prefix: str) -> None:
        self.hub_prefix = hub_prefix
        plugin = authenticator.plugin
        handlers = plugin.get_handlers(None) or []
        self.paths: list[str] = []
        specs = []
        for spec in handlers:
            path, cls, *rest = spec
            if cls.__module__.split(".")[0] == "jupyterhub":
                # JupyterHub's own login page (the base class's default): the hub serves its own
                continue
            if re.search(r"[\\^$.*+?()\[\]{}|]", path.strip("/")):
                log.warning("Handler path %r of %s is a pattern; not served", path, type(plugin).__name__)
                continue
            full = hub_prefix + path.strip("/")
            self.paths.append(full)
            specs.append((re.escape(full), leaf(cls), *rest))
        hub_facade = SimpleNamespace(
            base_url=hub_prefix, server=SimpleNamespace(base_url=hub_prefix), url=hub_prefix
        )
        self.app = web.Application(
            specs,
            login_url=f"{hub_prefix}login",
            base_url=hub_prefix.removesuffix("hub/"),
            hub=hub_facade,
            authenticator=plugin,
            cookie_options={},
            # JupyterHub's own get_next_url (reached by a plugin's super()) lands
            # where the hub's pages do; redirect_to_server stays off there, as it
            # would ask the user object about its spawner
            default_url=_landing,
            redirect_to_server=False,
            xsrf_cookies=False,
            log=log,
        )

    def routes(self) -> list[Route]:
        return [Route(path, self.serve, methods=["GET", "POST"]) for path in self.paths]

    async def serve(self, request: Request) -> Response:
        body = await request.body()
        # the hub's cookie secret (shared by every hub process) signs the OAuth state cookie
        self.app.settings["cookie_secret"] = _hub().sessions.secret
        client = request.client.host if request.client else "127.0.0.1"
        proto = request.headers.get("x-forwarded-proto", request.url.scheme).split(",")[0].strip()
        connection = _Connection(client, proto)
        headers = httputil.HTTPHeaders()
        for key, value in request.headers.raw:
            headers.add(key.decode("latin-1"), value.decode("latin-1"))
        uri = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        tornado_request = httputil.HTTPServerRequest(
            start_line=httputil.RequestStartLine(request.method, uri, "HTTP/1.1"),
            headers=headers,
            body=body,
            connection=connection,  # type: ignore[arg-type]
        )
        tornado_request.hub_request = request  # type: ignore[attr-defined]
        dispatcher = self.app.find_handler(tornado_request)
        dispatcher.execute()
        try:
            await asyncio.wait_for(connection.done.wait(), HANDLER_TIMEOUT)
        except TimeoutError:
            return Response(_error_html(504, "The login service did not answer in time."), 504)
        response = Response(bytes(connection.body), status_code=connection.status)
        response.raw_headers = [
            (k.lower().encode("latin-1"), v.encode("latin-1"))
            for k, v in connection.headers
            if k.lower() != "content-length"
        ] + [(b"content-length", str(len(connection.body)).encode())]
        return response
