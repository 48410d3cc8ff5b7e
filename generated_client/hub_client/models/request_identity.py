from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.pending_action import PendingAction
from ..models.request_identity_kind import RequestIdentityKind
from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
    from ..models.request_identity_auth_state_type_0 import RequestIdentityAuthStateType0
    from ..models.request_identity_info_type_0 import RequestIdentityInfoType0
    from ..models.server_map import ServerMap
    from ..models.user_info_type_0 import UserInfoType0


T = TypeVar("T", bound="RequestIdentity")


@_attrs_define
class RequestIdentity:
    """The requester: its user or service model (at least `kind`, `name`),
    and the credential's token id, OAuth session and scopes.

        Example:
            {'kind': 'user', 'name': 'alice', 'admin': False, 'groups': [], 'user_info': None, 'token_id': 'a7',
                'session_id': None, 'scopes': ['read:users:name!user=alice', 'tokens!user=alice']}

        Attributes:
            kind (RequestIdentityKind):
            name (str):
            token_id (None | str): The id of the token used, or null for a browser session.
            session_id (None | str): The OAuth session of the token, if any.
            scopes (list[str]): Every scope the credential grants, expanded and sorted. A scope granted without a filter is
                not listed again with one (`read:users`, not also `read:users!user=alice`).
            admin (bool | Unset):
            roles (list[str] | Unset):
            groups (list[str] | Unset):
            server (None | str | Unset):
            pending (None | PendingAction | Unset): The transition under way, or null when none.
            created (datetime.datetime | Unset):
            last_activity (datetime.datetime | None | Unset):
            servers (ServerMap | Unset): A user's servers keyed by server name. Example: {}.
            user_info (None | Unset | UserInfoType0): Optional profile information set by the authenticator. Example:
                {'display_name': 'Alice Liddell', 'initials': 'AL'}.
            auth_state (None | RequestIdentityAuthStateType0 | Unset):
            url (None | str | Unset):
            prefix (None | str | Unset):
            command (list[str] | None | Unset):
            pid (int | None | Unset):
            info (None | RequestIdentityInfoType0 | Unset):
            display (bool | None | Unset):
    """

    kind: RequestIdentityKind
    name: str
    token_id: None | str
    session_id: None | str
    scopes: list[str]
    admin: bool | Unset = UNSET
    roles: list[str] | Unset = UNSET
    groups: list[str] | Unset = UNSET
    server: None | str | Unset = UNSET
    pending: None | PendingAction | Unset = UNSET
    created: datetime.datetime | Unset = UNSET
    last_activity: datetime.datetime | None | Unset = UNSET
    servers: ServerMap | Unset = UNSET
    user_info: None | Unset | UserInfoType0 = UNSET
    auth_state: None | RequestIdentityAuthStateType0 | Unset = UNSET
    url: None | str | Unset = UNSET
    prefix: None | str | Unset = UNSET
    command: list[str] | None | Unset = UNSET
    pid: int | None | Unset = UNSET
    info: None | RequestIdentityInfoType0 | Unset = UNSET
    display: bool | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.request_identity_auth_state_type_0 import RequestIdentityAuthStateType0  # noqa: PLC0415
        from ..models.request_identity_info_type_0 import RequestIdentityInfoType0  # noqa: PLC0415
        from ..models.server_map import ServerMap  # noqa: PLC0415
        from ..models.user_info_type_0 import UserInfoType0  # noqa: PLC0415

        kind = self.kind.value

        name = self.name

        token_id: None | str
        token_id = self.token_id

        session_id: None | str
        session_id = self.session_id

        scopes = self.scopes

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
        elif isinstance(self.auth_state, RequestIdentityAuthStateType0):
            auth_state = self.auth_state.to_dict()
        else:
            auth_state = self.auth_state

        url: None | str | Unset
        if isinstance(self.url, Unset):
            url = UNSET
        else:
            url = self.url

        prefix: None | str | Unset
        if isinstance(self.prefix, Unset):
            prefix = UNSET
        else:
            prefix = self.prefix

        command: list[str] | None | Unset
        if isinstance(self.command, Unset):
            command = UNSET
        elif isinstance(self.command, list):
            command = self.command

        else:
            command = self.command

        pid: int | None | Unset
        if isinstance(self.pid, Unset):
            pid = UNSET
        else:
            pid = self.pid

        info: dict[str, Any] | None | Unset
        if isinstance(self.info, Unset):
            info = UNSET
        elif isinstance(self.info, RequestIdentityInfoType0):
            info = self.info.to_dict()
        else:
            info = self.info

        display: bool | None | Unset
        if isinstance(self.display, Unset):
            display = UNSET
        else:
            display = self.display

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "kind": kind,
                "name": name,
                "token_id": token_id,
                "session_id": session_id,
                "scopes": scopes,
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
        if url is not UNSET:
            field_dict["url"] = url
        if prefix is not UNSET:
            field_dict["prefix"] = prefix
        if command is not UNSET:
            field_dict["command"] = command
        if pid is not UNSET:
            field_dict["pid"] = pid
        if info is not UNSET:
            field_dict["info"] = info
        if display is not UNSET:
            field_dict["display"] = display

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.request_identity_auth_state_type_0 import RequestIdentityAuthStateType0  # noqa: PLC0415
        from ..models.request_identity_info_type_0 import RequestIdentityInfoType0  # noqa: PLC0415
        from ..models.server_map import ServerMap  # noqa: PLC0415
        from ..models.user_info_type_0 import UserInfoType0  # noqa: PLC0415

        d = dict(src_dict)
        kind = RequestIdentityKind(d.pop("kind"))

        name = d.pop("name")

        def _parse_token_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        token_id = _parse_token_id(d.pop("token_id"))

        def _parse_session_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        session_id = _parse_session_id(d.pop("session_id"))

        scopes = cast(list[str], d.pop("scopes"))

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

        def _parse_auth_state(data: object) -> None | RequestIdentityAuthStateType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                auth_state_type_0 = RequestIdentityAuthStateType0.from_dict(data)

                return auth_state_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RequestIdentityAuthStateType0 | Unset, data)

        auth_state = _parse_auth_state(d.pop("auth_state", UNSET))

        def _parse_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        url = _parse_url(d.pop("url", UNSET))

        def _parse_prefix(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        prefix = _parse_prefix(d.pop("prefix", UNSET))

        def _parse_command(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                command_type_0 = cast(list[str], data)

                return command_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        command = _parse_command(d.pop("command", UNSET))

        def _parse_pid(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        pid = _parse_pid(d.pop("pid", UNSET))

        def _parse_info(data: object) -> None | RequestIdentityInfoType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                info_type_0 = RequestIdentityInfoType0.from_dict(data)

                return info_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RequestIdentityInfoType0 | Unset, data)

        info = _parse_info(d.pop("info", UNSET))

        def _parse_display(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        display = _parse_display(d.pop("display", UNSET))

        request_identity = cls(
            kind=kind,
            name=name,
            token_id=token_id,
            session_id=session_id,
            scopes=scopes,
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
            url=url,
            prefix=prefix,
            command=command,
            pid=pid,
            info=info,
            display=display,
        )

        return request_identity
