"""Roles: named sets of scopes, given to users, groups and services.

Roles come from four places, and only those made over the API may be
changed over it: the hub's own (``user``, ``admin``, ``server``,
``token``), ``load_roles`` (changed in the configuration), the
authenticator's (``manage_roles``) and the API's. This module uses
:mod:`hub.core.users` (members are users); users are given their default
roles through :mod:`hub.core.grants`, which knows nothing of roles' rules.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, String, bindparam, delete, func, insert, literal, or_, select
from sqlalchemy.orm import Session

from hub.auth import scopes as sc
from hub.auth.identity import Identity
from hub.core import events
from hub.core import groups as groups_core
from hub.core import users as users_core
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
from hub.errors import BadRequest, Conflict, Forbidden, MethodNotAllowed, NotFound

log = logging.getLogger(__name__)


class RoleConfigError(ValueError):
    """``load_roles`` asks for something impossible; the hub does not start."""


def by_name(session: Session, name: str) -> Role | None:
    return (session.execute(select(Role).where(Role.name == name))).scalar_one_or_none()


def ensure_defaults(session: Session) -> None:
    """Create the default roles that do not exist yet, and give ``admin`` this
    release's admin scopes (a database made by an older one lacks new ones)."""
    existing = {r.name: r for r in session.execute(select(Role)).scalars()}
    for name, (description, scopes) in sc.DEFAULT_ROLES.items():
        if name not in existing:
            session.add(Role(name=name, description=description, scopes=list(scopes)))
        elif name == "admin" and set(existing[name].scopes or []) != set(scopes):
            existing[name].scopes = list(scopes)
    session.flush()


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
        _set_members(session, role, spec)
    stale = (
        session.execute(select(Role).where(Role.from_config.is_(True), Role.name.not_in(listed)))
    ).scalars()
    for role in stale:
        log.info("Deleting role %s, no longer in load_roles", role.name)
        session.delete(role)
    session.flush()


def _set_members(session: Session, role: Role, spec: dict[str, Any]) -> None:
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
    _set_groups(session, role, spec.get("groups", []))
    services = _services_named(session, spec.get("services", []), f"role {role.name}")
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


def _set_groups(session: Session, role: Role, names: Sequence[str]) -> None:
    """Give ``role`` to exactly these groups (created where missing)."""
    groups = groups_core.get_or_create_many(session, names)
    session.execute(delete(group_role_map).where(group_role_map.c.role_id == role.id))
    if groups:
        session.execute(insert(group_role_map), [{"group_id": g.id, "role_id": role.id} for g in groups])


def _services_named(session: Session, names: Sequence[str], label: str) -> list[Service]:
    """The services of these names; a :class:`RoleConfigError` naming ``label`` for a missing one."""
    services = []
    for name in names:
        service = session.execute(select(Service).where(Service.name == name)).scalar_one_or_none()
        if service is None:
            raise RoleConfigError(f"{label}: no such service {name!r}")
        services.append(service)
    return services


# --- roles the authenticator manages (``Authenticator.manage_roles``) ---------------


def _managed_spec(spec: Any) -> dict[str, Any] | None:
    """A role as an authenticator reports it (a dict with ``name``, or a bare name),
    checked; None (logged) for one the hub cannot store."""
    if isinstance(spec, str):
        spec = {"name": spec}
    name = spec.get("name") if isinstance(spec, dict) else None
    if not isinstance(name, str) or not (name in sc.DEFAULT_ROLES or sc.ROLE_NAME_RE.match(name)):
        log.warning("The authenticator reported an invalid role %r; ignored", spec)
        return None
    for scope in spec.get("scopes", []) or []:
        try:
            sc.validate(scope)
        except sc.ScopeError as e:
            log.warning("The authenticator's role %s: %s; ignored", name, e)
            return None
    return dict(spec)


