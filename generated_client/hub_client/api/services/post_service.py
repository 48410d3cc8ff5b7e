from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.created_service import CreatedService
from ...models.error import Error
from ...models.service_create_request import ServiceCreateRequest
from ...types import UNSET, Unset
from typing import cast


def _get_kwargs(
    name: str,
    *,
    body: ServiceCreateRequest,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/services/{name}".format(
            name=quote(str(name), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> CreatedService | Error | None:
    if response.status_code == 201:
        response_201 = CreatedService.from_dict(response.json())

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[CreatedService | Error]:
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
    body: ServiceCreateRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[CreatedService | Error]:
    """Create a service at run time

     Registers an external service (one the hub does not start) while the
    hub runs, as JupyterHub 5 and later do. The service is stored in the
    database and stays until it is deleted; it gets an API token (the
    `api_token` given, or a generated one returned once in the answer),
    an OAuth client when it has a `url` or OAuth settings, and a proxy
    route at `/services/NAME/` when it has a `url`. `admin` and
    `oauth_client_allowed_scopes` may only give scopes the requester holds
    (`400` otherwise). A name that is taken is `409`.

    Args:
        name (str): The name of a service created at run time: the rule of `Name`, and, as
            in JupyterHub, not only dots and no `%`.
             Example: dashboard.
        idempotency_key (str | Unset):
        body (ServiceCreateRequest): An external service to register, with the keys JupyterHub
            accepts (an
            empty object is refused, as in JupyterHub). `name` is ignored (the
            path names the service). `command` must be empty: the hub does not
            start services created at run time; `cwd`, `environment` and `user`
            only matter to services it starts, and are ignored.
             Example: {'url': 'http://127.0.0.1:10101', 'display': True}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreatedService | Error]
    """

    kwargs = _get_kwargs(
        name=name,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    name: str,
    *,
    client: AuthenticatedClient | Client,
    body: ServiceCreateRequest,
    idempotency_key: str | Unset = UNSET,
) -> CreatedService | Error | None:
    """Create a service at run time

     Registers an external service (one the hub does not start) while the
    hub runs, as JupyterHub 5 and later do. The service is stored in the
    database and stays until it is deleted; it gets an API token (the
    `api_token` given, or a generated one returned once in the answer),
    an OAuth client when it has a `url` or OAuth settings, and a proxy
    route at `/services/NAME/` when it has a `url`. `admin` and
    `oauth_client_allowed_scopes` may only give scopes the requester holds
    (`400` otherwise). A name that is taken is `409`.

    Args:
        name (str): The name of a service created at run time: the rule of `Name`, and, as
            in JupyterHub, not only dots and no `%`.
             Example: dashboard.
        idempotency_key (str | Unset):
        body (ServiceCreateRequest): An external service to register, with the keys JupyterHub
            accepts (an
            empty object is refused, as in JupyterHub). `name` is ignored (the
            path names the service). `command` must be empty: the hub does not
            start services created at run time; `cwd`, `environment` and `user`
            only matter to services it starts, and are ignored.
             Example: {'url': 'http://127.0.0.1:10101', 'display': True}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreatedService | Error
    """

    return sync_detailed(
        name=name,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    name: str,
    *,
    client: AuthenticatedClient | Client,
    body: ServiceCreateRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[CreatedService | Error]:
    """Create a service at run time

     Registers an external service (one the hub does not start) while the
    hub runs, as JupyterHub 5 and later do. The service is stored in the
    database and stays until it is deleted; it gets an API token (the
    `api_token` given, or a generated one returned once in the answer),
    an OAuth client when it has a `url` or OAuth settings, and a proxy
    route at `/services/NAME/` when it has a `url`. `admin` and
    `oauth_client_allowed_scopes` may only give scopes the requester holds
    (`400` otherwise). A name that is taken is `409`.

    Args:
        name (str): The name of a service created at run time: the rule of `Name`, and, as
            in JupyterHub, not only dots and no `%`.
             Example: dashboard.
        idempotency_key (str | Unset):
        body (ServiceCreateRequest): An external service to register, with the keys JupyterHub
            accepts (an
            empty object is refused, as in JupyterHub). `name` is ignored (the
            path names the service). `command` must be empty: the hub does not
            start services created at run time; `cwd`, `environment` and `user`
            only matter to services it starts, and are ignored.
             Example: {'url': 'http://127.0.0.1:10101', 'display': True}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreatedService | Error]
    """

    kwargs = _get_kwargs(
        name=name,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    name: str,
    *,
    client: AuthenticatedClient | Client,
    body: ServiceCreateRequest,
    idempotency_key: str | Unset = UNSET,
) -> CreatedService | Error | None:
    """Create a service at run time

     Registers an external service (one the hub does not start) while the
    hub runs, as JupyterHub 5 and later do. The service is stored in the
    database and stays until it is deleted; it gets an API token (the
    `api_token` given, or a generated one returned once in the answer),
    an OAuth client when it has a `url` or OAuth settings, and a proxy
    route at `/services/NAME/` when it has a `url`. `admin` and
    `oauth_client_allowed_scopes` may only give scopes the requester holds
    (`400` otherwise). A name that is taken is `409`.

    Args:
        name (str): The name of a service created at run time: the rule of `Name`, and, as
            in JupyterHub, not only dots and no `%`.
             Example: dashboard.
        idempotency_key (str | Unset):
        body (ServiceCreateRequest): An external service to register, with the keys JupyterHub
            accepts (an
            empty object is refused, as in JupyterHub). `name` is ignored (the
            path names the service). `command` must be empty: the hub does not
            start services created at run time; `cwd`, `environment` and `user`
            only matter to services it starts, and are ignored.
             Example: {'url': 'http://127.0.0.1:10101', 'display': True}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreatedService | Error
    """

    return (
        await asyncio_detailed(
            name=name,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
