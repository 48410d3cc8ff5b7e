from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset


T = TypeVar("T", bound="PaginationNextType0")


@_attrs_define
class PaginationNextType0:
    """The next page, or null on the last page.

    Example:
        {'offset': 50, 'limit': 50, 'url': 'http://127.0.0.1:8081/hub/api/users?offset=50&limit=50'}

    Attributes:
        offset (int):
        limit (int):
        url (str): The full URL of the next page, ready to request.
    """

    offset: int
    limit: int
    url: str

    def to_dict(self) -> dict[str, Any]:
        offset = self.offset

        limit = self.limit

        url = self.url

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "offset": offset,
                "limit": limit,
                "url": url,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        offset = d.pop("offset")

        limit = d.pop("limit")

        url = d.pop("url")

        pagination_next_type_0 = cls(
            offset=offset,
            limit=limit,
            url=url,
        )

        return pagination_next_type_0
