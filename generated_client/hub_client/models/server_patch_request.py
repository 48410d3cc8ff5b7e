from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
    from ..models.server_patch_request_user_options import ServerPatchRequestUserOptions


T = TypeVar("T", bound="ServerPatchRequest")


@_attrs_define
class ServerPatchRequest:
    """Changes to a stopped server.

    Example:
        {'display_name': 'My GPU server'}

    Attributes:
        name (str | Unset): The name of a named server: 1 to 30 lowercase letters, digits and
            single hyphens, starting with a letter and not ending with a hyphen.
             Example: gpu.
        display_name (str | Unset):
        user_options (ServerPatchRequestUserOptions | Unset):
    """

    name: str | Unset = UNSET
    display_name: str | Unset = UNSET
    user_options: ServerPatchRequestUserOptions | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.server_patch_request_user_options import ServerPatchRequestUserOptions  # noqa: PLC0415

        name = self.name

        display_name = self.display_name

        user_options: dict[str, Any] | Unset = UNSET
        if not isinstance(self.user_options, Unset):
            user_options = self.user_options.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if display_name is not UNSET:
            field_dict["display_name"] = display_name
        if user_options is not UNSET:
            field_dict["user_options"] = user_options

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.server_patch_request_user_options import ServerPatchRequestUserOptions  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name", UNSET)

        display_name = d.pop("display_name", UNSET)

        _user_options = d.pop("user_options", UNSET)
        user_options: ServerPatchRequestUserOptions | Unset
        if isinstance(_user_options, Unset):
            user_options = UNSET
        else:
            user_options = ServerPatchRequestUserOptions.from_dict(_user_options)

        server_patch_request = cls(
            name=name,
            display_name=display_name,
            user_options=user_options,
        )

        return server_patch_request
