"""The browser pages: log in, log out, home, start and follow a server.

Pages read the login cookie (:mod:`hub.web.sessions`); forms that change
something carry the ``_xsrf`` token. Everything they do goes through the
same core functions as the API, and is recorded in the audit log as the
API's changes are (:mod:`hub.web.page_audit`).
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import time
from collections.abc import Awaitable, Callable
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote, unquote, urlencode, urlsplit

from jinja2 import Template
from markupsafe import Markup
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from hub import access_log, metrics
from hub.auth import scopes as sc
from hub.core import audit, login_sessions, servers, shares, tokens, users
from hub.db.models import User
from hub.errors import BadRequest, HubError
from hub.metrics import catalogue
from hub.names import progress_url, server_prefix
from hub.runtime import Hub, current
from hub.timeutil import utcnow
from hub.web import login_limits, page_audit
from hub.web.templating import TEMPLATES

log = logging.getLogger("hub.web")


def render(
    request: Request, name: str, code: int = 200, xsrf: tuple[str, bool] | None = None, **context: Any
) -> HTMLResponse:
    """The page ``name``; ``xsrf`` is the request's (token, new) if the caller already read it."""
    hub = current()
    token, new = xsrf or hub.sessions.xsrf_token(request.cookies)
    html = TEMPLATES.get_template(name).render(hub_prefix=hub.hub_prefix, xsrf=token, **context)
    response = HTMLResponse(html, status_code=code)
    if new:
        hub.sessions.set_xsrf(response, request, token)
    return response


def landing(request: Request, name: str) -> str:
    """Where a logged-in user goes without a ``next``, as in JupyterHub:
    ``JupyterHub.default_url`` (a path, or a callable given a handler-like
    object with ``current_user`` and ``request``), else their server (started
    by /hub/spawn if it is not running) when ``redirect_to_server``, else home."""
    hub = current()
    configured = hub.settings.default_url
    if callable(configured):
        handler = SimpleNamespace(current_user=SimpleNamespace(name=name), request=request, hub=hub)
        try:
            configured = configured(handler)
        except Exception:
            log.exception("JupyterHub.default_url failed; using the default")
            configured = ""
    if configured:
        return str(configured)
    return f"{hub.hub_prefix}spawn" if hub.settings.redirect_to_server else f"{hub.hub_prefix}home"


def local_path(next_url: str | None, default: str) -> str:
    """Only redirect within this site (no scheme, no host, no ``//``)."""
    if next_url and next_url.startswith("/") and not next_url.startswith("//") and "\\" not in next_url:
        return next_url
    return default


async def logged_in(request: Request) -> User | None:
    """The user of the login cookie's session; None also when the session has
    ended, or the authenticator's ``refresh_user`` says the login no longer
    holds (then they log in again)."""
    hub = current()
    presented = hub.sessions.presented(request)
    if presented is None:
        return None
    user, found = await hub.transact(lambda s: _session_user(s, presented), write=False)
    if found is not None and found.stale(now := utcnow(), hub.activity_resolution):
        # in a transaction of its own, as the API records activity
        await hub.transact(
            lambda s: login_sessions.record(s.connection(), found, now, hub.activity_resolution)
        )
    if user is not None and hub.logins.due(user.auth_refreshed):
        if not await hub.logins.refresh(user.id):
            return None
        # refresh_user runs at most once per request (refresh_pre_spawn/_stop read this)
        request.state.refreshed = True
        user, _ = await hub.transact(lambda s: _session_user(s, presented), write=False)
    if user is not None:
        access_log.requester("user", user.name)
    return user


def _session_user(
    session: Any, presented: login_sessions.Presented
) -> tuple[User | None, login_sessions.Found | None]:
    found = login_sessions.find(session.connection(), presented)
    return (session.get(User, found.user_id), found) if found is not None else (None, None)


def refreshed(request: Request) -> bool:
    """Whether this request has already refreshed the login (see :func:`logged_in`)."""
    return bool(getattr(request.state, "refreshed", False))


Page = Callable[[Request, User], Awaitable[Response]]


def for_user(page: Page) -> Callable[[Request], Awaitable[Response]]:
    """A page for logged-in users: others go to the login page first; an
    error of the hub is shown as an error page."""

    @functools.wraps(page)
    async def wrapper(request: Request) -> Response:
        user = await logged_in(request)
        if user is None:
            return to_login(request)
        try:
            return await page(request, user)
        except HubError as e:
            return error_page(request, user, e.status, e.message or "")

    return wrapper


