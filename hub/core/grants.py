"""Who holds which role: giving and taking the hub's own roles.

The layer under :mod:`hub.core.users` and :mod:`hub.core.roles`: users are
given ``user`` (and ``admin``) as they are made, services ``admin``; roles
are edited in :mod:`hub.core.roles`, which uses users, never the reverse.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from hub.db.models import Role, Service, service_role_map, user_role_map


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
