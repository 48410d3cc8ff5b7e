"""The admin page at ``/hub/admin``.

The page itself is a shell (``templates/admin.html``) and a script bundled
from the TypeScript in ``hub/web/admin/`` (``make admin-page`` writes
``hub/web/admin/dist/``). The script does everything through the hub's REST
API, authenticated by the login cookie, and sends the page's XSRF token with
every request that changes something (``X-XSRFToken``, see
:mod:`hub.api.xsrf`). The page is for holders of ``admin-ui`` (JupyterHub's
scope for it) without a filter; anyone else logged in gets a 403 page.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from hub.auth import scopes as sc
from hub.auth.identity import credential_scopes
from hub.core import roles
from hub.db.models import User
from hub.runtime import Hub, current
from hub.web import pages

BUNDLE = Path(__file__).parent / "admin" / "dist"
#: the files of the bundle the page loads, and their media types
STATIC = {
    "admin.js": "text/javascript; charset=utf-8",
    "admin.js.map": "application/json",
    "admin.css": "text/css; charset=utf-8",
}
NOT_BUILT = "The admin page is not built: run 'make' (its target admin-page) in the hub's source folder."


def may_administer(session: Session, user: User) -> bool:
    """Whether the user's own scopes (as a browser session holds them) include ``admin-ui`` unfiltered."""
    raw, _, groups = roles.user_role_scopes(session.connection(), user.id)
    held = credential_scopes(frozenset(raw), sc.Owner("user", user.name), frozenset(groups), None)
    return held.unfiltered("admin-ui")


def _version() -> str:
    """Changes with each build, so that browsers fetch a new bundle."""
    try:
        return str(int((BUNDLE / "admin.js").stat().st_mtime))
    except OSError:
        return "0"


async def admin_page(request: Request) -> Response:
    user = await pages.logged_in(request)
    if user is None:
        return pages.to_login(request)
    hub = current()
    if not await hub.transact(lambda s: may_administer(s, user), write=False):
        return pages.error_page(
            request, user, 403, "The admin page is for administrators (scope 'admin-ui')."
        )
    if not (BUNDLE / "admin.js").is_file():
        return pages.error_page(request, user, 503, NOT_BUILT)
    config = {
        "user": user.name,
        "api": f"{hub.hub_prefix}api",
        "hub_prefix": hub.hub_prefix,
        "base_url": hub.base_prefix,
    }
    return pages.render(
        request,
        "admin.html",
        user=user.name,
        config=config,
        static=f"{hub.hub_prefix}admin/static/",
        version=_version(),
    )


async def static_file(request: Request) -> Response:
    name = request.path_params["file"]
    media_type = STATIC.get(name)
    path = BUNDLE / name
    if media_type is None or not path.is_file():
        return JSONResponse({"status": 404, "message": f"No such file: {name}"}, status_code=404)
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": "no-cache"})


def routes(hub: Hub) -> list[Route]:
    p = hub.hub_prefix
    return [
        Route(p + "admin", admin_page, methods=["GET"]),
        Route(p + "admin/static/{file}", static_file, methods=["GET"]),
    ]
