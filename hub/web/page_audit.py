"""The audit records of changes made from the browser pages (:mod:`hub.core.audit`).

A page that changes something (issues or revokes a token, starts or stops a
server, accepts a share code) says so with :func:`begin` before its first
check, naming the change as the API names it: the operationId of the
operation that does the same (``post-user-tokens``, ``delete-user-server-name``,
...) or a type of the pages' own (:data:`hub.core.audit.ACCEPT_SHARE`), and
the resource as the API's records write it (``user:alice``,
``server:alice/gpu``). ``GET /audit?resource=...`` then finds a page's change
next to the API's; the method and path tell them apart.

A change written in a transaction records itself there (:meth:`Change.record`),
so that the change and its record commit together. Otherwise :func:`audited`
records it once the page has answered, with the answer's status: a redirect
for a change made, the status of the error page for a refusal (a form whose
``_xsrf`` does not match, someone else's server, a token that is not theirs).

The record holds what an API record holds, never a form's field: no token,
share code or cookie reaches it.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response

from hub import access_log
from hub.core import audit
from hub.db.models import User
from hub.errors import HubError
from hub.runtime import current

log = logging.getLogger(__name__)

Page = Callable[[Request, User], Awaitable[Response]]


@dataclass
class Change:
    """The change one page request attempts, until it is recorded."""

    entry: audit.Entry  # its outcome is filled in when known
    recorded: bool = False

    def about(self, resource: str | None) -> None:
        """Name the resource once the page has found it (a share code's server)."""
        self.entry = replace(self.entry, resource=resource)

    def record(self, conn: Connection, outcome: int) -> None:
        """Record the change in the caller's transaction, with the answer's status."""
        audit.record(conn, replace(self.entry, outcome=outcome))
        self.recorded = True


def begin(request: Request, user: User, type: str, resource: str | None) -> Change:
    """The change this request is about to attempt, made by ``user`` in a browser session."""
    method, path, address = access_log.request_facts(request.method, request.url.path, request.scope)
    entry = audit.Entry(
        type=type,
        method=method,
        path=path,
        outcome=0,
        actor_kind="user",
        actor_name=user.name,
        resource=resource,
        address=address,
    )
    change = Change(entry)
    request.state.audit_change = change
    return change


def audited(page: Page) -> Page:
    """Record the change the page began (if any) and did not record itself,
    with the status it answered (an error of the hub: that error's status)."""

    @functools.wraps(page)
    async def wrapper(request: Request, user: User) -> Response:
        try:
            response = await page(request, user)
        except HubError as e:
            # a record written in the transaction that failed went with it
            await _settle(request, e.status, failed=True)
            raise
        await _settle(request, response.status_code, failed=False)
        return response

    return wrapper


async def _settle(request: Request, outcome: int, failed: bool) -> None:
    change: Change | None = getattr(request.state, "audit_change", None)
    if change is None or (change.recorded and not failed):
        return
    try:
        await current().transact(lambda s: change.record(s.connection(), outcome))
    except Exception:
        # the answer is decided: failing to record it must not turn it into another one
        log.exception("Could not write the audit record of %s (%d)", change.entry.type, outcome)
