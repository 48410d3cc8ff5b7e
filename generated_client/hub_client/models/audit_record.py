from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.audit_record_actor_kind import AuditRecordActorKind
from typing import cast
import datetime


T = TypeVar("T", bound="AuditRecord")


@_attrs_define
class AuditRecord:
    """One state-changing request, login, logout, failed login or change
    made from a browser page. It holds
    no request body, header, query string, token, password, cookie or
    authentication state: only who, what, when, from where, and the outcome.

        Example:
            {'id': 42, 'at': '2026-11-29T01:50:00.000000Z', 'actor_kind': 'user', 'actor': 'admin', 'token_id': 'a3',
                'type': 'patch-user', 'method': 'PATCH', 'path': '/hub/api/users/alice', 'resource': 'user:alice', 'address':
                '127.0.0.1', 'outcome': 200}

        Attributes:
            id (int): Increases with each record.
            at (datetime.datetime): When the request was handled (UTC).
            actor_kind (AuditRecordActorKind): Who made the request: a user, a service, or `none` when no credential was
                accepted.
            actor (None | str): The user's or service's name; null for `none`.
            token_id (None | str): The id of the token used (`a` and a number, as in `GET /users/{name}/tokens`); null for a
                browser session.
            type_ (str): The operationId of the request (for a browser page, of the operation that makes the same change:
                `post-user-tokens` for the token page), or `login`, `logout`, `login.failed`, `accept-share`.
            method (str): The HTTP method.
            path (str): The request's path, without its query string (path segments that are credentials read `[secret]`).
            resource (None | str): What the request was about: `user:NAME`, `group:NAME`,
                `service:NAME`, `role:NAME` or `server:OWNER/SERVER` (an empty
                SERVER: the default server); for a failed login, the user name
                typed. Null for requests about several resources or none (`post-users`, `post-proxy`).
            address (None | str): The client's address, as the access log shows it (the proxy's `X-Forwarded-For` when the
                hub trusts it).
            outcome (int): The HTTP status code of the answer.
    """

    id: int
    at: datetime.datetime
    actor_kind: AuditRecordActorKind
    actor: None | str
    token_id: None | str
    type_: str
    method: str
    path: str
    resource: None | str
    address: None | str
    outcome: int

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        at = self.at.isoformat()

        actor_kind = self.actor_kind.value

        actor: None | str
        actor = self.actor

        token_id: None | str
        token_id = self.token_id

        type_ = self.type_

        method = self.method

        path = self.path

        resource: None | str
        resource = self.resource

        address: None | str
        address = self.address

        outcome = self.outcome

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "at": at,
                "actor_kind": actor_kind,
                "actor": actor,
                "token_id": token_id,
                "type": type_,
                "method": method,
                "path": path,
                "resource": resource,
                "address": address,
                "outcome": outcome,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        at = datetime.datetime.fromisoformat(d.pop("at"))

        actor_kind = AuditRecordActorKind(d.pop("actor_kind"))

        def _parse_actor(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        actor = _parse_actor(d.pop("actor"))

        def _parse_token_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        token_id = _parse_token_id(d.pop("token_id"))

        type_ = d.pop("type")

        method = d.pop("method")

        path = d.pop("path")

        def _parse_resource(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        resource = _parse_resource(d.pop("resource"))

        def _parse_address(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        address = _parse_address(d.pop("address"))

        outcome = d.pop("outcome")

        audit_record = cls(
            id=id,
            at=at,
            actor_kind=actor_kind,
            actor=actor,
            token_id=token_id,
            type_=type_,
            method=method,
            path=path,
            resource=resource,
            address=address,
            outcome=outcome,
        )

        return audit_record
