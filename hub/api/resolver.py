"""Map each operationId of the spec to its handler, wrapped with authorization.

``get-users`` (tag ``users``) resolves to :func:`hub.api.users.get_users`.
The wrapper checks the operation's scopes, then runs the handler inside one
database transaction: it commits when the handler returns and rolls back
when it raises, so a failed request leaves nothing half-written.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Awaitable, Callable
from typing import Any

from connexion.context import context as connexion_context
from connexion.context import request as connexion_request
from connexion.resolver import Resolution, Resolver

from hub.api import authz
from hub.api.context import RequestContext, enter, leave
from hub.runtime import current

Handler = Callable[..., Awaitable[Any]]


def handler_name(operation_id: str) -> str:
    return operation_id.replace("-", "_")


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
        return Resolution(endpoint(func, requirement, write=method != "get"), operation_id)


def endpoint(func: Handler, requirement: authz.Requirement, *, write: bool) -> Handler:
    @functools.wraps(func)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        hub = current()
        token_info = connexion_context.get("token_info") or {}
        identity = token_info.get("identity")
        async with hub.db.session(write=write) as session:
            if identity is not None:
                await authz.check(requirement, identity, kwargs, session)
            token = enter(RequestContext(hub, session, identity, connexion_request))
            try:
                return await func(*args, **kwargs)
            finally:
                leave(token)

    return wrapper
