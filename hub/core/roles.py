"""Roles: named sets of scopes, given to users, groups and services."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, String, bindparam, delete, insert, literal, or_, select
from sqlalchemy.orm import Session

from hub.auth import scopes as sc
from hub.db import raw
from hub.db.models import (
    Group,
    Role,
    Server,
    Service,
    Share,
    User,
    group_role_map,
    service_role_map,
    user_group_map,
    user_role_map,
)

log = logging.getLogger(__name__)


class RoleConfigError(ValueError):
    """``load_roles`` asks for something impossible; the hub does not start."""


def by_name(session: Session, name: str) -> Role | None:
    return (session.execute(select(Role).where(Role.name == name))).scalar_one_or_none()


def ensure_defaults(session: Session) -> None:
    """Create the default roles that do not exist yet."""
    existing = set((session.execute(select(Role.name))).scalars())
    for name, (description, scopes) in sc.DEFAULT_ROLES.items():
        if name not in existing:
            session.add(Role(name=name, description=description, scopes=list(scopes)))
    session.flush()


def give(session: Session, role: str, user_ids: Iterable[int]) -> None:
    """Give ``role`` to users who do not have it yet."""
    role_id = (session.execute(select(Role.id).where(Role.name == role))).scalar_one()
    ids = set(user_ids)
    if not ids:
        return
    have = set(
        (
            session.execute(
                select(user_role_map.c.user_id).where(
                    user_role_map.c.role_id == role_id, user_role_map.c.user_id.in_(ids)
                )
            )
        ).scalars()
    )
    rows = [{"user_id": uid, "role_id": role_id} for uid in sorted(ids - have)]
    if rows:
        session.execute(insert(user_role_map), rows)


def take(session: Session, role: str, user_ids: Iterable[int]) -> None:
    role_id = (session.execute(select(Role.id).where(Role.name == role))).scalar_one()
    session.execute(
        delete(user_role_map).where(
            user_role_map.c.role_id == role_id, user_role_map.c.user_id.in_(list(user_ids))
        )
    )


def set_service_admin(session: Session, service: Service, admin: bool) -> None:
    role_id = (session.execute(select(Role.id).where(Role.name == "admin"))).scalar_one()
    session.execute(
        delete(service_role_map).where(
            service_role_map.c.service_id == service.id, service_role_map.c.role_id == role_id
        )
    )
    if admin:
        session.execute(insert(service_role_map).values(service_id=service.id, role_id=role_id))


_USER_ID: Any = bindparam("user_id")
_NONE = literal(None, String)
# built once: SQLAlchemy then reuses their compiled form. Rows are the
# user's roles (group null), their groups with those groups' roles, and the
# shares granted to the user or to one of their groups (owner set): a
# share's scopes are bare names, narrowed here to its server.
_USER_ROLES = raw.RawQuery(
    select(Role.name, Role.scopes, _NONE.label("group"), _NONE.label("owner"), _NONE.label("server"))
    .join(user_role_map, user_role_map.c.role_id == Role.id)
    .where(user_role_map.c.user_id == _USER_ID)
    .union_all(
        select(Role.name, Role.scopes, Group.name.label("group"), _NONE, _NONE)
        .select_from(user_group_map)
        .join(Group, Group.id == user_group_map.c.group_id)
        .join(group_role_map, group_role_map.c.group_id == Group.id, isouter=True)
        .join(Role, Role.id == group_role_map.c.role_id, isouter=True)
        .where(user_group_map.c.user_id == _USER_ID),
        select(_NONE, Share.scopes, _NONE, User.name, Server.name)
        .select_from(Share)
        .join(Server, Server.id == Share.server_id)
        .join(User, User.id == Server.user_id)
        .where(
            or_(
                Share.user_id == _USER_ID,
                Share.group_id.in_(
                    select(user_group_map.c.group_id).where(user_group_map.c.user_id == _USER_ID)
                ),
            )
        ),
    ),
    (None, raw.json_value, None, None, None),
)
_SERVICE_ROLES = raw.RawQuery(
    select(Role.scopes)
    .join(service_role_map, service_role_map.c.role_id == Role.id)
    .where(service_role_map.c.service_id == bindparam("service_id")),
    (raw.json_value,),
)


def user_role_scopes(conn: Connection, user_id: int) -> tuple[set[str], set[str], set[str]]:
    """(raw scopes, direct role names, group names) of a user, in one query.

    The raw scopes include those of the shares the user was granted, directly
    or through a group, so that a share counts (and a revoked one stops
    counting) on the next request of any of the user's credentials.
    """
    scopes: set[str] = set()
    roles: set[str] = set()
    groups: set[str] = set()
    for role_name, role_scopes, group, owner, server in _USER_ROLES.all(conn, {"user_id": user_id}):
        if owner is not None:
            scopes.update(sc.on_server(role_scopes or (), owner, server))
            continue
        if role_scopes:
            scopes.update(role_scopes)
        if group is None:
            roles.add(role_name)
        else:
            groups.add(group)
    return scopes, roles, groups


def service_role_scopes(conn: Connection, service_id: int) -> set[str]:
    out: set[str] = set()
    for (scopes,) in _SERVICE_ROLES.all(conn, {"service_id": service_id}):
        out.update(scopes)
    return out


def apply_config(session: Session, load_roles: Sequence[dict[str, Any]]) -> None:
    """Make the roles table match ``JupyterHub.load_roles``."""
    from hub.core import users as users_core

    ensure_defaults(session)
    listed: set[str] = set()
    for spec in load_roles:
        name = spec.get("name")
        if not isinstance(name, str):
            raise RoleConfigError(f"load_roles entry without a name: {spec!r}")
        unknown = set(spec) - {"name", "description", "scopes", "users", "groups", "services"}
        if unknown:
            raise RoleConfigError(f"role {name}: unknown keys {sorted(unknown)}")
        if name not in sc.DEFAULT_ROLES and not sc.ROLE_NAME_RE.match(name):
            raise RoleConfigError(f"invalid role name: {name!r}")
        for scope in spec.get("scopes", []):
            try:
                sc.validate(scope)
            except sc.ScopeError as e:
                raise RoleConfigError(f"role {name}: {e}") from None
        if name == "admin" and (
            ("scopes" in spec and set(spec["scopes"]) != set(sc.ADMIN_SCOPES)) or "description" in spec
        ):
            raise RoleConfigError("the admin role's description and scopes cannot be changed")
        listed.add(name)
        role = by_name(session, name)
        if role is None:
            role = Role(name=name, description=spec.get("description", ""), scopes=[])
            session.add(role)
        if "scopes" in spec:
            role.scopes = list(spec["scopes"])
        elif name not in sc.DEFAULT_ROLES:
            role.scopes = []
        if "description" in spec:
            role.description = spec["description"]
        role.from_config = name not in sc.DEFAULT_ROLES
        session.flush()
        _set_members(session, role, spec, users_core)
    stale = (
        session.execute(select(Role).where(Role.from_config.is_(True), Role.name.not_in(listed)))
    ).scalars()
    for role in stale:
        log.info("Deleting role %s, no longer in load_roles", role.name)
        session.delete(role)
    session.flush()


def _set_members(session: Session, role: Role, spec: dict[str, Any], users_core: Any) -> None:
    # member lists, when given, are the exact membership; the `user` role's
    # users are left alone when omitted (every user has it)
    if "users" in spec or role.name != "user":
        names = list(spec.get("users", []))
        users = users_core.get_or_create_many(session, names)
        session.execute(delete(user_role_map).where(user_role_map.c.role_id == role.id))
        if users:
            session.execute(insert(user_role_map), [{"user_id": u.id, "role_id": role.id} for u in users])
        if role.name == "admin":
            for user in users:
                user.admin = True
    groups = []
    for gname in spec.get("groups", []):
        group = (session.execute(select(Group).where(Group.name == gname))).scalar_one_or_none()
        if group is None:
            group = Group(name=gname, properties={})
            session.add(group)
            session.flush()
        groups.append(group)
    session.execute(delete(group_role_map).where(group_role_map.c.role_id == role.id))
    if groups:
        session.execute(insert(group_role_map), [{"group_id": g.id, "role_id": role.id} for g in groups])
    services = []
    for sname in spec.get("services", []):
        service = (session.execute(select(Service).where(Service.name == sname))).scalar_one_or_none()
        if service is None:
            raise RoleConfigError(f"role {role.name}: no such service {sname!r}")
        services.append(service)
    if "services" in spec or role.name != "admin":
        session.execute(delete(service_role_map).where(service_role_map.c.role_id == role.id))
        if services:
            session.execute(
                insert(service_role_map), [{"service_id": s.id, "role_id": role.id} for s in services]
            )
        if role.name == "admin":
            # holding the admin role is being an admin, for services as for users
            for service in services:
                service.admin = True
