"""Operations tagged ``groups``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from hub.api.common import current_page, groups_query, paged, shaper
from hub.api.context import ctx
from hub.core import groups as groups_core
from hub.db.models import Group
from hub.errors import BadRequest, Forbidden, NotFound


def get_groups(offset: int | None = None, limit: int | None = None, after: int | None = None) -> Any:
    c = ctx()
    p = current_page(offset, limit)
    conditions = []
    filters = c.me().scopes.filters("list:groups")
    if isinstance(filters, frozenset):
        if any(kind != "group" for kind, _ in filters):
            raise Forbidden("list:groups can only be narrowed by group filters")
        conditions.append(Group.name.in_([v for _, v in filters]))

    def count() -> int:
        return c.session.execute(select(func.count(Group.id)).where(*conditions)).scalar_one()

    # after a group's id (the next URL's keyset position): a seek, not a skip
    position = [Group.id > after] if after is not None else []
    skip = 0 if after is not None else p.offset
    rows = (
        c.session.execute(
            groups_query().where(*conditions, *position).order_by(Group.id).offset(skip).limit(p.limit + 1)
        )
    ).scalars()
    groups = list(rows)
    more, groups = len(groups) > p.limit, groups[: p.limit]
    s = shaper()
    items = [m for m in (s.group(g) for g in groups) if m is not None]
    return paged(items, p, count, groups[-1].id if groups else None, more, shown=len(groups))


def _model(name: str) -> dict[str, Any]:
    c = ctx()
    group = (c.session.execute(groups_query().where(Group.name == name))).scalar_one_or_none()
    model = shaper().group(group) if group is not None else None
    if model is None:
        raise NotFound(f"No such group: {name}")
    return model


def post_groups(body: dict[str, Any]) -> Any:
    c = ctx()
    created = groups_core.create(c.session, body["groups"], body.get("users", []), c.hub.authenticator)
    return [_model(g.name) for g in created], 201


def get_group(name: str) -> Any:
    return _model(name)


def post_group(name: str, body: dict[str, Any] | None = None) -> Any:
    c = ctx()
    members = (body or {}).get("users", [])
    groups_core.create(c.session, [name], members, c.hub.authenticator)
    return _model(name), 201


def delete_group(name: str) -> Any:
    c = ctx()
    groups_core.delete_group(c.session, groups_core.require(c.session, name))
    return None, 204


def post_group_users(name: str, body: dict[str, Any]) -> Any:
    c = ctx()
    group = groups_core.require(c.session, name)
    groups_core.add_members(c.session, group, body["users"], c.hub.authenticator)
    c.session.expire(group)
    return _model(name)


def delete_group_users(name: str, body: dict[str, Any]) -> Any:
    c = ctx()
    group = groups_core.require(c.session, name)
    groups_core.remove_members(c.session, group, body["users"], c.hub.authenticator)
    c.session.expire(group)
    return _model(name)


def put_group_properties(name: str, body: Any) -> Any:
    c = ctx()
    if not isinstance(body, dict):
        raise BadRequest("Must specify properties")
    group = groups_core.require(c.session, name)
    groups_core.set_properties(c.session, group, body)
    return _model(name)
