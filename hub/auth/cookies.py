"""Signed cookie values and the cookie secret. A leaf module.

A signed value is ``<value>|<unix time>|<hex HMAC-SHA256 of name, value and
time>``: the name binds a value to the cookie it was issued for, the time
lets the reader refuse old ones, and the comparison is constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from pathlib import Path


def load_secret(configured: str, path: str) -> bytes:
    """The cookie secret: configured (hex), else ``$JPY_COOKIE_SECRET`` (hex),
    else the file at ``path``, created with a new secret (mode 0600) if missing."""
    text = configured or os.environ.get("JPY_COOKIE_SECRET", "")
    if text:
        return bytes.fromhex(text.strip())
    file = Path(path)
    if file.exists():
        if file.stat().st_mode & 0o077:
            raise PermissionError(f"{path} must not be readable by other users (chmod 600)")
        return bytes.fromhex(file.read_text().strip())
    secret = secrets.token_bytes(32)
    fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(secret.hex())
    return secret


def _mac(secret: bytes, name: str, value: str, issued: str) -> str:
    message = f"{name}|{value}|{issued}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def sign(secret: bytes, name: str, value: str, now: float | None = None) -> str:
    issued = str(int(now if now is not None else time.time()))
    return f"{value}|{issued}|{_mac(secret, name, value, issued)}"


def unsign(
    secret: bytes, name: str, signed: str | None, max_age: float, now: float | None = None
) -> str | None:
    """The value of a signed cookie, or None if it is forged, malformed or too old."""
    if not signed:
        return None
    try:
        value, issued, mac = signed.rsplit("|", 2)
        age = (now if now is not None else time.time()) - int(issued)
    except ValueError:
        return None
    if not hmac.compare_digest(mac, _mac(secret, name, value, issued)):
        return None
    if age > max_age or age < -60:
        return None
    return value
