"""Operations tagged ``oauth``: the OAuth 2 provider and the deprecated
authorization endpoints.

The audit log names the browser's user as the requester of an authorization
(the spec leaves these operations unauthenticated, as the browser's cookie is
read here) and ``user:NAME`` as its resource, as for the tokens the API
issues: the confirmation form (``post-oauth-authorize``) as every write is
recorded, and a code issued without it (``get-oauth-authorize``: the user's
own server, a service with ``oauth_no_confirm``) in the transaction that
issues it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, unquote, urlencode

from hub import access_log
from hub.api import identify
from hub.api.context import ctx
from hub.api.hub import owner_model
from hub.api.resolver import RefreshDue
from hub.auth.identity import identify_scopes
from hub.auth.scopes import Owner
from hub.core import audit, login_sessions, roles
from hub.core import oauth as oauth_core
from hub.core import services as services_core
from hub.db.models import OAuthClient, User
from hub.errors import BadRequest, Forbidden, NotFound
from hub.web.sessions import LOGIN_COOKIE
from hub.web.templating import TEMPLATES


def post_auth_token(**_: Any) -> Any:
    raise NotFound(
        "Deprecated endpoint /hub/api/authorizations/token is removed in JupyterHub 2.0."
        " Use /hub/api/users/:user/tokens instead."
    )


def get_auth_token(token: str) -> Any:
    c = ctx()
    found = identify.identify(c.conn, token, c.hub)
    if found is None:
        raise NotFound(None)
    owner = found[0]
    model = owner_model(owner.kind, owner.id, identify_scopes(owner.owner))
    if model is None:
        raise NotFound(None)
    return model


def get_auth_cookie(cookie_name: str, cookie_value: str) -> Any:
    c = ctx()
    # the value alone: a legacy login cookie (no session id inside) names no one here
    presented = c.hub.sessions.read(unquote(cookie_value)) if cookie_name == LOGIN_COOKIE else None
    found = login_sessions.find(c.conn, presented) if presented is not None else None
    if found is None:
        raise NotFound(None)
    return owner_model("user", found.user_id, identify_scopes(Owner("user", found.name)))


# --- the OAuth 2 provider -----------------------------------------------------------


def _redirect(url: str, headers: dict[str, str] | None = None) -> Any:
    return "", 302, {"Location": url, "Content-Type": "text/html", **(headers or {})}


def _with_query(url: str, **params: str | None) -> str:
    kept = {k: v for k, v in params.items() if v is not None}
    return url + ("&" if "?" in url else "?") + urlencode(kept)


def _browser_user() -> User | None:
    """The user logged in to the hub in this browser, if any (not one whose
    login the authenticator's ``refresh_user`` no longer confirms)."""
    c = ctx()
    presented = c.hub.sessions.presented(c.request)
    found = login_sessions.find(c.conn, presented) if presented is not None else None
    user = c.session.get(User, found.user_id) if found is not None else None
    if user is None or c.refreshed:
        return user
    if c.refreshed is False:
        return None
    if c.hub.logins.due(user.auth_refreshed):
        raise RefreshDue(user.id, by_token=False, from_handler=True)
    return user


def _browser_session() -> str | None:
    """The browser's login session, which the tokens issued now belong to."""
    presented = ctx().hub.sessions.presented(ctx().request)
    return presented.session_id if presented is not None else None


def _authorization(
    client_id: str, redirect_uri: str, scope: str | None
) -> tuple[OAuthClient, list[str] | str]:
    """The client and the scopes asked (or an error)."""
    c = ctx()
    found = oauth_core.client(c.session, client_id)
    if found is None:
        raise BadRequest(f"No such client: {client_id}")
    if redirect_uri != found.redirect_uri:
        raise BadRequest("Mismatching redirect URI.")
    try:
        scopes: list[str] | str = oauth_core.requested_scopes(found, scope)
    except ValueError as e:
        scopes = str(e)
    return found, scopes


def _check_access(client: OAuthClient, user: User) -> None:
    c = ctx()
    _, _, groups = roles.user_role_scopes(c.conn, user.id)
    held = oauth_core.user_scopes(c.session, user)
    if not any(oauth_core.holds(held, s, frozenset(groups)) for s in oauth_core.access_scopes(client)):
        raise Forbidden(f"You do not have permission to access {client.description}")


def _issue(client: OAuthClient, user: User, scopes: list[str], redirect_uri: str, **pkce: str | None) -> str:
    c = ctx()
    return oauth_core.issue_code(
        c.session,
        client,
        user,
        scopes,
        redirect_uri,
        _browser_session(),
        pkce.get("code_challenge"),
        pkce.get("code_challenge_method"),
    )


def _record_grant(user: User) -> None:
    """The audit record of a code issued at once (a GET is not recorded otherwise)."""
    c = ctx()
    method, path, address = access_log.request_facts(c.request.method, c.request.url.path, c.request.scope)
    entry = audit.Entry(type="get-oauth-authorize", method=method, path=path, outcome=302, address=address)
    audit.record(c.conn, audit.as_user(entry, user.name))


def get_oauth_authorize(
    client_id: str | None = None,
    response_type: str | None = None,
    redirect_uri: str | None = None,
    state: str | None = None,
    scope: str | None = None,
    code_challenge: str | None = None,
    code_challenge_method: str | None = None,
) -> Any:
    c = ctx()
    user = _browser_user()
    if user is None:
        # log in first, whatever the parameters: they are checked on the way back
        here = str(c.request.url.path) + ("?" + c.request.url.query if c.request.url.query else "")
        return _redirect(f"{c.hub.hub_prefix}login?next={quote(here, safe='')}")
    for name, value in (
        ("client_id", client_id),
        ("response_type", response_type),
        ("redirect_uri", redirect_uri),
    ):
        if not value:
            raise BadRequest(f"Missing {name}")
    if response_type != "code":
        raise BadRequest(f"Unsupported response_type: {response_type!r} (only 'code')")
    assert client_id is not None and redirect_uri is not None
    found, scopes = _authorization(client_id, redirect_uri, scope)
    if isinstance(scopes, str):
        return _redirect(
            _with_query(redirect_uri, error="invalid_scope", error_description=scopes, state=state)
        )
    _check_access(found, user)
    # the hub registers a server's client with that server's access scope
    own_server = any(
        s.startswith(f"access:servers!server={user.name}/") for s in oauth_core.access_scopes(found)
    )
    if own_server or services_core.no_confirm(c.session, found.identifier):
        code = _issue(found, user, scopes, redirect_uri, code_challenge=code_challenge,
                      code_challenge_method=code_challenge_method)  # fmt: skip
        _record_grant(user)
        return _redirect(_with_query(redirect_uri, code=code, state=state))
    token, new = c.hub.sessions.xsrf_token(c.request.cookies)
    html = TEMPLATES.get_template("consent.html").render(
        hub_prefix=c.hub.hub_prefix,
        user=user.name,
        client=found.description or found.identifier,
        scopes=scopes,
        xsrf=token,
        action=str(c.request.url.path) + "?" + str(c.request.url.query),
    )
    headers = {"Content-Type": "text/html"}
    if new:
        headers["Set-Cookie"] = c.hub.sessions.xsrf_cookie_header(token)
    return html, 200, headers


def post_oauth_authorize(
    body: Any,
    client_id: str,
    response_type: str,
    redirect_uri: str,
    state: str | None = None,
    scope: str | None = None,
    code_challenge: str | None = None,
    code_challenge_method: str | None = None,
) -> Any:
    c = ctx()
    # found first, so that a refusal's audit record names them
    user = _browser_user()
    if user is not None:
        c.acting_for(user.name)
    if not isinstance(body, dict) or not c.hub.sessions.xsrf_ok(
        c.request.cookies, str(body.get("_xsrf") or "")
    ):
        raise Forbidden("XSRF check failed: reload the page and try again")
    found, scopes = _authorization(client_id, redirect_uri, scope)
    if user is None:
        raise Forbidden("Log in first")
    if isinstance(scopes, str):
        raise BadRequest(scopes)
    _check_access(found, user)
    granted = body.get("scopes") or []
    granted = [granted] if isinstance(granted, str) else list(granted)
    chosen = sorted(
        set(granted) & set(scopes) | set(oauth_core.IDENTIFY) | set(oauth_core.access_scopes(found))
    )
    code = _issue(found, user, chosen, redirect_uri, code_challenge=code_challenge,
                  code_challenge_method=code_challenge_method)  # fmt: skip
    return _redirect(_with_query(redirect_uri, code=code, state=state))


def post_oauth_token(body: Any) -> Any:
    c = ctx()
    form = body if isinstance(body, dict) else {}
    no_store = {"Cache-Control": "no-store", "Pragma": "no-cache"}
    try:
        grant = oauth_core.exchange(
            c.session,
            str(form.get("client_id") or ""),
            str(form.get("client_secret") or ""),
            str(form.get("code") or ""),
            form.get("redirect_uri"),
            form.get("code_verifier"),
            c.hub.oauth_token_expires_in,
        )
    except oauth_core.OAuthError as e:
        error = {"error": e.error, **({"error_description": e.description} if e.description else {})}
        return error, e.status, no_store
    answer = {
        "access_token": grant.access_token,
        "token_type": "Bearer",
        "expires_in": grant.expires_in,
        "scope": " ".join(grant.scopes),
    }
    return answer, 200, no_store