def error_page(request: Request, user: User, status: int, message: str) -> HTMLResponse:
    return render(request, "error.html", status, user=user.name, status=status, message=message)


def to_login(request: Request) -> RedirectResponse:
    """To the login page, coming back here afterwards. A form's target (a POST)
    cannot be opened again after the login: the way back is the page the form
    was on (its ``Referer``, when it is a page of this site), else home."""
    hub = current()
    if request.method in ("GET", "HEAD"):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        code = 302
    else:
        target = _referring_page(request) or f"{hub.hub_prefix}home"
        code = 303
    return RedirectResponse(f"{hub.hub_prefix}login?next={quote(target, safe='')}", code)


def _referring_page(request: Request) -> str | None:
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc and referer.netloc != request.url.netloc:
        return None
    path = referer.path + (f"?{referer.query}" if referer.query else "")
    found = local_path(path, "")
    return found or None


async def xsrf_checked_form(request: Request, nul_ok: bool = False) -> dict[str, Any] | None:
    """The form's fields, or None when its _xsrf value is wrong; a 400 for a
    field holding NUL (unless the page refuses those itself: ``nul_ok``)."""
    form = await request.form()
    data = {key: form.getlist(key) if key == "scopes" else form.get(key) for key in form}
    submitted = data.get("_xsrf")
    if not current().sessions.xsrf_ok(request.cookies, str(submitted or "")):
        return None
    if not nul_ok and any(isinstance(value, str) and "\x00" in value for _, value in form.multi_items()):
        # no name, password or note holds one, and PostgreSQL stores none (a 500)
        raise BadRequest("A form field holds a NUL character")
    return data


# --- login and logout -----------------------------------------------------------


def _own_login_url(hub: Hub) -> str | None:
    """The authenticator's own login page (OAuthenticator's ``oauth_login``), if it has one."""
    login_url = getattr(hub.authenticator, "login_url", None)
    if login_url is None:
        return None
    url = str(login_url(hub.hub_prefix))
    return None if url.rstrip("/") == f"{hub.hub_prefix}login" else url


def _custom_html(hub: Hub, context: dict[str, Any]) -> Markup:
    """The authenticator's own login form, rendered as JupyterHub renders it: a
    template given ``xsrf``, ``authenticator_login_url``, ``next``, ``login_url``,
    ``login_error``, ``username`` and ``authenticator`` (so a form posts its ``_xsrf``)."""
    auth = hub.authenticator
    plugin = getattr(auth, "plugin", None)
    if plugin is not None and hasattr(plugin, "get_custom_html"):
        source = str(plugin.get_custom_html(hub.hub_prefix) or "")
    else:
        source = str(getattr(auth, "custom_html", "") or "")
    if not source:
        return Markup("")
    # the deployment's own HTML (configuration, not user input), as JupyterHub trusts it
    return Markup(Template(source).render(**context, authenticator=plugin or auth))


def _login_form(request: Request, next_url: str, code: int = 200, error: str | None = None) -> Response:
    hub = current()
    own = _own_login_url(hub)
    xsrf, new = hub.sessions.xsrf_token(request.cookies)
    own_login = getattr(hub.authenticator, "login_url", None)
    form_url = str(own_login(hub.hub_prefix)) if own_login is not None else f"{hub.hub_prefix}login"
    context = {
        "next": quote(next_url, safe=""),
        "username": "",
        "login_error": error,
        "login_url": f"{hub.hub_prefix}login",
        "authenticator_login_url": f"{form_url}?next={quote(next_url, safe='')}",
        "xsrf": xsrf,
    }
    return render(
        request,
        "login.html",
        code,
        (xsrf, new),
        next=next_url,
        error=error,
        login_url=f"{own}?next={quote(next_url, safe='')}" if own else None,
        login_service=getattr(hub.authenticator, "login_service", ""),
        custom_html=_custom_html(hub, context),
    )


def audit_entry(request: Request, kind: str, outcome: int) -> audit.Entry:
    """The audit record of a login, logout or failed login (its actor is filled in later)."""
    method, path, address = access_log.request_facts(request.method, request.url.path, request.scope)
    return audit.Entry(type=kind, method=method, path=path, outcome=outcome, address=address)


