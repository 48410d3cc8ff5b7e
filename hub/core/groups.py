"""Groups of users."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, delete, insert, select
from sqlalchemy.orm import Session

from hub.auth.authenticators import Authenticator
from hub.core import events
from hub.db.models import Group, User, user_group_map
from hub.errors import BadRequest, Conflict, NotFound
from hub.names import valid_name


def names_of_member(conn: Connection | Session, user: str) -> frozenset[str]:
    """The names of the groups ``user`` belongs to."""
    rows = conn.execute(
        select(Group.name)
        .join(user_group_map, user_group_map.c.group_id == Group.id)
        .join(User, User.id == user_group_map.c.user_id)
        .where(User.name == user)
    )
    return frozenset(rows.scalars())


def by_name(session: Session, name: str) -> Group | None:
    return (session.execute(select(Group).where(Group.name == name))).scalar_one_or_none()


def get_or_create_many(session: Session, names: Sequence[str]) -> list[Group]:
    """Groups by name, creating the missing ones empty (for configuration)."""
    wanted = list(dict.fromkeys(names))
    if not wanted:
        return []
    found = {g.name: g for g in session.execute(select(Group).where(Group.name.in_(wanted))).scalars()}
    missing = [Group(name=name, properties={}) for name in wanted if name not in found]
    if missing:
        session.add_all(missing)
        session.flush()
        found.update((g.name, g) for g in missing)
    return [found[name] for name in wanted]


def require(session: Session, name: str) -> Group:
    group = by_name(session, name)
    if group is None:
        raise NotFound(f"No such group: {name}")
    return group


def _users(session: Session, names: Sequence[str], authenticator: Authenticator) -> list[User]:
    wanted = list(dict.fromkeys(authenticator.normalize_username(n) for n in names))
    if not wanted:
        return []
    found = {u.name: u for u in (session.execute(select(User).where(User.name.in_(wanted)))).scalars()}
    for name in wanted:
        if name not in found:
            raise BadRequest(f"No such user: {name}")
    return [found[n] for n in wanted]


def create(
    session: Session, names: Sequence[str], members: Sequence[str], authenticator: Authenticator
) -> list[Group]:
    for name in names:
        if not valid_name(name):
            raise BadRequest(f"Invalid group name: {name!r}")
    unique = list(dict.fromkeys(names))
    taken = (session.execute(select(Group.name).where(Group.name.in_(unique)))).scalars().first()
    if taken is not None:
        raise Conflict(f"Group {taken} already exists")
    users = _users(session, members, authenticator)
    groups = [Group(name=n, properties={}) for n in unique]
    session.add_all(groups)
    session.flush()
    rows = [{"user_id": u.id, "group_id": g.id} for g in groups for u in users]
    if rows:
        session.execute(insert(user_group_map), rows)
    for group in groups:
        events.note(session, "group.created", group.id)
    _members_changed(session, [u.id for u in users])
    return groups


def _members_changed(session: Session, user_ids: Sequence[int]) -> None:
    """The users whose groups changed: their models list their groups."""
    for user_id in user_ids:
        events.note(session, "user.updated", user_id)


def add_members(session: Session, group: Group, names: Sequence[str], authenticator: Authenticator) -> None:
    users = _users(session, names, authenticator)
    have = set(
        (
            session.execute(select(user_group_map.c.user_id).where(user_group_map.c.group_id == group.id))
        ).scalars()
    )
    rows = [{"user_id": u.id, "group_id": group.id} for u in users if u.id not in have]
    if rows:
        session.execute(insert(user_group_map), rows)
        events.note(session, "group.updated", group.id)
        _members_changed(session, [r["user_id"] for r in rows])


def remove_members(
    session: Session, group: Group, names: Sequence[str], authenticator: Authenticator
) -> None:
    users = _users(session, names, authenticator)
    if users:
        gone = session.execute(
            delete(user_group_map).where(
                user_group_map.c.group_id == group.id,
                user_group_map.c.user_id.in_([u.id for u in users]),
            )
        )
        if gone.rowcount:  # type: ignore[attr-defined]
            events.note(session, "group.updated", group.id)
            _members_changed(session, [u.id for u in users])


def set_properties(session: Session, group: Group, properties: dict[str, Any]) -> None:
    if group.properties != properties:
        events.note(session, "group.updated", group.id)
    group.properties = dict(properties)
    session.flush()


def delete_group(session: Session, group: Group) -> None:
    events.removed(session, "group.deleted", [group.id])
    members = select(user_group_map.c.user_id).where(user_group_map.c.group_id == group.id)
    _members_changed(session, events.keys_of(session, members))
    session.delete(group)
    session.flush()


def apply_config(session: Session, load_groups: dict[str, Any], authenticator: Authenticator) -> None:
    """``load_groups`` adds members (never removes them) and replaces properties."""
    from hub.core import users as users_core

    for name, spec in load_groups.items():
        if isinstance(spec, list):
            spec = {"users": spec}
        group = by_name(session, name)
        if group is None:
            group = Group(name=name, properties={})
            session.add(group)
            session.flush()
            events.note(session, "group.created", group.id)
        if "properties" in spec:
            set_properties(session, group, spec["properties"])
        members = [authenticator.normalize_username(n) for n in spec.get("users", [])]
        users_core.get_or_create_many(session, members)
        add_members(session, group, members, authenticator)


def sync_member(session: Session, user_id: int, names: Sequence[str]) -> None:
    """Make ``names`` exactly the user's groups (creating missing groups), for
    authenticators that manage groups."""
    wanted = [n for n in dict.fromkeys(names) if valid_name(n)]
    existing = {g.name: g for g in session.execute(select(Group).where(Group.name.in_(wanted))).scalars()}
    made = [Group(name=n, properties={}) for n in wanted if n not in existing]
    session.add_all(made)
    existing.update({g.name: g for g in made})
    session.flush()
    for group in made:
        events.note(session, "group.created", group.id)
    wanted_ids = {existing[n].id for n in wanted}
    current = set(
        session.execute(
            select(user_group_map.c.group_id).where(user_group_map.c.user_id == user_id)
        ).scalars()
    )
    gone = current - wanted_ids
    for group_id in gone | (wanted_ids - current):
        events.note(session, "group.updated", group_id)
    if gone or wanted_ids - current:
        events.note(session, "user.updated", user_id)
    if gone:
        session.execute(
            delete(user_group_map).where(
                user_group_map.c.user_id == user_id, user_group_map.c.group_id.in_(gone)
            )
        )
    new = wanted_ids - current
    if new:
        session.execute(insert(user_group_map), [{"user_id": user_id, "group_id": gid} for gid in new])
