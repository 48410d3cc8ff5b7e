from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.role_source import RoleSource
from typing import cast


T = TypeVar("T", bound="Role")


@_attrs_define
class Role:
    """A named set of scopes and who holds it directly (users, groups,
    services). `source` says where it comes from; roles that are not
    `api` are `read_only` here (change them where they come from).

        Example:
            {'name': 'course-staff', 'description': "Runs the course's servers", 'scopes': ['admin:servers!group=course',
                'read:users!group=course'], 'users': ['alice'], 'groups': ['staff'], 'services': [], 'source': 'api',
                'read_only': False}

        Attributes:
            name (str):
            description (str):
            scopes (list[str]):
            users (list[str]): Users holding the role directly, by name.
            groups (list[str]):
            services (list[str]):
            source (RoleSource): `hub`: one of the hub's own roles; `config`: `load_roles`; `authenticator`: created by the
                authenticator (`manage_roles`); `api`: created here.
            read_only (bool): Whether PATCH and DELETE refuse it (`405`).
    """

    name: str
    description: str
    scopes: list[str]
    users: list[str]
    groups: list[str]
    services: list[str]
    source: RoleSource
    read_only: bool

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        description = self.description

        scopes = self.scopes

        users = self.users

        groups = self.groups

        services = self.services

        source = self.source.value

        read_only = self.read_only

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "description": description,
                "scopes": scopes,
                "users": users,
                "groups": groups,
                "services": services,
                "source": source,
                "read_only": read_only,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        description = d.pop("description")

        scopes = cast(list[str], d.pop("scopes"))

        users = cast(list[str], d.pop("users"))

        groups = cast(list[str], d.pop("groups"))

        services = cast(list[str], d.pop("services"))

        source = RoleSource(d.pop("source"))

        read_only = d.pop("read_only")

        role = cls(
            name=name,
            description=description,
            scopes=scopes,
            users=users,
            groups=groups,
            services=services,
            source=source,
            read_only=read_only,
        )

        return role
