from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.role import Role
from typing import cast


def _get_kwargs(
    name: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/roles/{name}".format(
            name=quote(str(name), safe=""),
        ),
    }

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
) -> Response[Error | Role]:
    """Get a role

     The role, its scopes and who holds it. Not part of JupyterHub's API.

    Args:
        name (str): A role's name: 3 to 255 characters, lowercase letters, digits and
            `-_~.`, starting with a letter and ending with a letter or a digit
            (the hub's own roles are named `user`, `admin`, `server`, `token`).
             Example: course-staff.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Role]
    """

    kwargs = _get_kwargs(
        name=name,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    name: str,
    *,
    client: AuthenticatedClient | Client,
) -> Error | Role | None:
    """Get a role

     The role, its scopes and who holds it. Not part of JupyterHub's API.

    Args:
        name (str): A role's name: 3 to 255 characters, lowercase letters, digits and
            `-_~.`, starting with a letter and ending with a letter or a digit
            (the hub's own roles are named `user`, `admin`, `server`, `token`).
             Example: course-staff.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Role
    """

    return sync_detailed(
        name=name,
        client=client,
    ).parsed


async def asyncio_detailed(
    name: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Error | Role]:
    """Get a role

     The role, its scopes and who holds it. Not part of JupyterHub's API.

    Args:
        name (str): A role's name: 3 to 255 characters, lowercase letters, digits and
            `-_~.`, starting with a letter and ending with a letter or a digit
            (the hub's own roles are named `user`, `admin`, `server`, `token`).
             Example: course-staff.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Role]
    """

    kwargs = _get_kwargs(
        name=name,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    name: str,
    *,
    client: AuthenticatedClient | Client,
) -> Error | Role | None:
    """Get a role

     The role, its scopes and who holds it. Not part of JupyterHub's API.

    Args:
        name (str): A role's name: 3 to 255 characters, lowercase letters, digits and
            `-_~.`, starting with a letter and ending with a letter or a digit
            (the hub's own roles are named `user`, `admin`, `server`, `token`).
             Example: course-staff.

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
        )
    ).parsed
