from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.message import Message
from ...models.shutdown_request import ShutdownRequest
from ...types import UNSET, Unset
from typing import cast


def _get_kwargs(
    *,
    body: ShutdownRequest | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/shutdown",
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | Message | None:
    if response.status_code == 202:
        response_202 = Message.from_dict(response.json())

        return response_202

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | Message]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: ShutdownRequest | Unset = UNSET,
) -> Response[Error | Message]:
    """Shut the hub down

     Answers `202` first, then stops the hub. The body can say whether the
    users' servers and the proxy are stopped too (defaults come from
    `JupyterHub.cleanup_servers` and `JupyterHub.cleanup_proxy`).

    Args:
        body (ShutdownRequest | Unset): What else to stop with the hub. Example: {'servers':
            False, 'proxy': False}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Message]
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
    body: ShutdownRequest | Unset = UNSET,
) -> Error | Message | None:
    """Shut the hub down

     Answers `202` first, then stops the hub. The body can say whether the
    users' servers and the proxy are stopped too (defaults come from
    `JupyterHub.cleanup_servers` and `JupyterHub.cleanup_proxy`).

    Args:
        body (ShutdownRequest | Unset): What else to stop with the hub. Example: {'servers':
            False, 'proxy': False}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Message
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: ShutdownRequest | Unset = UNSET,
) -> Response[Error | Message]:
    """Shut the hub down

     Answers `202` first, then stops the hub. The body can say whether the
    users' servers and the proxy are stopped too (defaults come from
    `JupyterHub.cleanup_servers` and `JupyterHub.cleanup_proxy`).

    Args:
        body (ShutdownRequest | Unset): What else to stop with the hub. Example: {'servers':
            False, 'proxy': False}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Message]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: ShutdownRequest | Unset = UNSET,
) -> Error | Message | None:
    """Shut the hub down

     Answers `202` first, then stops the hub. The body can say whether the
    users' servers and the proxy are stopped too (defaults come from
    `JupyterHub.cleanup_servers` and `JupyterHub.cleanup_proxy`).

    Args:
        body (ShutdownRequest | Unset): What else to stop with the hub. Example: {'servers':
            False, 'proxy': False}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Message
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
