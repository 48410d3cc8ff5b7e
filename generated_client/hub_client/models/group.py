from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.group_kind import GroupKind
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
    from ..models.group_properties import GroupProperties


T = TypeVar("T", bound="Group")


@_attrs_define
class Group:
    """A group of users. Fields depend on the requester's scopes; `kind` and `name` always appear.

    Example:
        {'kind': 'group', 'name': 'staff', 'users': ['alice', 'bob'], 'roles': [], 'properties': {}}

    Attributes:
        kind (GroupKind):
        name (str):
        users (list[str] | Unset): Names of the members.
        roles (list[str] | Unset): Names of the group's roles.
        properties (GroupProperties | Unset): Free-form group properties. Example: {'course': 'physics-101'}.
    """

    kind: GroupKind
    name: str
    users: list[str] | Unset = UNSET
    roles: list[str] | Unset = UNSET
    properties: GroupProperties | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.group_properties import GroupProperties  # noqa: PLC0415

        kind = self.kind.value

        name = self.name

        users: list[str] | Unset = UNSET
        if not isinstance(self.users, Unset):
            users = self.users

        roles: list[str] | Unset = UNSET
        if not isinstance(self.roles, Unset):
            roles = self.roles

        properties: dict[str, Any] | Unset = UNSET
        if not isinstance(self.properties, Unset):
            properties = self.properties.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "kind": kind,
                "name": name,
            }
        )
        if users is not UNSET:
            field_dict["users"] = users
        if roles is not UNSET:
            field_dict["roles"] = roles
        if properties is not UNSET:
            field_dict["properties"] = properties

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.group_properties import GroupProperties  # noqa: PLC0415

        d = dict(src_dict)
        kind = GroupKind(d.pop("kind"))

        name = d.pop("name")

        users = cast(list[str], d.pop("users", UNSET))

        roles = cast(list[str], d.pop("roles", UNSET))

        _properties = d.pop("properties", UNSET)
        properties: GroupProperties | Unset
        if isinstance(_properties, Unset):
            properties = UNSET
        else:
            properties = GroupProperties.from_dict(_properties)

        group = cls(
            kind=kind,
            name=name,
            users=users,
            roles=roles,
            properties=properties,
        )

        return group
