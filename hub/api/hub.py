"""Operations tagged ``hub``: version, info, shutdown, whoami."""

from __future__ import annotations

import sys
from typing import Any

import hub as hub_package
from hub.api.common import services_query, shaper
from hub.api.context import ctx
from hub.auth.identity import identify_scopes
from hub.core import views
from hub.db.models import Service
from hub.errors import BadRequest


def get_api() -> dict[str, Any]:
    return {"version": hub_package.API_VERSION}


def _class_info(cls: type[Any]) -> dict[str, str]:
    package = cls.__module__.split(".", 1)[0]
    module = sys.modules.get(package)
    version = getattr(module, "__version__", "unknown")
    return {"class": f"{cls.__module__}.{cls.__name__}", "version": str(version)}


def get_info() -> dict[str, Any]:
    running = ctx().hub
    return {
        "version": hub_package.__version__,
        "api_version": hub_package.API_VERSION,
        "python": sys.version,
        "sys_executable": sys.executable,
        "spawner": _class_info(running.spawner_class),
        "authenticator": _class_info(
            getattr(running.authenticator, "plugin_class", type(running.authenticator))
        ),
    }


async def post_shutdown(body: Any = None) -> Any:
    """Answer 202, then stop: the servers and the proxy too unless the body says not to."""
    hub = ctx().hub
    options = body or {}
    if not isinstance(options, dict):
        raise BadRequest("Body must be a JSON object")
    for key in ("servers", "proxy"):
        value = options.get(key)
        if value is not None and not isinstance(value, bool):
            raise BadRequest(f"{key} must be true or false, got {value!r}")
    hub.shutdown(servers=options.get("servers"), proxy=options.get("proxy"))
    return {"message": "Shutting down Hub"}, 202


def get_current_user() -> dict[str, Any]:
    c = ctx()
    me = c.me()
    model = owner_model(me.kind, me.id, identify_scopes(me.owner))
    assert model is not None
    model["token_id"] = f"a{me.token_id}" if me.token_id is not None else None
    model["session_id"] = me.session_id
    model["scopes"] = me.scopes.sorted()
    return model


def owner_model(kind: str, owner_id: int, identify: frozenset[str]) -> dict[str, Any] | None:
    """A user's or service's model as the requester sees it, plus what ``identify`` reveals."""
    session = ctx().session
    extra = {"admin", "user_info", "groups"} if kind == "user" else {"admin"}
    extra = extra if identify else set()
    if kind == "user":
        user = views.user_by_id(ctx().conn, owner_id)
        assert user is not None
        return shaper().user(user, extra=extra)
    service = (session.execute(services_query().where(Service.id == owner_id))).scalar_one()
    return shaper().service(service, extra=extra, raw=True)
