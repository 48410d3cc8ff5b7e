from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.pending_action import PendingAction
from ..models.user_kind import UserKind
from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
    from ..models.server_map import ServerMap
    from ..models.user_auth_state_type_0 import UserAuthStateType0
    from ..models.user_info_type_0 import UserInfoType0


T = TypeVar("T", bound="User")


@_attrs_define
class User:
    """A user. Which fields are present depends on the requester's scopes;
    `kind` and `name` always are.

        Example:
            {'kind': 'user', 'name': 'alice', 'admin': False, 'roles': ['user'], 'groups': ['staff'], 'server': None,
                'pending': None, 'created': '2026-11-29T01:50:00.000000Z', 'last_activity': None, 'servers': {}, 'user_info':
                None}

        Attributes:
            kind (UserKind): Always `user`.
            name (str): The user's name.
            admin (bool | Unset): Whether the user is an admin.
            roles (list[str] | Unset): Names of the roles given to the user directly.
            groups (list[str] | Unset): Names of the user's groups.
            server (None | str | Unset): URL path of the default server when it is ready.
            pending (None | PendingAction | Unset): The transition under way, or null when none.
            created (datetime.datetime | Unset): When the user was created.
            last_activity (datetime.datetime | None | Unset): Last activity seen.
            servers (ServerMap | Unset): A user's servers keyed by server name. Example: {}.
            user_info (None | Unset | UserInfoType0): Optional profile information set by the authenticator. Example:
                {'display_name': 'Alice Liddell', 'initials': 'AL'}.
            auth_state (None | Unset | UserAuthStateType0): The authenticator's state (with `admin:auth_state`).
    """

    kind: UserKind
    name: str
    admin: bool | Unset = UNSET
    roles: list[str] | Unset = UNSET
    groups: list[str] | Unset = UNSET
    server: None | str | Unset = UNSET
    pending: None | PendingAction | Unset = UNSET
    created: datetime.datetime | Unset = UNSET
    last_activity: datetime.datetime | None | Unset = UNSET
    servers: ServerMap | Unset = UNSET
    user_info: None | Unset | UserInfoType0 = UNSET
    auth_state: None | Unset | UserAuthStateType0 = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.server_map import ServerMap  # noqa: PLC0415
        from ..models.user_auth_state_type_0 import UserAuthStateType0  # noqa: PLC0415
        from ..models.user_info_type_0 import UserInfoType0  # noqa: PLC0415

        kind = self.kind.value

        name = self.name

        admin = self.admin

        roles: list[str] | Unset = UNSET
        if not isinstance(self.roles, Unset):
            roles = self.roles

        groups: list[str] | Unset = UNSET
        if not isinstance(self.groups, Unset):
            groups = self.groups

        server: None | str | Unset
        if isinstance(self.server, Unset):
            server = UNSET
        else:
            server = self.server

        pending: None | str | Unset
        if isinstance(self.pending, Unset):
            pending = UNSET
        elif isinstance(self.pending, PendingAction):
            pending = self.pending.value
        else:
            pending = self.pending

        created: str | Unset = UNSET
        if not isinstance(self.created, Unset):
            created = self.created.isoformat()

        last_activity: None | str | Unset
        if isinstance(self.last_activity, Unset):
            last_activity = UNSET
        elif isinstance(self.last_activity, datetime.datetime):
            last_activity = self.last_activity.isoformat()
        else:
            last_activity = self.last_activity

        servers: dict[str, Any] | Unset = UNSET
        if not isinstance(self.servers, Unset):
            servers = self.servers.to_dict()

        user_info: dict[str, Any] | None | Unset
        if isinstance(self.user_info, Unset):
            user_info = UNSET
        elif isinstance(self.user_info, UserInfoType0):
            user_info = self.user_info.to_dict()
        else:
            user_info = self.user_info

        auth_state: dict[str, Any] | None | Unset
        if isinstance(self.auth_state, Unset):
            auth_state = UNSET
        elif isinstance(self.auth_state, UserAuthStateType0):
            auth_state = self.auth_state.to_dict()
        else:
            auth_state = self.auth_state

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "kind": kind,
                "name": name,
            }
        )
        if admin is not UNSET:
            field_dict["admin"] = admin
        if roles is not UNSET:
            field_dict["roles"] = roles
        if groups is not UNSET:
            field_dict["groups"] = groups
        if server is not UNSET:
            field_dict["server"] = server
        if pending is not UNSET:
            field_dict["pending"] = pending
        if created is not UNSET:
            field_dict["created"] = created
        if last_activity is not UNSET:
            field_dict["last_activity"] = last_activity
        if servers is not UNSET:
            field_dict["servers"] = servers
        if user_info is not UNSET:
            field_dict["user_info"] = user_info
        if auth_state is not UNSET:
            field_dict["auth_state"] = auth_state

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.server_map import ServerMap  # noqa: PLC0415
        from ..models.user_auth_state_type_0 import UserAuthStateType0  # noqa: PLC0415
        from ..models.user_info_type_0 import UserInfoType0  # noqa: PLC0415

        d = dict(src_dict)
        kind = UserKind(d.pop("kind"))

        name = d.pop("name")

        admin = d.pop("admin", UNSET)

        roles = cast(list[str], d.pop("roles", UNSET))

        groups = cast(list[str], d.pop("groups", UNSET))

        def _parse_server(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        server = _parse_server(d.pop("server", UNSET))

        def _parse_pending(data: object) -> None | PendingAction | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                pending_type_0 = PendingAction(data)

                return pending_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PendingAction | Unset, data)

        pending = _parse_pending(d.pop("pending", UNSET))

        _created = d.pop("created", UNSET)
        created: datetime.datetime | Unset
        if isinstance(_created, Unset):
            created = UNSET
        else:
            created = datetime.datetime.fromisoformat(_created)

        def _parse_last_activity(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_activity_type_0 = datetime.datetime.fromisoformat(data)

                return last_activity_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        last_activity = _parse_last_activity(d.pop("last_activity", UNSET))

        _servers = d.pop("servers", UNSET)
        servers: ServerMap | Unset
        if isinstance(_servers, Unset):
            servers = UNSET
        else:
            servers = ServerMap.from_dict(_servers)

        def _parse_user_info(data: object) -> None | Unset | UserInfoType0:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_user_info_type_0 = UserInfoType0.from_dict(data)

                return componentsschemas_user_info_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UserInfoType0, data)

        user_info = _parse_user_info(d.pop("user_info", UNSET))

        def _parse_auth_state(data: object) -> None | Unset | UserAuthStateType0:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                auth_state_type_0 = UserAuthStateType0.from_dict(data)

                return auth_state_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UserAuthStateType0, data)

        auth_state = _parse_auth_state(d.pop("auth_state", UNSET))

        user = cls(
            kind=kind,
            name=name,
            admin=admin,
            roles=roles,
            groups=groups,
            server=server,
            pending=pending,
            created=created,
            last_activity=last_activity,
            servers=servers,
            user_info=user_info,
            auth_state=auth_state,
        )

        return user
