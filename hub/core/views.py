"""Read models: users with their roles, groups and servers, loaded with Core queries.

Listing and showing users are hot paths. Loading them as ORM objects with
their relationships costs several times more than these three statements,
which are built once and reused (SQLAlchemy caches their compiled form):
the users, then all their role and group names in one query, then all their
servers in one query, whatever the number of users.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, String, bindparam, literal, select

from hub.db.models import Group, Role, Server, User, user_group_map, user_role_map


@dataclass
class ServerView:
    name: str
    display_name: str
    pending: str | None
    url: str | None
    started: datetime | None
    last_activity: datetime | None
    user_options: dict[str, Any] | None
    state: dict[str, Any] | None


@dataclass
class UserView:
    id: int
    name: str
    admin: bool
    created: datetime
    last_activity: datetime | None
    user_info: dict[str, Any] | None
    roles: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    servers: list[ServerView] = field(default_factory=list)


USER_COLUMNS = (User.id, User.name, User.admin, User.created, User.last_activity, User.user_info)
_IDS: Any = bindparam("ids", expanding=True)
_MEMBERSHIPS = (
    select(user_role_map.c.user_id, Role.name, literal("role", String).label("kind"))
    .join(Role, Role.id == user_role_map.c.role_id)
    .where(user_role_map.c.user_id.in_(_IDS))
    .union_all(
        select(user_group_map.c.user_id, Group.name, literal("group", String).label("kind"))
        .join(Group, Group.id == user_group_map.c.group_id)
        .where(user_group_map.c.user_id.in_(_IDS))
    )
)
_SERVERS = select(
    Server.user_id,
    Server.name,
    Server.display_name,
    Server.pending,
    Server.url,
    Server.started,
    Server.last_activity,
    Server.user_options,
    Server.state,
).where(Server.user_id.in_(_IDS))
_BY_NAME = select(*USER_COLUMNS).where(User.name == bindparam("name"))


def _complete(conn: Connection, users: list[UserView]) -> list[UserView]:
    if not users:
        return users
    by_id = {u.id: u for u in users}
    ids = list(by_id)
    for user_id, name, kind in conn.execute(_MEMBERSHIPS, {"ids": ids}):
        (by_id[user_id].roles if kind == "role" else by_id[user_id].groups).append(name)
    for row in conn.execute(_SERVERS, {"ids": ids}):
        by_id[row[0]].servers.append(ServerView(*row[1:]))
    for user in users:
        user.roles.sort()
        user.groups.sort()
    return users


def user_by_name(conn: Connection, name: str) -> UserView | None:
    row = conn.execute(_BY_NAME, {"name": name}).first()
    if row is None:
        return None
    return _complete(conn, [UserView(*row)])[0]


def users_where(
    conn: Connection,
    conditions: Sequence[ColumnElement[bool]],
    order: Sequence[Any] = (User.id,),
    offset: int = 0,
    limit: int | None = None,
) -> list[UserView]:
    query = select(*USER_COLUMNS).where(*conditions).order_by(*order).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return _complete(conn, [UserView(*row) for row in conn.execute(query)])