def _managed_role(session: Session, spec: dict[str, Any]) -> Role:
    """The role ``spec`` names, created (marked managed) if missing. A role the
    authenticator created takes the scopes and description it reports; other
    roles (default, ``load_roles``) are left as they are."""
    role = by_name(session, spec["name"])
    if role is None:
        role = Role(
            name=spec["name"],
            description=spec.get("description", ""),
            scopes=list(spec.get("scopes", [])),
            managed_by_auth=True,
        )
        session.add(role)
        session.flush()
        log.info("Created role %s for the authenticator", role.name)
    elif role.managed_by_auth:
        if "scopes" in spec:
            role.scopes = list(spec["scopes"])
        if "description" in spec:
            role.description = spec["description"]
    return role


def _delete_unheld_managed(session: Session, role_ids: Iterable[int], keep: set[str]) -> None:
    """Delete the managed roles among ``role_ids`` that nobody holds any more
    (unless the authenticator's ``load_managed_roles()`` lists them)."""
    for role_id in set(role_ids):
        role = session.get(Role, role_id)
        if role is None or not role.managed_by_auth or role.name in keep:
            continue
        held = any(
            session.execute(select(table.c.role_id).where(table.c.role_id == role_id).limit(1)).first()
            for table in (user_role_map, group_role_map, service_role_map)
        )
        if not held:
            log.info("Deleting role %s: the authenticator no longer gives it to anyone", role.name)
            session.delete(role)
    session.flush()


def sync_managed(session: Session, user_id: int, reported: Sequence[Any], keep: set[str]) -> None:
    """Give the user the roles the authenticator reports (creating missing ones)
    and take back the managed ones it no longer reports.

    A grant is managed when the authenticator made it, or when the role is one
    the authenticator created; the user's other roles (``user``, ``admin``,
    roles from ``load_roles``) are left alone. ``keep``: the names
    ``load_managed_roles()`` returned, never deleted here.
    """
    wanted: dict[int, Role] = {}
    for spec in reported:
        checked = _managed_spec(spec)
        if checked is not None:
            role = _managed_role(session, checked)
            wanted[role.id] = role
    held = {
        role_id: bool(grant_managed or role_managed)
        for role_id, grant_managed, role_managed in session.execute(
            select(user_role_map.c.role_id, user_role_map.c.managed_by_auth, Role.managed_by_auth)
            .join(Role, Role.id == user_role_map.c.role_id)
            .where(user_role_map.c.user_id == user_id)
        )
    }
    new = [rid for rid in wanted if rid not in held]
    if new:
        session.execute(
            insert(user_role_map),
            [{"user_id": user_id, "role_id": rid, "managed_by_auth": True} for rid in new],
        )
        log.info("Gave user %s the roles %s", user_id, sorted(wanted[r].name for r in new))
    gone = [rid for rid, managed in held.items() if managed and rid not in wanted]
    if gone:
        session.execute(
            delete(user_role_map).where(user_role_map.c.user_id == user_id, user_role_map.c.role_id.in_(gone))
        )
        _delete_unheld_managed(session, gone, keep)
    session.flush()


def load_managed(session: Session, specs: Sequence[Any], reset: bool = False) -> set[str]:
    """Store the roles of the authenticator's ``load_managed_roles()`` (at
    start-up): created or updated, marked managed. A ``users`` list is that
    role's exact membership (left out: its users stay); its groups (created
    if missing) and services are exactly those listed (none when left out),
    as in JupyterHub.

    ``reset`` (``reset_managed_roles_on_startup``): the roles the
    authenticator created that are no longer returned are deleted, and so
    are the grants it made of roles that are not returned. Returns the
    names of the returned roles."""
    names: set[str] = set()
    for spec in specs:
        checked = _managed_spec(spec)
        if checked is None:
            continue
        role = _managed_role(session, checked)
        names.add(role.name)
        if "users" in checked:
            members = users_core.get_or_create_many(session, [str(n) for n in checked["users"]])
            session.execute(delete(user_role_map).where(user_role_map.c.role_id == role.id))
            if members:
                session.execute(
                    insert(user_role_map),
                    [{"user_id": u.id, "role_id": role.id, "managed_by_auth": True} for u in members],
                )
        # groups are created, as for load_roles
        _set_groups(session, role, [str(g) for g in checked.get("groups") or []])
        services = _services_named(
            session, [str(s) for s in checked.get("services") or []], f"the authenticator's role {role.name}"
        )
        session.execute(delete(service_role_map).where(service_role_map.c.role_id == role.id))
        if services:
            session.execute(
                insert(service_role_map), [{"service_id": s.id, "role_id": role.id} for s in services]
            )
    if reset:
        _reset_managed(session, names)
    session.flush()
    return names


