"""Read models: users with their roles, groups and servers, loaded with Core queries.

Listing and showing users are hot paths. Loading them as ORM objects with
their relationships costs several times more than these three statements,
which are built once and reused (SQLAlchemy caches their compiled form):
the users, then all their role and group names in one query, then all their
servers in one query, whatever the number of users.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    String,
    and_,
    bindparam,
    exists,
    func,
    literal,
    or_,
    select,
    tuple_,
)

from hub.db import raw
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
    #: why the last start failed (None when it did not, or a start is under way)
    spawn_error: str | None = None
    #: the last failed start (``{"reason", "message", "at"}``), until a start succeeds
    last_error: dict[str, Any] | None = None


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
    Server.spawn_error,
    Server.last_error,
).where(Server.user_id.in_(_IDS))
_USER_DECODERS = (None, None, raw.boolean, raw.timestamp, raw.timestamp, raw.json_value)
_BY_NAME = raw.RawQuery(select(*USER_COLUMNS).where(User.name == bindparam("name")), _USER_DECODERS)
_BY_ID = raw.RawQuery(select(*USER_COLUMNS).where(User.id == bindparam("id")), _USER_DECODERS)
# one user: the same statements without an IN list, run on the driver's cursor
_ID: Any = bindparam("id")
_MEMBERSHIPS_ONE = raw.RawQuery(
    select(Role.name, literal("role", String).label("kind"))
    .join(user_role_map, user_role_map.c.role_id == Role.id)
    .where(user_role_map.c.user_id == _ID)
    .union_all(
        select(Group.name, literal("group", String).label("kind"))
        .join(user_group_map, user_group_map.c.group_id == Group.id)
        .where(user_group_map.c.user_id == _ID)
    )
)
_SERVER_DECODERS = (
    None,
    None,
    None,
    None,
    raw.timestamp,
    raw.timestamp,
    raw.json_value,
    raw.json_value,
    None,
    raw.json_value,
)
_SERVERS_ONE = raw.RawQuery(
    select(*_SERVERS.selected_columns[1:]).where(Server.user_id == _ID), _SERVER_DECODERS
)


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


def select_user_id(name: str) -> Any:
    return select(User.id).where(User.name == name)


def user_by_name(conn: Connection, name: str) -> UserView | None:
    return _one_user(conn, _BY_NAME.first(conn, {"name": name}))


def user_by_id(conn: Connection, user_id: int) -> UserView | None:
    return _one_user(conn, _BY_ID.first(conn, {"id": user_id}))


def _one_user(conn: Connection, row: tuple[Any, ...] | None) -> UserView | None:
    if row is None:
        return None
    user = UserView(*row)
    for member, kind in _MEMBERSHIPS_ONE.all(conn, {"id": user.id}):
        (user.roles if kind == "role" else user.groups).append(member)
    user.roles.sort()
    user.groups.sort()
    user.servers = [ServerView(*r) for r in _SERVERS_ONE.all(conn, {"id": user.id})]
    return user


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


# --- listing users -----------------------------------------------------------

SORT_COLUMNS: dict[str, Any] = {"id": User.id, "name": User.name, "last_activity": User.last_activity}


@dataclass(frozen=True)
class UserFilter:
    """What ``GET /users`` asks for. ``names``/``groups`` narrow the list when
    the requester's ``list:users`` is filtered; None means everyone."""

    state: str | None = None
    name_filter: str | None = None
    sort: str = "id"
    names: tuple[str, ...] | None = None
    groups: tuple[str, ...] | None = None


def _active() -> ColumnElement[bool]:
    return exists().where(
        Server.user_id == User.id, or_(Server.pending.is_not(None), Server.url.is_not(None))
    )


def _ready() -> ColumnElement[bool]:
    return exists().where(Server.user_id == User.id, Server.pending.is_(None), Server.url.is_not(None))


