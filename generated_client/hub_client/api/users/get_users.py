from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.get_users_sort import GetUsersSort
from ...models.get_users_state import GetUsersState
from ...models.user import User
from ...types import UNSET, Unset
from typing import cast


def _get_kwargs(
    *,
    state: GetUsersState | Unset = UNSET,
    name_filter: str | Unset = UNSET,
    sort: GetUsersSort | Unset = GetUsersSort.ID,
    include_stopped_servers: str | Unset = UNSET,
    offset: int | Unset = 0,
    after: int | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_state: str | Unset = UNSET
    if not isinstance(state, Unset):
        json_state = state.value

    params["state"] = json_state

    params["name_filter"] = name_filter

    json_sort: str | Unset = UNSET
    if not isinstance(sort, Unset):
        json_sort = sort.value

    params["sort"] = json_sort

    params["include_stopped_servers"] = include_stopped_servers

    params["offset"] = offset

    params["after"] = after

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/users",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | list[User] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for componentsschemas_user_list_item_data in _response_200:
            componentsschemas_user_list_item = User.from_dict(componentsschemas_user_list_item_data)

            response_200.append(componentsschemas_user_list_item)

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

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
    state: GetUsersState | Unset = UNSET,
    name_filter: str | Unset = UNSET,
    sort: GetUsersSort | Unset = GetUsersSort.ID,
    include_stopped_servers: str | Unset = UNSET,
    offset: int | Unset = 0,
    after: int | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> Response[Error | list[User]]:
    """List users

     Users in the order of `sort`, narrowed by `state` and `name_filter`.
    A requester whose `list:users` scope is filtered (`!user=`, `!group=`)
    sees only the users the filters cover.

    Args:
        state (GetUsersState | Unset):
        name_filter (str | Unset):
        sort (GetUsersSort | Unset):  Default: GetUsersSort.ID.
        include_stopped_servers (str | Unset):
        offset (int | Unset):  Default: 0.
        after (int | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | list[User]]
    """

    kwargs = _get_kwargs(
        state=state,
        name_filter=name_filter,
        sort=sort,
        include_stopped_servers=include_stopped_servers,
        offset=offset,
        after=after,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    state: GetUsersState | Unset = UNSET,
    name_filter: str | Unset = UNSET,
    sort: GetUsersSort | Unset = GetUsersSort.ID,
    include_stopped_servers: str | Unset = UNSET,
    offset: int | Unset = 0,
    after: int | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> Error | list[User] | None:
    """List users

     Users in the order of `sort`, narrowed by `state` and `name_filter`.
    A requester whose `list:users` scope is filtered (`!user=`, `!group=`)
    sees only the users the filters cover.

    Args:
        state (GetUsersState | Unset):
        name_filter (str | Unset):
        sort (GetUsersSort | Unset):  Default: GetUsersSort.ID.
        include_stopped_servers (str | Unset):
        offset (int | Unset):  Default: 0.
        after (int | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | list[User]
    """

    return sync_detailed(
        client=client,
        state=state,
        name_filter=name_filter,
        sort=sort,
        include_stopped_servers=include_stopped_servers,
        offset=offset,
        after=after,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    state: GetUsersState | Unset = UNSET,
    name_filter: str | Unset = UNSET,
    sort: GetUsersSort | Unset = GetUsersSort.ID,
    include_stopped_servers: str | Unset = UNSET,
    offset: int | Unset = 0,
    after: int | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> Response[Error | list[User]]:
    """List users

     Users in the order of `sort`, narrowed by `state` and `name_filter`.
    A requester whose `list:users` scope is filtered (`!user=`, `!group=`)
    sees only the users the filters cover.

    Args:
        state (GetUsersState | Unset):
        name_filter (str | Unset):
        sort (GetUsersSort | Unset):  Default: GetUsersSort.ID.
        include_stopped_servers (str | Unset):
        offset (int | Unset):  Default: 0.
        after (int | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | list[User]]
    """

    kwargs = _get_kwargs(
        state=state,
        name_filter=name_filter,
        sort=sort,
        include_stopped_servers=include_stopped_servers,
        offset=offset,
        after=after,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    state: GetUsersState | Unset = UNSET,
    name_filter: str | Unset = UNSET,
    sort: GetUsersSort | Unset = GetUsersSort.ID,
    include_stopped_servers: str | Unset = UNSET,
    offset: int | Unset = 0,
    after: int | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> Error | list[User] | None:
    """List users

     Users in the order of `sort`, narrowed by `state` and `name_filter`.
    A requester whose `list:users` scope is filtered (`!user=`, `!group=`)
    sees only the users the filters cover.

    Args:
        state (GetUsersState | Unset):
        name_filter (str | Unset):
        sort (GetUsersSort | Unset):  Default: GetUsersSort.ID.
        include_stopped_servers (str | Unset):
        offset (int | Unset):  Default: 0.
        after (int | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | list[User]
    """

    return (
        await asyncio_detailed(
            client=client,
            state=state,
            name_filter=name_filter,
            sort=sort,
            include_stopped_servers=include_stopped_servers,
            offset=offset,
            after=after,
            limit=limit,
        )
    ).parsed
