from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.webhook_delivery_status import WebhookDeliveryStatus
from typing import cast
import datetime


T = TypeVar("T", bound="WebhookDelivery")


@_attrs_define
class WebhookDelivery:
    """One event sent, or to be sent, to a webhook.

    Example:
        {'id': 7, 'event_id': 42, 'type': 'server.ready', 'status': 'delivered', 'attempts': 2, 'last_status': 200,
            'last_error': None, 'created': '2026-12-07T09:30:00.000000Z', 'next_attempt': None, 'finished':
            '2026-12-07T09:30:02.000000Z'}

    Attributes:
        id (int):
        event_id (int):
        type_ (str): The event's type.
        status (WebhookDeliveryStatus):
        attempts (int): Attempts made so far.
        last_status (int | None): The HTTP status of the last answer (null without one).
        last_error (None | str): Why the last attempt failed.
        created (datetime.datetime):
        next_attempt (datetime.datetime | None): When it is tried next (pending only).
        finished (datetime.datetime | None): When it was delivered or given up.
    """

    id: int
    event_id: int
    type_: str
    status: WebhookDeliveryStatus
    attempts: int
    last_status: int | None
    last_error: None | str
    created: datetime.datetime
    next_attempt: datetime.datetime | None
    finished: datetime.datetime | None

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        event_id = self.event_id

        type_ = self.type_

        status = self.status.value

        attempts = self.attempts

        last_status: int | None
        last_status = self.last_status

        last_error: None | str
        last_error = self.last_error

        created = self.created.isoformat()

        next_attempt: None | str
        if isinstance(self.next_attempt, datetime.datetime):
            next_attempt = self.next_attempt.isoformat()
        else:
            next_attempt = self.next_attempt

        finished: None | str
        if isinstance(self.finished, datetime.datetime):
            finished = self.finished.isoformat()
        else:
            finished = self.finished

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "event_id": event_id,
                "type": type_,
                "status": status,
                "attempts": attempts,
                "last_status": last_status,
                "last_error": last_error,
                "created": created,
                "next_attempt": next_attempt,
                "finished": finished,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        event_id = d.pop("event_id")

        type_ = d.pop("type")

        status = WebhookDeliveryStatus(d.pop("status"))

        attempts = d.pop("attempts")

        def _parse_last_status(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        last_status = _parse_last_status(d.pop("last_status"))

        def _parse_last_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        last_error = _parse_last_error(d.pop("last_error"))

        created = datetime.datetime.fromisoformat(d.pop("created"))

        def _parse_next_attempt(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_attempt_type_0 = datetime.datetime.fromisoformat(data)

                return next_attempt_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        next_attempt = _parse_next_attempt(d.pop("next_attempt"))

        def _parse_finished(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finished_type_0 = datetime.datetime.fromisoformat(data)

                return finished_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        finished = _parse_finished(d.pop("finished"))

        webhook_delivery = cls(
            id=id,
            event_id=event_id,
            type_=type_,
            status=status,
            attempts=attempts,
            last_status=last_status,
            last_error=last_error,
            created=created,
            next_attempt=next_attempt,
            finished=finished,
        )

        return webhook_delivery
