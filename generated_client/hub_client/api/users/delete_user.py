from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...types import UNSET, Unset
from typing import cast


def _get_kwargs(
    name: str,
    *,
    if_match: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_match, Unset):
        headers["If-Match"] = if_match

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/users/{name}".format(
            name=quote(str(name), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | Error | None:
    if response.status_code == 204:
        response_204 = cast(Any, None)
        return response_204

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

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any | Error]:
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
    if_match: str | Unset = UNSET,
) -> Response[Any | Error]:
    """Delete a user

     Deletes the user with their tokens, servers records and group
    memberships. A requester cannot delete themselves.

    Args:
        name (str): A user or group name: 1 to 255 characters, no `/`, none of the C0
            and C1 control characters (U+0000 to U+001F, U+007F to U+009F), no
            whitespace at either end. A name in a path that breaks this rule is a
            `400`, for a lookup as for a creation.
             Example: alice.
        if_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error]
    """

    kwargs = _get_kwargs(
        name=name,
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
    if_match: str | Unset = UNSET,
) -> Any | Error | None:
    """Delete a user

     Deletes the user with their tokens, servers records and group
    memberships. A requester cannot delete themselves.

    Args:
        name (str): A user or group name: 1 to 255 characters, no `/`, none of the C0
            and C1 control characters (U+0000 to U+001F, U+007F to U+009F), no
            whitespace at either end. A name in a path that breaks this rule is a
            `400`, for a lookup as for a creation.
             Example: alice.
        if_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error
    """

    return sync_detailed(
        name=name,
        client=client,
        if_match=if_match,
    ).parsed


async def asyncio_detailed(
    name: str,
    *,
    client: AuthenticatedClient | Client,
    if_match: str | Unset = UNSET,
) -> Response[Any | Error]:
    """Delete a user

     Deletes the user with their tokens, servers records and group
    memberships. A requester cannot delete themselves.

    Args:
        name (str): A user or group name: 1 to 255 characters, no `/`, none of the C0
            and C1 control characters (U+0000 to U+001F, U+007F to U+009F), no
            whitespace at either end. A name in a path that breaks this rule is a
            `400`, for a lookup as for a creation.
             Example: alice.
        if_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error]
    """

    kwargs = _get_kwargs(
        name=name,
        if_match=if_match,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    name: str,
    *,
    client: AuthenticatedClient | Client,
    if_match: str | Unset = UNSET,
) -> Any | Error | None:
    """Delete a user

     Deletes the user with their tokens, servers records and group
    memberships. A requester cannot delete themselves.

    Args:
        name (str): A user or group name: 1 to 255 characters, no `/`, none of the C0
            and C1 control characters (U+0000 to U+001F, U+007F to U+009F), no
            whitespace at either end. A name in a path that breaks this rule is a
            `400`, for a lookup as for a creation.
             Example: alice.
        if_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error
    """

    return (
        await asyncio_detailed(
            name=name,
            client=client,
            if_match=if_match,
        )
    ).parsed