def _reset_managed(session: Session, returned: set[str]) -> None:
    """``reset_managed_roles_on_startup``: forget what the authenticator gave
    that ``load_managed_roles()`` no longer returns."""
    stale_roles = list(
        session.execute(
            select(Role.id, Role.name).where(Role.managed_by_auth.is_(True), Role.name.not_in(returned))
        )
    )
    if stale_roles:
        log.info(
            "Deleting %d roles the authenticator created and no longer returns: %s",
            len(stale_roles),
            ", ".join(sorted(name for _, name in stale_roles)),
        )
        session.execute(delete(Role).where(Role.id.in_([rid for rid, _ in stale_roles])))
    kept = select(Role.id).where(Role.name.in_(returned))
    stale = (user_role_map.c.managed_by_auth.is_(True), user_role_map.c.role_id.not_in(kept))
    stale_grants = len(session.execute(select(user_role_map.c.user_id).where(*stale)).all())
    session.execute(delete(user_role_map).where(*stale))
    if stale_grants:
        log.info("Deleted %d grants the authenticator made of roles it no longer returns", stale_grants)


# --- roles at run time (the /roles API) ---------------------------------------------------

#: where a role comes from; only ``api`` roles are changed over the API
SOURCES = ("hub", "config", "authenticator", "api")
_EDITABLE_FIELDS = ("description", "scopes", "users", "groups", "services")


@dataclass(frozen=True)
class RoleView:
    name: str
    description: str
    scopes: list[str]
    users: list[str]
    groups: list[str]
    services: list[str]
    source: str

    @property
    def read_only(self) -> bool:
        return self.source != "api"


def source_of(role: Role) -> str:
    if role.name in sc.DEFAULT_ROLES:
        return "hub"
    if role.from_config:
        return "config"
    if role.managed_by_auth:
        return "authenticator"
    return "api"


def _holders(session: Session, role_ids: Sequence[int]) -> dict[int, tuple[list[str], list[str], list[str]]]:
    """(users, groups, services) holding each role directly, by name, sorted."""
    out: dict[int, tuple[list[str], list[str], list[str]]] = {rid: ([], [], []) for rid in role_ids}
    if not role_ids:
        return out
    kinds: tuple[tuple[Any, Any, Any], ...] = (
        (user_role_map, User, user_role_map.c.user_id),
        (group_role_map, Group, group_role_map.c.group_id),
        (service_role_map, Service, service_role_map.c.service_id),
    )
    for index, (table, model, column) in enumerate(kinds):
        rows = session.execute(
            select(table.c.role_id, model.name)
            .join(model, model.id == column)
            .where(table.c.role_id.in_(list(role_ids)))
            .order_by(model.name)
        )
        for role_id, name in rows:
            out[role_id][index].append(name)
    return out


def _views(session: Session, rows: Sequence[Role]) -> list[RoleView]:
    holders = _holders(session, [r.id for r in rows])
    return [
        RoleView(r.name, r.description or "", list(r.scopes or []), *holders[r.id], source=source_of(r))
        for r in rows
    ]


def page_of_roles(session: Session, offset: int, limit: int) -> tuple[int, list[RoleView]]:
    """(how many roles, the page of them by name)."""
    total = session.execute(select(func.count(Role.id))).scalar_one()
    rows = session.execute(select(Role).order_by(Role.name).offset(offset).limit(limit)).scalars().all()
    return total, _views(session, rows)


def view(session: Session, name: str) -> RoleView:
    role = by_name(session, name)
    if role is None:
        raise NotFound(f"No such role: {name}")
    return _views(session, [role])[0]


def _check_scopes(scopes: Sequence[str], requester: Identity) -> None:
    """Every scope is valid (400) and held by the requester (403): nobody
    gives others more than they have."""
    for scope in scopes:
        try:
            sc.validate(scope)
        except sc.ScopeError as e:
            raise BadRequest(str(e)) from None
    missing = requester.unheld(scopes) if scopes else frozenset()
    if missing:
        raise Forbidden(f"Not granting scopes not held by {requester.label}: {', '.join(sorted(missing))}")