def login_ended(began: float, succeeded: bool) -> None:
    """Count a login that began at ``began`` (``perf_counter``): the
    authenticator accepted it and its session started, or it refused it."""
    outcome = catalogue.SUCCESS if succeeded else catalogue.FAILURE
    metrics.observe(catalogue.LOGIN_DURATION, outcome, time.perf_counter() - began)


async def refused_login(request: Request, typed_name: str | None) -> None:
    """Record a failed login: the name typed (never the password), from where;
    it counts against the failed-login limit."""
    await login_limits.failed(request, typed_name)
    await _record_refusal(request, typed_name, 403)


async def _record_refusal(request: Request, typed_name: str | None, outcome: int) -> None:
    """A login refused, in the audit log (a refusal before the authenticator
    was asked, for an expired form or the failed-login limit, counts no failure)."""
    entry = audit_entry(request, audit.LOGIN_FAILED, outcome)
    if typed_name:
        entry = dataclasses.replace(entry, resource=f"user:{typed_name}")
    await current().transact(lambda s: audit.record_refusal(s.connection(), entry))


async def finish_login(hub: Hub, authenticated: dict[str, Any], request: Request) -> tuple[User, str]:
    """Store what a successful login brings (:meth:`hub.core.logins.Logins.store`)
    with its audit record (its outcome: the redirect into the hub that
    follows), tell the authenticator about a new user, and start the
    browser's login session; (the user, the session's id for
    :meth:`Sessions.log_in`)."""
    auth = hub.authenticator
    stored = await hub.logins.store(authenticated, record=audit_entry(request, audit.LOGIN, 302))
    assert stored is not None
    user, new = stored
    await login_limits.succeeded(user.name)
    if new and hasattr(auth, "user_added"):
        await auth.user_added(user.name)
    user_agent, address = hub.sessions.client(request)
    session_id = await hub.transact(lambda s: login_sessions.start(s, user.id, user_agent, address))
    return user, session_id


async def login_page(request: Request) -> Response:
    hub = current()
    wanted = request.query_params.get("next")
    next_url = local_path(wanted, "")
    if request.method == "GET":
        already = await logged_in(request)
        if already is not None:
            return RedirectResponse(next_url or landing(request, already.name), 302)
        own = _own_login_url(hub)
        if own and getattr(getattr(hub.authenticator, "plugin", None), "auto_login", False):
            return RedirectResponse(f"{own}?next={quote(next_url, safe='')}", 302)
        return _login_form(request, next_url)
    form = await xsrf_checked_form(request)
    if form is None:
        await _record_refusal(request, None, 403)
        return _login_form(request, next_url, 403, "The form has expired; try again.")
    # every field reaches the authenticator (a custom_html form may add its own)
    data = {k: str(v or "") for k, v in form.items() if k != "_xsrf" and isinstance(v, str | None)}
    data.setdefault("username", "")
    data.setdefault("password", "")
    if (seconds := await login_limits.wait(request, data["username"])) is not None:
        # refused before the authenticator hears of it
        await _record_refusal(request, data["username"], 429)
        limited = _login_form(request, next_url, 429, login_limits.message(seconds))
        limited.headers["Retry-After"] = str(seconds)
        return limited

    async def exists(name: str) -> bool:
        return await hub.transact(lambda s: users.by_name(s, name) is not None, write=False)

    began = time.perf_counter()
    await hub.sync_authenticator()
    try:
        authenticated = await hub.authenticator.get_authenticated_user(data, exists, handler=request)
    except Exception as e:  # a plugin's own failure (its server down, ...): refuse, keep serving
        log.warning("The authenticator failed: %s: %s", type(e).__name__, e)
        return _login_form(request, next_url, 503, "The login service is not available; try again later.")
    if authenticated is None:
        await refused_login(request, data["username"])
        login_ended(began, succeeded=False)
        return _login_form(request, next_url, 403, "Invalid user name or password.")
    user, session_id = await finish_login(hub, authenticated, request)
    response = RedirectResponse(next_url or landing(request, user.name), 302)
    hub.sessions.log_in(response, request, session_id)
    login_ended(began, succeeded=True)
    return response


