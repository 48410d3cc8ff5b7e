"""Operations tagged ``users``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, exists, func, or_, select

from hub.api.common import as_object, current_page, flag, paged, shaper
from hub.api.context import ctx
from hub.core import users as users_core
from hub.core import views
from hub.db.models import Group, Server, User, user_group_map
from hub.errors import BadRequest, Forbidden, NotFound

SORT_COLUMNS = {"id": User.id, "name": User.name, "last_activity": User.last_activity}


def _active() -> ColumnElement[bool]:
    return exists().where(
        Server.user_id == User.id, or_(Server.pending.is_not(None), Server.url.is_not(None))
    )


def _ready() -> ColumnElement[bool]:
    return exists().where(Server.user_id == User.id, Server.pending.is_(None), Server.url.is_not(None))


def _listable() -> ColumnElement[bool] | None:
    """Narrow the list to what a filtered ``list:users`` covers (None: everyone)."""
    me = ctx().me()
    filters = me.scopes.filters("list:users")
    if filters == "*" or filters is None:
        return None
    assert isinstance(filters, frozenset)
    if any(kind not in ("user", "group") for kind, _ in filters):
        raise Forbidden("list:users with server or service filters cannot list users")
    names = [v for k, v in filters if k == "user"]
    groups = [v for k, v in filters if k == "group"]
    in_groups = exists().where(
        user_group_map.c.user_id == User.id,
        user_group_map.c.group_id.in_(select(Group.id).where(Group.name.in_(groups))),
    )
    return or_(User.name.in_(names), in_groups)


def get_users(
    state: str | None = None,
    name_filter: str | None = None,
    sort: str = "id",
    include_stopped_servers: str | None = None,
    offset: int | None = None,
    limit: int | None = None,
) -> Any:
    c = ctx()
    p = current_page(offset, limit)
    conditions: list[ColumnElement[bool]] = []
    narrow = _listable()
    if narrow is not None:
        conditions.append(narrow)
    if state == "active":
        conditions.append(_active())
    elif state == "ready":
        # unlike JupyterHub, which cuts the page first and counts active users,
        # pages here are full and `total` counts ready users
        conditions.append(_ready())
    elif state == "inactive":
        conditions.append(~_active())
    if name_filter:
        escaped = name_filter.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conditions.append(func.lower(User.name).like(f"%{escaped}%", escape="\\"))
    descending = sort.startswith("-")
    column = SORT_COLUMNS[sort.lstrip("-")]
    order = column.desc().nulls_last() if descending else column.asc().nulls_first()
    total = (c.session.execute(select(func.count(User.id)).where(*conditions))).scalar_one()
    rows = views.users_where(c.conn, conditions, (order, User.id), p.offset, p.limit)
    s = shaper()
    include = flag(include_stopped_servers)
    items = [m for m in (s.user(u, include_stopped=include, in_list=True) for u in rows) if m is not None]
    return paged(items, p, total)


def post_users(body: dict[str, Any]) -> Any:
    c = ctx()
    admin = bool(body.get("admin", False))
    if admin and not c.me().admin:
        raise Forbidden("Only admins can grant admin permissions")
    created = users_core.create_many(c.session, body["usernames"], c.hub.authenticator, admin=admin)
    return _models([u.id for u in created]), 201


def _models(ids: list[int]) -> list[dict[str, Any]]:
    c = ctx()
    rows = views.users_where(c.conn, [User.id.in_(ids)])
    s = shaper()
    return [m for m in (s.user(u) for u in rows) if m is not None]


def _one(name: str, include_stopped: bool = False) -> dict[str, Any]:
    c = ctx()
    user = views.user_by_name(c.conn, name)
    model = shaper().user(user, include_stopped=include_stopped) if user is not None else None
    if model is None:
        raise NotFound(None)
    return model


def get_user(name: str, include_stopped_servers: str | None = None) -> Any:
    return _one(name, flag(include_stopped_servers))


def post_user(name: str, body: dict[str, Any] | None = None) -> Any:
    c = ctx()
    options = as_object(body, "Body must be a JSON object")
    admin = bool(options.get("admin", False))
    if admin and not c.me().admin:
        raise Forbidden("Only admins can grant admin permissions")
    users_core.create_one(c.session, name, c.hub.authenticator, admin)
    return _one(name), 201


def patch_user(name: str, body: dict[str, Any]) -> Any:
    c = ctx()
    user = users_core.require(c.session, name)
    users_core.modify(
        c.session,
        user,
        requester_admin=c.me().admin,
        name=body.get("name"),
        admin=body.get("admin"),
        authenticator=c.hub.authenticator,
    )
    return _one(user.name)


def delete_user(name: str) -> Any:
    c = ctx()
    user = users_core.require(c.session, name)
    me = c.me()
    if me.kind == "user" and me.id == user.id:
        raise BadRequest("Cannot delete yourself!")
    users_core.delete(c.session, user)
    return None, 204


def post_user_activity(name: str, body: dict[str, Any]) -> Any:
    c = ctx()
    user = users_core.require(c.session, name)
    users_core.record_activity(c.session, user, body.get("last_activity"), body.get("servers"))
    return {}, 200
