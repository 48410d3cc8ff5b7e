from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.get_oauth_authorize_code_challenge_method import GetOauthAuthorizeCodeChallengeMethod
from ...types import UNSET, Unset
from typing import cast


def _get_kwargs(
    *,
    client_id: str | Unset = UNSET,
    response_type: str | Unset = UNSET,
    redirect_uri: str | Unset = UNSET,
    state: str | Unset = UNSET,
    scope: str | Unset = UNSET,
    code_challenge: str | Unset = UNSET,
    code_challenge_method: GetOauthAuthorizeCodeChallengeMethod | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["client_id"] = client_id

    params["response_type"] = response_type

    params["redirect_uri"] = redirect_uri

    params["state"] = state

    params["scope"] = scope

    params["code_challenge"] = code_challenge

    json_code_challenge_method: str | Unset = UNSET
    if not isinstance(code_challenge_method, Unset):
        json_code_challenge_method = code_challenge_method.value

    params["code_challenge_method"] = json_code_challenge_method

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/oauth2/authorize",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | str | None:
    if response.status_code == 200:
        response_200 = response.text
        return response_200

    if response.status_code == 302:
        response_302 = response.text
        return response_302

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | str]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    client_id: str | Unset = UNSET,
    response_type: str | Unset = UNSET,
    redirect_uri: str | Unset = UNSET,
    state: str | Unset = UNSET,
    scope: str | Unset = UNSET,
    code_challenge: str | Unset = UNSET,
    code_challenge_method: GetOauthAuthorizeCodeChallengeMethod | Unset = UNSET,
) -> Response[Error | str]:
    """Start an OAuth 2 authorization

     A browser endpoint, not an API call. A visitor without a hub login
    session is sent to the login page first. A logged-in user is sent
    back to the client's `redirect_uri` with a code, at once for their own
    servers and for services configured with `oauth_no_confirm`, else
    after a page that asks them to confirm (which posts to this URL).
    The user must hold the client's access scope.

    Args:
        client_id (str | Unset):
        response_type (str | Unset):
        redirect_uri (str | Unset):
        state (str | Unset):
        scope (str | Unset):
        code_challenge (str | Unset):
        code_challenge_method (GetOauthAuthorizeCodeChallengeMethod | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | str]
    """

    kwargs = _get_kwargs(
        client_id=client_id,
        response_type=response_type,
        redirect_uri=redirect_uri,
        state=state,
        scope=scope,
        code_challenge=code_challenge,
        code_challenge_method=code_challenge_method,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    client_id: str | Unset = UNSET,
    response_type: str | Unset = UNSET,
    redirect_uri: str | Unset = UNSET,
    state: str | Unset = UNSET,
    scope: str | Unset = UNSET,
    code_challenge: str | Unset = UNSET,
    code_challenge_method: GetOauthAuthorizeCodeChallengeMethod | Unset = UNSET,
) -> Error | str | None:
    """Start an OAuth 2 authorization

     A browser endpoint, not an API call. A visitor without a hub login
    session is sent to the login page first. A logged-in user is sent
    back to the client's `redirect_uri` with a code, at once for their own
    servers and for services configured with `oauth_no_confirm`, else
    after a page that asks them to confirm (which posts to this URL).
    The user must hold the client's access scope.

    Args:
        client_id (str | Unset):
        response_type (str | Unset):
        redirect_uri (str | Unset):
        state (str | Unset):
        scope (str | Unset):
        code_challenge (str | Unset):
        code_challenge_method (GetOauthAuthorizeCodeChallengeMethod | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | str
    """

    return sync_detailed(
        client=client,
        client_id=client_id,
        response_type=response_type,
        redirect_uri=redirect_uri,
        state=state,
        scope=scope,
        code_challenge=code_challenge,
        code_challenge_method=code_challenge_method,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    client_id: str | Unset = UNSET,
    response_type: str | Unset = UNSET,
    redirect_uri: str | Unset = UNSET,
    state: str | Unset = UNSET,
    scope: str | Unset = UNSET,
    code_challenge: str | Unset = UNSET,
    code_challenge_method: GetOauthAuthorizeCodeChallengeMethod | Unset = UNSET,
) -> Response[Error | str]:
    """Start an OAuth 2 authorization

     A browser endpoint, not an API call. A visitor without a hub login
    session is sent to the login page first. A logged-in user is sent
    back to the client's `redirect_uri` with a code, at once for their own
    servers and for services configured with `oauth_no_confirm`, else
    after a page that asks them to confirm (which posts to this URL).
    The user must hold the client's access scope.

    Args:
        client_id (str | Unset):
        response_type (str | Unset):
        redirect_uri (str | Unset):
        state (str | Unset):
        scope (str | Unset):
        code_challenge (str | Unset):
        code_challenge_method (GetOauthAuthorizeCodeChallengeMethod | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | str]
    """

    kwargs = _get_kwargs(
        client_id=client_id,
        response_type=response_type,
        redirect_uri=redirect_uri,
        state=state,
        scope=scope,
        code_challenge=code_challenge,
        code_challenge_method=code_challenge_method,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    client_id: str | Unset = UNSET,
    response_type: str | Unset = UNSET,
    redirect_uri: str | Unset = UNSET,
    state: str | Unset = UNSET,
    scope: str | Unset = UNSET,
    code_challenge: str | Unset = UNSET,
    code_challenge_method: GetOauthAuthorizeCodeChallengeMethod | Unset = UNSET,
) -> Error | str | None:
    """Start an OAuth 2 authorization

     A browser endpoint, not an API call. A visitor without a hub login
    session is sent to the login page first. A logged-in user is sent
    back to the client's `redirect_uri` with a code, at once for their own
    servers and for services configured with `oauth_no_confirm`, else
    after a page that asks them to confirm (which posts to this URL).
    The user must hold the client's access scope.

    Args:
        client_id (str | Unset):
        response_type (str | Unset):
        redirect_uri (str | Unset):
        state (str | Unset):
        scope (str | Unset):
        code_challenge (str | Unset):
        code_challenge_method (GetOauthAuthorizeCodeChallengeMethod | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | str
    """

    return (
        await asyncio_detailed(
            client=client,
            client_id=client_id,
            response_type=response_type,
            redirect_uri=redirect_uri,
            state=state,
            scope=scope,
            code_challenge=code_challenge,
            code_challenge_method=code_challenge_method,
        )
    ).parsed
