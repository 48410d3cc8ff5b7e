from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.group import Group
from ...models.group_properties import GroupProperties
from ...types import UNSET, Unset
from typing import cast


def _get_kwargs(
    name: str,
    *,
    body: GroupProperties,
    if_match: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_match, Unset):
        headers["If-Match"] = if_match

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/groups/{name}/properties".format(
            name=quote(str(name), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | Group | None:
    if response.status_code == 200:
        response_200 = Group.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

    if response.status_code == 412:
        response_412 = Error.from_dict(response.json())

        return response_412

    if response.status_code == 413:
        response_413 = Error.from_dict(response.json())

        return response_413

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | Group]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    name: str,
    *,
    client: AuthenticatedClient | Client,
    body: GroupProperties,
    if_match: str | Unset = UNSET,
) -> Response[Error | Group]:
    """Set a group's properties

     Replaces the group's properties with the body, a JSON object the hub stores but does not interpret.

    Args:
        name (str): A user or group name: 1 to 255 characters, no `/`, none of the C0
            and C1 control characters (U+0000 to U+001F, U+007F to U+009F), no
            whitespace at either end. A name in a path that breaks this rule is a
            `400`, for a lookup as for a creation.
             Example: alice.
        if_match (str | Unset):
        body (GroupProperties): Free-form group properties. Example: {'course': 'physics-101'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Group]
    """

    kwargs = _get_kwargs(
        name=name,
        body=body,
        if_match=if_match,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    name: str,
    *,
    client: AuthenticatedClient | Client,
    body: GroupProperties,
    if_match: str | Unset = UNSET,
) -> Error | Group | None:
    """Set a group's properties

     Replaces the group's properties with the body, a JSON object the hub stores but does not interpret.

    Args:
        name (str): A user or group name: 1 to 255 characters, no `/`, none of the C0
            and C1 control characters (U+0000 to U+001F, U+007F to U+009F), no
            whitespace at either end. A name in a path that breaks this rule is a
            `400`, for a lookup as for a creation.
             Example: alice.
        if_match (str | Unset):
        body (GroupProperties): Free-form group properties. Example: {'course': 'physics-101'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Group
    """

    return sync_detailed(
        name=name,
        client=client,
        body=body,
        if_match=if_match,
    ).parsed


async def asyncio_detailed(
    name: str,
    *,
    client: AuthenticatedClient | Client,
    body: GroupProperties,
    if_match: str | Unset = UNSET,
) -> Response[Error | Group]:
    """Set a group's properties

     Replaces the group's properties with the body, a JSON object the hub stores but does not interpret.

    Args:
        name (str): A user or group name: 1 to 255 characters, no `/`, none of the C0
            and C1 control characters (U+0000 to U+001F, U+007F to U+009F), no
            whitespace at either end. A name in a path that breaks this rule is a
            `400`, for a lookup as for a creation.
             Example: alice.
        if_match (str | Unset):
        body (GroupProperties): Free-form group properties. Example: {'course': 'physics-101'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Group]
    """

    kwargs = _get_kwargs(
        name=name,
        body=body,
        if_match=if_match,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    name: str,
    *,
    client: AuthenticatedClient | Client,
    body: GroupProperties,
    if_match: str | Unset = UNSET,
) -> Error | Group | None:
    """Set a group's properties

     Replaces the group's properties with the body, a JSON object the hub stores but does not interpret.

    Args:
        name (str): A user or group name: 1 to 255 characters, no `/`, none of the C0
            and C1 control characters (U+0000 to U+001F, U+007F to U+009F), no
            whitespace at either end. A name in a path that breaks this rule is a
            `400`, for a lookup as for a creation.
             Example: alice.
        if_match (str | Unset):
        body (GroupProperties): Free-form group properties. Example: {'course': 'physics-101'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Group
    """

    return (
        await asyncio_detailed(
            name=name,
            client=client,
            body=body,
            if_match=if_match,
        )
    ).parsed
