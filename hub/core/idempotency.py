"""Idempotency keys: the first answer to a create, kept for a day.

A client that lost the answer to a create (a timeout, a dropped connection)
sends it again with the same ``Idempotency-Key``; the hub answers from the
record made by the first request instead of acting again. A record is
written in the transaction of the action it records, so both commit or
neither does; two requests racing with one key meet on the unique
constraint (``requester``, ``key``), and the loser, run again, finds the
winner's record (:meth:`hub.db.engine.Database.run`).

Records older than :data:`LIFETIME` count for nothing: the lookup deletes an
expired record of the key it reads, and the hourly purge (done by the one
hub process holding the ``purge`` duty, :mod:`hub.core.duties`) deletes the
rest. What a record's body holds, and how it is kept, is the API edge's
business (:mod:`hub.api.safe_writes`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.orm import Session

from hub.db.models import IdempotencyKey

LIFETIME = timedelta(hours=24)


@dataclass(frozen=True)
class Record:
    """What the first request with a key was, and how it was answered."""

    operation: str
    path: str
    fingerprint: str
    #: None while the first request is still running (a coroutine handler)
    status: int | None
    body_form: str
    body: bytes | None


def find(conn: Connection, requester: str, key: str, now: datetime) -> Record | None:
    """The live record of ``key`` for this requester (an expired one is deleted)."""
    t = IdempotencyKey
    mine = (t.requester == requester, t.key == key)
    conn.execute(delete(t).where(*mine, t.created < now - LIFETIME))
    row = conn.execute(
        select(t.operation, t.path, t.fingerprint, t.status, t.body_form, t.body).where(*mine)
    ).one_or_none()
    return Record(*row) if row is not None else None


def record(
    conn: Connection,
    requester: str,
    key: str,
    request: tuple[str, str, str],
    answer: tuple[int | None, str, bytes | None],
    now: datetime,
) -> None:
    """Keep ``answer`` (status, body form, body) to ``request`` (operation,
    path, fingerprint); a status of None claims the key for a request still
    running. Raises IntegrityError when a concurrent request took the key."""
    operation, path, fingerprint = request
    status, body_form, body = answer
    conn.execute(
        insert(IdempotencyKey).values(
            requester=requester,
            key=key,
            operation=operation,
            path=path,
            fingerprint=fingerprint,
            status=status,
            body_form=body_form,
            body=body,
            created=now,
        )
    )


def complete(conn: Connection, requester: str, key: str, answer: tuple[int, str, bytes | None]) -> None:
    """The answer of a request that claimed its key while it ran."""
    status, body_form, body = answer
    conn.execute(
        update(IdempotencyKey)
        .where(IdempotencyKey.requester == requester, IdempotencyKey.key == key)
        .values(status=status, body_form=body_form, body=body)
    )


def release(conn: Connection, requester: str, key: str) -> None:
    """Give up a claimed key whose request failed: a retry acts afresh."""
    conn.execute(
        delete(IdempotencyKey).where(
            IdempotencyKey.requester == requester,
            IdempotencyKey.key == key,
            IdempotencyKey.status.is_(None),
        )
    )


def purge_expired(session: Session, now: datetime) -> int:
    result = session.execute(delete(IdempotencyKey).where(IdempotencyKey.created < now - LIFETIME))
    return int(getattr(result, "rowcount", 0) or 0)
