from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.server_counts import ServerCounts
from typing import cast


def _get_kwargs() -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/server-counts",
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | ServerCounts | None:
    if response.status_code == 200:
        response_200 = ServerCounts.from_dict(response.json())

        return response_200

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | ServerCounts]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[Error | ServerCounts]:
    """Count the servers by state

     How many servers are active, ready, starting and stopping, and how
    many starts failed in the last hour, over all users (the admin page's
    overview). A failed start counts when it was requested in the last
    hour and the server has not been started again since. Needs
    `read:servers` without a filter. Not part of JupyterHub's API.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ServerCounts]
    """

    kwargs = _get_kwargs()

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
) -> Error | ServerCounts | None:
    """Count the servers by state

     How many servers are active, ready, starting and stopping, and how
    many starts failed in the last hour, over all users (the admin page's
    overview). A failed start counts when it was requested in the last
    hour and the server has not been started again since. Needs
    `read:servers` without a filter. Not part of JupyterHub's API.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ServerCounts
    """

    return sync_detailed(
        client=client,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[Error | ServerCounts]:
    """Count the servers by state

     How many servers are active, ready, starting and stopping, and how
    many starts failed in the last hour, over all users (the admin page's
    overview). A failed start counts when it was requested in the last
    hour and the server has not been started again since. Needs
    `read:servers` without a filter. Not part of JupyterHub's API.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ServerCounts]
    """

    kwargs = _get_kwargs()

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
) -> Error | ServerCounts | None:
    """Count the servers by state

     How many servers are active, ready, starting and stopping, and how
    many starts failed in the last hour, over all users (the admin page's
    overview). A failed start counts when it was requested in the last
    hour and the server has not been started again since. Needs
    `read:servers` without a filter. Not part of JupyterHub's API.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ServerCounts
    """

    return (
        await asyncio_detailed(
            client=client,
        )
    ).parsed
