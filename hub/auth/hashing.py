"""Token generation and hashing. A leaf module.

Stored tokens use JupyterHub's scheme: ``sha512:<rounds>:<salt>:<hexdigest>``,
where the digest is one SHA-512 over the salt followed by the token repeated
``rounds`` times. Generated tokens are random (128 bits), so one round is
enough; tokens that people chose (configuration) get 16,384 rounds.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid

PREFIX_LENGTH = 4
GENERATED_ROUNDS = 1
USER_SUPPLIED_ROUNDS = 16384
ALGORITHM = "sha512"


def new_token() -> str:
    """A new random token: 32 lowercase hex characters."""
    return uuid.uuid4().hex


def prefix_of(token: str) -> str:
    return token[:PREFIX_LENGTH]


def hash_token(token: str, rounds: int = GENERATED_ROUNDS, salt: str | None = None) -> str:
    salt = salt if salt is not None else secrets.token_hex(8)
    digest = _digest(token, rounds, salt)
    return f"{ALGORITHM}:{rounds}:{salt}:{digest}"


def _digest(token: str, rounds: int, salt: str) -> str:
    h = hashlib.new(ALGORITHM)
    h.update(salt.encode("utf8"))
    h.update(token.encode("utf8") * rounds)
    return h.hexdigest()


def verify(token: str, hashed: str) -> bool:
    """Constant-time check of ``token`` against a stored hash."""
    try:
        algorithm, rounds_text, salt, digest = hashed.split(":", 3)
        rounds = int(rounds_text)
    except ValueError:
        return False
    if algorithm != ALGORITHM or rounds < 1:
        return False
    return hmac.compare_digest(_digest(token, rounds, salt), digest)


def fingerprint(token: str) -> str:
    """A fast, unsalted digest used as a key of the verified-token cache.

    It never leaves the process and is never stored.
    """
    return hashlib.sha256(token.encode("utf8")).hexdigest()
