from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.audit_page import AuditPage
from ...models.error import Error
from ...models.get_audit_actor_kind import GetAuditActorKind
from ...models.get_audit_order import GetAuditOrder
from ...types import UNSET, Unset
from typing import cast
import datetime


def _get_kwargs(
    *,
    actor: str | Unset = UNSET,
    actor_kind: GetAuditActorKind | Unset = UNSET,
    resource: str | Unset = UNSET,
    type_: str | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
    order: GetAuditOrder | Unset = GetAuditOrder.NEWEST,
    offset: int | Unset = 0,
    after: int | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["actor"] = actor

    json_actor_kind: str | Unset = UNSET
    if not isinstance(actor_kind, Unset):
        json_actor_kind = actor_kind.value

    params["actor_kind"] = json_actor_kind

    params["resource"] = resource

    params["type"] = type_

    json_since: str | Unset = UNSET
    if not isinstance(since, Unset):
        json_since = since.isoformat()
    params["since"] = json_since

    json_until: str | Unset = UNSET
    if not isinstance(until, Unset):
        json_until = until.isoformat()
    params["until"] = json_until

    json_order: str | Unset = UNSET
    if not isinstance(order, Unset):
        json_order = order.value

    params["order"] = json_order

    params["offset"] = offset

    params["after"] = after

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/audit",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> AuditPage | Error | None:
    if response.status_code == 200:
        response_200 = AuditPage.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[AuditPage | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    actor: str | Unset = UNSET,
    actor_kind: GetAuditActorKind | Unset = UNSET,
    resource: str | Unset = UNSET,
    type_: str | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
    order: GetAuditOrder | Unset = GetAuditOrder.NEWEST,
    offset: int | Unset = 0,
    after: int | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> Response[AuditPage | Error]:
    """Read the audit log

     What was changed, by whom, from where, and how it ended: one record
    per state-changing request (every method but `GET`), login, logout
    and failed login, and per change made from a browser page (the token
    page, starting and stopping servers, accepting a share, an OAuth
    authorization), kept for `audit_retention_days`. Records are only
    ever added: no operation changes or deletes one. Newest first
    (`order=oldest` for oldest first); always a page (`items`,
    `_pagination`). `since` is inclusive and `until` exclusive; a `since`
    later than `until` is `400`. `after` seeks from a record's id in the
    chosen order, whether or not that record matches the filters.
    Requests the spec itself refuses (a malformed body or parameter) and
    requests without any credential change nothing and are not recorded;
    refusals nobody is known for (actor kind `none`: an unknown or
    expired token, a failed login) are recorded up to 60 a minute across
    the hub, so that anonymous traffic cannot fill the log. Not part of
    JupyterHub's API.

    Args:
        actor (str | Unset):
        actor_kind (GetAuditActorKind | Unset):
        resource (str | Unset):
        type_ (str | Unset):
        since (datetime.datetime | Unset):
        until (datetime.datetime | Unset):
        order (GetAuditOrder | Unset):  Default: GetAuditOrder.NEWEST.
        offset (int | Unset):  Default: 0.
        after (int | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuditPage | Error]
    """

    kwargs = _get_kwargs(
        actor=actor,
        actor_kind=actor_kind,
        resource=resource,
        type_=type_,
        since=since,
        until=until,
        order=order,
        offset=offset,
        after=after,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    actor: str | Unset = UNSET,
    actor_kind: GetAuditActorKind | Unset = UNSET,
    resource: str | Unset = UNSET,
    type_: str | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
    order: GetAuditOrder | Unset = GetAuditOrder.NEWEST,
    offset: int | Unset = 0,
    after: int | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> AuditPage | Error | None:
    """Read the audit log

     What was changed, by whom, from where, and how it ended: one record
    per state-changing request (every method but `GET`), login, logout
    and failed login, and per change made from a browser page (the token
    page, starting and stopping servers, accepting a share, an OAuth
    authorization), kept for `audit_retention_days`. Records are only
    ever added: no operation changes or deletes one. Newest first
    (`order=oldest` for oldest first); always a page (`items`,
    `_pagination`). `since` is inclusive and `until` exclusive; a `since`
    later than `until` is `400`. `after` seeks from a record's id in the
    chosen order, whether or not that record matches the filters.
    Requests the spec itself refuses (a malformed body or parameter) and
    requests without any credential change nothing and are not recorded;
    refusals nobody is known for (actor kind `none`: an unknown or
    expired token, a failed login) are recorded up to 60 a minute across
    the hub, so that anonymous traffic cannot fill the log. Not part of
    JupyterHub's API.

    Args:
        actor (str | Unset):
        actor_kind (GetAuditActorKind | Unset):
        resource (str | Unset):
        type_ (str | Unset):
        since (datetime.datetime | Unset):
        until (datetime.datetime | Unset):
        order (GetAuditOrder | Unset):  Default: GetAuditOrder.NEWEST.
        offset (int | Unset):  Default: 0.
        after (int | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuditPage | Error
    """

    return sync_detailed(
        client=client,
        actor=actor,
        actor_kind=actor_kind,
        resource=resource,
        type_=type_,
        since=since,
        until=until,
        order=order,
        offset=offset,
        after=after,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    actor: str | Unset = UNSET,
    actor_kind: GetAuditActorKind | Unset = UNSET,
    resource: str | Unset = UNSET,
    type_: str | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
    order: GetAuditOrder | Unset = GetAuditOrder.NEWEST,
    offset: int | Unset = 0,
    after: int | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> Response[AuditPage | Error]:
    """Read the audit log

     What was changed, by whom, from where, and how it ended: one record
    per state-changing request (every method but `GET`), login, logout
    and failed login, and per change made from a browser page (the token
    page, starting and stopping servers, accepting a share, an OAuth
    authorization), kept for `audit_retention_days`. Records are only
    ever added: no operation changes or deletes one. Newest first
    (`order=oldest` for oldest first); always a page (`items`,
    `_pagination`). `since` is inclusive and `until` exclusive; a `since`
    later than `until` is `400`. `after` seeks from a record's id in the
    chosen order, whether or not that record matches the filters.
    Requests the spec itself refuses (a malformed body or parameter) and
    requests without any credential change nothing and are not recorded;
    refusals nobody is known for (actor kind `none`: an unknown or
    expired token, a failed login) are recorded up to 60 a minute across
    the hub, so that anonymous traffic cannot fill the log. Not part of
    JupyterHub's API.

    Args:
        actor (str | Unset):
        actor_kind (GetAuditActorKind | Unset):
        resource (str | Unset):
        type_ (str | Unset):
        since (datetime.datetime | Unset):
        until (datetime.datetime | Unset):
        order (GetAuditOrder | Unset):  Default: GetAuditOrder.NEWEST.
        offset (int | Unset):  Default: 0.
        after (int | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuditPage | Error]
    """

    kwargs = _get_kwargs(
        actor=actor,
        actor_kind=actor_kind,
        resource=resource,
        type_=type_,
        since=since,
        until=until,
        order=order,
        offset=offset,
        after=after,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    actor: str | Unset = UNSET,
    actor_kind: GetAuditActorKind | Unset = UNSET,
    resource: str | Unset = UNSET,
    type_: str | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
    order: GetAuditOrder | Unset = GetAuditOrder.NEWEST,
    offset: int | Unset = 0,
    after: int | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> AuditPage | Error | None:
    """Read the audit log

     What was changed, by whom, from where, and how it ended: one record
    per state-changing request (every method but `GET`), login, logout
    and failed login, and per change made from a browser page (the token
    page, starting and stopping servers, accepting a share, an OAuth
    authorization), kept for `audit_retention_days`. Records are only
    ever added: no operation changes or deletes one. Newest first
    (`order=oldest` for oldest first); always a page (`items`,
    `_pagination`). `since` is inclusive and `until` exclusive; a `since`
    later than `until` is `400`. `after` seeks from a record's id in the
    chosen order, whether or not that record matches the filters.
    Requests the spec itself refuses (a malformed body or parameter) and
    requests without any credential change nothing and are not recorded;
    refusals nobody is known for (actor kind `none`: an unknown or
    expired token, a failed login) are recorded up to 60 a minute across
    the hub, so that anonymous traffic cannot fill the log. Not part of
    JupyterHub's API.

    Args:
        actor (str | Unset):
        actor_kind (GetAuditActorKind | Unset):
        resource (str | Unset):
        type_ (str | Unset):
        since (datetime.datetime | Unset):
        until (datetime.datetime | Unset):
        order (GetAuditOrder | Unset):  Default: GetAuditOrder.NEWEST.
        offset (int | Unset):  Default: 0.
        after (int | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuditPage | Error
    """

    return (
        await asyncio_detailed(
            client=client,
            actor=actor,
            actor_kind=actor_kind,
            resource=resource,
            type_=type_,
            since=since,
            until=until,
            order=order,
            offset=offset,
            after=after,
            limit=limit,
        )
    ).parsed
