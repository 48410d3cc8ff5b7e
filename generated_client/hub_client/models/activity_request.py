from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
    from ..models.activity_request_servers import ActivityRequestServers


T = TypeVar("T", bound="ActivityRequest")


@_attrs_define
class ActivityRequest:
    """Activity of the user and, optionally, of some of their servers.

    Example:
        {'last_activity': '2026-11-29T01:50:00Z', 'servers': {'': {'last_activity': '2026-11-29T01:50:00Z'}}}

    Attributes:
        last_activity (str | Unset): When the user was last active (ISO 8601).
        servers (ActivityRequestServers | Unset): Per-server activity, keyed by server name.
    """

    last_activity: str | Unset = UNSET
    servers: ActivityRequestServers | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.activity_request_servers import ActivityRequestServers  # noqa: PLC0415

        last_activity = self.last_activity

        servers: dict[str, Any] | Unset = UNSET
        if not isinstance(self.servers, Unset):
            servers = self.servers.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if last_activity is not UNSET:
            field_dict["last_activity"] = last_activity
        if servers is not UNSET:
            field_dict["servers"] = servers

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.activity_request_servers import ActivityRequestServers  # noqa: PLC0415

        d = dict(src_dict)
        last_activity = d.pop("last_activity", UNSET)

        _servers = d.pop("servers", UNSET)
        servers: ActivityRequestServers | Unset
        if isinstance(_servers, Unset):
            servers = UNSET
        else:
            servers = ActivityRequestServers.from_dict(_servers)

        activity_request = cls(
            last_activity=last_activity,
            servers=servers,
        )

        return activity_request
