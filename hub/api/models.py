"""Shape database rows into the models of the spec.

Models are filtered by the requester's scopes: a field appears only when one
of the scopes that reveal it applies to that resource. A model none of whose
fields may be seen is None, and lists drop it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from hub.auth.identity import Identity
from hub.core.shares import CodeView, ServerRef, ShareView
from hub.core.views import ServerView, UserView
from hub.db.models import APIToken, Group, Service
from hub.names import progress_url, service_prefix
from hub.names import server_prefix as server_url
from hub.timeutil import isoformat

USER_FIELDS: dict[str, tuple[str, ...]] = {
    "admin": ("read:users", "read:users:name", "read:roles:users"),
    "user_info": ("read:users", "read:users:name"),
    "roles": ("read:users", "read:roles:users"),
    "groups": ("read:users", "read:users:groups"),
    "server": ("read:users",),
    "pending": ("read:users",),
    "created": ("read:users",),
    "last_activity": ("read:users", "read:users:activity"),
    "auth_state": ("admin:auth_state",),
}
USER_ANY = tuple(sorted({s for v in USER_FIELDS.values() for s in v} | {"read:servers"}))

GROUP_FIELDS: dict[str, tuple[str, ...]] = {
    "users": ("read:groups",),
    "properties": ("read:groups",),
    "roles": ("read:roles:groups",),
}
GROUP_ANY = ("read:groups", "read:groups:name", "read:roles:groups")

SERVICE_FIELDS: dict[str, tuple[str, ...]] = {
    "admin": ("read:services", "read:services:name", "read:roles:services"),
    "roles": ("read:roles:services",),
    "url": ("read:services",),
    "prefix": ("read:services",),
    "command": ("read:services",),
    "pid": ("read:services",),
    "info": ("read:services",),
    "display": ("read:services",),
}
SERVICE_ANY = ("read:services", "read:services:name", "read:roles:services")


class Shaper:
    """Builds models for one requester; knows the hub's URL prefixes."""

    def __init__(
        self,
        identity: Identity,
        base_url: str,
        hub_prefix: str,
        auth_state: Callable[[int], Any] | None = None,
    ) -> None:
        self.me = identity
        self.base_url = base_url
        self.hub_prefix = hub_prefix
        #: a user's decrypted auth_state by id (read only when the field is visible)
        self.auth_state = auth_state or (lambda _user_id: None)
        # per field table: the fields any resource shows (scopes held without
        # a filter), and the rest, which depend on the resource
        self._split: dict[int, tuple[frozenset[str], dict[str, tuple[str, ...]]]] = {}

    def _visible(
        self, fields: dict[str, tuple[str, ...]], kind: str, name: str, groups: frozenset[str]
    ) -> frozenset[str]:
        split = self._split.get(id(fields))
        if split is None:
            unfiltered = self.me.scopes.unfiltered
            always = frozenset(f for f, needed in fields.items() if any(unfiltered(s) for s in needed))
            rest = {f: needed for f, needed in fields.items() if f not in always}
            split = self._split[id(fields)] = (always, rest)
        always, rest = split
        if not rest:
            return always
        held: dict[str, bool] = {}

        def applies(scope: str) -> bool:
            if scope not in held:
                held[scope] = self.me.applies(scope, kind, name, groups)
            return held[scope]

        return always | {field for field, needed in rest.items() if any(applies(s) for s in needed)}

    def server(self, user: UserView, server: ServerView, *, with_state: bool) -> dict[str, Any]:
        ready = server.pending is None and server.url is not None
        model: dict[str, Any] = {
            "name": server.name,
            "display_name": server.display_name or server.name,
            "full_name": f"{user.name}/{server.name}",
            "ready": ready,
            "pending": server.pending,
            "stopped": not (ready or server.pending),
            "url": server_url(self.base_url, user.name, server.name),
            "progress_url": progress_url(self.hub_prefix, user.name, server.name),
            "full_url": None,
            "full_progress_url": None,
            "started": isoformat(server.started),
            "last_activity": isoformat(server.last_activity),
            "user_options": server.user_options,
            "last_error": server.last_error or None,
        }
        if with_state:
            model["state"] = server.state or {}
        return model

    def user(
        self,
        user: UserView,
        *,
        include_stopped: bool = False,
        extra: Iterable[str] = (),
    ) -> dict[str, Any] | None:
        groups = frozenset(user.groups)
        visible = self._visible(USER_FIELDS, "user", user.name, groups)
        if extra:
            visible = visible | frozenset(extra)
        servers = self._servers(user, groups, include_stopped)
        if not visible and servers is None:
            return None
        model: dict[str, Any] = {"kind": "user", "name": user.name}
        for field in USER_ORDER:
            if field in visible:
                model[field] = USER_VALUES[field](self, user)
        if servers is not None:
            model["servers"] = servers
        return model

    def default_server_url(self, user: UserView) -> str | None:
        default = next((s for s in user.servers if s.name == ""), None)
        if default is not None and default.pending is None and default.url is not None:
            return server_url(self.base_url, user.name, "")
        return None

    def _servers(
        self, user: UserView, groups: frozenset[str], include_stopped: bool
    ) -> dict[str, Any] | None:
        user_level = self.me.applies("read:servers", "user", user.name, groups)
        if (
            user_level
            and not include_stopped
            and all(s.pending is None and s.url is None for s in user.servers)
        ):
            return {}  # the common case: nothing running
        with_state = self.me.applies("admin:server_state", "user", user.name, groups)
        out: dict[str, Any] = {}
        any_server = False
        for server in sorted(user.servers, key=lambda s: s.name):
            full = f"{user.name}/{server.name}"
            if not (user_level or self.me.applies("read:servers", "server", full, groups)):
                continue
            any_server = True
            active = server.pending is not None or server.url is not None
            if active or include_stopped:
                out[server.name] = self.server(
                    user,
                    server,
                    with_state=with_state or self.me.applies("admin:server_state", "server", full, groups),
                )
        return out if (user_level or any_server) else None

    def group(self, group: Group) -> dict[str, Any] | None:
        if not any(self.me.applies(s, "group", group.name) for s in GROUP_ANY):
            return None
        visible = self._visible(GROUP_FIELDS, "group", group.name, frozenset())
        model: dict[str, Any] = {"kind": "group", "name": group.name}
        values = {
            "users": sorted(u.name for u in group.users),
            "properties": group.properties or {},
            "roles": sorted(r.name for r in group.roles),
        }
        model.update({k: v for k, v in values.items() if k in visible})
        return model

    def service(
        self, service: Service, *, extra: Iterable[str] = (), raw: bool = False
    ) -> dict[str, Any] | None:
        visible = self._visible(SERVICE_FIELDS, "service", service.name, frozenset()) | set(extra)
        if not visible and not any(self.me.applies(s, "service", service.name) for s in SERVICE_ANY):
            return None
        values: dict[str, Any] = {
            "admin": service.admin,
            "roles": sorted(r.name for r in service.roles),
            "url": service.url if raw else service.url or "",
            "prefix": (service_prefix(self.base_url, service.name) if service.url else "")
            if not raw
            else None,
            "command": service.command if raw else service.command or [],
            "pid": service.pid if raw else service.pid or 0,
            "info": service.info if raw else service.info or {},
            "display": service.display if raw else (True if service.display is None else service.display),
        }
        model: dict[str, Any] = {"kind": "service", "name": service.name}
        model.update({k: v for k, v in values.items() if k in visible})
        return model


