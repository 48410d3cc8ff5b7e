"""Roles: named sets of scopes, given to users, groups and services."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import String, delete, insert, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.auth import scopes as sc
from hub.db.models import (
    Group,
    Role,
    Service,
    group_role_map,
    service_role_map,
    user_group_map,
    user_role_map,
)

log = logging.getLogger(__name__)


class RoleConfigError(ValueError):
    """``load_roles`` asks for something impossible; the hub does not start."""


async def by_name(session: AsyncSession, name: str) -> Role | None:
    return (await session.execute(select(Role).where(Role.name == name))).scalar_one_or_none()


async def ensure_defaults(session: AsyncSession) -> None:
    """Create the default roles that do not exist yet."""
    existing = set((await session.execute(select(Role.name))).scalars())
    for name, (description, scopes) in sc.DEFAULT_ROLES.items():
        if name not in existing:
            session.add(Role(name=name, description=description, scopes=list(scopes)))
    await session.flush()


async def give(session: AsyncSession, role: str, user_ids: Iterable[int]) -> None:
    """Give ``role`` to users who do not have it yet."""
    role_id = (await session.execute(select(Role.id).where(Role.name == role))).scalar_one()
    ids = set(user_ids)
    if not ids:
        return
    have = set(
        (
            await session.execute(
                select(user_role_map.c.user_id).where(
                    user_role_map.c.role_id == role_id, user_role_map.c.user_id.in_(ids)
                )
            )
        ).scalars()
    )
    rows = [{"user_id": uid, "role_id": role_id} for uid in sorted(ids - have)]
    if rows:
        await session.execute(insert(user_role_map), rows)


async def take(session: AsyncSession, role: str, user_ids: Iterable[int]) -> None:
    role_id = (await session.execute(select(Role.id).where(Role.name == role))).scalar_one()
    await session.execute(
        delete(user_role_map).where(
            user_role_map.c.role_id == role_id, user_role_map.c.user_id.in_(list(user_ids))
        )
    )


async def set_service_admin(session: AsyncSession, service: Service, admin: bool) -> None:
    role_id = (await session.execute(select(Role.id).where(Role.name == "admin"))).scalar_one()
    await session.execute(
        delete(service_role_map).where(
            service_role_map.c.service_id == service.id, service_role_map.c.role_id == role_id
        )
    )
    if admin:
        await session.execute(insert(service_role_map).values(service_id=service.id, role_id=role_id))


async def user_role_scopes(session: AsyncSession, user_id: int) -> tuple[set[str], set[str], set[str]]:
    """(raw scopes, direct role names, group names) of a user, in one query."""
    direct = (
        select(Role.name, Role.scopes, literal(None, String).label("group"))
        .join(user_role_map, user_role_map.c.role_id == Role.id)
        .where(user_role_map.c.user_id == user_id)
    )
    via_groups = (
        select(Role.name, Role.scopes, Group.name.label("group"))
        .select_from(user_group_map)
        .join(Group, Group.id == user_group_map.c.group_id)
        .join(group_role_map, group_role_map.c.group_id == Group.id, isouter=True)
        .join(Role, Role.id == group_role_map.c.role_id, isouter=True)
        .where(user_group_map.c.user_id == user_id)
    )
    scopes: set[str] = set()
    roles: set[str] = set()
    groups: set[str] = set()
    for role_name, role_scopes, group in (await session.execute(direct.union_all(via_groups))).all():
        if role_scopes:
            scopes.update(role_scopes)
        if group is None:
            roles.add(role_name)
        if group is not None:
            groups.add(group)
    return scopes, roles, groups


async def service_role_scopes(session: AsyncSession, service_id: int) -> set[str]:
    rows = await session.execute(
        select(Role.scopes)
        .join(service_role_map, service_role_map.c.role_id == Role.id)
        .where(service_role_map.c.service_id == service_id)
    )
    out: set[str] = set()
    for (scopes,) in rows.all():
        out.update(scopes)
    return out


async def apply_config(session: AsyncSession, load_roles: Sequence[dict[str, Any]]) -> None:
    """Make the roles table match ``JupyterHub.load_roles``."""
    from hub.core import users as users_core

    await ensure_defaults(session)
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
        role = await by_name(session, name)
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
        await session.flush()
        await _set_members(session, role, spec, users_core)
    stale = (
        await session.execute(select(Role).where(Role.from_config.is_(True), Role.name.not_in(listed)))
    ).scalars()
    for role in stale:
        log.info("Deleting role %s, no longer in load_roles", role.name)
        await session.delete(role)
    await session.flush()


async def _set_members(session: AsyncSession, role: Role, spec: dict[str, Any], users_core: Any) -> None:
    # member lists, when given, are the exact membership; the `user` role's
    # users are left alone when omitted (every user has it)
    if "users" in spec or role.name != "user":
        names = list(spec.get("users", []))
        users = await users_core.get_or_create_many(session, names)
        await session.execute(delete(user_role_map).where(user_role_map.c.role_id == role.id))
        if users:
            await session.execute(
                insert(user_role_map), [{"user_id": u.id, "role_id": role.id} for u in users]
            )
        if role.name == "admin":
            for user in users:
                user.admin = True
    groups = []
    for gname in spec.get("groups", []):
        group = (await session.execute(select(Group).where(Group.name == gname))).scalar_one_or_none()
        if group is None:
            group = Group(name=gname, properties={})
            session.add(group)
            await session.flush()
        groups.append(group)
    await session.execute(delete(group_role_map).where(group_role_map.c.role_id == role.id))
    if groups:
        await session.execute(
            insert(group_role_map), [{"group_id": g.id, "role_id": role.id} for g in groups]
        )
    services = []
    for sname in spec.get("services", []):
        service = (await session.execute(select(Service).where(Service.name == sname))).scalar_one_or_none()
        if service is None:
            raise RoleConfigError(f"role {role.name}: no such service {sname!r}")
        services.append(service)
    if "services" in spec or role.name != "admin":
        await session.execute(delete(service_role_map).where(service_role_map.c.role_id == role.id))
        if services:
            await session.execute(
                insert(service_role_map), [{"service_id": s.id, "role_id": role.id} for s in services]
            )
