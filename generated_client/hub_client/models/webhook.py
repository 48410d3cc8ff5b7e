from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime


T = TypeVar("T", bound="Webhook")


@_attrs_define
class Webhook:
    """Where and which events are sent.

    Example:
        {'id': 1, 'url': 'https://ops.example.org/hub-events', 'events': ['server.*'], 'created':
            '2026-12-07T09:30:00.000000Z', 'created_by': 'user:admin'}

    Attributes:
        id (int):
        url (str):
        events (list[str]):
        created (datetime.datetime):
        created_by (str): Who made it: `user:NAME` or `service:NAME`; deliveries show what it may read.
    """

    id: int
    url: str
    events: list[str]
    created: datetime.datetime
    created_by: str

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        url = self.url

        events = self.events

        created = self.created.isoformat()

        created_by = self.created_by

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "url": url,
                "events": events,
                "created": created,
                "created_by": created_by,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        url = d.pop("url")

        events = cast(list[str], d.pop("events"))

        created = datetime.datetime.fromisoformat(d.pop("created"))

        created_by = d.pop("created_by")

        webhook = cls(
            id=id,
            url=url,
            events=events,
            created=created,
            created_by=created_by,
        )

        return webhook
