from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.event_type import EventType
from typing import cast
import datetime

if TYPE_CHECKING:
    from ..models.event_resource import EventResource


T = TypeVar("T", bound="Event")


@_attrs_define
class Event:
    """One change to one resource.

    Example:
        {'id': 42, 'type': 'server.ready', 'at': '2026-12-07T09:30:00.000000Z', 'resource': {'name': '', 'full_name':
            'alice/', 'ready': True, 'pending': None, 'stopped': False, 'url': '/user/alice/'}}

    Attributes:
        id (int): Increases with each event, in commit order (it may skip numbers).
        type_ (EventType): The kind of resource and what happened to it.
        at (datetime.datetime): When the change was committed.
        resource (EventResource): The resource's model as the requester may see it (`User`,
            `Group`, `Server`, `Token`, `Share`, `Service` or `Role`); for a
            deletion, as it was just before.
    """

    id: int
    type_: EventType
    at: datetime.datetime
    resource: EventResource

    def to_dict(self) -> dict[str, Any]:
        from ..models.event_resource import EventResource  # noqa: PLC0415

        id = self.id

        type_ = self.type_.value

        at = self.at.isoformat()

        resource = self.resource.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "type": type_,
                "at": at,
                "resource": resource,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.event_resource import EventResource  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        type_ = EventType(d.pop("type"))

        at = datetime.datetime.fromisoformat(d.pop("at"))

        resource = EventResource.from_dict(d.pop("resource"))

        event = cls(
            id=id,
            type_=type_,
            at=at,
            resource=resource,
        )

        return event
