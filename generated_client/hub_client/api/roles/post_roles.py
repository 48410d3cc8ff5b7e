from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.role import Role
from ...models.role_create_request import RoleCreateRequest
from ...types import UNSET, Unset
from typing import cast


def _get_kwargs(
    *,
    body: RoleCreateRequest,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/roles",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | Role | None:
    if response.status_code == 201:
        response_201 = Role.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | Role]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: RoleCreateRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[Error | Role]:
    """Create a role

     A role with its scopes and holders. The requester must hold every
    scope the role grants (`403` otherwise), and every user, group and
    service named must exist (`400`). Not part of JupyterHub's API.

    Args:
        idempotency_key (str | Unset):
        body (RoleCreateRequest): A new role; lists left out are empty. Example: {'name': 'course-
            staff', 'scopes': ['admin:servers!group=course'], 'groups': ['staff']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Role]
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
    body: RoleCreateRequest,
    idempotency_key: str | Unset = UNSET,
) -> Error | Role | None:
    """Create a role

     A role with its scopes and holders. The requester must hold every
    scope the role grants (`403` otherwise), and every user, group and
    service named must exist (`400`). Not part of JupyterHub's API.

    Args:
        idempotency_key (str | Unset):
        body (RoleCreateRequest): A new role; lists left out are empty. Example: {'name': 'course-
            staff', 'scopes': ['admin:servers!group=course'], 'groups': ['staff']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Role
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: RoleCreateRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[Error | Role]:
    """Create a role

     A role with its scopes and holders. The requester must hold every
    scope the role grants (`403` otherwise), and every user, group and
    service named must exist (`400`). Not part of JupyterHub's API.

    Args:
        idempotency_key (str | Unset):
        body (RoleCreateRequest): A new role; lists left out are empty. Example: {'name': 'course-
            staff', 'scopes': ['admin:servers!group=course'], 'groups': ['staff']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Role]
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
    body: RoleCreateRequest,
    idempotency_key: str | Unset = UNSET,
) -> Error | Role | None:
    """Create a role

     A role with its scopes and holders. The requester must hold every
    scope the role grants (`403` otherwise), and every user, group and
    service named must exist (`400`). Not part of JupyterHub's API.

    Args:
        idempotency_key (str | Unset):
        body (RoleCreateRequest): A new role; lists left out are empty. Example: {'name': 'course-
            staff', 'scopes': ['admin:servers!group=course'], 'groups': ['staff']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Role
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
