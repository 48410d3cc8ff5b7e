from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
    from ..models.event import Event


T = TypeVar("T", bound="EventPage")


@_attrs_define
class EventPage:
    """The events after a resume point.

    Example:
        {'events': [{'id': 42, 'type': 'user.created', 'at': '2026-12-07T09:30:00.000000Z', 'resource': {'kind': 'user',
            'name': 'alice'}}], 'last_id': 43}

    Attributes:
        events (list[Event]):
        last_id (int): Where to resume: the id of the last event this page looked at
            (also one the requester may not see), or the resume point given
            when there were none.
    """

    events: list[Event]
    last_id: int

    def to_dict(self) -> dict[str, Any]:
        from ..models.event import Event  # noqa: PLC0415

        events = []
        for events_item_data in self.events:
            events_item = events_item_data.to_dict()
            events.append(events_item)

        last_id = self.last_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "events": events,
                "last_id": last_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.event import Event  # noqa: PLC0415

        d = dict(src_dict)
        events = []
        _events = d.pop("events")
        for events_item_data in _events:
            events_item = Event.from_dict(events_item_data)

            events.append(events_item)

        last_id = d.pop("last_id")

        event_page = cls(
            events=events,
            last_id=last_id,
        )

        return event_page
