from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset


T = TypeVar("T", bound="DefaultServerDeleteRequest")


@_attrs_define
class DefaultServerDeleteRequest:
    """How to stop the default server. The default server cannot be removed,
    only stopped; `remove` is accepted for symmetry with named servers and
    must be false.

        Example:
            {'remove': False}

        Attributes:
            remove (bool | Unset):
    """

    remove: bool | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        remove = self.remove

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if remove is not UNSET:
            field_dict["remove"] = remove

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        remove = d.pop("remove", UNSET)

        default_server_delete_request = cls(
            remove=remove,
        )

        return default_server_delete_request
