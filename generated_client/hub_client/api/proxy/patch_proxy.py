from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.empty import Empty
from ...models.error import Error
from ...models.proxy_patch_request import ProxyPatchRequest
from typing import cast


def _get_kwargs(
    *,
    body: ProxyPatchRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/proxy",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Empty | Error | None:
    if response.status_code == 200:
        response_200 = Empty.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if response.status_code == 413:
        response_413 = Error.from_dict(response.json())

        return response_413

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Empty | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: ProxyPatchRequest,
) -> Response[Empty | Error]:
    """Point the hub at a new proxy

     Changes the proxy's API address or token, then synchronizes the routes.

    Args:
        body (ProxyPatchRequest): The new proxy's API address and token; other keys are ignored.
            Example: {'api_url': 'http://127.0.0.1:8001', 'auth_token': 'secret'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Empty | Error]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: ProxyPatchRequest,
) -> Empty | Error | None:
    """Point the hub at a new proxy

     Changes the proxy's API address or token, then synchronizes the routes.

    Args:
        body (ProxyPatchRequest): The new proxy's API address and token; other keys are ignored.
            Example: {'api_url': 'http://127.0.0.1:8001', 'auth_token': 'secret'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Empty | Error
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: ProxyPatchRequest,
) -> Response[Empty | Error]:
    """Point the hub at a new proxy

     Changes the proxy's API address or token, then synchronizes the routes.

    Args:
        body (ProxyPatchRequest): The new proxy's API address and token; other keys are ignored.
            Example: {'api_url': 'http://127.0.0.1:8001', 'auth_token': 'secret'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Empty | Error]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: ProxyPatchRequest,
) -> Empty | Error | None:
    """Point the hub at a new proxy

     Changes the proxy's API address or token, then synchronizes the routes.

    Args:
        body (ProxyPatchRequest): The new proxy's API address and token; other keys are ignored.
            Example: {'api_url': 'http://127.0.0.1:8001', 'auth_token': 'secret'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Empty | Error
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
