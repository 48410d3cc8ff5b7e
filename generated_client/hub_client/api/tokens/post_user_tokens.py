from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.issued_token import IssuedToken
from ...models.token_create_request import TokenCreateRequest
from ...types import UNSET, Unset
from typing import cast


def _get_kwargs(
    name: str,
    *,
    body: TokenCreateRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/users/{name}/tokens".format(
            name=quote(str(name), safe=""),
        ),
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | IssuedToken | None:
    if response.status_code == 201:
        response_201 = IssuedToken.from_dict(response.json())

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

    if response.status_code == 409:
        response_409 = Error.from_dict(response.json())

        return response_409

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | IssuedToken]:
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
    body: TokenCreateRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[Error | IssuedToken]:
    """Create a token

     Creates a token owned by the user. Its value is in the response and is
    never shown again. `scopes` narrow it (default: everything the owner
    may do, now and later); every scope must be held by the owner.
    `expires_in` is a lifetime in seconds. A user holding
    `JupyterHub.max_tokens_per_user` unexpired tokens (1000 by default)
    gets `403` until one is revoked or expires (this hub's own limit).

    Args:
        name (str): A user or group name: 1 to 255 characters, no `/`, none of the C0
            and C1 control characters (U+0000 to U+001F, U+007F to U+009F), no
            whitespace at either end. A name in a path that breaks this rule is a
            `400`, for a lookup as for a creation.
             Example: alice.
        idempotency_key (str | Unset):
        body (TokenCreateRequest | Unset): The new token's properties. Example: {'note': 'culler',
            'expires_in': 3600, 'scopes': ['list:users', 'read:servers']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | IssuedToken]
    """

    kwargs = _get_kwargs(
        name=name,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    name: str,
    *,
    client: AuthenticatedClient | Client,
    body: TokenCreateRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Error | IssuedToken | None:
    """Create a token

     Creates a token owned by the user. Its value is in the response and is
    never shown again. `scopes` narrow it (default: everything the owner
    may do, now and later); every scope must be held by the owner.
    `expires_in` is a lifetime in seconds. A user holding
    `JupyterHub.max_tokens_per_user` unexpired tokens (1000 by default)
    gets `403` until one is revoked or expires (this hub's own limit).

    Args:
        name (str): A user or group name: 1 to 255 characters, no `/`, none of the C0
            and C1 control characters (U+0000 to U+001F, U+007F to U+009F), no
            whitespace at either end. A name in a path that breaks this rule is a
            `400`, for a lookup as for a creation.
             Example: alice.
        idempotency_key (str | Unset):
        body (TokenCreateRequest | Unset): The new token's properties. Example: {'note': 'culler',
            'expires_in': 3600, 'scopes': ['list:users', 'read:servers']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | IssuedToken
    """

    return sync_detailed(
        name=name,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    name: str,
    *,
    client: AuthenticatedClient | Client,
    body: TokenCreateRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[Error | IssuedToken]:
    """Create a token

     Creates a token owned by the user. Its value is in the response and is
    never shown again. `scopes` narrow it (default: everything the owner
    may do, now and later); every scope must be held by the owner.
    `expires_in` is a lifetime in seconds. A user holding
    `JupyterHub.max_tokens_per_user` unexpired tokens (1000 by default)
    gets `403` until one is revoked or expires (this hub's own limit).

    Args:
        name (str): A user or group name: 1 to 255 characters, no `/`, none of the C0
            and C1 control characters (U+0000 to U+001F, U+007F to U+009F), no
            whitespace at either end. A name in a path that breaks this rule is a
            `400`, for a lookup as for a creation.
             Example: alice.
        idempotency_key (str | Unset):
        body (TokenCreateRequest | Unset): The new token's properties. Example: {'note': 'culler',
            'expires_in': 3600, 'scopes': ['list:users', 'read:servers']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | IssuedToken]
    """

    kwargs = _get_kwargs(
        name=name,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    name: str,
    *,
    client: AuthenticatedClient | Client,
    body: TokenCreateRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Error | IssuedToken | None:
    """Create a token

     Creates a token owned by the user. Its value is in the response and is
    never shown again. `scopes` narrow it (default: everything the owner
    may do, now and later); every scope must be held by the owner.
    `expires_in` is a lifetime in seconds. A user holding
    `JupyterHub.max_tokens_per_user` unexpired tokens (1000 by default)
    gets `403` until one is revoked or expires (this hub's own limit).

    Args:
        name (str): A user or group name: 1 to 255 characters, no `/`, none of the C0
            and C1 control characters (U+0000 to U+001F, U+007F to U+009F), no
            whitespace at either end. A name in a path that breaks this rule is a
            `400`, for a lookup as for a creation.
             Example: alice.
        idempotency_key (str | Unset):
        body (TokenCreateRequest | Unset): The new token's properties. Example: {'note': 'culler',
            'expires_in': 3600, 'scopes': ['list:users', 'read:servers']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | IssuedToken
    """

    return (
        await asyncio_detailed(
            name=name,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