def _named(session: Session, model: Any, names: Sequence[str], what: str) -> list[Any]:
    """The rows of these names (400 naming the missing ones)."""
    wanted = list(dict.fromkeys(names))
    if not wanted:
        return []
    found = {row.name: row for row in session.execute(select(model).where(model.name.in_(wanted))).scalars()}
    missing = [n for n in wanted if n not in found]
    if missing:
        raise BadRequest(f"No such {what}: {', '.join(missing)}")
    return [found[n] for n in wanted]


def _set_holders(session: Session, role: Role, fields: dict[str, Any]) -> None:
    """Give the role to exactly the users, groups and services listed (each list given)."""
    for key, model, table, column in (
        ("users", User, user_role_map, "user_id"),
        ("groups", Group, group_role_map, "group_id"),
        ("services", Service, service_role_map, "service_id"),
    ):
        if key not in fields:
            continue
        rows = _named(session, model, fields[key], key.rstrip("s"))
        session.execute(delete(table).where(table.c.role_id == role.id))
        if rows:
            session.execute(insert(table), [{column: r.id, "role_id": role.id} for r in rows])


def create(session: Session, body: dict[str, Any], requester: Identity) -> RoleView:
    """A role made over the API (``POST /roles``)."""
    name = body.get("name")
    if not isinstance(name, str) or not sc.ROLE_NAME_RE.match(name):
        raise BadRequest(
            f"Invalid role name: {name!r} (3 to 255 of a-z, 0-9 and -_~., starting with a letter, "
            "ending with a letter or a digit)"
        )
    fields = {k: body[k] for k in _EDITABLE_FIELDS if k in body}
    if by_name(session, name) is not None:
        raise Conflict(f"Role {name} already exists")
    _check_scopes(fields.get("scopes", []), requester)
    role = Role(name=name, description=fields.get("description", ""), scopes=list(fields.get("scopes", [])))
    session.add(role)
    session.flush()
    _set_holders(session, role, {k: fields.get(k, []) for k in ("users", "groups", "services")})
    session.flush()
    events.note(session, "role.created", role.id)
    _holders_changed(session, role.id)
    return view(session, name)


def _holders_changed(session: Session, role_id: int) -> None:
    """The users holding a role directly: their models list their roles."""
    holders = select(user_role_map.c.user_id).where(user_role_map.c.role_id == role_id)
    for user_id in events.keys_of(session, holders):
        events.note(session, "user.updated", user_id)


def _editable(session: Session, name: str) -> Role:
    role = by_name(session, name)
    if role is None:
        raise NotFound(f"No such role: {name}")
    where = {
        "hub": "is one of the hub's own roles",
        "config": "comes from load_roles in the configuration; change it there",
        "authenticator": "is managed by the authenticator",
    }.get(source_of(role))
    if where is not None:
        raise MethodNotAllowed(f"Role {name} {where}")
    return role


def update(session: Session, name: str, body: dict[str, Any], requester: Identity) -> RoleView:
    """``PATCH /roles/{name}``: the fields given replace the role's."""
    fields = {k: body[k] for k in _EDITABLE_FIELDS if k in body}
    role = _editable(session, name)
    scopes = list(fields["scopes"]) if "scopes" in fields else list(role.scopes or [])
    if "scopes" in fields or any(k in fields for k in ("users", "groups", "services")):
        # giving a role to someone is giving its scopes
        _check_scopes(scopes, requester)
    if "description" in fields:
        role.description = fields["description"]
    if "scopes" in fields:
        role.scopes = scopes
    _holders_changed(session, role.id)  # those who lose it
    _set_holders(session, role, fields)
    session.flush()
    events.note(session, "role.updated", role.id)
    _holders_changed(session, role.id)
    return view(session, name)


def delete_role(session: Session, name: str) -> None:
    """``DELETE /roles/{name}``: the role and every grant of it."""
    role = _editable(session, name)
    events.removed(session, "role.deleted", [role.id])
    _holders_changed(session, role.id)
    session.delete(role)
    session.flush()
