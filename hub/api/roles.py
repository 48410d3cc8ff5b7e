"""Operations tagged ``roles``: roles made, changed and deleted at run time."""

from __future__ import annotations

from typing import Any

from hub.api.common import current_page
from hub.api.context import ctx
from hub.api.pagination import wrap
from hub.core import roles as core


def model(role: core.RoleView) -> dict[str, Any]:
    return {
        "name": role.name,
        "description": role.description,
        "scopes": role.scopes,
        "users": role.users,
        "groups": role.groups,
        "services": role.services,
        "source": role.source,
        "read_only": role.read_only,
    }


def get_roles(offset: int | None = None, limit: int | None = None) -> Any:
    c = ctx()
    p = current_page(offset, limit)
    total, views = core.page_of_roles(c.session, p.offset, p.limit)
    return wrap([model(v) for v in views], p, total, c.request.url)


def post_roles(body: dict[str, Any]) -> Any:
    c = ctx()
    return model(core.create(c.session, body, c.me())), 201


def get_role(name: str) -> Any:
    return model(core.view(ctx().session, name))


def patch_role(name: str, body: dict[str, Any]) -> Any:
    c = ctx()
    return model(core.update(c.session, name, body, c.me()))


def delete_role(name: str) -> Any:
    core.delete_role(ctx().session, name)
    return None, 204
