from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset


T = TypeVar("T", bound="ServerCounts")


@_attrs_define
class ServerCounts:
    """Servers of all users, counted by state.

    Example:
        {'active': 12, 'ready': 10, 'starting': 2, 'stopping': 0, 'failed_last_hour': 1}

    Attributes:
        active (int): Servers running or with a transition pending.
        ready (int): Servers running with no transition pending.
        starting (int): Servers whose start is under way.
        stopping (int): Servers whose stop is under way.
        failed_last_hour (int): Starts requested in the last hour that failed.
    """

    active: int
    ready: int
    starting: int
    stopping: int
    failed_last_hour: int

    def to_dict(self) -> dict[str, Any]:
        active = self.active

        ready = self.ready

        starting = self.starting

        stopping = self.stopping

        failed_last_hour = self.failed_last_hour

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "active": active,
                "ready": ready,
                "starting": starting,
                "stopping": stopping,
                "failed_last_hour": failed_last_hour,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        active = d.pop("active")

        ready = d.pop("ready")

        starting = d.pop("starting")

        stopping = d.pop("stopping")

        failed_last_hour = d.pop("failed_last_hour")

        server_counts = cls(
            active=active,
            ready=ready,
            starting=starting,
            stopping=stopping,
            failed_last_hour=failed_last_hour,
        )

        return server_counts
