from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime

if TYPE_CHECKING:
    from ..models.shared_server import SharedServer


T = TypeVar("T", bound="ShareCode")


@_attrs_define
class ShareCode:
    """A code that can be exchanged for a share, without its value.

    Example:
        {'server': {'user': {'name': 'alice'}, 'name': '', 'url': '/user/alice/', 'full_url': None, 'ready': False},
            'scopes': ['access:servers!server=alice/'], 'id': 'sc_1', 'created_at': '2026-11-29T01:50:00.000000Z',
            'expires_at': '2026-11-30T01:50:00.000000Z', 'exchange_count': 0, 'last_exchanged_at': None}

    Attributes:
        server (SharedServer): The server a share gives access to. Example: {'user': {'name': 'alice'}, 'name': '',
            'url': '/user/alice/', 'full_url': None, 'ready': False}.
        scopes (list[str]):
        id (str): `sc_` followed by a number.
        created_at (datetime.datetime):
        expires_at (datetime.datetime | None):
        exchange_count (int):
        last_exchanged_at (datetime.datetime | None):
    """

    server: SharedServer
    scopes: list[str]
    id: str
    created_at: datetime.datetime
    expires_at: datetime.datetime | None
    exchange_count: int
    last_exchanged_at: datetime.datetime | None

    def to_dict(self) -> dict[str, Any]:
        from ..models.shared_server import SharedServer  # noqa: PLC0415

        server = self.server.to_dict()

        scopes = self.scopes

        id = self.id

        created_at = self.created_at.isoformat()

        expires_at: None | str
        if isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        exchange_count = self.exchange_count

        last_exchanged_at: None | str
        if isinstance(self.last_exchanged_at, datetime.datetime):
            last_exchanged_at = self.last_exchanged_at.isoformat()
        else:
            last_exchanged_at = self.last_exchanged_at

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "server": server,
                "scopes": scopes,
                "id": id,
                "created_at": created_at,
                "expires_at": expires_at,
                "exchange_count": exchange_count,
                "last_exchanged_at": last_exchanged_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.shared_server import SharedServer  # noqa: PLC0415

        d = dict(src_dict)
        server = SharedServer.from_dict(d.pop("server"))

        scopes = cast(list[str], d.pop("scopes"))

        id = d.pop("id")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_expires_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)

                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        expires_at = _parse_expires_at(d.pop("expires_at"))

        exchange_count = d.pop("exchange_count")

        def _parse_last_exchanged_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_exchanged_at_type_0 = datetime.datetime.fromisoformat(data)

                return last_exchanged_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_exchanged_at = _parse_last_exchanged_at(d.pop("last_exchanged_at"))

        share_code = cls(
            server=server,
            scopes=scopes,
            id=id,
            created_at=created_at,
            expires_at=expires_at,
            exchange_count=exchange_count,
            last_exchanged_at=last_exchanged_at,
        )

        return share_code
