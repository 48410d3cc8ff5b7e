from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime


T = TypeVar("T", bound="LoginSession")


@_attrs_define
class LoginSession:
    """A browser's login session.

    Example:
        {'id': '3f1b0c9e5d7a4e2f8a6b1c0d9e8f7a6b', 'created': '2026-11-29T01:50:00.000000Z', 'last_activity':
            '2026-11-29T02:10:00.000000Z', 'user_agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101
            Firefox/128.0', 'address': '192.0.2.7', 'current': True}

    Attributes:
        id (str): The session id (the `session_id` of the tokens issued during it).
        created (datetime.datetime): When the browser logged in.
        last_activity (datetime.datetime): When the session was last used.
        user_agent (str): The browser's `User-Agent` when it logged in (at most 512 characters).
        address (str): The browser's address when it logged in.
        current (bool): Whether it is the session of the requester's credential: the browser's own login cookie, or the
            session an OAuth token was issued in.
    """

    id: str
    created: datetime.datetime
    last_activity: datetime.datetime
    user_agent: str
    address: str
    current: bool

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        created = self.created.isoformat()

        last_activity = self.last_activity.isoformat()

        user_agent = self.user_agent

        address = self.address

        current = self.current

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "created": created,
                "last_activity": last_activity,
                "user_agent": user_agent,
                "address": address,
                "current": current,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        created = datetime.datetime.fromisoformat(d.pop("created"))

        last_activity = datetime.datetime.fromisoformat(d.pop("last_activity"))

        user_agent = d.pop("user_agent")

        address = d.pop("address")

        current = d.pop("current")

        login_session = cls(
            id=id,
            created=created,
            last_activity=last_activity,
            user_agent=user_agent,
            address=address,
            current=current,
        )

        return login_session
