"""Browser sessions: the login cookie, the session id and the XSRF token.

The login cookie (``jupyterhub-hub-login``, path = the hub prefix) holds
``s:`` and the id of the browser's login session, signed with the cookie
secret and accepted for ``cookie_max_age_days`` while the session's row
exists (:mod:`hub.core.login_sessions`). ``jupyterhub-session-id`` (path =
base URL) names the session too, as in JupyterHub; it is unsigned, so it
only counts beside a login cookie of before sessions were recorded (which
holds the user's ``cookie_id``). OAuth tokens issued during a session carry
its id and are revoked when it ends.
Forms carry ``_xsrf``, which must equal the ``_xsrf`` cookie (double submit;
the cookie is SameSite=Lax, so other sites can neither read nor send it).
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from hub.auth import cookies
from hub.core.login_sessions import Presented

LOGIN_COOKIE = "jupyterhub-hub-login"
SESSION_COOKIE = "jupyterhub-session-id"
XSRF_COOKIE = "_xsrf"
#: what a login cookie's value starts with when it names a session (else: a legacy ``cookie_id``)
SESSION_PREFIX = "s:"


class Sessions:
    def __init__(self, secret: bytes, base_url: str, hub_prefix: str, max_age_days: float) -> None:
        self.secret = secret
        self.base_url = base_url
        self.hub_prefix = hub_prefix
        self.max_age = max_age_days * 86400

    @staticmethod
    def _secure(request: Request) -> bool:
        proto = request.headers.get("x-forwarded-proto", request.url.scheme)
        return proto.split(",")[0].strip() == "https"

    def _set(self, response: Response, request: Request, name: str, value: str, path: str) -> None:
        response.set_cookie(
            name,
            value,
            max_age=int(self.max_age),
            path=path,
            httponly=True,
            samesite="lax",
            secure=self._secure(request),
        )

    # --- login ---------------------------------------------------------------

    def presented(self, request: Request) -> Presented | None:
        """What the request's login cookie presents, if it is valid (signed, not too old)."""
        return self.read(request.cookies.get(LOGIN_COOKIE), request)

    def read(self, login_cookie: str | None, request: Request | None = None) -> Presented | None:
        """What the login cookie value ``login_cookie`` presents; a legacy
        value counts with the session id cookie of ``request`` only."""
        value = cookies.unsign(self.secret, LOGIN_COOKIE, login_cookie, self.max_age)
        if value is None:
            return None
        user_agent, address = self.client(request) if request is not None else ("", "")
        if value.startswith(SESSION_PREFIX):
            session_id = value[len(SESSION_PREFIX) :]
            return Presented(session_id, None, user_agent, address) if _well_formed(session_id) else None
        legacy_id = request.cookies.get(SESSION_COOKIE) if request is not None else None
        if not legacy_id or not _well_formed(legacy_id):
            return None
        return Presented(legacy_id, value, user_agent, address)

    @staticmethod
    def client(request: Request) -> tuple[str, str]:
        """The user agent and address a session records."""
        return request.headers.get("user-agent", ""), request.client.host if request.client else ""

    def log_in(self, response: Response, request: Request, session_id: str) -> None:
        """Set the login and session cookies of the session ``session_id``
        (made by :func:`hub.core.login_sessions.start`)."""
        signed = cookies.sign(self.secret, LOGIN_COOKIE, SESSION_PREFIX + session_id)
        self._set(response, request, LOGIN_COOKIE, signed, self.hub_prefix)
        self._set(response, request, SESSION_COOKIE, session_id, self.base_url)

    def log_out(self, response: Response) -> None:
        response.delete_cookie(LOGIN_COOKIE, path=self.hub_prefix)
        response.delete_cookie(SESSION_COOKIE, path=self.base_url)
        response.delete_cookie(XSRF_COOKIE, path=self.hub_prefix)

    # --- XSRF ----------------------------------------------------------------

    @staticmethod
    def xsrf_token(cookie_map: Any) -> tuple[str, bool]:
        """The token forms carry, and whether it is new (then set it with :meth:`set_xsrf`)."""
        token = cookie_map.get(XSRF_COOKIE)
        if token and len(token) <= 64:
            return str(token), False
        return secrets.token_urlsafe(24), True

    def xsrf_cookie_header(self, token: str) -> str:
        """A Set-Cookie header value for the XSRF token (for non-starlette responses)."""
        response = Response()
        response.set_cookie(XSRF_COOKIE, token, path=self.hub_prefix, httponly=True, samesite="lax")
        return response.headers["set-cookie"]

    def set_xsrf(self, response: Response, request: Request, token: str) -> None:
        self._set(response, request, XSRF_COOKIE, token, self.hub_prefix)

    @staticmethod
    def xsrf_ok(cookie_map: Any, submitted: str | None) -> bool:
        expected = cookie_map.get(XSRF_COOKIE)
        return bool(expected and submitted) and hmac.compare_digest(str(expected), str(submitted))


def _well_formed(session_id: str) -> bool:
    return 0 < len(session_id) <= 64 and session_id.isalnum()
