from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset


T = TypeVar("T", bound="ServerActivity")


@_attrs_define
class ServerActivity:
    """Activity of one server.

    Example:
        {'last_activity': '2026-11-29T01:50:00Z'}

    Attributes:
        last_activity (str): When the server was last active (ISO 8601).
    """

    last_activity: str

    def to_dict(self) -> dict[str, Any]:
        last_activity = self.last_activity

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "last_activity": last_activity,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        last_activity = d.pop("last_activity")

        server_activity = cls(
            last_activity=last_activity,
        )

        return server_activity
