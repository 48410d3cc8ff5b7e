from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.user import User
from ...models.users_create_request import UsersCreateRequest
from ...types import UNSET, Unset
from typing import cast


def _get_kwargs(
    *,
    body: UsersCreateRequest,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/users",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | list[User] | None:
    if response.status_code == 201:
        response_201 = []
        _response_201 = response.json()
        for componentsschemas_user_list_item_data in _response_201:
            componentsschemas_user_list_item = User.from_dict(componentsschemas_user_list_item_data)

            response_201.append(componentsschemas_user_list_item)

        return response_201

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | list[User]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: UsersCreateRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[Error | list[User]]:
    """Create several users

     Creates every listed user that does not exist yet and returns the new
    ones. Names that already exist are skipped; if all exist the answer is
    `409`. If any name is invalid nothing is created (`400`). Names are
    normalized (lower-cased) first. Only an admin may create admins.

    Args:
        idempotency_key (str | Unset):
        body (UsersCreateRequest): Users to create. Example: {'usernames': ['alice', 'bob'],
            'admin': False}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | list[User]]
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
    body: UsersCreateRequest,
    idempotency_key: str | Unset = UNSET,
) -> Error | list[User] | None:
    """Create several users

     Creates every listed user that does not exist yet and returns the new
    ones. Names that already exist are skipped; if all exist the answer is
    `409`. If any name is invalid nothing is created (`400`). Names are
    normalized (lower-cased) first. Only an admin may create admins.

    Args:
        idempotency_key (str | Unset):
        body (UsersCreateRequest): Users to create. Example: {'usernames': ['alice', 'bob'],
            'admin': False}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | list[User]
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: UsersCreateRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[Error | list[User]]:
    """Create several users

     Creates every listed user that does not exist yet and returns the new
    ones. Names that already exist are skipped; if all exist the answer is
    `409`. If any name is invalid nothing is created (`400`). Names are
    normalized (lower-cased) first. Only an admin may create admins.

    Args:
        idempotency_key (str | Unset):
        body (UsersCreateRequest): Users to create. Example: {'usernames': ['alice', 'bob'],
            'admin': False}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | list[User]]
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
    body: UsersCreateRequest,
    idempotency_key: str | Unset = UNSET,
) -> Error | list[User] | None:
    """Create several users

     Creates every listed user that does not exist yet and returns the new
    ones. Names that already exist are skipped; if all exist the answer is
    `409`. If any name is invalid nothing is created (`400`). Names are
    normalized (lower-cased) first. Only an admin may create admins.

    Args:
        idempotency_key (str | Unset):
        body (UsersCreateRequest): Users to create. Example: {'usernames': ['alice', 'bob'],
            'admin': False}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | list[User]
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
