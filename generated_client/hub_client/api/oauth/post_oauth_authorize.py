from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.o_auth_consent import OAuthConsent
from ...models.post_oauth_authorize_code_challenge_method import PostOauthAuthorizeCodeChallengeMethod
from ...models.post_oauth_authorize_response_type import PostOauthAuthorizeResponseType
from ...types import UNSET, Unset
from typing import cast


def _get_kwargs(
    *,
    body: OAuthConsent,
    client_id: str,
    response_type: PostOauthAuthorizeResponseType,
    redirect_uri: str,
    state: str | Unset = UNSET,
    scope: str | Unset = UNSET,
    code_challenge: str | Unset = UNSET,
    code_challenge_method: PostOauthAuthorizeCodeChallengeMethod | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    params: dict[str, Any] = {}

    params["client_id"] = client_id

    json_response_type = response_type.value
    params["response_type"] = json_response_type

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
        "method": "post",
        "url": "/oauth2/authorize",
        "params": params,
    }

    _kwargs["data"] = body.to_dict()
    headers["Content-Type"] = "application/x-www-form-urlencoded"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | str | None:
    if response.status_code == 302:
        response_302 = response.text
        return response_302

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if response.status_code == 413:
        response_413 = Error.from_dict(response.json())

        return response_413

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
    body: OAuthConsent,
    client_id: str,
    response_type: PostOauthAuthorizeResponseType,
    redirect_uri: str,
    state: str | Unset = UNSET,
    scope: str | Unset = UNSET,
    code_challenge: str | Unset = UNSET,
    code_challenge_method: PostOauthAuthorizeCodeChallengeMethod | Unset = UNSET,
) -> Response[Error | str]:
    """Confirm an OAuth 2 authorization

     The confirmation page's form: issues the code for the scopes the user
    kept and sends them back to the client. Needs the hub login session
    and the `_xsrf` value of the page.

    Args:
        client_id (str):
        response_type (PostOauthAuthorizeResponseType):
        redirect_uri (str):
        state (str | Unset):
        scope (str | Unset):
        code_challenge (str | Unset):
        code_challenge_method (PostOauthAuthorizeCodeChallengeMethod | Unset):
        body (OAuthConsent): The confirmation form of an authorization. Example: {'scopes':
            ['read:users:name!user'], '_xsrf': '2|f0a1'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | str]
    """

    kwargs = _get_kwargs(
        body=body,
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
    body: OAuthConsent,
    client_id: str,
    response_type: PostOauthAuthorizeResponseType,
    redirect_uri: str,
    state: str | Unset = UNSET,
    scope: str | Unset = UNSET,
    code_challenge: str | Unset = UNSET,
    code_challenge_method: PostOauthAuthorizeCodeChallengeMethod | Unset = UNSET,
) -> Error | str | None:
    """Confirm an OAuth 2 authorization

     The confirmation page's form: issues the code for the scopes the user
    kept and sends them back to the client. Needs the hub login session
    and the `_xsrf` value of the page.

    Args:
        client_id (str):
        response_type (PostOauthAuthorizeResponseType):
        redirect_uri (str):
        state (str | Unset):
        scope (str | Unset):
        code_challenge (str | Unset):
        code_challenge_method (PostOauthAuthorizeCodeChallengeMethod | Unset):
        body (OAuthConsent): The confirmation form of an authorization. Example: {'scopes':
            ['read:users:name!user'], '_xsrf': '2|f0a1'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | str
    """

    return sync_detailed(
        client=client,
        body=body,
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
    body: OAuthConsent,
    client_id: str,
    response_type: PostOauthAuthorizeResponseType,
    redirect_uri: str,
    state: str | Unset = UNSET,
    scope: str | Unset = UNSET,
    code_challenge: str | Unset = UNSET,
    code_challenge_method: PostOauthAuthorizeCodeChallengeMethod | Unset = UNSET,
) -> Response[Error | str]:
    """Confirm an OAuth 2 authorization

     The confirmation page's form: issues the code for the scopes the user
    kept and sends them back to the client. Needs the hub login session
    and the `_xsrf` value of the page.

    Args:
        client_id (str):
        response_type (PostOauthAuthorizeResponseType):
        redirect_uri (str):
        state (str | Unset):
        scope (str | Unset):
        code_challenge (str | Unset):
        code_challenge_method (PostOauthAuthorizeCodeChallengeMethod | Unset):
        body (OAuthConsent): The confirmation form of an authorization. Example: {'scopes':
            ['read:users:name!user'], '_xsrf': '2|f0a1'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | str]
    """

    kwargs = _get_kwargs(
        body=body,
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
    body: OAuthConsent,
    client_id: str,
    response_type: PostOauthAuthorizeResponseType,
    redirect_uri: str,
    state: str | Unset = UNSET,
    scope: str | Unset = UNSET,
    code_challenge: str | Unset = UNSET,
    code_challenge_method: PostOauthAuthorizeCodeChallengeMethod | Unset = UNSET,
) -> Error | str | None:
    """Confirm an OAuth 2 authorization

     The confirmation page's form: issues the code for the scopes the user
    kept and sends them back to the client. Needs the hub login session
    and the `_xsrf` value of the page.

    Args:
        client_id (str):
        response_type (PostOauthAuthorizeResponseType):
        redirect_uri (str):
        state (str | Unset):
        scope (str | Unset):
        code_challenge (str | Unset):
        code_challenge_method (PostOauthAuthorizeCodeChallengeMethod | Unset):
        body (OAuthConsent): The confirmation form of an authorization. Example: {'scopes':
            ['read:users:name!user'], '_xsrf': '2|f0a1'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | str
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            client_id=client_id,
            response_type=response_type,
            redirect_uri=redirect_uri,
            state=state,
            scope=scope,
            code_challenge=code_challenge,
            code_challenge_method=code_challenge_method,
        )
    ).parsed
