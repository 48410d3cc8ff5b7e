"""The context of the request being handled."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from hub.api.auditing import Witness
from hub.auth.identity import Identity
from hub.db.engine import Transaction
from hub.runtime import Hub


@dataclass
class RequestContext:
    hub: Hub
    tx: Transaction | None  # None for coroutine handlers, which open their own
    identity: Identity | None
    request: Any  # connexion's request: headers, url, query
    #: a login was refreshed (``refresh_user``) during this request: True when it
    #: still holds, False when it does not, None when no refresh ran
    refreshed: bool | None = None
    #: who the request's audit record names (:mod:`hub.api.auditing`)
    witness: Witness | None = None

    @property
    def conn(self) -> Connection:
        """The transaction's connection, for Core statements."""
        assert self.tx is not None
        return self.tx.conn

    @property
    def session(self) -> Session:
        """An ORM session in the same transaction (made on first use)."""
        assert self.tx is not None
        return self.tx.session

    def acting_for(self, user: str) -> None:
        """Name the browser's user as the requester in the audit record of an
        operation the spec leaves unauthenticated (its handler found them)."""
        if self.witness is not None:
            self.witness.browser_user = user

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