async def logout_refresh(request: Request, name: str) -> None:
    """``refresh_pre_stop`` before logout stops the user's servers, unless
    identifying them already refreshed the login in this request."""
    if not refreshed(request):
        await current().logins.before_stop(name, None, by_owner=True, own_session=True)


async def end_session(request: Request, user_id: int, name: str, session_id: str | None) -> None:
    """A logout: the login session ended (its row and the tokens issued in it)
    and its audit record, in one transaction."""
    entry = audit.as_user(audit_entry(request, audit.LOGOUT, 302), name)

    def end(s: Session) -> None:
        if session_id is not None:
            login_sessions.end(s, user_id, session_id)
        audit.record(s.connection(), entry)

    await current().transact(end)


async def logout_page(request: Request) -> Response:
    began = time.perf_counter()
    try:
        return await _log_out(request)
    finally:
        metrics.observe(catalogue.LOGOUT_DURATION, None, time.perf_counter() - began)


async def _log_out(request: Request) -> Response:
    hub = current()
    user = await logged_in(request)
    presented = hub.sessions.presented(request)
    if user is not None and presented is not None:
        if hub.settings.shutdown_on_logout:
            # refresh_pre_stop: a failed refresh keeps the servers running and the user logged in
            try:
                await logout_refresh(request, user.name)
            except HubError as e:
                return error_page(request, user, e.status, e.message or "")
        await end_session(request, user.id, user.name, presented.session_id)
        if hub.settings.shutdown_on_logout:
            await hub.lifecycle.stop_user(user.name)
    response = RedirectResponse(f"{hub.hub_prefix}login", 302)
    hub.sessions.log_out(response)
    return response


# --- home, start, stop, progress ---------------------------------------------------


def _server_path(user: str, server_name: str) -> str:
    return quote(user, safe="") + (f"/{quote(server_name, safe='')}" if server_name else "")


@for_user
async def home_page(request: Request, user: User) -> Response:
    from hub.web import admin

    hub = current()
    rows, may_administer = await hub.transact(
        lambda s: (servers.of_user(s, user.id), admin.may_administer(s, user)), write=False
    )
    listed = []
    for row in rows or []:
        status = "ready" if row.url and not row.pending else (row.pending or "stopped")
        listed.append(
            {
                "name": row.name,
                "label": row.name or "default server",
                "status": status,
                "ready": status == "ready",
                "pending": row.pending,
                "url": server_prefix(hub.base_prefix, user.name, row.name),
                "path": _server_path(user.name, row.name),
            }
        )
    if not any(s["name"] == "" for s in listed):
        listed.insert(
            0,
            {
                "name": "",
                "label": "default server",
                "status": "stopped",
                "ready": False,
                "pending": None,
                "url": server_prefix(hub.base_prefix, user.name, ""),
                "path": _server_path(user.name, ""),
            },
        )
    return render(
        request,
        "home.html",
        user=user.name,
        servers=listed,
        error=request.query_params.get("error"),
        admin=may_administer,
    )


def _server_change(request: Request, user: User, verb: str) -> page_audit.Change:
    """The start (``post``) or stop (``delete``) of the server the URL names
    (the user's default one without a name), recorded as the API's operation."""
    owner = unquote(request.path_params.get("user", quote(user.name, safe="")))
    server_name = unquote(request.path_params.get("server_name", ""))
    operation = f"{verb}-user-server" + ("-name" if server_name else "")
    return page_audit.begin(request, user, operation, f"server:{owner}/{server_name}")


def _target(request: Request, user: User) -> tuple[str, str] | None:
    """(user, server name) of a /spawn, /stop or /spawn-pending URL, if the user's own."""
    owner = unquote(request.path_params["user"])
    server_name = unquote(request.path_params.get("server_name", ""))
    return (owner, server_name) if owner == user.name else None


