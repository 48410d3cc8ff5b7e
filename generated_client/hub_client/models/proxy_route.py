from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
    from ..models.proxy_route_data import ProxyRouteData


T = TypeVar("T", bound="ProxyRoute")


@_attrs_define
class ProxyRoute:
    """One route of the proxy.

    Example:
        {'routespec': '/user/alice/', 'target': 'http://127.0.0.1:50123', 'data': {'user': 'alice', 'server_name': ''}}

    Attributes:
        routespec (str):
        target (str):
        data (ProxyRouteData):
    """

    routespec: str
    target: str
    data: ProxyRouteData

    def to_dict(self) -> dict[str, Any]:
        from ..models.proxy_route_data import ProxyRouteData  # noqa: PLC0415

        routespec = self.routespec

        target = self.target

        data = self.data.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "routespec": routespec,
                "target": target,
                "data": data,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.proxy_route_data import ProxyRouteData  # noqa: PLC0415

        d = dict(src_dict)
        routespec = d.pop("routespec")

        target = d.pop("target")

        data = ProxyRouteData.from_dict(d.pop("data"))

        proxy_route = cls(
            routespec=routespec,
            target=target,
            data=data,
        )

        return proxy_route
