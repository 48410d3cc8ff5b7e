"""Map each operationId of the spec to its handler, wrapped with authorization.

``get-users`` (tag ``users``) resolves to :func:`hub.api.users.get_users`.
The wrapper runs in one of connexion's worker threads. It opens the request's
single database transaction, identifies the requester from the token that the
security scheme read, checks the operation's scopes, and runs the handler;
it commits when the handler returns and rolls back when it raises, so a
failed request leaves nothing half-written.
"""

from __future__ import annotations

import functools
import importlib
import inspect
from collections.abc import Callable
from typing import Any

import anyio
from connexion.context import context as connexion_context
from connexion.context import request as connexion_request
from connexion.resolver import Resolution, Resolver

from hub import access_log
from hub.api import authz, identify, xsrf
from hub.api.context import RequestContext, enter, leave
from hub.db.engine import Transaction
from hub.errors import Forbidden
from hub.runtime import current

Handler = Callable[..., Any]
MISSING_CREDENTIALS = "Missing or invalid credentials."
#: operations that say nothing about a bad credential, as in JupyterHub
SILENT = {"get-current-user", "get-auth-token"}


def serializable(func: Handler) -> Handler:
    """Mark a handler whose writes depend on counting rows (a limit): its
    transaction runs at SERIALIZABLE on PostgreSQL (hub.db.engine.Database.run)."""
    func.hub_serializable = True  # type: ignore[attr-defined]
    return func


def handler_name(operation_id: str) -> str:
    return operation_id.replace("-", "_")


class RefreshDue(Exception):
    """Raised inside the request's transaction: a user's login must be refreshed
    (``refresh_user``) first; the request then runs again from the start.

    Raised where the requester is identified, or by a handler that reads the
    login cookie itself (``from_handler``: it decides what a failed refresh
    means, reading :attr:`RequestContext.refreshed`).
    """

    def __init__(self, user_id: int, by_token: bool, from_handler: bool = False) -> None:
        super().__init__(user_id)
        self.user_id = user_id
        self.by_token = by_token
        self.from_handler = from_handler


class HubResolver(Resolver):  # type: ignore[misc]
    def __init__(self, spec: dict[str, Any]) -> None:
        super().__init__()
        self.meta: dict[str, tuple[str, str, authz.Requirement]] = {}
        for path_item in spec["paths"].values():
            for method, op in path_item.items():
                if method == "parameters":
                    continue
                requirement = authz.Requirement(tuple(op.get("x-hub-scopes", [])), op.get("x-hub-resource"))
                self.meta[op["operationId"]] = (op["tags"][0], method, requirement)

    def resolve(self, operation: Any) -> Resolution:
        operation_id = operation.operation_id
        tag, method, requirement = self.meta[operation_id]
        module = importlib.import_module(f"hub.api.{tag}")
        func = getattr(module, handler_name(operation_id))
        silent = operation_id in SILENT
        return Resolution(endpoint(func, requirement, write=method != "get", silent=silent), operation_id)


async def refresh(due: RefreshDue, silent: bool = False) -> bool:
    """Refresh a login, as JupyterHub does on every authenticated request once
    ``auth_refresh_age`` has passed. When the authenticator says the
    requester's login no longer holds, a browser session is refused (the
    pages send it to the login page); a token keeps working with the stale
    login unless ``auth_refresh_strict`` is set."""
    hub = current()
    if await hub.logins.refresh(due.user_id):
        return True
    if not due.from_handler and (not due.by_token or hub.logins.policy.strict):
        raise Forbidden(None if silent else MISSING_CREDENTIALS)
    return False


def endpoint(func: Handler, requirement: authz.Requirement, *, write: bool, silent: bool) -> Handler:
    """Wrap a handler: one transaction, the requester identified, the scopes checked.

    A synchronous handler runs inside that transaction. A coroutine handler
    (one that waits, e.g. for a server to start) runs after it, and opens its
    own short transactions with :meth:`hub.runtime.Hub.transact`.
    """
    is_async = inspect.iscoroutinefunction(func)
    strict = getattr(func, "hub_serializable", False)

    def run(inline: bool, refreshed: bool | None, args: Any, kwargs: Any) -> Any:
        hub = current()
        info = connexion_context.get("token_info") or {}
        credential = info.get("token")
        cookie_id = None
        if credential is None and "cookie" in info:
            cookie_id = hub.sessions.login_cookie_id(info["cookie"])
            if cookie_id is None:
                raise Forbidden(None if silent else MISSING_CREDENTIALS)
            xsrf.check(connexion_request)

        def attempt(tx: Transaction) -> tuple[Any, Any]:
            # run again from the start when it loses to a concurrent write
            # (hub.db.engine.Database.run): nothing here but database work
            identity = None
            activity = None
            if credential is not None or cookie_id is not None:
                if cookie_id is not None:
                    session_id = hub.sessions.session_id(connexion_request.cookies)
                    found = identify.identify_cookie(tx.conn, cookie_id, session_id, hub)
                else:
                    found = identify.identify(tx.conn, str(credential), hub)
                if found is None:
                    raise Forbidden(None if silent else MISSING_CREDENTIALS)
                identity, activity = found
                access_log.requester(identity.kind, identity.name)
                if identity.refresh_due and refreshed is None:
                    raise RefreshDue(identity.id, by_token=identity.token_id is not None)
                authz.check(requirement, identity, kwargs, tx.conn)
            if is_async:
                return identity, activity
            token = enter(RequestContext(hub, tx, identity, connexion_request, refreshed))
            try:
                return func(*args, **kwargs), activity
            finally:
                leave(token)

        result, activity = hub.db.run(
            attempt, write=write and not is_async, inline=inline, serializable=strict and not is_async
        )
        if activity is not None:
            hub.db.run(lambda tx: identify.record(tx.conn, hub, activity), inline=inline)
        return result

    async def once(refreshed: bool | None, args: Any, kwargs: Any) -> Any:
        if current().db.is_sqlite:
            # SQLite answers in microseconds and, with one transaction at a time
            # per process, never waits on a lock held by this process: running
            # inline avoids a thread hop and the GIL hand-offs it causes
            return run(True, refreshed, args, kwargs)
        return await anyio.to_thread.run_sync(run, False, refreshed, args, kwargs)

    async def in_transaction(args: Any, kwargs: Any) -> tuple[Any, bool | None]:
        """The result, and whether a login was refreshed first (None: no refresh ran)."""
        try:
            return await once(None, args, kwargs), None
        except RefreshDue as due:
            refreshed = await refresh(due, silent)
        return await once(refreshed, args, kwargs), refreshed

    if not is_async:

        @functools.wraps(func)
        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            result, _ = await in_transaction(args, kwargs)
            return result

        return wrapper

    @functools.wraps(func)
    async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
        identity, refreshed = await in_transaction(args, kwargs)
        token = enter(RequestContext(current(), None, identity, connexion_request, refreshed))
        try:
            return await func(*args, **kwargs)
        finally:
            leave(token)

    return async_wrapper
