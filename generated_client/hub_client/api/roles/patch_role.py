from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.role import Role
from ...models.role_patch_request import RolePatchRequest
from ...types import UNSET, Unset
from typing import cast


def _get_kwargs(
    name: str,
    *,
    body: RolePatchRequest,
    if_match: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_match, Unset):
        headers["If-Match"] = if_match

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/roles/{name}".format(
            name=quote(str(name), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | Role | None:
    if response.status_code == 200:
        response_200 = Role.from_dict(response.json())

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

    if response.status_code == 405:
        response_405 = Error.from_dict(response.json())

        return response_405

    if response.status_code == 412:
        response_412 = Error.from_dict(response.json())

        return response_412

    if response.status_code == 413:
        response_413 = Error.from_dict(response.json())

        return response_413

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
    name: str,
    *,
    client: AuthenticatedClient | Client,
    body: RolePatchRequest,
    if_match: str | Unset = UNSET,
) -> Response[Error | Role]:
    """Change a role

     Replaces the fields given and leaves the others: `{"users": [...]}`
    sets exactly who holds the role directly. The requester must hold
    every scope the role grants once changed. Roles with `read_only`
    (the hub's own, `load_roles`, the authenticator's) answer `405`.
    Not part of JupyterHub's API.

    Args:
        name (str): A role's name: 3 to 255 characters, lowercase letters, digits and
            `-_~.`, starting with a letter and ending with a letter or a digit
            (the hub's own roles are named `user`, `admin`, `server`, `token`).
             Example: course-staff.
        if_match (str | Unset):
        body (RolePatchRequest): The fields to replace; each list given is the new exact list.
            Example: {'users': ['alice', 'bob']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Role]
    """

    kwargs = _get_kwargs(
        name=name,
        body=body,
        if_match=if_match,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    name: str,
    *,
    client: AuthenticatedClient | Client,
    body: RolePatchRequest,
    if_match: str | Unset = UNSET,
) -> Error | Role | None:
    """Change a role

     Replaces the fields given and leaves the others: `{"users": [...]}`
    sets exactly who holds the role directly. The requester must hold
    every scope the role grants once changed. Roles with `read_only`
    (the hub's own, `load_roles`, the authenticator's) answer `405`.
    Not part of JupyterHub's API.

    Args:
        name (str): A role's name: 3 to 255 characters, lowercase letters, digits and
            `-_~.`, starting with a letter and ending with a letter or a digit
            (the hub's own roles are named `user`, `admin`, `server`, `token`).
             Example: course-staff.
        if_match (str | Unset):
        body (RolePatchRequest): The fields to replace; each list given is the new exact list.
            Example: {'users': ['alice', 'bob']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Role
    """

    return sync_detailed(
        name=name,
        client=client,
        body=body,
        if_match=if_match,
    ).parsed


async def asyncio_detailed(
    name: str,
    *,
    client: AuthenticatedClient | Client,
    body: RolePatchRequest,
    if_match: str | Unset = UNSET,
) -> Response[Error | Role]:
    """Change a role

     Replaces the fields given and leaves the others: `{"users": [...]}`
    sets exactly who holds the role directly. The requester must hold
    every scope the role grants once changed. Roles with `read_only`
    (the hub's own, `load_roles`, the authenticator's) answer `405`.
    Not part of JupyterHub's API.

    Args:
        name (str): A role's name: 3 to 255 characters, lowercase letters, digits and
            `-_~.`, starting with a letter and ending with a letter or a digit
            (the hub's own roles are named `user`, `admin`, `server`, `token`).
             Example: course-staff.
        if_match (str | Unset):
        body (RolePatchRequest): The fields to replace; each list given is the new exact list.
            Example: {'users': ['alice', 'bob']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Role]
    """

    kwargs = _get_kwargs(
        name=name,
        body=body,
        if_match=if_match,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    name: str,
    *,
    client: AuthenticatedClient | Client,
    body: RolePatchRequest,
    if_match: str | Unset = UNSET,
) -> Error | Role | None:
    """Change a role

     Replaces the fields given and leaves the others: `{"users": [...]}`
    sets exactly who holds the role directly. The requester must hold
    every scope the role grants once changed. Roles with `read_only`
    (the hub's own, `load_roles`, the authenticator's) answer `405`.
    Not part of JupyterHub's API.

    Args:
        name (str): A role's name: 3 to 255 characters, lowercase letters, digits and
            `-_~.`, starting with a letter and ending with a letter or a digit
            (the hub's own roles are named `user`, `admin`, `server`, `token`).
             Example: course-staff.
        if_match (str | Unset):
        body (RolePatchRequest): The fields to replace; each list given is the new exact list.
            Example: {'users': ['alice', 'bob']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Role
    """

    return (
        await asyncio_detailed(
            name=name,
            client=client,
            body=body,
            if_match=if_match,
        )
    ).parsed
