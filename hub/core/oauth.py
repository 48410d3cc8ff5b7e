"""The OAuth 2 provider: clients, authorization codes, access tokens.

Clients are the single-user servers (registered when a server starts,
removed when it stops, with the server's token as their secret) and the
services that have a URL or OAuth settings. A code is single use, lives five
minutes and is stored hashed; exchanging it gives an access token that is an
ordinary API token of the user, tied to the client and the browser session
(logging out revokes it).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import string
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from hub.auth import hashing
from hub.auth import scopes as sc
from hub.auth.identity import owner_scopes
from hub.core import roles, tokens
from hub.db.models import APIToken, OAuthClient, OAuthCode, User
from hub.names import url_name
from hub.timeutil import utcnow

CODE_LIFETIME = timedelta(seconds=300)
IDENTIFY = ("read:users:name!user", "read:users:groups!user")
_ALPHABET = string.ascii_letters + string.digits


class OAuthError(Exception):
    """An error of the token endpoint, answered in OAuth's shape."""

    def __init__(self, status: int, error: str, description: str | None = None) -> None:
        super().__init__(description or error)
        self.status, self.error, self.description = status, error, description


def server_client_id(user: str, server_name: str) -> str:
    base = f"jupyterhub-user-{url_name(user)}"
    return base + (f"-{url_name(server_name)}" if server_name else "")


def register(
    session: Session,
    identifier: str,
    secret: str,
    redirect_uri: str,
    description: str,
    allowed_scopes: list[str],
    rounds: int = hashing.GENERATED_ROUNDS,
) -> OAuthClient:
    """Create or update a client (the secret is stored hashed)."""
    client = session.execute(
        select(OAuthClient).where(OAuthClient.identifier == identifier)
    ).scalar_one_or_none()
    if client is None:
        client = OAuthClient(identifier=identifier, created=utcnow())
        session.add(client)
    if client.secret is None or not hashing.verify(secret, client.secret):
        client.secret = hashing.hash_token(secret, rounds)
    client.redirect_uri = redirect_uri
    client.description = description
    client.allowed_scopes = list(allowed_scopes)
    session.flush()
    return client


def remove(session: Session, identifier: str) -> None:
    """Forget a client, its codes and the tokens it issued."""
    session.execute(delete(APIToken).where(APIToken.client_id == identifier))
    session.execute(delete(OAuthCode).where(OAuthCode.client_id == identifier))
    session.execute(delete(OAuthClient).where(OAuthClient.identifier == identifier))


def client(session: Session, identifier: str) -> OAuthClient | None:
    return session.execute(
        select(OAuthClient).where(OAuthClient.identifier == identifier)
    ).scalar_one_or_none()


def user_scopes(session: Session, user: User) -> sc.ScopeSet:
    raw, _, _ = roles.user_role_scopes(session.connection(), user.id)
    return sc.ScopeSet(owner_scopes(frozenset(raw), sc.Owner("user", user.name)))


def holds(held: sc.ScopeSet, scope: str, groups: frozenset[str]) -> bool:
    """Whether ``held`` covers one filtered scope such as ``access:servers!server=alice/``."""
    name, flt = sc.parse(scope)
    filters = held.filters(name)
    if filters is None:
        return False
    if filters == sc.ALL:
        return True
    if flt is None:
        return False
    assert isinstance(filters, frozenset)
    kind, value = flt
    return any(sc.filter_matches(f, kind, value, lambda _u: groups) for f in filters)


def access_scopes(client: OAuthClient) -> list[str]:
    return [s for s in client.allowed_scopes if s.startswith("access:")]


def requested_scopes(client: OAuthClient, scope_param: str | None) -> list[str]:
    """The scopes a code will carry; raises ValueError for scopes the client may not ask for."""
    asked = [s for s in (scope_param or "").split() if s and s != "identify"]
    allowed = set(client.allowed_scopes) | set(IDENTIFY)
    outside = [s for s in asked if s not in allowed]
    if outside:
        raise ValueError(f"scopes not allowed for this client: {' '.join(outside)}")
    chosen = asked or list(client.allowed_scopes)
    return sorted(set(chosen) | set(IDENTIFY) | set(access_scopes(client)))


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def issue_code(
    session: Session,
    client: OAuthClient,
    user: User,
    scopes: list[str],
    redirect_uri: str,
    session_id: str | None,
    code_challenge: str | None,
    code_challenge_method: str | None,
) -> str:
    code = "".join(secrets.choice(_ALPHABET) for _ in range(30))
    session.add(
        OAuthCode(
            hashed=_code_hash(code),
            client_id=client.identifier,
            user_id=user.id,
            scopes=scopes,
            redirect_uri=redirect_uri,
            session_id=session_id,
            code_challenge=code_challenge,
            code_challenge_method=code_challenge_method or ("plain" if code_challenge else None),
            expires_at=utcnow() + CODE_LIFETIME,
        )
    )
    session.flush()
    return code


def _pkce_ok(challenge: str, method: str | None, verifier: str | None) -> bool:
    if not verifier:
        return False
    if method == "S256":
        digest = hashlib.sha256(verifier.encode()).digest()
        computed = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    else:
        computed = verifier
    return hmac.compare_digest(computed, challenge)


@dataclass(frozen=True)
class Grant:
    access_token: str
    expires_in: int
    scopes: list[str]


def exchange(
    session: Session,
    client_id: str,
    client_secret: str,
    code: str,
    redirect_uri: str | None,
    code_verifier: str | None,
    expires_in: int,
) -> Grant:
    """Trade a code for an access token (a user API token of the client)."""
    found = client(session, client_id)
    if found is None or not client_secret or not hashing.verify(client_secret, found.secret):
        raise OAuthError(401, "invalid_client")
    row = session.execute(select(OAuthCode).where(OAuthCode.hashed == _code_hash(code))).scalar_one_or_none()
    if row is None or row.client_id != client_id:
        raise OAuthError(400, "invalid_grant")
    session.delete(row)  # single use, whatever happens next
    session.flush()
    if row.expires_at < utcnow():
        raise OAuthError(400, "invalid_grant", "the code has expired")
    if redirect_uri is not None and redirect_uri != row.redirect_uri:
        raise OAuthError(400, "invalid_grant", "redirect_uri does not match")
    if row.code_challenge and not _pkce_ok(row.code_challenge, row.code_challenge_method, code_verifier):
        raise OAuthError(400, "invalid_grant", "code_verifier does not match")
    token, value = tokens.issue(
        session, user_id=row.user_id, scopes=list(row.scopes), expires_in=expires_in, note=""
    )
    token.client_id = client_id
    token.session_id = row.session_id
    session.flush()
    return Grant(value, expires_in, list(row.scopes))


def purge_expired_codes(session: Session) -> int:
    result = session.execute(delete(OAuthCode).where(OAuthCode.expires_at < utcnow()))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
