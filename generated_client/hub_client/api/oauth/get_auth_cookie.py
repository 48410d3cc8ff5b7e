from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.user import User
from typing import cast


def _get_kwargs(
    cookie_name: str,
    cookie_value: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/authorizations/cookie/{cookie_name}/{cookie_value}".format(
            cookie_name=quote(str(cookie_name), safe=""),
            cookie_value=quote(str(cookie_value), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | User | None:
    if response.status_code == 200:
        response_200 = User.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | User]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    cookie_name: str,
    cookie_value: str,
    *,
    client: AuthenticatedClient,
) -> Response[Error | User]:
    """Identify the user of a login cookie

     Decodes a hub login cookie (`jupyterhub-hub-login`) and answers its
    user, or 404 when the cookie is not a valid one. Deprecated in favour
    of OAuth. Takes a token, not the browser's cookie.

    Args:
        cookie_name (str):
        cookie_value (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | User]
    """

    kwargs = _get_kwargs(
        cookie_name=cookie_name,
        cookie_value=cookie_value,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    cookie_name: str,
    cookie_value: str,
    *,
    client: AuthenticatedClient,
) -> Error | User | None:
    """Identify the user of a login cookie

     Decodes a hub login cookie (`jupyterhub-hub-login`) and answers its
    user, or 404 when the cookie is not a valid one. Deprecated in favour
    of OAuth. Takes a token, not the browser's cookie.

    Args:
        cookie_name (str):
        cookie_value (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | User
    """

    return sync_detailed(
        cookie_name=cookie_name,
        cookie_value=cookie_value,
        client=client,
    ).parsed


async def asyncio_detailed(
    cookie_name: str,
    cookie_value: str,
    *,
    client: AuthenticatedClient,
) -> Response[Error | User]:
    """Identify the user of a login cookie

     Decodes a hub login cookie (`jupyterhub-hub-login`) and answers its
    user, or 404 when the cookie is not a valid one. Deprecated in favour
    of OAuth. Takes a token, not the browser's cookie.

    Args:
        cookie_name (str):
        cookie_value (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | User]
    """

    kwargs = _get_kwargs(
        cookie_name=cookie_name,
        cookie_value=cookie_value,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    cookie_name: str,
    cookie_value: str,
    *,
    client: AuthenticatedClient,
) -> Error | User | None:
    """Identify the user of a login cookie

     Decodes a hub login cookie (`jupyterhub-hub-login`) and answers its
    user, or 404 when the cookie is not a valid one. Deprecated in favour
    of OAuth. Takes a token, not the browser's cookie.

    Args:
        cookie_name (str):
        cookie_value (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | User
    """

    return (
        await asyncio_detailed(
            cookie_name=cookie_name,
            cookie_value=cookie_value,
            client=client,
        )
    ).parsed
