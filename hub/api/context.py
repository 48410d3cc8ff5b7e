"""The context of the request being handled."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hub.auth.identity import Identity
from hub.runtime import Hub


@dataclass
class RequestContext:
    hub: Hub
    session: AsyncSession
    identity: Identity | None
    request: Any  # connexion's request: headers, url, query

    def me(self) -> Identity:
        """The requester (operations that reach a handler are authenticated)."""
        assert self.identity is not None
        return self.identity


_current: ContextVar[RequestContext] = ContextVar("hub_request")


def ctx() -> RequestContext:
    return _current.get()


def enter(context: RequestContext) -> Any:
    return _current.set(context)


def leave(token: Any) -> None:
    _current.reset(token)
