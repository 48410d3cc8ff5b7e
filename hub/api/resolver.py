"""Map each operationId of the spec to its handler, wrapped with authorization.

``get-users`` (tag ``users``) resolves to :func:`hub.api.users.get_users`.
The wrapper runs in one of connexion's worker threads. It opens the request's
single database transaction, identifies the requester from the token that the
security scheme read, checks the operation's scopes, and runs the handler;
it commits when the handler returns and rolls back when it raises, so a
failed request leaves nothing half-written. Every operation but a ``GET``
is recorded in the audit log (:mod:`hub.api.auditing`).
"""

from __future__ import annotations

import functools
import importlib
import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import anyio
from connexion.context import context as connexion_context
from connexion.context import request as connexion_request
from connexion.resolver import Resolution, Resolver

from hub import access_log
from hub.api import auditing, authz, identify, safe_writes, xsrf
from hub.api.context import RequestContext, enter, leave
from hub.core import audit
from hub.db.engine import Transaction
from hub.errors import Forbidden
from hub.runtime import current

Handler = Callable[..., Any]
MISSING_CREDENTIALS = "Missing or invalid credentials."
#: operations that say nothing about a bad credential, as in JupyterHub
SILENT = {"get-current-user", "get-auth-token"}
#: writes that are not changes anyone asked for: servers reporting their
#: activity (every few minutes each) and a starting job its port
UNAUDITED = {"post-user-activity", "post-batchspawner"}


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


@dataclass(frozen=True)
class _Operation:
    tag: str
    method: str
    path: str
    requirement: authz.Requirement
    #: the header parameters it declares (If-Match, If-None-Match, Idempotency-Key)
    headers: frozenset[str]
    #: for If-Match: the GET whose model is the resource's validator
    etag_of: str | None
    secret: bool


def _header_names(spec: dict[str, Any], parameters: list[dict[str, Any]]) -> frozenset[str]:
    found = set()
    for p in parameters:
        if "$ref" in p:
            p = spec["components"]["parameters"][p["$ref"].rsplit("/", 1)[1]]
        if p.get("in") == "header":
            found.add(p["name"])
    return frozenset(found)


class HubResolver(Resolver):  # type: ignore[misc]
    def __init__(self, spec: dict[str, Any]) -> None:
        super().__init__()
        self.meta: dict[str, _Operation] = {}
        for path, path_item in spec["paths"].items():
            for method, op in path_item.items():
                if method == "parameters":
                    continue
                requirement = authz.Requirement(tuple(op.get("x-hub-scopes", [])), op.get("x-hub-resource"))
                params = [*path_item.get("parameters", []), *op.get("parameters", [])]
                same_path_get = path_item.get("get", {}).get("operationId")
                self.meta[op["operationId"]] = _Operation(
                    op["tags"][0],
                    method,
                    path,
                    requirement,
                    _header_names(spec, params),
                    op.get("x-hub-etag-of", same_path_get),
                    bool(op.get("x-hub-response-secret", False)),
                )

    def handler(self, operation_id: str) -> Handler:
        module = importlib.import_module(f"hub.api.{self.meta[operation_id].tag}")
        func: Handler = getattr(module, handler_name(operation_id))
        return func

    def guard(self, operation_id: str) -> safe_writes.Guard:
        """What the operation's header parameters declare (:mod:`hub.api.safe_writes`)."""
        op = self.meta[operation_id]
        source, source_params = None, ()
        if safe_writes.IF_MATCH in op.headers:
            assert op.etag_of is not None, f"{operation_id}: If-Match needs a GET to take the ETag of"
            source = self.handler(op.etag_of)
            source_params = tuple(re.findall(r"\{(\w+)\}", self.meta[op.etag_of].path))
        return safe_writes.Guard(
            operation_id,
            tagged=safe_writes.IF_NONE_MATCH in op.headers,
            source=source,
            source_params=source_params,
            idempotent=safe_writes.IDEMPOTENCY_KEY in op.headers,
            secret=op.secret,
        )

    def resolve(self, operation: Any) -> Resolution:
        operation_id = operation.operation_id
        op = self.meta[operation_id]
        silent = operation_id in SILENT
        audited = op.method != "get" and operation_id not in UNAUDITED
        wrapped = endpoint(
            self.handler(operation_id),
            op.requirement,
            write=op.method != "get",
            silent=silent,
            guard=self.guard(operation_id),
            trail=auditing.Trail(operation_id, op.tag, op.requirement) if audited else None,
        )
        return Resolution(wrapped, operation_id)


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


