from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
    from ..models.pagination_next_type_0 import PaginationNextType0


T = TypeVar("T", bound="Pagination")


@_attrs_define
class Pagination:
    """Where a page sits in the whole list.

    Example:
        {'offset': 0, 'limit': 50, 'total': 3, 'next': None}

    Attributes:
        offset (int): Index of the page's first item.
        limit (int): The page size used.
        total (int): How many items there are in all.
        next_ (None | PaginationNextType0): The next page, or null on the last page. Example: {'offset': 50, 'limit':
            50, 'url': 'http://127.0.0.1:8081/hub/api/users?offset=50&limit=50'}.
    """

    offset: int
    limit: int
    total: int
    next_: None | PaginationNextType0

    def to_dict(self) -> dict[str, Any]:
        from ..models.pagination_next_type_0 import PaginationNextType0  # noqa: PLC0415

        offset = self.offset

        limit = self.limit

        total = self.total

        next_: dict[str, Any] | None
        if isinstance(self.next_, PaginationNextType0):
            next_ = self.next_.to_dict()
        else:
            next_ = self.next_

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "offset": offset,
                "limit": limit,
                "total": total,
                "next": next_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.pagination_next_type_0 import PaginationNextType0  # noqa: PLC0415

        d = dict(src_dict)
        offset = d.pop("offset")

        limit = d.pop("limit")

        total = d.pop("total")

        def _parse_next_(data: object) -> None | PaginationNextType0:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_pagination_next_type_0 = PaginationNextType0.from_dict(data)

                return componentsschemas_pagination_next_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PaginationNextType0, data)

        next_ = _parse_next_(d.pop("next"))

        pagination = cls(
            offset=offset,
            limit=limit,
            total=total,
            next_=next_,
        )

        return pagination
