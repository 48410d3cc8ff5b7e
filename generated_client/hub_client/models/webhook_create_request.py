from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast


T = TypeVar("T", bound="WebhookCreateRequest")


@_attrs_define
class WebhookCreateRequest:
    """A new webhook.

    Example:
        {'url': 'https://ops.example.org/hub-events', 'events': ['server.*', 'user.deleted']}

    Attributes:
        url (str): Where events are POSTed (http or https).
        events (list[str]): Event types to send (`user.created`), every type of a resource (`server.*`), or every event
            (`*`).
        secret (str | Unset): The HMAC key (default: one the hub makes).
    """

    url: str
    events: list[str]
    secret: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        url = self.url

        events = self.events

        secret = self.secret

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "url": url,
                "events": events,
            }
        )
        if secret is not UNSET:
            field_dict["secret"] = secret

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        url = d.pop("url")

        events = cast(list[str], d.pop("events"))

        secret = d.pop("secret", UNSET)

        webhook_create_request = cls(
            url=url,
            events=events,
            secret=secret,
        )

        return webhook_create_request
