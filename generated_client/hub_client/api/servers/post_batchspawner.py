from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.batch_spawner_report import BatchSpawnerReport
from ...models.error import Error
from ...models.message import Message
from typing import cast


def _get_kwargs(
    *,
    body: BatchSpawnerReport,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/batchspawner",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | Message | None:
    if response.status_code == 201:
        response_201 = Message.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

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
    body: BatchSpawnerReport,
) -> Response[Error | Message]:
    """Report a starting server's port (BatchSpawner)

     Called by `batchspawner-singleuser` inside a batch job (Slurm, PBS,
    ...) once the job runs: it picked a free port on its node and tells
    the hub, with the server's own API token, which port the server will
    listen on. The start in flight picks the port up (on whichever hub
    process runs it). Only `port` is read; other keys are ignored, where
    JupyterHub would set any spawner attribute of that name. A token that
    belongs to no server being started is refused with `404`.

    Args:
        body (BatchSpawnerReport): What a batch job reports about the server it runs. Example:
            {'port': 52001}.

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
    body: BatchSpawnerReport,
) -> Error | Message | None:
    """Report a starting server's port (BatchSpawner)

     Called by `batchspawner-singleuser` inside a batch job (Slurm, PBS,
    ...) once the job runs: it picked a free port on its node and tells
    the hub, with the server's own API token, which port the server will
    listen on. The start in flight picks the port up (on whichever hub
    process runs it). Only `port` is read; other keys are ignored, where
    JupyterHub would set any spawner attribute of that name. A token that
    belongs to no server being started is refused with `404`.

    Args:
        body (BatchSpawnerReport): What a batch job reports about the server it runs. Example:
            {'port': 52001}.

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
    body: BatchSpawnerReport,
) -> Response[Error | Message]:
    """Report a starting server's port (BatchSpawner)

     Called by `batchspawner-singleuser` inside a batch job (Slurm, PBS,
    ...) once the job runs: it picked a free port on its node and tells
    the hub, with the server's own API token, which port the server will
    listen on. The start in flight picks the port up (on whichever hub
    process runs it). Only `port` is read; other keys are ignored, where
    JupyterHub would set any spawner attribute of that name. A token that
    belongs to no server being started is refused with `404`.

    Args:
        body (BatchSpawnerReport): What a batch job reports about the server it runs. Example:
            {'port': 52001}.

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
    body: BatchSpawnerReport,
) -> Error | Message | None:
    """Report a starting server's port (BatchSpawner)

     Called by `batchspawner-singleuser` inside a batch job (Slurm, PBS,
    ...) once the job runs: it picked a free port on its node and tells
    the hub, with the server's own API token, which port the server will
    listen on. The start in flight picks the port up (on whichever hub
    process runs it). Only `port` is read; other keys are ignored, where
    JupyterHub would set any spawner attribute of that name. A token that
    belongs to no server being started is refused with `404`.

    Args:
        body (BatchSpawnerReport): What a batch job reports about the server it runs. Example:
            {'port': 52001}.

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
