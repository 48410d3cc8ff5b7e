from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
    from ..models.server import Server


T = TypeVar("T", bound="ServerMap")


@_attrs_define
class ServerMap:
    """A user's servers keyed by server name.

    Example:
        {}

    """

    additional_properties: dict[str, Server] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.server import Server  # noqa: PLC0415

        field_dict: dict[str, Any] = {}
        for prop_name, prop in self.additional_properties.items():
            field_dict[prop_name] = prop.to_dict()

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.server import Server  # noqa: PLC0415

        d = dict(src_dict)
        server_map = cls()

        from ..models.server_last_error_type_0 import ServerLastErrorType0  # noqa: PLC0415
        from ..models.server_state_type_0 import ServerStateType0  # noqa: PLC0415
        from ..models.server_user_options_type_0 import ServerUserOptionsType0  # noqa: PLC0415

        additional_properties = {}
        for prop_name, prop_dict in d.items():
            additional_property = Server.from_dict(prop_dict)

            additional_properties[prop_name] = additional_property

        server_map.additional_properties = additional_properties
        return server_map

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Server:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Server) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
