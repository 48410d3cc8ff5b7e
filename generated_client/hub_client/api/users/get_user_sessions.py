from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.login_session_page import LoginSessionPage
from ...types import UNSET, Unset
from typing import cast


def _get_kwargs(
    name: str,
    *,
    offset: int | Unset = 0,
    limit: int | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["offset"] = offset

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/users/{name}/sessions".format(
            name=quote(str(name), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | LoginSessionPage | None:
    if response.status_code == 200:
        response_200 = LoginSessionPage.from_dict(response.json())

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | LoginSessionPage]:
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
    offset: int | Unset = 0,
    limit: int | Unset = UNSET,
) -> Response[Error | LoginSessionPage]:
    """List a user's login sessions

     The user's browser sessions, oldest first: when each began, when it
    was last used (recorded at most once per `activity_resolution`), the
    browser's user agent and address when it logged in, and whether it
    is the session of the requester's own credential (`current`). A
    session lasts until it is ended (logging out ends the browser's own)
    or its login cookie grows older than `cookie_max_age_days`.
    Sessions are credentials, so listing them needs `read:tokens` on the
    user: users see their own, admins everyone's. The answer is always a
    page; the Accept header only chooses the default page size.

    Args:
        name (str): A user or group name: 1 to 255 characters, no `/`, none of the C0
            and C1 control characters (U+0000 to U+001F, U+007F to U+009F), no
            whitespace at either end. A name in a path that breaks this rule is a
            `400`, for a lookup as for a creation.
             Example: alice.
        offset (int | Unset):  Default: 0.
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | LoginSessionPage]
    """

    kwargs = _get_kwargs(
        name=name,
        offset=offset,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    name: str,
    *,
    client: AuthenticatedClient | Client,
    offset: int | Unset = 0,
    limit: int | Unset = UNSET,
) -> Error | LoginSessionPage | None:
    """List a user's login sessions

     The user's browser sessions, oldest first: when each began, when it
    was last used (recorded at most once per `activity_resolution`), the
    browser's user agent and address when it logged in, and whether it
    is the session of the requester's own credential (`current`). A
    session lasts until it is ended (logging out ends the browser's own)
    or its login cookie grows older than `cookie_max_age_days`.
    Sessions are credentials, so listing them needs `read:tokens` on the
    user: users see their own, admins everyone's. The answer is always a
    page; the Accept header only chooses the default page size.

    Args:
        name (str): A user or group name: 1 to 255 characters, no `/`, none of the C0
            and C1 control characters (U+0000 to U+001F, U+007F to U+009F), no
            whitespace at either end. A name in a path that breaks this rule is a
            `400`, for a lookup as for a creation.
             Example: alice.
        offset (int | Unset):  Default: 0.
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | LoginSessionPage
    """

    return sync_detailed(
        name=name,
        client=client,
        offset=offset,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    name: str,
    *,
    client: AuthenticatedClient | Client,
    offset: int | Unset = 0,
    limit: int | Unset = UNSET,
) -> Response[Error | LoginSessionPage]:
    """List a user's login sessions

     The user's browser sessions, oldest first: when each began, when it
    was last used (recorded at most once per `activity_resolution`), the
    browser's user agent and address when it logged in, and whether it
    is the session of the requester's own credential (`current`). A
    session lasts until it is ended (logging out ends the browser's own)
    or its login cookie grows older than `cookie_max_age_days`.
    Sessions are credentials, so listing them needs `read:tokens` on the
    user: users see their own, admins everyone's. The answer is always a
    page; the Accept header only chooses the default page size.

    Args:
        name (str): A user or group name: 1 to 255 characters, no `/`, none of the C0
            and C1 control characters (U+0000 to U+001F, U+007F to U+009F), no
            whitespace at either end. A name in a path that breaks this rule is a
            `400`, for a lookup as for a creation.
             Example: alice.
        offset (int | Unset):  Default: 0.
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | LoginSessionPage]
    """

    kwargs = _get_kwargs(
        name=name,
        offset=offset,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    name: str,
    *,
    client: AuthenticatedClient | Client,
    offset: int | Unset = 0,
    limit: int | Unset = UNSET,
) -> Error | LoginSessionPage | None:
    """List a user's login sessions

     The user's browser sessions, oldest first: when each began, when it
    was last used (recorded at most once per `activity_resolution`), the
    browser's user agent and address when it logged in, and whether it
    is the session of the requester's own credential (`current`). A
    session lasts until it is ended (logging out ends the browser's own)
    or its login cookie grows older than `cookie_max_age_days`.
    Sessions are credentials, so listing them needs `read:tokens` on the
    user: users see their own, admins everyone's. The answer is always a
    page; the Accept header only chooses the default page size.

    Args:
        name (str): A user or group name: 1 to 255 characters, no `/`, none of the C0
            and C1 control characters (U+0000 to U+001F, U+007F to U+009F), no
            whitespace at either end. A name in a path that breaks this rule is a
            `400`, for a lookup as for a creation.
             Example: alice.
        offset (int | Unset):  Default: 0.
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | LoginSessionPage
    """

    return (
        await asyncio_detailed(
            name=name,
            client=client,
            offset=offset,
            limit=limit,
        )
    ).parsed
