"""Browser sessions: the login cookie, the session id and the XSRF token.

The login cookie (``jupyterhub-hub-login``, path = the hub prefix) holds the
user's ``cookie_id``, signed with the cookie secret and accepted for
``cookie_max_age_days``. ``jupyterhub-session-id`` (path = base URL) names
the browser session: OAuth tokens issued during it are revoked at logout.
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

LOGIN_COOKIE = "jupyterhub-hub-login"
SESSION_COOKIE = "jupyterhub-session-id"
XSRF_COOKIE = "_xsrf"


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

    def cookie_id(self, cookie_map: Any) -> str | None:
        """The signed user cookie id of a request's cookies, if valid."""
        return self.login_cookie_id(cookie_map.get(LOGIN_COOKIE))

    def login_cookie_id(self, value: str | None) -> str | None:
        return cookies.unsign(self.secret, LOGIN_COOKIE, value, self.max_age)

    def session_id(self, cookie_map: Any) -> str | None:
        value = cookie_map.get(SESSION_COOKIE)
        return value if value and len(value) <= 64 and value.isalnum() else None

    def log_in(self, response: Response, request: Request, cookie_id: str) -> str:
        """Set the login and session cookies; returns the session id."""
        signed = cookies.sign(self.secret, LOGIN_COOKIE, cookie_id)
        self._set(response, request, LOGIN_COOKIE, signed, self.hub_prefix)
        session_id = secrets.token_hex(16)
        self._set(response, request, SESSION_COOKIE, session_id, self.base_url)
        return session_id

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
