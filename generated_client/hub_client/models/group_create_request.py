from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast


T = TypeVar("T", bound="GroupCreateRequest")


@_attrs_define
class GroupCreateRequest:
    """Members of the new group.

    Example:
        {'users': ['alice', 'bob']}

    Attributes:
        users (list[str] | Unset):
    """

    users: list[str] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        users: list[str] | Unset = UNSET
        if not isinstance(self.users, Unset):
            users = self.users

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if users is not UNSET:
            field_dict["users"] = users

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        users = cast(list[str], d.pop("users", UNSET))

        group_create_request = cls(
            users=users,
        )

        return group_create_request