def endpoint(
    func: Handler,
    requirement: authz.Requirement,
    *,
    write: bool,
    silent: bool,
    guard: safe_writes.Guard,
    trail: auditing.Trail | None = None,
) -> Handler:
    """Wrap a handler: one transaction, the requester identified, the scopes
    checked, and the operation's ETags, preconditions and idempotency key
    weighed (``guard``).

    A synchronous handler runs inside that transaction. A coroutine handler
    (one that waits, e.g. for a server to start) runs after it, and opens its
    own short transactions with :meth:`hub.runtime.Hub.transact`.

    With a ``trail``, the request is recorded in the audit log: a
    synchronous handler's success in its own transaction (the change and
    its record commit together); a refusal, whether by the handler or before
    it (an unknown credential, a scope not held), and a coroutine handler's
    outcome, in a transaction of their own once the answer is known.
    """
    is_async = inspect.iscoroutinefunction(func)
    strict = getattr(func, "hub_serializable", False)

    def run(inline: bool, refreshed: bool | None, witness: auditing.Witness, args: Any, kwargs: Any) -> Any:
        hub = current()
        info = connexion_context.get("token_info") or {}
        credential = info.get("token")
        presented = None
        if credential is None and "cookie" in info:
            presented = hub.sessions.read(info["cookie"], connexion_request)
            if presented is None:
                raise Forbidden(None if silent else MISSING_CREDENTIALS)
            xsrf.check(connexion_request)

        def attempt(tx: Transaction) -> tuple[Any, Any]:
            # run again from the start when it loses to a concurrent write
            # (hub.db.engine.Database.run): nothing here but database work
            identity = None
            activity = None
            if credential is not None or presented is not None:
                if presented is not None:
                    found = identify.identify_cookie(tx.conn, presented, hub)
                else:
                    found = identify.identify(tx.conn, str(credential), hub)
                if found is None:
                    raise Forbidden(None if silent else MISSING_CREDENTIALS)
                identity, activity = found
                witness.identity = identity
                access_log.requester(identity.kind, identity.name)
                if identity.refresh_due and refreshed is None:
                    raise RefreshDue(identity.id, by_token=identity.token_id is not None)
                authz.check(requirement, identity, kwargs, tx.conn)
            token = enter(RequestContext(hub, tx, identity, connexion_request, refreshed, witness))
            try:
                if is_async:
                    return (identity, guard.prepare(kwargs)), activity
                result = guard.run(lambda: func(*args, **kwargs), kwargs)
            finally:
                leave(token)
            if trail is not None:
                outcome = auditing.status_of(result)
                audit.record(tx.conn, trail.entry(witness, kwargs, outcome, connexion_request))
            return result, activity

        # a coroutine handler's first transaction writes only to claim an idempotency key
        first_writes = write and (not is_async or guard.claims(connexion_request.headers))
        result, activity = hub.db.run(
            attempt, write=first_writes, inline=inline, serializable=strict and not is_async
        )
        if activity is not None:
            hub.db.run(lambda tx: identify.record(tx.conn, hub, activity), inline=inline)
        return result

    async def once(refreshed: bool | None, witness: auditing.Witness, args: Any, kwargs: Any) -> Any:
        if current().db.is_sqlite:
            # SQLite answers in microseconds and, with one transaction at a time
            # per process, never waits on a lock held by this process: running
            # inline avoids a thread hop and the GIL hand-offs it causes
            return run(True, refreshed, witness, args, kwargs)
        return await anyio.to_thread.run_sync(run, False, refreshed, witness, args, kwargs)

    async def in_transaction(witness: auditing.Witness, args: Any, kwargs: Any) -> tuple[Any, bool | None]:
        """The result, and whether a login was refreshed first (None: no refresh ran)."""
        try:
            return await once(None, witness, args, kwargs), None
        except RefreshDue as due:
            refreshed = await refresh(due, silent)
        return await once(refreshed, witness, args, kwargs), refreshed

    async def answer(witness: auditing.Witness, args: Any, kwargs: Any) -> Any:
        if not is_async:
            result, _ = await in_transaction(witness, args, kwargs)
            return result
        (identity, prepared), refreshed = await in_transaction(witness, args, kwargs)
        if isinstance(prepared, safe_writes.Replay):
            result = prepared.result  # the first request's answer: nothing runs again
        else:
            hub = current()
            token = enter(RequestContext(hub, None, identity, connexion_request, refreshed, witness))
            result = None
            try:
                result = await func(*args, **kwargs)
            finally:
                if isinstance(prepared, safe_writes.Claim):
                    await guard.settle(prepared, result, hub.transact)
                leave(token)
        if trail is not None:
            outcome = auditing.status_of(result)
            entry = trail.entry(witness, kwargs, outcome, connexion_request)
            await trail.after(entry, identified=witness.identified)
        return result

    @functools.wraps(func)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        witness = auditing.Witness()
        try:
            return await answer(witness, args, kwargs)
        except Exception as e:
            if trail is not None:
                await trail.failed(e, witness, kwargs, connexion_request)
            raise

    return wrapper
