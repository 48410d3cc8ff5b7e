"""API tokens: issue, list, revoke, and the memo of verified tokens.

Finding a token (``hub.api.identify``) is on the path of every request: a
token is found by its 4-character prefix and checked against each
candidate's salted hash in constant time. Once a token has been verified, the
process remembers its SHA-256 fingerprint with the row id and stored hash
(:class:`VerifiedTokens`), so the next request with the same token costs one
SHA-256 and one primary-key lookup; tokens from configuration (16,384 hash
rounds) benefit most. The memo holds no secret and no state another worker
needs: a revoked or expired token is refused because its row is gone or
expired, which is read from the database every time.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, func, or_, select, update
from sqlalchemy.orm import Session

from hub.auth import hashing
from hub.db.models import APIToken, User
from hub.errors import BadRequest, Forbidden, NotFound
from hub.timeutil import utcnow

MIN_SUPPLIED_LENGTH = 8


class VerifiedTokens:
    """A bounded memo: fingerprint -> (row id, stored hash)."""

    def __init__(self, size: int = 20000) -> None:
        self.size = size
        self._entries: OrderedDict[str, tuple[int, str]] = OrderedDict()

    def get(self, fingerprint: str) -> tuple[int, str] | None:
        hit = self._entries.get(fingerprint)
        if hit is not None:
            self._entries.move_to_end(fingerprint)
        return hit

    def put(self, fingerprint: str, token_id: int, hashed: str) -> None:
        self._entries[fingerprint] = (token_id, hashed)
        self._entries.move_to_end(fingerprint)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def drop(self, fingerprint: str) -> None:
        self._entries.pop(fingerprint, None)


def issue(
    session: Session,
    *,
    user_id: int | None = None,
    service_id: int | None = None,
    scopes: list[str] | None = None,
    expires_in: int | None = None,
    note: str = "",
    value: str | None = None,
    rounds: int = hashing.GENERATED_ROUNDS,
) -> tuple[APIToken, str]:
    """Store a new token (hashed) and return it with its value."""
    if value is None:
        value = hashing.new_token()
    now = utcnow()
    row = APIToken(
        prefix=hashing.prefix_of(value),
        hashed=hashing.hash_token(value, rounds),
        user_id=user_id,
        service_id=service_id,
        note=note,
        created=now,
        expires_at=now + timedelta(seconds=expires_in) if expires_in else None,
        scopes=list(scopes) if scopes is not None else ["inherit"],
        client_id="jupyterhub",
    )
    session.add(row)
    session.flush()
    return row, value


def exists(session: Session, value: str) -> APIToken | None:
    """The stored token with this value, expired or not."""
    for row in (
        session.execute(select(APIToken).where(APIToken.prefix == hashing.prefix_of(value)))
    ).scalars():
        if hashing.verify(value, row.hashed):
            return row
    return None


def for_user(session: Session, user_id: int) -> list[APIToken]:
    """A user's unexpired tokens, least recently used first.

    Expired tokens are left for :func:`purge_expired` (at start-up), so that
    reading stays read-only."""
    now = utcnow()
    query = select(APIToken).where(
        APIToken.user_id == user_id, or_(APIToken.expires_at.is_(None), APIToken.expires_at >= now)
    )
    rows = session.execute(query).scalars().all()
    return sorted(rows, key=lambda t: (t.last_activity or t.created, t.id))


def check_cap(session: Session, user: User, cap: int) -> None:
    """Refuse a new token for ``user`` who already holds ``cap`` unexpired
    tokens (``JupyterHub.max_tokens_per_user``; 0: no cap). The caller's
    transaction is serializable: it counts, then inserts."""
    if not cap:
        return
    held = session.execute(
        select(func.count(APIToken.id)).where(
            APIToken.user_id == user.id, or_(APIToken.expires_at.is_(None), APIToken.expires_at >= utcnow())
        )
    ).scalar_one()
    if held >= cap:
        raise Forbidden(
            f"User {user.name} already has the maximum of {cap} tokens; revoke one before requesting another"
        )


def parse_id(token_id: str) -> int | None:
    if not token_id.startswith("a") or not token_id[1:].isdigit() or len(token_id) > 19:
        return None
    return int(token_id[1:])


def user_token(session: Session, user: User, token_id: str) -> APIToken:
    number = parse_id(token_id)
    row = None
    if number is not None:
        row = (
            session.execute(select(APIToken).where(APIToken.id == number, APIToken.user_id == user.id))
        ).scalar_one_or_none()
    if row is None or (row.expires_at is not None and row.expires_at < utcnow()):
        raise NotFound(f"No such token {token_id} for user {user.name}")
    return row


def revoke(session: Session, row: APIToken) -> None:
    if row.client_id != "jupyterhub" and row.user_id is not None:
        # tokens issued by one OAuth client go together
        session.execute(
            delete(APIToken).where(APIToken.user_id == row.user_id, APIToken.client_id == row.client_id)
        )
    else:
        session.delete(row)
    session.flush()


def touch(conn: Connection, token_id: int, now: datetime, resolution: timedelta) -> None:
    conn.execute(
        update(APIToken)
        .where(APIToken.id == token_id)
        .where(or_(APIToken.last_activity.is_(None), APIToken.last_activity < now - resolution))
        .values(last_activity=now)
    )


def purge_expired(session: Session) -> int:
    result = session.execute(delete(APIToken).where(APIToken.expires_at < utcnow()))
    return int(getattr(result, "rowcount", 0) or 0)


def check_expires_in(expires_in: int | None, max_seconds: int) -> int | None:
    # absent, null and 0 all mean "no particular lifetime": the maximum, if any
    if not expires_in:
        return max_seconds or None
    if expires_in < 0:
        raise BadRequest(f"token expires_in must be null or a positive integer, not {expires_in}")
    if max_seconds and expires_in > max_seconds:
        raise BadRequest(f"token expires_in: {expires_in} must not exceed {max_seconds}")
    return expires_in
