from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
    from ..models.pagination import Pagination
    from ..models.route_table import RouteTable


T = TypeVar("T", bound="RoutePage")


@_attrs_define
class RoutePage:
    """A page of routes.

    Example:
        {'items': {}, '_pagination': {'offset': 0, 'limit': 50, 'total': 0, 'next': None}}

    Attributes:
        items (RouteTable): Routes keyed by route specification. Example: {'/': {'routespec': '/', 'target':
            'http://127.0.0.1:8081', 'data': {'hub': True}}}.
        field_pagination (Pagination): Where a page sits in the whole list. Example: {'offset': 0, 'limit': 50, 'total':
            3, 'next': None}.
    """

    items: RouteTable
    field_pagination: Pagination

    def to_dict(self) -> dict[str, Any]:
        from ..models.pagination import Pagination  # noqa: PLC0415
        from ..models.route_table import RouteTable  # noqa: PLC0415

        items = self.items.to_dict()

        field_pagination = self.field_pagination.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "items": items,
                "_pagination": field_pagination,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.pagination import Pagination  # noqa: PLC0415
        from ..models.route_table import RouteTable  # noqa: PLC0415

        d = dict(src_dict)
        items = RouteTable.from_dict(d.pop("items"))

        field_pagination = Pagination.from_dict(d.pop("_pagination"))

        route_page = cls(
            items=items,
            field_pagination=field_pagination,
        )

        return route_page
