from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast


T = TypeVar("T", bound="ShareCodeCreateRequest")


@_attrs_define
class ShareCodeCreateRequest:
    """The share code's scopes and lifetime.

    Example:
        {'expires_in': 3600}

    Attributes:
        scopes (list[str] | Unset):
        expires_in (int | Unset): Lifetime in seconds (default one day).
    """

    scopes: list[str] | Unset = UNSET
    expires_in: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        scopes: list[str] | Unset = UNSET
        if not isinstance(self.scopes, Unset):
            scopes = self.scopes

        expires_in = self.expires_in

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if scopes is not UNSET:
            field_dict["scopes"] = scopes
        if expires_in is not UNSET:
            field_dict["expires_in"] = expires_in

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        scopes = cast(list[str], d.pop("scopes", UNSET))

        expires_in = d.pop("expires_in", UNSET)

        share_code_create_request = cls(
            scopes=scopes,
            expires_in=expires_in,
        )

        return share_code_create_request
