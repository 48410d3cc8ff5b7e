from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.created_service_kind import CreatedServiceKind
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
    from ..models.created_service_info_type_0 import CreatedServiceInfoType0


T = TypeVar("T", bound="CreatedService")


@_attrs_define
class CreatedService:
    """A service just created at run time, with its token when the hub generated it (shown this once).

    Example:
        {'kind': 'service', 'name': 'dashboard', 'admin': False, 'roles': [], 'url': 'http://127.0.0.1:10101', 'prefix':
            '/services/dashboard/', 'command': [], 'pid': 0, 'info': {}, 'display': True, 'api_token':
            '0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e'}

    Attributes:
        kind (CreatedServiceKind):
        name (str):
        admin (bool | Unset):
        roles (list[str] | Unset):
        url (None | str | Unset): Where the service listens.
        prefix (None | str | Unset): The public URL prefix routed to it.
        command (list[str] | None | Unset): Always empty for these services.
        pid (int | None | Unset): Always 0 for these services.
        info (CreatedServiceInfoType0 | None | Unset): Free-form information.
        display (bool | None | Unset): Whether it is listed on the home page.
        api_token (str | Unset): The generated token (absent when the request supplied one).
    """

    kind: CreatedServiceKind
    name: str
    admin: bool | Unset = UNSET
    roles: list[str] | Unset = UNSET
    url: None | str | Unset = UNSET
    prefix: None | str | Unset = UNSET
    command: list[str] | None | Unset = UNSET
    pid: int | None | Unset = UNSET
    info: CreatedServiceInfoType0 | None | Unset = UNSET
    display: bool | None | Unset = UNSET
    api_token: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.created_service_info_type_0 import CreatedServiceInfoType0  # noqa: PLC0415

        kind = self.kind.value

        name = self.name

        admin = self.admin

        roles: list[str] | Unset = UNSET
        if not isinstance(self.roles, Unset):
            roles = self.roles

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
        elif isinstance(self.info, CreatedServiceInfoType0):
            info = self.info.to_dict()
        else:
            info = self.info

        display: bool | None | Unset
        if isinstance(self.display, Unset):
            display = UNSET
        else:
            display = self.display

        api_token = self.api_token

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
        if api_token is not UNSET:
            field_dict["api_token"] = api_token

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.created_service_info_type_0 import CreatedServiceInfoType0  # noqa: PLC0415

        d = dict(src_dict)
        kind = CreatedServiceKind(d.pop("kind"))

        name = d.pop("name")

        admin = d.pop("admin", UNSET)

        roles = cast(list[str], d.pop("roles", UNSET))

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

        def _parse_info(data: object) -> CreatedServiceInfoType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                info_type_0 = CreatedServiceInfoType0.from_dict(data)

                return info_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CreatedServiceInfoType0 | None | Unset, data)

        info = _parse_info(d.pop("info", UNSET))

        def _parse_display(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        display = _parse_display(d.pop("display", UNSET))

        api_token = d.pop("api_token", UNSET)

        created_service = cls(
            kind=kind,
            name=name,
            admin=admin,
            roles=roles,
            url=url,
            prefix=prefix,
            command=command,
            pid=pid,
            info=info,
            display=display,
            api_token=api_token,
        )

        return created_service
