from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset


T = TypeVar("T", bound="UserInfoType0")


@_attrs_define
class UserInfoType0:
    """Optional profile information set by the authenticator.

    Example:
        {'display_name': 'Alice Liddell', 'initials': 'AL'}

    Attributes:
        name (str | Unset):
        display_name (str | Unset):
        initials (str | Unset):
        avatar_url (str | Unset):
        color (str | Unset):
    """

    name: str | Unset = UNSET
    display_name: str | Unset = UNSET
    initials: str | Unset = UNSET
    avatar_url: str | Unset = UNSET
    color: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        display_name = self.display_name

        initials = self.initials

        avatar_url = self.avatar_url

        color = self.color

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if display_name is not UNSET:
            field_dict["display_name"] = display_name
        if initials is not UNSET:
            field_dict["initials"] = initials
        if avatar_url is not UNSET:
            field_dict["avatar_url"] = avatar_url
        if color is not UNSET:
            field_dict["color"] = color

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name", UNSET)

        display_name = d.pop("display_name", UNSET)

        initials = d.pop("initials", UNSET)

        avatar_url = d.pop("avatar_url", UNSET)

        color = d.pop("color", UNSET)

        user_info_type_0 = cls(
            name=name,
            display_name=display_name,
            initials=initials,
            avatar_url=avatar_url,
            color=color,
        )

        user_info_type_0.additional_properties = d
        return user_info_type_0

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