@for_user
@page_audit.audited
async def spawn_action(request: Request, user: User) -> Response:
    hub = current()
    _server_change(request, user, "post")
    target = _target(request, user)
    if target is None or await xsrf_checked_form(request) is None:
        return error_page(request, user, 403, "Not allowed.")
    owner, server_name = target
    body: dict[str, Any] = {}
    form_html = await _options_form(hub, owner, server_name)
    if form_html:
        submitted = await request.form()
        fields = {key: [str(v) for v in submitted.getlist(key)] for key in submitted if key != "_xsrf"}
        try:
            body["user_options"] = await hub.spawner.options_from_form(owner, server_name, fields)
        except Exception as e:
            message = _plugin_message(e)
            return _spawn_form(request, user, owner, server_name, form_html, error=message, status=400)
    try:
        if not refreshed(request):
            await hub.logins.before_spawn(owner, own_session=True)
        status = await hub.lifecycle.start(owner, server_name, body)
    except HubError as e:
        if form_html:
            message = e.message or "The server could not be started"
            return _spawn_form(request, user, owner, server_name, form_html, error=message, status=e.status)
        raise
    if status == 201:
        return RedirectResponse(server_prefix(hub.base_prefix, owner, server_name), 302)
    return RedirectResponse(f"{hub.hub_prefix}spawn-pending/{_server_path(owner, server_name)}", 302)


async def _options_form(hub: Hub, owner: str, server_name: str) -> str:
    """The spawner's options form for this server, or "" (a failing form is logged, not shown)."""
    try:
        return await hub.spawner.options_form(owner, server_name)
    except Exception:
        log.exception("Rendering the options form for %s failed", owner)
        return ""


def _plugin_message(error: BaseException) -> str:
    text = getattr(error, "log_message", None) or str(error) or type(error).__name__
    return f"Invalid options: {text}"


def _spawn_form(
    request: Request,
    user: User,
    owner: str,
    server_name: str,
    form_html: str,
    error: str | None = None,
    status: int = 200,
) -> Response:
    label = f"server {server_name}" if server_name else "your server"
    return render(
        request,
        "spawn.html",
        status,
        user=user.name,
        label=label,
        path=_server_path(owner, server_name),
        options_form=Markup(form_html),
        error=error,
    )


@for_user
@page_audit.audited
async def spawn_page(request: Request, user: User) -> Response:
    """GET /hub/spawn[/user[/server]], as in JupyterHub: open the server if it
    runs, follow it if it is starting, show the options form if the spawner
    has one, else start it at once (JupyterLab's restart dialog and the 424
    page link here). ``next`` is where the browser goes once it runs."""
    hub = current()
    if "user" not in request.path_params:
        owner, server_name = user.name, ""
    else:
        target = _target(request, user)
        if target is None:
            _server_change(request, user, "post")
            return error_page(request, user, 403, "Not allowed.")
        owner, server_name = target
    next_url = local_path(request.query_params.get("next"), "")
    rows = await hub.transact(lambda s: servers.of_user(s, user.id), write=False)
    row = next((r for r in rows if r.name == server_name), None)
    if row is not None and row.url and not row.pending:
        return RedirectResponse(next_url or server_prefix(hub.base_prefix, owner, server_name), 302)
    if row is not None and row.pending == "spawn":
        return RedirectResponse(_pending_url(hub, owner, server_name, next_url), 302)
    form_html = await _options_form(hub, owner, server_name)
    if form_html:
        return _spawn_form(request, user, owner, server_name, form_html)
    _server_change(request, user, "post")  # only now does this GET change something
    if not refreshed(request):
        await hub.logins.before_spawn(owner, own_session=True)
    status = await hub.lifecycle.start(owner, server_name, {})
    if status == 201:
        return RedirectResponse(next_url or server_prefix(hub.base_prefix, owner, server_name), 302)
    return RedirectResponse(_pending_url(hub, owner, server_name, next_url), 302)


def _pending_url(hub: Hub, owner: str, server_name: str, next_url: str) -> str:
    url = f"{hub.hub_prefix}spawn-pending/{_server_path(owner, server_name)}"
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


@for_user
@page_audit.audited
async def stop_action(request: Request, user: User) -> Response:
    hub = current()
    _server_change(request, user, "delete")
    target = _target(request, user)
    if target is None or await xsrf_checked_form(request) is None:
        return error_page(request, user, 403, "Not allowed.")
    if not refreshed(request):
        await hub.logins.before_stop(target[0], target[1], by_owner=True, own_session=True)
    await hub.lifecycle.stop(target[0], target[1], remove=False)
    return RedirectResponse(f"{hub.hub_prefix}home", 302)


