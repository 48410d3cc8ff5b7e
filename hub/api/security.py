"""Read the credential of a request.

connexion calls these functions for the security schemes of the spec. They
only read the credential; the token is looked up in the database by the
operation's wrapper (:mod:`hub.api.resolver`), inside the request's single
transaction. A token is accepted from ``Authorization: token X`` and
``Authorization: Bearer X``; a token in the URL (``?token=X``) is refused
unless ``JupyterHub.allow_token_in_url`` is set. A browser's login cookie
is accepted too (see :mod:`hub.api.xsrf`). Returning None makes
connexion refuse the request, which the error handler answers with 403, as
JupyterHub does.
"""

from __future__ import annotations

from typing import Any

from hub.runtime import current

MAX_TOKEN_LENGTH = 4096


def _credential(value: str) -> dict[str, Any] | None:
    value = value.strip()
    if not value or len(value) > MAX_TOKEN_LENGTH or any(ch.isspace() for ch in value):
        return None
    return {"sub": "token", "token": value}


async def bearer_info(token: str) -> dict[str, Any] | None:
    return _credential(token)


async def apikey_info(api_key: str) -> dict[str, Any] | None:
    scheme, _, value = api_key.strip().partition(" ")
    if scheme.lower() != "token":
        # "Bearer" is read by bearer_info; anything else is not a credential
        return None
    return _credential(value)


async def cookie_info(cookie: str) -> dict[str, Any] | None:
    """The browser's login cookie; its signature, the XSRF rules and the
    user are checked by the operation's wrapper, like tokens."""
    if not cookie or len(cookie) > MAX_TOKEN_LENGTH:
        return None
    return {"sub": "cookie", "cookie": cookie}


async def url_token_info(token: str) -> dict[str, Any] | None:
    if not current().settings.allow_token_in_url:
        return None
    return _credential(token)


def token_refused(headers: Any, query: Any) -> bool:
    """Whether the request carries a token (in its Authorization header, or in
    its URL where that is allowed) that identifies no one: asked only when
    connexion refused the request's parameters or body, which it checks
    before the operation's wrapper looks the token up. JupyterHub refuses a
    bad credential before it reads anything else, so such a request is
    ``403`` rather than ``400``. A cookie is left to the wrapper."""
    from hub.api.identify import identify

    header = str(headers.get("authorization") or "")
    scheme, _, value = header.strip().partition(" ")
    found = _credential(value) if scheme.lower() in ("token", "bearer") else None
    if found is None and current().settings.allow_token_in_url and query.get("token"):
        found = _credential(str(query.get("token")))
    if found is None:
        return False
    hub = current()
    with hub.db.engine.connect() as conn:
        return identify(conn, found["token"], hub) is None
