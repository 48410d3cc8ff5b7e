from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.issued_share_code import IssuedShareCode
from ...models.share_code_create_request import ShareCodeCreateRequest
from ...types import UNSET, Unset
from typing import cast


def _get_kwargs(
    owner: str,
    server_name: str,
    *,
    body: ShareCodeCreateRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/share-codes/{owner}/{server_name}".format(
            owner=quote(str(owner), safe=""),
            server_name=quote(str(server_name), safe=""),
        ),
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | IssuedShareCode | None:
    if response.status_code == 200:
        response_200 = IssuedShareCode.from_dict(response.json())

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | IssuedShareCode]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    owner: str,
    server_name: str,
    *,
    client: AuthenticatedClient | Client,
    body: ShareCodeCreateRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[Error | IssuedShareCode]:
    """Issue a share code

     Issues a code that any user can exchange for a share of this server.
    The code is in the response only; it is stored hashed. It expires
    after `expires_in` seconds (one day by default). Scopes follow the
    rules of a share (`403` for a scope the requester does not hold).
    When the owner's servers already have
    `JupyterHub.max_share_codes_per_user` unexpired codes (1000 by
    default), a new one is refused with `403` (this hub's own limit).

    Args:
        owner (str): A user or group name: 1 to 255 characters, no `/`, none of the C0
            and C1 control characters (U+0000 to U+001F, U+007F to U+009F), no
            whitespace at either end. A name in a path that breaks this rule is a
            `400`, for a lookup as for a creation.
             Example: alice.
        server_name (str):
        idempotency_key (str | Unset):
        body (ShareCodeCreateRequest | Unset): The share code's scopes and lifetime. Example:
            {'expires_in': 3600}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | IssuedShareCode]
    """

    kwargs = _get_kwargs(
        owner=owner,
        server_name=server_name,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    owner: str,
    server_name: str,
    *,
    client: AuthenticatedClient | Client,
    body: ShareCodeCreateRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Error | IssuedShareCode | None:
    """Issue a share code

     Issues a code that any user can exchange for a share of this server.
    The code is in the response only; it is stored hashed. It expires
    after `expires_in` seconds (one day by default). Scopes follow the
    rules of a share (`403` for a scope the requester does not hold).
    When the owner's servers already have
    `JupyterHub.max_share_codes_per_user` unexpired codes (1000 by
    default), a new one is refused with `403` (this hub's own limit).

    Args:
        owner (str): A user or group name: 1 to 255 characters, no `/`, none of the C0
            and C1 control characters (U+0000 to U+001F, U+007F to U+009F), no
            whitespace at either end. A name in a path that breaks this rule is a
            `400`, for a lookup as for a creation.
             Example: alice.
        server_name (str):
        idempotency_key (str | Unset):
        body (ShareCodeCreateRequest | Unset): The share code's scopes and lifetime. Example:
            {'expires_in': 3600}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | IssuedShareCode
    """

    return sync_detailed(
        owner=owner,
        server_name=server_name,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    owner: str,
    server_name: str,
    *,
    client: AuthenticatedClient | Client,
    body: ShareCodeCreateRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[Error | IssuedShareCode]:
    """Issue a share code

     Issues a code that any user can exchange for a share of this server.
    The code is in the response only; it is stored hashed. It expires
    after `expires_in` seconds (one day by default). Scopes follow the
    rules of a share (`403` for a scope the requester does not hold).
    When the owner's servers already have
    `JupyterHub.max_share_codes_per_user` unexpired codes (1000 by
    default), a new one is refused with `403` (this hub's own limit).

    Args:
        owner (str): A user or group name: 1 to 255 characters, no `/`, none of the C0
            and C1 control characters (U+0000 to U+001F, U+007F to U+009F), no
            whitespace at either end. A name in a path that breaks this rule is a
            `400`, for a lookup as for a creation.
             Example: alice.
        server_name (str):
        idempotency_key (str | Unset):
        body (ShareCodeCreateRequest | Unset): The share code's scopes and lifetime. Example:
            {'expires_in': 3600}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | IssuedShareCode]
    """

    kwargs = _get_kwargs(
        owner=owner,
        server_name=server_name,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    owner: str,
    server_name: str,
    *,
    client: AuthenticatedClient | Client,
    body: ShareCodeCreateRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Error | IssuedShareCode | None:
    """Issue a share code

     Issues a code that any user can exchange for a share of this server.
    The code is in the response only; it is stored hashed. It expires
    after `expires_in` seconds (one day by default). Scopes follow the
    rules of a share (`403` for a scope the requester does not hold).
    When the owner's servers already have
    `JupyterHub.max_share_codes_per_user` unexpired codes (1000 by
    default), a new one is refused with `403` (this hub's own limit).

    Args:
        owner (str): A user or group name: 1 to 255 characters, no `/`, none of the C0
            and C1 control characters (U+0000 to U+001F, U+007F to U+009F), no
            whitespace at either end. A name in a path that breaks this rule is a
            `400`, for a lookup as for a creation.
             Example: alice.
        server_name (str):
        idempotency_key (str | Unset):
        body (ShareCodeCreateRequest | Unset): The share code's scopes and lifetime. Example:
            {'expires_in': 3600}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | IssuedShareCode
    """

    return (
        await asyncio_detailed(
            owner=owner,
            server_name=server_name,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