@for_user
async def spawn_pending_page(request: Request, user: User) -> Response:
    hub = current()
    target = _target(request, user)
    if target is None:
        return error_page(request, user, 403, "Not allowed.")
    owner, server_name = target
    next_url = local_path(request.query_params.get("next"), "")
    rows = await hub.transact(lambda s: servers.of_user(s, user.id), write=False)
    row = next((r for r in rows if r.name == server_name), None)
    if row is not None and row.url and not row.pending:
        return RedirectResponse(next_url or server_prefix(hub.base_prefix, owner, server_name), 302)
    events = list(row.progress or []) if row is not None else []
    failed = row is None or (row.pending is None and not row.url)
    return render(
        request,
        "spawn_pending.html",
        user=user.name,
        label=server_name or "default server",
        events=events,
        failed=failed,
        progress_url=progress_url(hub.hub_prefix, owner, server_name),
        next=next_url,
    )


# --- the token page ----------------------------------------------------------------


def _token_rows(session: Any, user_id: int) -> list[dict[str, Any]]:
    return [
        {
            "id": f"a{t.id}",
            "note": t.note,
            "client_id": t.client_id,
            "created": t.created.strftime("%Y-%m-%d %H:%M"),
            "last_activity": t.last_activity.strftime("%Y-%m-%d %H:%M") if t.last_activity else None,
            "expires_at": t.expires_at.strftime("%Y-%m-%d %H:%M") if t.expires_at else None,
        }
        for t in tokens.for_user(session, user_id)
        if not t.note.startswith("Server at ")
    ]


@for_user
@page_audit.audited
async def token_page(request: Request, user: User) -> Response:
    """List the user's tokens; POST issues a new one (shown once)."""
    hub = current()
    new_token, error, status = None, None, 200
    if request.method == "POST":
        change = page_audit.begin(request, user, "post-user-tokens", f"user:{user.name}")
        form = await xsrf_checked_form(request)
        if form is None:
            return error_page(request, user, 403, "The form has expired.")
        note = str(form.get("note") or "")[:1023] or "Requested via token page"
        raw_expiry = str(form.get("expires_in") or "")
        expires_in = int(raw_expiry) if raw_expiry.isdigit() else None
        limit = hub.settings.token_expires_in_max_seconds

        def issue(s: Any) -> str:
            tokens.check_cap(s, user, hub.settings.max_tokens_per_user)
            _, value = tokens.issue(
                s, user_id=user.id, note=note, expires_in=tokens.check_expires_in(expires_in, limit)
            )
            change.record(s.connection(), 200)
            return value

        try:
            new_token = await hub.transact(issue, serializable=True)
        except HubError as e:  # the form stays, with why
            error, status = e.message, e.status
    rows = await hub.transact(lambda s: _token_rows(s, user.id), write=False)
    return render(
        request, "token.html", status, user=user.name, tokens=rows, new_token=new_token, error=error
    )


@for_user
@page_audit.audited
async def revoke_token(request: Request, user: User) -> Response:
    hub = current()
    change = page_audit.begin(request, user, "delete-user-token", f"user:{user.name}")
    if await xsrf_checked_form(request) is None:
        return error_page(request, user, 403, "The form has expired.")
    token_id = request.path_params["token_id"]

    def revoke(s: Session) -> None:
        tokens.revoke(s, tokens.user_token(s, user, token_id))
        change.record(s.connection(), 302)

    await hub.transact(revoke)
    return RedirectResponse(f"{hub.hub_prefix}token", 302)


@for_user
async def user_redirect(request: Request, user: User) -> Response:
    hub = current()
    rest = request.path_params.get("rest", "")
    query = f"?{request.url.query}" if request.url.query else ""
    return RedirectResponse(server_prefix(hub.base_prefix, user.name, "") + rest + query, 302)


# --- accepting a share code --------------------------------------------------------


