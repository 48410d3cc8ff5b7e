from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset


T = TypeVar("T", bound="UserPatchRequest")


@_attrs_define
class UserPatchRequest:
    """The changes to make (none, `{}`, changes nothing).

    Example:
        {'name': 'alice2', 'admin': True}

    Attributes:
        name (str | Unset): A user or group name: 1 to 255 characters, no `/`, none of the C0
            and C1 control characters (U+0000 to U+001F, U+007F to U+009F), no
            whitespace at either end. A name in a path that breaks this rule is a
            `400`, for a lookup as for a creation.
             Example: alice.
        admin (bool | Unset): Whether the user is an admin.
    """

    name: str | Unset = UNSET
    admin: bool | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        admin = self.admin

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if admin is not UNSET:
            field_dict["admin"] = admin

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name", UNSET)

        admin = d.pop("admin", UNSET)

        user_patch_request = cls(
            name=name,
            admin=admin,
        )

        return user_patch_request
