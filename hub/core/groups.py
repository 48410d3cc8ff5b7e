"""Groups of users."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.auth.authenticators import Authenticator
from hub.core.names import valid_name
from hub.db.models import Group, User, user_group_map
from hub.errors import BadRequest, Conflict, NotFound


async def by_name(session: AsyncSession, name: str) -> Group | None:
    return (await session.execute(select(Group).where(Group.name == name))).scalar_one_or_none()


async def require(session: AsyncSession, name: str) -> Group:
    group = await by_name(session, name)
    if group is None:
        raise NotFound(f"No such group: {name}")
    return group


async def _users(session: AsyncSession, names: Sequence[str], authenticator: Authenticator) -> list[User]:
    wanted = list(dict.fromkeys(authenticator.normalize_username(n) for n in names))
    if not wanted:
        return []
    found = {u.name: u for u in (await session.execute(select(User).where(User.name.in_(wanted)))).scalars()}
    for name in wanted:
        if name not in found:
            raise BadRequest(f"No such user: {name}")
    return [found[n] for n in wanted]


async def create(
    session: AsyncSession, names: Sequence[str], members: Sequence[str], authenticator: Authenticator
) -> list[Group]:
    for name in names:
        if not valid_name(name):
            raise BadRequest(f"Invalid group name: {name!r}")
    unique = list(dict.fromkeys(names))
    taken = (await session.execute(select(Group.name).where(Group.name.in_(unique)))).scalars().first()
    if taken is not None:
        raise Conflict(f"Group {taken} already exists")
    users = await _users(session, members, authenticator)
    groups = [Group(name=n, properties={}) for n in unique]
    session.add_all(groups)
    await session.flush()
    rows = [{"user_id": u.id, "group_id": g.id} for g in groups for u in users]
    if rows:
        await session.execute(insert(user_group_map), rows)
    return groups


async def add_members(
    session: AsyncSession, group: Group, names: Sequence[str], authenticator: Authenticator
) -> None:
    users = await _users(session, names, authenticator)
    have = set(
        (
            await session.execute(
                select(user_group_map.c.user_id).where(user_group_map.c.group_id == group.id)
            )
        ).scalars()
    )
    rows = [{"user_id": u.id, "group_id": group.id} for u in users if u.id not in have]
    if rows:
        await session.execute(insert(user_group_map), rows)


async def remove_members(
    session: AsyncSession, group: Group, names: Sequence[str], authenticator: Authenticator
) -> None:
    users = await _users(session, names, authenticator)
    if users:
        await session.execute(
            delete(user_group_map).where(
                user_group_map.c.group_id == group.id,
                user_group_map.c.user_id.in_([u.id for u in users]),
            )
        )


async def set_properties(session: AsyncSession, group: Group, properties: dict[str, Any]) -> None:
    group.properties = dict(properties)
    await session.flush()


async def delete_group(session: AsyncSession, group: Group) -> None:
    await session.delete(group)
    await session.flush()


async def apply_config(
    session: AsyncSession, load_groups: dict[str, Any], authenticator: Authenticator
) -> None:
    """``load_groups`` adds members (never removes them) and replaces properties."""
    from hub.core import users as users_core

    for name, spec in load_groups.items():
        if isinstance(spec, list):
            spec = {"users": spec}
        group = await by_name(session, name)
        if group is None:
            group = Group(name=name, properties={})
            session.add(group)
            await session.flush()
        if "properties" in spec:
            group.properties = dict(spec["properties"])
        members = [authenticator.normalize_username(n) for n in spec.get("users", [])]
        await users_core.get_or_create_many(session, members)
        await add_members(session, group, members, authenticator)
