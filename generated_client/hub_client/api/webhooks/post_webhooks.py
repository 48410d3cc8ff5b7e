from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.webhook_create_request import WebhookCreateRequest
from ...models.webhook_created import WebhookCreated
from ...types import UNSET, Unset
from typing import cast


def _get_kwargs(
    *,
    body: WebhookCreateRequest,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/webhooks",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | WebhookCreated | None:
    if response.status_code == 201:
        response_201 = WebhookCreated.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if response.status_code == 413:
        response_413 = Error.from_dict(response.json())

        return response_413

    if response.status_code == 422:
        response_422 = Error.from_dict(response.json())

        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | WebhookCreated]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: WebhookCreateRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[Error | WebhookCreated]:
    """Create a webhook

     From now on, each event whose type `events` names is POSTed to `url`
    as JSON (the `Event` of the change stream, its resource as the
    creator may read it), signed with HMAC-SHA256 (header
    `X-Hub-Signature: t=UNIX_TIME,sha256=HEX`, the HMAC of
    `UNIX_TIME.` followed by the body, keyed with the secret). Without a
    `secret`, the hub makes one; the answer shows it this once. A
    delivery that does not get a `2xx` within 10 seconds is tried again
    after 2, 4, 8, ... seconds (`JupyterHub.webhook_retry_seconds`),
    up to `JupyterHub.webhook_max_attempts` times; a webhook's
    deliveries go out in event order, one at a time, from one hub
    process. `url` must be `http` or `https` and not the hub itself
    (`400`). Not part of JupyterHub's API.

    Args:
        idempotency_key (str | Unset):
        body (WebhookCreateRequest): A new webhook. Example: {'url': 'https://ops.example.org/hub-
            events', 'events': ['server.*', 'user.deleted']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | WebhookCreated]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: WebhookCreateRequest,
    idempotency_key: str | Unset = UNSET,
) -> Error | WebhookCreated | None:
    """Create a webhook

     From now on, each event whose type `events` names is POSTed to `url`
    as JSON (the `Event` of the change stream, its resource as the
    creator may read it), signed with HMAC-SHA256 (header
    `X-Hub-Signature: t=UNIX_TIME,sha256=HEX`, the HMAC of
    `UNIX_TIME.` followed by the body, keyed with the secret). Without a
    `secret`, the hub makes one; the answer shows it this once. A
    delivery that does not get a `2xx` within 10 seconds is tried again
    after 2, 4, 8, ... seconds (`JupyterHub.webhook_retry_seconds`),
    up to `JupyterHub.webhook_max_attempts` times; a webhook's
    deliveries go out in event order, one at a time, from one hub
    process. `url` must be `http` or `https` and not the hub itself
    (`400`). Not part of JupyterHub's API.

    Args:
        idempotency_key (str | Unset):
        body (WebhookCreateRequest): A new webhook. Example: {'url': 'https://ops.example.org/hub-
            events', 'events': ['server.*', 'user.deleted']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | WebhookCreated
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: WebhookCreateRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[Error | WebhookCreated]:
    """Create a webhook

     From now on, each event whose type `events` names is POSTed to `url`
    as JSON (the `Event` of the change stream, its resource as the
    creator may read it), signed with HMAC-SHA256 (header
    `X-Hub-Signature: t=UNIX_TIME,sha256=HEX`, the HMAC of
    `UNIX_TIME.` followed by the body, keyed with the secret). Without a
    `secret`, the hub makes one; the answer shows it this once. A
    delivery that does not get a `2xx` within 10 seconds is tried again
    after 2, 4, 8, ... seconds (`JupyterHub.webhook_retry_seconds`),
    up to `JupyterHub.webhook_max_attempts` times; a webhook's
    deliveries go out in event order, one at a time, from one hub
    process. `url` must be `http` or `https` and not the hub itself
    (`400`). Not part of JupyterHub's API.

    Args:
        idempotency_key (str | Unset):
        body (WebhookCreateRequest): A new webhook. Example: {'url': 'https://ops.example.org/hub-
            events', 'events': ['server.*', 'user.deleted']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | WebhookCreated]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: WebhookCreateRequest,
    idempotency_key: str | Unset = UNSET,
) -> Error | WebhookCreated | None:
    """Create a webhook

     From now on, each event whose type `events` names is POSTed to `url`
    as JSON (the `Event` of the change stream, its resource as the
    creator may read it), signed with HMAC-SHA256 (header
    `X-Hub-Signature: t=UNIX_TIME,sha256=HEX`, the HMAC of
    `UNIX_TIME.` followed by the body, keyed with the secret). Without a
    `secret`, the hub makes one; the answer shows it this once. A
    delivery that does not get a `2xx` within 10 seconds is tried again
    after 2, 4, 8, ... seconds (`JupyterHub.webhook_retry_seconds`),
    up to `JupyterHub.webhook_max_attempts` times; a webhook's
    deliveries go out in event order, one at a time, from one hub
    process. `url` must be `http` or `https` and not the hub itself
    (`400`). Not part of JupyterHub's API.

    Args:
        idempotency_key (str | Unset):
        body (WebhookCreateRequest): A new webhook. Example: {'url': 'https://ops.example.org/hub-
            events', 'events': ['server.*', 'user.deleted']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | WebhookCreated
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
