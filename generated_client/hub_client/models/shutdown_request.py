from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset


T = TypeVar("T", bound="ShutdownRequest")


@_attrs_define
class ShutdownRequest:
    """What else to stop with the hub.

    Example:
        {'servers': False, 'proxy': False}

    Attributes:
        servers (bool | Unset): Stop the users' servers.
        proxy (bool | Unset): Stop the proxy the hub started.
    """

    servers: bool | Unset = UNSET
    proxy: bool | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        servers = self.servers

        proxy = self.proxy

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if servers is not UNSET:
            field_dict["servers"] = servers
        if proxy is not UNSET:
            field_dict["proxy"] = proxy

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        servers = d.pop("servers", UNSET)

        proxy = d.pop("proxy", UNSET)

        shutdown_request = cls(
            servers=servers,
            proxy=proxy,
        )

        return shutdown_request
