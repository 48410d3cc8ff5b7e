"""What the resolver records of each state-changing request (:mod:`hub.core.audit`).

A :class:`Trail` is made once for each operation that is not a ``GET``,
when the spec is read; for each request it turns the requester, the path's
parameters and the outcome into a record. A successful synchronous
operation is recorded inside its own transaction
(:func:`hub.api.resolver.endpoint`); a failed one, and a coroutine
operation (which runs after its transaction), in a short transaction here.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy.exc import IntegrityError
from starlette.requests import Request
from starlette.responses import Response

from hub import access_log
from hub.api import authz
from hub.auth.identity import Identity
from hub.core import audit
from hub.errors import DatabaseUnavailable, HubError
from hub.runtime import current

log = logging.getLogger(__name__)


@dataclass
class Witness:
    """Who the requester turned out to be, kept for the record of a failure
    (the identity is found inside the transaction that failed)."""

    identity: Identity | None = None
    #: the browser's user, for an operation the spec leaves unauthenticated
    #: that acts for them (the OAuth confirmation): named by its handler
    browser_user: str | None = None

    @property
    def identified(self) -> bool:
        return self.identity is not None or self.browser_user is not None


def status_of(result: Any) -> int:
    """The status connexion answers a handler's return value with."""
    if isinstance(result, Response):
        return result.status_code
    body = result
    if isinstance(result, tuple):
        body = result[0]
        if len(result) >= 2 and isinstance(result[1], int):
            return int(result[1])
    return 204 if body is None else 200


def failure_status(error: BaseException) -> int | None:
    """The status a failure is answered with, when it is a refusal worth a
    record; None for the database being out of reach (nothing can be
    written) and for faults of the hub itself."""
    if isinstance(error, DatabaseUnavailable):
        return None
    if isinstance(error, HubError):
        return error.status
    if isinstance(error, IntegrityError):
        return 409  # as hub.app.server_error answers it
    return None


class Trail:
    """The records of one state-changing operation."""

    def __init__(self, operation_id: str, tag: str, requirement: authz.Requirement) -> None:
        self.operation_id = operation_id
        self.tag = tag
        self.requirement = requirement

    def resource(self, params: Mapping[str, Any]) -> str | None:
        """``user:alice``, ``server:alice/gpu``, ...: what the path names, as
        the operation's scope check reads it; None for a path that names
        nothing (``POST /users``: the names are in the body, which is never
        recorded)."""
        target = authz.resource_of(self.requirement, params)
        if target is not None:
            return f"{target[0]}:{target[1]}"
        if self.tag == "roles" and "name" in params:
            return f"role:{params['name']}"
        return None

    def entry(
        self, witness: Witness, params: Mapping[str, Any], outcome: int, request: Request
    ) -> audit.Entry:
        method, path, address = access_log.request_facts(request.method, request.url.path, request.scope)
        entry = audit.Entry(
            type=self.operation_id,
            method=method,
            path=path,
            outcome=outcome,
            resource=self.resource(params),
            address=address,
        )
        identity = witness.identity
        if identity is not None:
            return replace(
                entry, actor_kind=identity.kind, actor_name=identity.name, token_id=identity.token_id
            )
        if witness.browser_user is not None:
            return audit.as_user(entry, witness.browser_user)
        return entry

    async def after(self, entry: audit.Entry, identified: bool) -> None:
        """Write a record in a transaction of its own (a failure's, or a
        coroutine operation's). Failing to do so is logged: it must not turn
        the answer already decided into another one."""
        write = audit.record if identified or entry.outcome < 400 else audit.record_refusal
        try:
            await current().transact(lambda s: write(s.connection(), entry))
        except Exception:
            log.exception("Could not write the audit record of %s (%d)", entry.type, entry.outcome)

    async def failed(
        self, error: BaseException, witness: Witness, params: Mapping[str, Any], request: Request
    ) -> None:
        status = failure_status(error)
        if status is not None:
            await self.after(self.entry(witness, params, status, request), witness.identified)
