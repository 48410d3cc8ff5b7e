from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
    from ..models.login_session import LoginSession
    from ..models.pagination import Pagination


T = TypeVar("T", bound="LoginSessionPage")


@_attrs_define
class LoginSessionPage:
    """A page of a user's login sessions.

    Example:
        {'items': [], '_pagination': {'offset': 0, 'limit': 200, 'total': 0, 'next': None}}

    Attributes:
        items (list[LoginSession]):
        field_pagination (Pagination): Where a page sits in the whole list. Example: {'offset': 0, 'limit': 50, 'total':
            3, 'next': None}.
    """

    items: list[LoginSession]
    field_pagination: Pagination

    def to_dict(self) -> dict[str, Any]:
        from ..models.login_session import LoginSession  # noqa: PLC0415
        from ..models.pagination import Pagination  # noqa: PLC0415

        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)

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
        from ..models.login_session import LoginSession  # noqa: PLC0415
        from ..models.pagination import Pagination  # noqa: PLC0415

        d = dict(src_dict)
        items = []
        _items = d.pop("items")
        for items_item_data in _items:
            items_item = LoginSession.from_dict(items_item_data)

            items.append(items_item)

        field_pagination = Pagination.from_dict(d.pop("_pagination"))

        login_session_page = cls(
            items=items,
            field_pagination=field_pagination,
        )

        return login_session_page
