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


T = TypeVar("T", bound="IssuedShareCode")


@_attrs_define
class IssuedShareCode:
    """A share code just issued; `code` holds its value, shown this once.

    Example:
        {'server': {'user': {'name': 'alice'}, 'name': '', 'url': '/user/alice/', 'full_url': None, 'ready': False},
            'scopes': ['access:servers!server=alice/'], 'id': 'sc_1', 'created_at': '2026-11-29T01:50:00.000000Z',
            'expires_at': '2026-11-30T01:50:00.000000Z', 'exchange_count': 0, 'last_exchanged_at': None, 'code':
            'Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5', 'accept_url': '/hub/accept-
            share?code=Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5', 'full_accept_url': None}

    Attributes:
        server (SharedServer): The server a share gives access to. Example: {'user': {'name': 'alice'}, 'name': '',
            'url': '/user/alice/', 'full_url': None, 'ready': False}.
        scopes (list[str]):
        id (str):
        created_at (datetime.datetime):
        expires_at (datetime.datetime | None):
        exchange_count (int):
        last_exchanged_at (datetime.datetime | None):
        code (str):
        accept_url (str):
        full_accept_url (None | str):
    """

    server: SharedServer
    scopes: list[str]
    id: str
    created_at: datetime.datetime
    expires_at: datetime.datetime | None
    exchange_count: int
    last_exchanged_at: datetime.datetime | None
    code: str
    accept_url: str
    full_accept_url: None | str

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

        code = self.code

        accept_url = self.accept_url

        full_accept_url: None | str
        full_accept_url = self.full_accept_url

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
                "code": code,
                "accept_url": accept_url,
                "full_accept_url": full_accept_url,
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

        code = d.pop("code")

        accept_url = d.pop("accept_url")

        def _parse_full_accept_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        full_accept_url = _parse_full_accept_url(d.pop("full_accept_url"))

        issued_share_code = cls(
            server=server,
            scopes=scopes,
            id=id,
            created_at=created_at,
            expires_at=expires_at,
            exchange_count=exchange_count,
            last_exchanged_at=last_exchanged_at,
            code=code,
            accept_url=accept_url,
            full_accept_url=full_accept_url,
        )

        return issued_share_code