def _default_pending(_: Shaper, user: UserView) -> str | None:
    default = next((s for s in user.servers if s.name == ""), None)
    return default.pending if default is not None else None


#: how each visible field of a user model is computed, in output order
USER_VALUES: dict[str, Any] = {
    "admin": lambda _, u: u.admin,
    "user_info": lambda _, u: u.user_info,
    "roles": lambda _, u: u.roles,
    "groups": lambda _, u: u.groups,
    "server": Shaper.default_server_url,
    "pending": _default_pending,
    "created": lambda _, u: isoformat(u.created),
    "last_activity": lambda _, u: isoformat(u.last_activity),
    "auth_state": lambda s, u: s.auth_state(u.id),
}
USER_ORDER = tuple(USER_VALUES)


def token(row: APIToken, owner_kind: str, owner_name: str, scopes: Iterable[str]) -> dict[str, Any]:
    model: dict[str, Any] = {
        "id": f"a{row.id}",
        "kind": "api_token",
        owner_kind: owner_name,
        "roles": [],
        "scopes": sorted(scopes),
        "note": row.note,
        "created": isoformat(row.created),
        "expires_at": isoformat(row.expires_at),
        "last_activity": isoformat(row.last_activity),
        "session_id": row.session_id,
        "oauth_client": "JupyterHub" if row.client_id == "jupyterhub" else row.client_id,
    }
    return model


def shared_server(ref: ServerRef, base_url: str) -> dict[str, Any]:
    return {
        "user": {"name": ref.owner},
        "name": ref.name,
        "url": server_url(base_url, ref.owner, ref.name),
        "full_url": None,
        "ready": ref.pending is None and ref.url is not None,
    }


def share(view: ShareView, base_url: str) -> dict[str, Any]:
    return {
        "server": shared_server(view.server, base_url),
        "scopes": view.scopes,
        "user": {"name": view.user} if view.user is not None else None,
        "group": {"name": view.group} if view.group is not None else None,
        "kind": "user" if view.user is not None else "group",
        "created_at": isoformat(view.created_at),
    }


def share_code(view: CodeView, base_url: str) -> dict[str, Any]:
    return {
        "server": shared_server(view.server, base_url),
        "scopes": view.scopes,
        "id": f"sc_{view.id}",
        "created_at": isoformat(view.created_at),
        "expires_at": isoformat(view.expires_at),
        "exchange_count": view.exchange_count,
        "last_exchanged_at": isoformat(view.last_exchanged_at),
    }
