"""The checks a cookie-authenticated API request must pass (JupyterHub's rules).

A request authenticated by a token is never checked. One authenticated by the
browser's login cookie that could change something (any method but GET, HEAD
and OPTIONS, unless it is a websocket) must carry the ``_xsrf`` value: as
the ``X-XSRFToken`` or ``X-CSRFToken`` header or the ``_xsrf`` query
argument, equal to the ``_xsrf`` cookie that the hub's pages set. (A POST
whose declared Content-Type is not JSON, what a cross-site form can send,
reaches the API without its cookies: see ``hub.app.JsonBodies``.)
"""

from __future__ import annotations

import hmac
from typing import Any

from hub.errors import Forbidden
from hub.web.sessions import XSRF_COOKIE

SAFE = frozenset({"GET", "HEAD", "OPTIONS"})


def check(request: Any) -> None:
    method = request.method.upper()
    headers = request.headers
    if headers.get("sec-fetch-mode") == "websocket" or method in SAFE:
        return
    submitted = headers.get("x-xsrftoken") or headers.get("x-csrftoken") or request.query_params.get("_xsrf")
    if not submitted:
        raise Forbidden(f"'_xsrf' argument missing from {method}")
    expected = request.cookies.get(XSRF_COOKIE) or ""
    if not expected or not hmac.compare_digest(str(submitted), expected):
        raise Forbidden(f"XSRF cookie does not match {method} argument")
