from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast


T = TypeVar("T", bound="GroupsCreateRequest")


@_attrs_define
class GroupsCreateRequest:
    """Groups to create.

    Example:
        {'groups': ['staff', 'students'], 'users': ['alice']}

    Attributes:
        groups (list[str]):
        users (list[str] | Unset):
    """

    groups: list[str]
    users: list[str] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        groups = self.groups

        users: list[str] | Unset = UNSET
        if not isinstance(self.users, Unset):
            users = self.users

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "groups": groups,
            }
        )
        if users is not UNSET:
            field_dict["users"] = users

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        groups = cast(list[str], d.pop("groups"))

        users = cast(list[str], d.pop("users", UNSET))

        groups_create_request = cls(
            groups=groups,
            users=users,
        )

        return groups_create_request
