"""The failed-login limit (:mod:`hub.core.login_limits`) at the login pages.

The name a failure counts against is the one typed, normalized as the
authenticator normalizes names (``Alice`` and ``alice`` are one user); the
address is the one the audit log records (:func:`hub.access_log.client_address`).
"""

from __future__ import annotations

import logging
import unicodedata
from datetime import timedelta

from starlette.requests import Request

from hub import access_log
from hub.core import login_limits
from hub.runtime import Hub, current
from hub.timeutil import utcnow

log = logging.getLogger("hub.web")


def _policy(hub: Hub) -> login_limits.Policy:
    s = hub.settings
    return login_limits.Policy(s.failed_login_limit, timedelta(seconds=s.failed_login_window))


def _name_key(hub: Hub, typed: str | None) -> str:
    if not typed:
        return ""
    try:
        return str(hub.authenticator.normalize_username(typed))
    except Exception:  # a plugin's normalization refusing odd input: count it as typed
        return unicodedata.normalize("NFC", typed).lower()


def message(seconds: int) -> str:
    return f"Too many failed logins for this user name or from this address. Try again in {seconds} seconds."


async def wait(request: Request, typed: str | None) -> int | None:
    """Seconds the client must wait before trying ``typed`` again, or None when it may try now."""
    hub = current()
    policy = _policy(hub)
    if not policy.limit:
        return None
    name, address = _name_key(hub, typed), access_log.client_address(request.scope)
    seconds = await hub.transact(
        lambda s: login_limits.retry_after(s.connection(), policy, name, address, utcnow()), write=False
    )
    if seconds is not None:
        log.warning("Refused a login attempt: too many failures for the name or from %s", address or "?")
    return seconds


async def failed(request: Request, typed: str | None) -> None:
    hub = current()
    policy = _policy(hub)
    if policy.limit:
        name, address = _name_key(hub, typed), access_log.client_address(request.scope)
        await hub.transact(
            lambda s: login_limits.record_failure(s.connection(), policy, name, address, utcnow())
        )


async def succeeded(name: str) -> None:
    hub = current()
    if _policy(hub).limit:
        await hub.transact(lambda s: login_limits.clear(s.connection(), name))
