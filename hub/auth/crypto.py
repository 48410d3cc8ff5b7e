"""Encryption of auth_state at rest. A leaf module.

Keys come from ``$JUPYTERHUB_CRYPT_KEY``, as in JupyterHub: one or more
32-byte keys, each written as hex or base64, separated by ``;``. The first key
encrypts; every key decrypts, so a new key goes in front and old ones stay
behind it until every row has been written again (key rotation).
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from typing import Any

KEY_ENV = "JUPYTERHUB_CRYPT_KEY"


class CryptKeyError(ValueError):
    """A key in ``$JUPYTERHUB_CRYPT_KEY`` is not 32 bytes of hex or base64."""


def _decode_key(text: str) -> bytes:
    for decode in (bytes.fromhex, base64.b64decode, base64.urlsafe_b64decode):
        try:
            key = decode(text)
        except (ValueError, binascii.Error):
            continue
        if len(key) == 32:
            return bytes(key)
    raise CryptKeyError(f"{KEY_ENV} must hold 32-byte keys, as hex or base64, separated by ';'")


def parse_keys(text: str) -> list[bytes]:
    return [_decode_key(part.strip()) for part in text.replace(",", ";").split(";") if part.strip()]


def derived(secret: bytes, purpose: str) -> Crypter:
    """A Crypter whose key is derived from a hub secret (the cookie secret)
    for one purpose: what the hub keeps encrypted when no
    ``JUPYTERHUB_CRYPT_KEY`` is set. Every process derives the same key."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode()).derive(secret)
    return Crypter([key])


class Crypter:
    """Encrypts and decrypts JSON values with the configured keys."""

    def __init__(self, keys: list[bytes]) -> None:
        self.keys = keys
        self._fernet: Any = None
        if keys:
            from cryptography.fernet import Fernet, MultiFernet

            self._fernet = MultiFernet([Fernet(base64.urlsafe_b64encode(k)) for k in keys])

    @classmethod
    def from_env(cls) -> Crypter:
        return cls(parse_keys(os.environ.get(KEY_ENV, "")))

    @property
    def enabled(self) -> bool:
        return self._fernet is not None

    def encrypt(self, value: Any) -> bytes:
        if self._fernet is None:
            raise CryptKeyError(f"no encryption key: set {KEY_ENV}")
        token: bytes = self._fernet.encrypt(json.dumps(value).encode())
        return token

    def decrypt(self, data: bytes | None) -> Any:
        """The stored value, or None when there is none or no key opens it."""
        if data is None or self._fernet is None:
            return None
        from cryptography.fernet import InvalidToken

        try:
            return json.loads(self._fernet.decrypt(bytes(data)))
        except (InvalidToken, ValueError):
            return None