def _conditions(f: UserFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if f.names is not None or f.groups is not None:
        in_groups = exists().where(
            user_group_map.c.user_id == User.id,
            user_group_map.c.group_id.in_(select(Group.id).where(Group.name.in_(f.groups or ()))),
        )
        conditions.append(or_(User.name.in_(f.names or ()), in_groups))
    if f.state == "active":
        conditions.append(_active())
    elif f.state == "ready":
        conditions.append(_ready())
    elif f.state == "inactive":
        conditions.append(~_active())
    if f.name_filter is not None:
        conditions.append(func.lower(User.name).like(bindparam("pattern"), escape="\\"))
    return conditions


def _order(sort: str) -> tuple[Any, ...]:
    column = SORT_COLUMNS[sort.lstrip("-")]
    descending = sort.startswith("-")
    if column is User.last_activity:  # the one that may be null: never-active users first
        key = column.desc().nulls_last() if descending else column.asc().nulls_first()
    else:  # never null: as the index is ordered (PostgreSQL's cannot serve NULLS FIRST)
        key = column.desc() if descending else column.asc()
    return (key,) if column is User.id else (key, User.id)


#: the anchor of a keyset page: the user it starts after (its sort value is
#: read by the database itself, so it compares exactly as stored)
_AFTER_ID: Any = bindparam("after_id", type_=Integer)


def _after(sort: str, anchor_is_null: bool) -> ColumnElement[bool]:
    """The users after the anchor in ``_order(sort)``: a seek on the index
    rather than skipping ``offset`` rows, so a deep page costs what the first does."""
    column = SORT_COLUMNS[sort.lstrip("-")]
    if column is User.id:
        by_id: ColumnElement[bool] = User.id < _AFTER_ID if sort.startswith("-") else User.id > _AFTER_ID
        return by_id
    anchor_alias = User.__table__.alias("anchor")
    value = select(anchor_alias.c[column.key]).where(anchor_alias.c.id == _AFTER_ID).scalar_subquery()
    if column is User.name:  # unique and never null: one range on its index
        by_name: ColumnElement[bool] = column < value if sort.startswith("-") else column > value
        return by_name
    tie = and_(column == value, User.id > _AFTER_ID)
    if sort.startswith("-"):  # descending, nulls last
        if anchor_is_null:
            return and_(column.is_(None), User.id > _AFTER_ID)
        return or_(column < value, tie, column.is_(None))
    # ascending, nulls first
    if anchor_is_null:
        return or_(and_(column.is_(None), User.id > _AFTER_ID), column.is_not(None))
    return tuple_(column, User.id) > tuple_(value, _AFTER_ID)


def anchor_is_null(conn: Connection, sort: str, user_id: int) -> bool | None:
    """Whether the sort value of the user a keyset page starts after is null;
    None when that user is gone (the page then falls back to its offset)."""
    column = SORT_COLUMNS[sort.lstrip("-")]
    row = conn.execute(select(column).where(User.id == user_id)).first()
    return None if row is None else row[0] is None


@dataclass(frozen=True)
class _PageQueries:
    count: Any
    users: Any
    memberships: Any
    servers: Any


_PAGE_QUERIES: dict[tuple[Any, ...], _PageQueries] = {}


def _page_queries(f: UserFilter, after_null: bool | None = None) -> _PageQueries:
    """The four statements of one kind of listing, built once per kind
    (``after_null``: a page after an anchor, whose sort value is null or not)."""
    key = (f.state, f.name_filter is not None, f.sort, after_null)
    cached = _PAGE_QUERIES.get(key)
    if cached is not None:
        return cached
    conditions = _conditions(f)
    count = raw.RawQuery(select(func.count(User.id)).where(*conditions))
    if after_null is not None:
        conditions.append(_after(f.sort, after_null))
    order = _order(f.sort)
    page = (
        select(User.id)
        .where(*conditions)
        .order_by(*order)
        .limit(bindparam("limit", type_=Integer))
        .offset(bindparam("offset", type_=Integer))
    )
    users = (
        select(*USER_COLUMNS)
        .where(*conditions)
        .order_by(*order)
        .limit(bindparam("limit", type_=Integer))
        .offset(bindparam("offset", type_=Integer))
    )
    members = (
        select(user_role_map.c.user_id, Role.name, literal("role", String).label("kind"))
        .join(Role, Role.id == user_role_map.c.role_id)
        .where(user_role_map.c.user_id.in_(page.scalar_subquery()))
        .union_all(
            select(user_group_map.c.user_id, Group.name, literal("group", String).label("kind"))
            .join(Group, Group.id == user_group_map.c.group_id)
            .where(user_group_map.c.user_id.in_(page.scalar_subquery()))
        )
    )
    queries = _PageQueries(
        count=count,
        users=raw.RawQuery(users, _USER_DECODERS),
        memberships=raw.RawQuery(members),
        servers=raw.RawQuery(
            select(*_SERVERS.selected_columns).where(Server.user_id.in_(page.scalar_subquery())),
            (None, *_SERVER_DECODERS),
        ),
    )
    _PAGE_QUERIES[key] = queries
    return queries


def like_pattern(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def list_users(
    conn: Connection, f: UserFilter, offset: int, limit: int, after: int | None = None
) -> tuple[Callable[[], int], list[UserView]]:
    """One page of users and a function counting the users in all pages (run
    only when the caller needs the count): the page at ``offset``, or
    (``after``, a user's id, from the previous page's next URL) the page that
    follows that user, found by a seek however deep it is."""
    after_null = anchor_is_null(conn, f.sort, after) if after is not None else None
    keyset_bind: dict[str, Any] = {}
    if after_null is not None:
        offset = 0
        keyset_bind = {"after_id": after}
    if f.names is not None or f.groups is not None:
        # a narrowed list binds lists of names: built per request
        conditions = _conditions(f)
        params: dict[str, Any] = dict(keyset_bind)
        if f.name_filter is not None:
            params["pattern"] = like_pattern(f.name_filter)
        counting = select(func.count(User.id)).where(*conditions)
        if after_null is not None:
            conditions.append(_after(f.sort, after_null))
        query = select(*USER_COLUMNS).where(*conditions).order_by(*_order(f.sort)).offset(offset).limit(limit)
        rows = _complete(conn, [UserView(*row) for row in conn.execute(query, params)])
        return (lambda: conn.execute(counting, params).scalar_one()), rows
    q = _page_queries(f, after_null)
    bind: dict[str, Any] = {"offset": offset, "limit": limit, **keyset_bind}
    if f.name_filter is not None:
        bind["pattern"] = like_pattern(f.name_filter)
    users = [UserView(*row) for row in q.users.all(conn, bind)]
    by_id = {u.id: u for u in users}
    for user_id, member, kind in q.memberships.all(conn, bind):
        user = by_id.get(user_id)
        if user is not None:
            (user.roles if kind == "role" else user.groups).append(member)
    for row in q.servers.all(conn, bind):
        user = by_id.get(row[0])
        if user is not None:
            user.servers.append(ServerView(*row[1:]))
    for user in users:
        user.roles.sort()
        user.groups.sort()
    return (lambda: q.count.first(conn, bind)[0]), users


def server_counts(conn: Connection, now: datetime) -> dict[str, int]:
    """All servers counted by state; a failed start counts for an hour after
    it was requested (``last_activity`` of a stopped server whose start failed)."""
    since = now - timedelta(hours=1)
    failed = (Server.spawn_error.is_not(None)) & Server.pending.is_(None) & Server.url.is_(None)
    row = conn.execute(
        select(
            func.count().filter(or_(Server.pending.is_not(None), Server.url.is_not(None))),
            func.count().filter(Server.pending.is_(None), Server.url.is_not(None)),
            func.count().filter(Server.pending == "spawn"),
            func.count().filter(Server.pending == "stop"),
            func.count().filter(failed, Server.last_activity >= since),
        )
    ).one()
    keys = ("active", "ready", "starting", "stopping", "failed_last_hour")
    return {key: int(value or 0) for key, value in zip(keys, row, strict=True)}
