"""Operations tagged ``users``: accounts, their activity and their login sessions."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from hub.api.common import as_object, current_page, flag, paged, shaper
from hub.api.context import ctx
from hub.api.pagination import wrap
from hub.core import login_sessions, views
from hub.core import users as users_core
from hub.db.models import LoginSession, User
from hub.errors import BadRequest, Forbidden, NotFound
from hub.timeutil import isoformat


def _narrowing() -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The names and groups a filtered ``list:users`` covers (None: everyone)."""
    filters = ctx().me().scopes.filters("list:users")
    if not isinstance(filters, frozenset):
        return None
    if any(kind not in ("user", "group") for kind, _ in filters):
        raise Forbidden("list:users with server or service filters cannot list users")
    names = tuple(sorted(v for k, v in filters if k == "user"))
    groups = tuple(sorted(v for k, v in filters if k == "group"))
    return names, groups


def get_users(
    state: str | None = None,
    name_filter: str | None = None,
    sort: str = "id",
    include_stopped_servers: str | None = None,
    offset: int | None = None,
    limit: int | None = None,
    after: int | None = None,
) -> Any:
    c = ctx()
    p = current_page(offset, limit)
    narrowing = _narrowing()
    query = views.UserFilter(
        state=state,
        name_filter=name_filter or None,
        sort=sort,
        names=narrowing[0] if narrowing else None,
        groups=narrowing[1] if narrowing else None,
    )
    # one row more than the page: whether a next page exists, whatever was deleted meanwhile
    count, rows = views.list_users(c.conn, query, p.offset, p.limit + 1, after)
    more, rows = len(rows) > p.limit, rows[: p.limit]
    s = shaper()
    include = flag(include_stopped_servers)
    items = [m for m in (s.user(u, include_stopped=include) for u in rows) if m is not None]
    return paged(items, p, count, rows[-1].id if rows else None, more, shown=len(rows))


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


async def delete_user(name: str) -> Any:
    c = ctx()
    hub = c.hub
    me = c.me()

    # a spawner that keeps resources per server (volumes, ...) is told to forget them first
    forget = hub.spawner.forgets_servers

    def delete_if_idle(session: Session, forget: bool = forget) -> bool:
        """Delete the user now unless servers must stop (or be forgotten) first; True once deleted."""
        conn = session.connection()
        user_id = users_core.id_of(conn, name)
        if user_id is None:
            raise NotFound(None)
        if me.kind == "user" and me.id == user_id:
            raise BadRequest("Cannot delete yourself!")
        if users_core.has_active_servers(conn, user_id):
            return False
        if forget and users_core.has_servers(conn, user_id):
            return False
        users_core.delete(conn, user_id)
        return True

    if not await hub.transact(delete_if_idle):
        # refresh_pre_stop: the owner's login is refreshed before their servers
        # stop; the requester is never the owner, so a failed refresh stops them anyway
        await hub.logins.before_stop(name, None, by_owner=False, own_session=False)
        # the user's servers stop first, so that no process outlives its user
        await hub.lifecycle.delete_user_servers(name, forget=forget)
        await hub.transact(lambda s: delete_if_idle(s, forget=False))
    return None, 204


def post_user_activity(name: str, body: dict[str, Any]) -> Any:
    c = ctx()
    user = users_core.require(c.session, name)
    users_core.record_activity(c.session, user, body.get("last_activity"), body.get("servers"))
    return {}, 200


# --- login sessions -----------------------------------------------------------------


def _login_session(row: LoginSession) -> dict[str, Any]:
    return {
        "id": row.id,
        "created": isoformat(row.created),
        "last_activity": isoformat(row.last_activity),
        "user_agent": row.user_agent,
        "address": row.address,
        "current": row.id == ctx().me().session_id,
    }


def get_user_sessions(name: str, offset: int | None = None, limit: int | None = None) -> Any:
    c = ctx()
    p = current_page(offset, limit)
    total, rows = login_sessions.page(c.session, name, p.offset, p.limit)
    return wrap([_login_session(r) for r in rows], p, total, c.request.url)


def delete_user_sessions(name: str) -> Any:
    login_sessions.end_all(ctx().session, name)
    return None, 204


def get_user_session(name: str, session_id: str) -> Any:
    return _login_session(login_sessions.one(ctx().session, name, session_id))


def delete_user_session(name: str, session_id: str) -> Any:
    c = ctx()
    row = login_sessions.one(c.session, name, session_id)
    login_sessions.end(c.session, row.user_id, row.id)
    return None, 204
