from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast


T = TypeVar("T", bound="OAuthConsent")


@_attrs_define
class OAuthConsent:
    """The confirmation form of an authorization.

    Example:
        {'scopes': ['read:users:name!user'], '_xsrf': '2|f0a1'}

    Attributes:
        field_xsrf (str): The value the confirmation page carries.
        scopes (list[str] | Unset): The scopes the user grants (none means identification only).
    """

    field_xsrf: str
    scopes: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        field_xsrf = self.field_xsrf

        scopes: list[str] | Unset = UNSET
        if not isinstance(self.scopes, Unset):
            scopes = self.scopes

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "_xsrf": field_xsrf,
            }
        )
        if scopes is not UNSET:
            field_dict["scopes"] = scopes

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        field_xsrf = d.pop("_xsrf")

        scopes = cast(list[str], d.pop("scopes", UNSET))

        o_auth_consent = cls(
            field_xsrf=field_xsrf,
            scopes=scopes,
        )

        o_auth_consent.additional_properties = d
        return o_auth_consent

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
