from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast


T = TypeVar("T", bound="UsersCreateRequest")


@_attrs_define
class UsersCreateRequest:
    """Users to create.

    Example:
        {'usernames': ['alice', 'bob'], 'admin': False}

    Attributes:
        usernames (list[str]): The names (lower-cased before use).
        admin (bool | Unset): Whether they are admins.
    """

    usernames: list[str]
    admin: bool | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        usernames = self.usernames

        admin = self.admin

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "usernames": usernames,
            }
        )
        if admin is not UNSET:
            field_dict["admin"] = admin

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        usernames = cast(list[str], d.pop("usernames"))

        admin = d.pop("admin", UNSET)

        users_create_request = cls(
            usernames=usernames,
            admin=admin,
        )

        return users_create_request