@for_user
@page_audit.audited
async def accept_share_page(request: Request, user: User) -> Response:
    """GET shows what the code shares; its form POSTs back and the visitor gets a
    share of the code's server, then goes to that server (or to a local ``next``)."""
    hub = current()
    if request.method == "POST":
        # about the code's server once it is found (never the code itself)
        change = page_audit.begin(request, user, audit.ACCEPT_SHARE, None)
        # a code holding NUL matches none: said below, as for any unknown code
        form = await xsrf_checked_form(request, nul_ok=True)
        if form is None:
            return error_page(request, user, 403, "The form has expired; open the link again.")
        code, next_url = str(form.get("code") or ""), form.get("next")
    else:
        code, next_url = request.query_params.get("code", ""), request.query_params.get("next")
    if not code:
        return error_page(request, user, 400, "This link has no share code: copy the whole link.")
    next_url = local_path(str(next_url), "") if next_url else ""
    if request.method == "POST":

        def accept(s: Session) -> shares.ShareView:
            view = shares.accept_code(s, code, user.name)
            change.about(f"server:{view.server.owner}/{view.server.name}")
            change.record(s.connection(), 302)
            return view

        ref = (await hub.transact(accept)).server
        return RedirectResponse(next_url or server_prefix(hub.base_prefix, ref.owner, ref.name), 302)
    offer = await hub.transact(lambda s: shares.invitation(s, code, user.name), write=False)
    ref = offer.server
    query = {"code": code, **({"next": next_url} if next_url else {})}
    return render(
        request,
        "accept_share.html",
        user=user.name,
        owner=ref.owner,
        server_name=ref.name,
        server_url=server_prefix(hub.base_prefix, ref.owner, ref.name),
        ready=bool(ref.url) and not ref.pending,
        already_held=offer.already_held,
        scopes=[{"name": s, "description": sc.SCOPES[s.partition("!")[0]][0]} for s in offer.scopes],
        expires_at=offer.expires_at.strftime("%Y-%m-%d %H:%M UTC"),
        share_code=code,
        next=next_url,
        action=f"{hub.hub_prefix}accept-share?{urlencode(query)}",
    )


async def root(request: Request) -> Response:
    """/hub/: ``default_url`` if set, else a logged-in user's landing (their
    server, or ``next``), else the login page."""
    hub = current()
    configured = hub.settings.default_url
    if configured and not callable(configured):
        return RedirectResponse(str(configured), 302)
    user = await logged_in(request)
    if user is None:
        return RedirectResponse(f"{hub.hub_prefix}login?next={quote(request.url.path, safe='')}", 302)
    wanted = local_path(request.query_params.get("next"), "")
    return RedirectResponse(wanted or landing(request, user.name), 302)


async def base_root(_request: Request) -> Response:
    """The deployment's root (the proxy sends it to the hub): into the hub."""
    return RedirectResponse(current().hub_prefix, 302)


ANY_METHOD = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def routes(hub: Hub) -> list[Route]:
    from hub.web import admin, errors, user_urls

    p = hub.hub_prefix
    return [
        Route(p, root, methods=["GET"]),
        Route(p + "login", login_page, methods=["GET", "POST"]),
        Route(p + "logout", logout_page, methods=["GET"]),
        Route(p + "home", home_page, methods=["GET"]),
        Route(p + "spawn", spawn_page, methods=["GET"]),
        Route(p + "spawn/{user}", spawn_page, methods=["GET"]),
        Route(p + "spawn/{user}/{server_name}", spawn_page, methods=["GET"]),
        Route(p + "spawn/{user}", spawn_action, methods=["POST"]),
        Route(p + "spawn/{user}/{server_name}", spawn_action, methods=["POST"]),
        Route(p + "stop/{user}", stop_action, methods=["POST"]),
        Route(p + "stop/{user}/{server_name}", stop_action, methods=["POST"]),
        Route(p + "spawn-pending/{user}", spawn_pending_page, methods=["GET"]),
        Route(p + "spawn-pending/{user}/{server_name}", spawn_pending_page, methods=["GET"]),
        Route(p + "user-redirect/{rest:path}", user_redirect, methods=["GET"]),
        Route(p + "token", token_page, methods=["GET", "POST"]),
        Route(p + "token/{token_id}/revoke", revoke_token, methods=["POST"]),
        Route(p + "accept-share", accept_share_page, methods=["GET", "POST"]),
        Route(p + "user/{user}", user_urls.user_url, methods=ANY_METHOD),
        Route(p + "user/{user}/{rest:path}", user_urls.user_url, methods=ANY_METHOD),
        Route(p + "error/{status}", errors.proxy_error, methods=["GET"]),
        Route(p + "logo", errors.logo, methods=["GET"]),
        Route(p + "static/{path:path}", errors.static, methods=["GET"]),
        Route(hub.base_prefix, base_root, methods=["GET"]),
        Route(hub.base_prefix + "user/{rest:path}", user_urls.prefix_redirect, methods=["GET"]),
        *admin.routes(hub),
    ]
