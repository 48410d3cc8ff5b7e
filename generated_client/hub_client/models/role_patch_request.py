from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast


T = TypeVar("T", bound="RolePatchRequest")


@_attrs_define
class RolePatchRequest:
    """The fields to replace; each list given is the new exact list.

    Example:
        {'users': ['alice', 'bob']}

    Attributes:
        description (str | Unset):
        scopes (list[str] | Unset):
        users (list[str] | Unset):
        groups (list[str] | Unset):
        services (list[str] | Unset):
    """

    description: str | Unset = UNSET
    scopes: list[str] | Unset = UNSET
    users: list[str] | Unset = UNSET
    groups: list[str] | Unset = UNSET
    services: list[str] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        description = self.description

        scopes: list[str] | Unset = UNSET
        if not isinstance(self.scopes, Unset):
            scopes = self.scopes

        users: list[str] | Unset = UNSET
        if not isinstance(self.users, Unset):
            users = self.users

        groups: list[str] | Unset = UNSET
        if not isinstance(self.groups, Unset):
            groups = self.groups

        services: list[str] | Unset = UNSET
        if not isinstance(self.services, Unset):
            services = self.services

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if description is not UNSET:
            field_dict["description"] = description
        if scopes is not UNSET:
            field_dict["scopes"] = scopes
        if users is not UNSET:
            field_dict["users"] = users
        if groups is not UNSET:
            field_dict["groups"] = groups
        if services is not UNSET:
            field_dict["services"] = services

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        description = d.pop("description", UNSET)

        scopes = cast(list[str], d.pop("scopes", UNSET))

        users = cast(list[str], d.pop("users", UNSET))

        groups = cast(list[str], d.pop("groups", UNSET))

        services = cast(list[str], d.pop("services", UNSET))

        role_patch_request = cls(
            description=description,
            scopes=scopes,
            users=users,
            groups=groups,
            services=services,
        )

        return role_patch_request
