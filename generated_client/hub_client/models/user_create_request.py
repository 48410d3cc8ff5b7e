from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset


T = TypeVar("T", bound="UserCreateRequest")


@_attrs_define
class UserCreateRequest:
    """Options for the new user.

    Example:
        {'admin': False}

    Attributes:
        admin (bool | Unset): Whether the user is an admin.
    """

    admin: bool | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        admin = self.admin

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if admin is not UNSET:
            field_dict["admin"] = admin

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        admin = d.pop("admin", UNSET)

        user_create_request = cls(
            admin=admin,
        )

        return user_create_request
