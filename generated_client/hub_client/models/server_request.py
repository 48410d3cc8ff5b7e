from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
    from ..models.server_request_user_options_type_0 import ServerRequestUserOptionsType0


T = TypeVar("T", bound="ServerRequest")


@_attrs_define
class ServerRequest:
    """Options for starting or creating a server. A body without
    `display_name` and `user_options` is taken whole as the user options,
    as older clients send it.

        Example:
            {'display_name': 'GPU', 'user_options': {'profile': 'gpu'}}

        Attributes:
            display_name (str | Unset): The name shown for the server: printable characters and single spaces, none at
                either end. Empty means none given (a new server is shown by its name).
            user_options (None | ServerRequestUserOptionsType0 | Unset):
    """

    display_name: str | Unset = UNSET
    user_options: None | ServerRequestUserOptionsType0 | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.server_request_user_options_type_0 import ServerRequestUserOptionsType0  # noqa: PLC0415

        display_name = self.display_name

        user_options: dict[str, Any] | None | Unset
        if isinstance(self.user_options, Unset):
            user_options = UNSET
        elif isinstance(self.user_options, ServerRequestUserOptionsType0):
            user_options = self.user_options.to_dict()
        else:
            user_options = self.user_options

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if display_name is not UNSET:
            field_dict["display_name"] = display_name
        if user_options is not UNSET:
            field_dict["user_options"] = user_options

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.server_request_user_options_type_0 import ServerRequestUserOptionsType0  # noqa: PLC0415

        d = dict(src_dict)
        display_name = d.pop("display_name", UNSET)

        def _parse_user_options(data: object) -> None | ServerRequestUserOptionsType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                user_options_type_0 = ServerRequestUserOptionsType0.from_dict(data)

                return user_options_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ServerRequestUserOptionsType0 | Unset, data)

        user_options = _parse_user_options(d.pop("user_options", UNSET))

        server_request = cls(
            display_name=display_name,
            user_options=user_options,
        )

        server_request.additional_properties = d
        return server_request

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
