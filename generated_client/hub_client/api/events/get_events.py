from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.event import Event
from ...types import UNSET, Unset
from typing import cast


def _get_kwargs(
    *,
    after: int | Unset = UNSET,
    limit: int | Unset = UNSET,
    last_event_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(last_event_id, Unset):
        headers["Last-Event-ID"] = last_event_id

    params: dict[str, Any] = {}

    params["after"] = after

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/events",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | Event | None:
    if response.status_code == 200:
        response_200 = Event.from_dict(response.text)

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if response.status_code == 410:
        response_410 = Error.from_dict(response.json())

        return response_410

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | Event]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    after: int | Unset = UNSET,
    limit: int | Unset = UNSET,
    last_event_id: str | Unset = UNSET,
) -> Response[Error | Event]:
    """Follow changes

     One event for each change to a user, group, server, token, share,
    service or role, in the order the changes were committed, by any hub
    process. Events are written in the same transaction as the change, so
    none is lost across restarts and none describes a change that was
    rolled back.

    With `Accept: text/event-stream` the answer is a stream that stays
    open: each event is an `id:` line (the event's id) and a `data:` line
    (the `Event` as JSON); a comment line every 15 seconds keeps idle
    connections open. Without it, the answer is a page (`EventPage`) of
    the events after `after`, at once.

    A client resumes after the last id it saw, with `Last-Event-ID`
    (browsers' `EventSource` sends it by itself when it reconnects) or
    `after`, and receives every event it missed, in order, without
    duplicates. Without either, the stream starts with the next change
    and a page with the oldest kept event. An id older than the history
    the hub keeps (`JupyterHub.event_history_seconds`), or newer than any
    it gave out, is `410`: the client has missed events and should list
    the resources again.

    Each event shows its resource as a `GET` by the requester would have
    shown it then; events about resources the requester may not read are
    left out (their ids still advance the stream's `Last-Event-ID`). Any
    valid credential may follow the stream. Not part of JupyterHub's API.

    Args:
        after (int | Unset):
        limit (int | Unset):
        last_event_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Event]
    """

    kwargs = _get_kwargs(
        after=after,
        limit=limit,
        last_event_id=last_event_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    after: int | Unset = UNSET,
    limit: int | Unset = UNSET,
    last_event_id: str | Unset = UNSET,
) -> Error | Event | None:
    """Follow changes

     One event for each change to a user, group, server, token, share,
    service or role, in the order the changes were committed, by any hub
    process. Events are written in the same transaction as the change, so
    none is lost across restarts and none describes a change that was
    rolled back.

    With `Accept: text/event-stream` the answer is a stream that stays
    open: each event is an `id:` line (the event's id) and a `data:` line
    (the `Event` as JSON); a comment line every 15 seconds keeps idle
    connections open. Without it, the answer is a page (`EventPage`) of
    the events after `after`, at once.

    A client resumes after the last id it saw, with `Last-Event-ID`
    (browsers' `EventSource` sends it by itself when it reconnects) or
    `after`, and receives every event it missed, in order, without
    duplicates. Without either, the stream starts with the next change
    and a page with the oldest kept event. An id older than the history
    the hub keeps (`JupyterHub.event_history_seconds`), or newer than any
    it gave out, is `410`: the client has missed events and should list
    the resources again.

    Each event shows its resource as a `GET` by the requester would have
    shown it then; events about resources the requester may not read are
    left out (their ids still advance the stream's `Last-Event-ID`). Any
    valid credential may follow the stream. Not part of JupyterHub's API.

    Args:
        after (int | Unset):
        limit (int | Unset):
        last_event_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Event
    """

    return sync_detailed(
        client=client,
        after=after,
        limit=limit,
        last_event_id=last_event_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    after: int | Unset = UNSET,
    limit: int | Unset = UNSET,
    last_event_id: str | Unset = UNSET,
) -> Response[Error | Event]:
    """Follow changes

     One event for each change to a user, group, server, token, share,
    service or role, in the order the changes were committed, by any hub
    process. Events are written in the same transaction as the change, so
    none is lost across restarts and none describes a change that was
    rolled back.

    With `Accept: text/event-stream` the answer is a stream that stays
    open: each event is an `id:` line (the event's id) and a `data:` line
    (the `Event` as JSON); a comment line every 15 seconds keeps idle
    connections open. Without it, the answer is a page (`EventPage`) of
    the events after `after`, at once.

    A client resumes after the last id it saw, with `Last-Event-ID`
    (browsers' `EventSource` sends it by itself when it reconnects) or
    `after`, and receives every event it missed, in order, without
    duplicates. Without either, the stream starts with the next change
    and a page with the oldest kept event. An id older than the history
    the hub keeps (`JupyterHub.event_history_seconds`), or newer than any
    it gave out, is `410`: the client has missed events and should list
    the resources again.

    Each event shows its resource as a `GET` by the requester would have
    shown it then; events about resources the requester may not read are
    left out (their ids still advance the stream's `Last-Event-ID`). Any
    valid credential may follow the stream. Not part of JupyterHub's API.

    Args:
        after (int | Unset):
        limit (int | Unset):
        last_event_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Event]
    """

    kwargs = _get_kwargs(
        after=after,
        limit=limit,
        last_event_id=last_event_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    after: int | Unset = UNSET,
    limit: int | Unset = UNSET,
    last_event_id: str | Unset = UNSET,
) -> Error | Event | None:
    """Follow changes

     One event for each change to a user, group, server, token, share,
    service or role, in the order the changes were committed, by any hub
    process. Events are written in the same transaction as the change, so
    none is lost across restarts and none describes a change that was
    rolled back.

    With `Accept: text/event-stream` the answer is a stream that stays
    open: each event is an `id:` line (the event's id) and a `data:` line
    (the `Event` as JSON); a comment line every 15 seconds keeps idle
    connections open. Without it, the answer is a page (`EventPage`) of
    the events after `after`, at once.

    A client resumes after the last id it saw, with `Last-Event-ID`
    (browsers' `EventSource` sends it by itself when it reconnects) or
    `after`, and receives every event it missed, in order, without
    duplicates. Without either, the stream starts with the next change
    and a page with the oldest kept event. An id older than the history
    the hub keeps (`JupyterHub.event_history_seconds`), or newer than any
    it gave out, is `410`: the client has missed events and should list
    the resources again.

    Each event shows its resource as a `GET` by the requester would have
    shown it then; events about resources the requester may not read are
    left out (their ids still advance the stream's `Last-Event-ID`). Any
    valid credential may follow the stream. Not part of JupyterHub's API.

    Args:
        after (int | Unset):
        limit (int | Unset):
        last_event_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Event
    """

    return (
        await asyncio_detailed(
            client=client,
            after=after,
            limit=limit,
            last_event_id=last_event_id,
        )
    ).parsed
