from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.token_kind import TokenKind
from ..types import UNSET, Unset
from typing import cast
import datetime


T = TypeVar("T", bound="Token")


@_attrs_define
class Token:
    """An API token, without its value. Exactly one of `user` and `service` is present.

    Example:
        {'id': 'a7', 'kind': 'api_token', 'user': 'alice', 'roles': [], 'scopes': ['read:users!user=alice'], 'note':
            'Requested via api', 'created': '2026-11-29T01:50:00.000000Z', 'expires_at': None, 'last_activity': None,
            'session_id': None, 'oauth_client': 'JupyterHub'}

    Attributes:
        id (str): `a` followed by a number.
        kind (TokenKind):
        roles (list[str]): Always empty; kept for older clients.
        scopes (list[str]): The scopes the token grants now.
        note (str): What the token is for.
        created (datetime.datetime):
        expires_at (datetime.datetime | None):
        last_activity (datetime.datetime | None):
        session_id (None | str):
        oauth_client (str): Who issued the token.
        user (str | Unset): The owning user.
        service (str | Unset): The owning service.
    """

    id: str
    kind: TokenKind
    roles: list[str]
    scopes: list[str]
    note: str
    created: datetime.datetime
    expires_at: datetime.datetime | None
    last_activity: datetime.datetime | None
    session_id: None | str
    oauth_client: str
    user: str | Unset = UNSET
    service: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        kind = self.kind.value

        roles = self.roles

        scopes = self.scopes

        note = self.note

        created = self.created.isoformat()

        expires_at: None | str
        if isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        last_activity: None | str
        if isinstance(self.last_activity, datetime.datetime):
            last_activity = self.last_activity.isoformat()
        else:
            last_activity = self.last_activity

        session_id: None | str
        session_id = self.session_id

        oauth_client = self.oauth_client

        user = self.user

        service = self.service

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "kind": kind,
                "roles": roles,
                "scopes": scopes,
                "note": note,
                "created": created,
                "expires_at": expires_at,
                "last_activity": last_activity,
                "session_id": session_id,
                "oauth_client": oauth_client,
            }
        )
        if user is not UNSET:
            field_dict["user"] = user
        if service is not UNSET:
            field_dict["service"] = service

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        kind = TokenKind(d.pop("kind"))

        roles = cast(list[str], d.pop("roles"))

        scopes = cast(list[str], d.pop("scopes"))

        note = d.pop("note")

        created = datetime.datetime.fromisoformat(d.pop("created"))

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

        def _parse_last_activity(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_activity_type_0 = datetime.datetime.fromisoformat(data)

                return last_activity_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_activity = _parse_last_activity(d.pop("last_activity"))

        def _parse_session_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        session_id = _parse_session_id(d.pop("session_id"))

        oauth_client = d.pop("oauth_client")

        user = d.pop("user", UNSET)

        service = d.pop("service", UNSET)

        token = cls(
            id=id,
            kind=kind,
            roles=roles,
            scopes=scopes,
            note=note,
            created=created,
            expires_at=expires_at,
            last_activity=last_activity,
            session_id=session_id,
            oauth_client=oauth_client,
            user=user,
            service=service,
        )

        return token
