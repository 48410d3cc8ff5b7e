"""``GET /hub/metrics``: the whole hub's figures, in Prometheus' text format.

A page rather than an API operation, at the path JupyterHub serves its
metrics from. With ``c.JupyterHub.authenticate_prometheus`` (the default) the
requester needs ``read:metrics``, from a token (``Authorization: token ...``
or ``Bearer ...``, what Prometheus' ``authorization`` setting sends) or a
login cookie; without it the answer is ``403``, as in JupyterHub (never a
redirect to the login page: a scraper cannot log in).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from hub.metrics import exposition
from hub.runtime import current
from hub.timeutil import utcnow
from hub.web.errors import error_html, prefers_html
from hub.web.user_urls import requester_identity

SCOPE = "read:metrics"
REFUSED = f"Reading the hub's metrics needs the {SCOPE} scope"


async def metrics_page(request: Request) -> Response:
    hub = current()
    if hub.settings.authenticate_prometheus:
        identity = await requester_identity(request)
        if identity is None or identity.scopes.filters(SCOPE) is None:
            if prefers_html(request.headers.get("accept", "")):
                return HTMLResponse(error_html(403, REFUSED), status_code=403)
            return JSONResponse({"status": 403, "message": REFUSED}, status_code=403)
    samples = await hub.metrics.samples(utcnow())
    return Response(exposition.render(samples), media_type=exposition.CONTENT_TYPE)
