from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.route_table import RouteTable
from ...types import UNSET, Unset
from typing import cast


def _get_kwargs(
    *,
    offset: int | Unset = 0,
    limit: int | Unset = UNSET,
    after: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["offset"] = offset

    params["limit"] = limit

    params["after"] = after

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/proxy",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | RouteTable | None:
    if response.status_code == 200:
        response_200 = RouteTable.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if response.status_code == 503:
        response_503 = Error.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | RouteTable]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    offset: int | Unset = 0,
    limit: int | Unset = UNSET,
    after: str | Unset = UNSET,
) -> Response[Error | RouteTable]:
    """Get the routing table

     The hub's routes as the proxy holds them, keyed by route specification.
    When the proxy the hub started has exited, it is started again (with
    its routes) before the answer, as JupyterHub does; `503` when the
    proxy's API cannot be reached otherwise.

    Args:
        offset (int | Unset):  Default: 0.
        limit (int | Unset):
        after (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | RouteTable]
    """

    kwargs = _get_kwargs(
        offset=offset,
        limit=limit,
        after=after,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    offset: int | Unset = 0,
    limit: int | Unset = UNSET,
    after: str | Unset = UNSET,
) -> Error | RouteTable | None:
    """Get the routing table

     The hub's routes as the proxy holds them, keyed by route specification.
    When the proxy the hub started has exited, it is started again (with
    its routes) before the answer, as JupyterHub does; `503` when the
    proxy's API cannot be reached otherwise.

    Args:
        offset (int | Unset):  Default: 0.
        limit (int | Unset):
        after (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | RouteTable
    """

    return sync_detailed(
        client=client,
        offset=offset,
        limit=limit,
        after=after,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    offset: int | Unset = 0,
    limit: int | Unset = UNSET,
    after: str | Unset = UNSET,
) -> Response[Error | RouteTable]:
    """Get the routing table

     The hub's routes as the proxy holds them, keyed by route specification.
    When the proxy the hub started has exited, it is started again (with
    its routes) before the answer, as JupyterHub does; `503` when the
    proxy's API cannot be reached otherwise.

    Args:
        offset (int | Unset):  Default: 0.
        limit (int | Unset):
        after (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | RouteTable]
    """

    kwargs = _get_kwargs(
        offset=offset,
        limit=limit,
        after=after,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    offset: int | Unset = 0,
    limit: int | Unset = UNSET,
    after: str | Unset = UNSET,
) -> Error | RouteTable | None:
    """Get the routing table

     The hub's routes as the proxy holds them, keyed by route specification.
    When the proxy the hub started has exited, it is started again (with
    its routes) before the answer, as JupyterHub does; `503` when the
    proxy's API cannot be reached otherwise.

    Args:
        offset (int | Unset):  Default: 0.
        limit (int | Unset):
        after (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | RouteTable
    """

    return (
        await asyncio_detailed(
            client=client,
            offset=offset,
            limit=limit,
            after=after,
        )
    ).parsed
