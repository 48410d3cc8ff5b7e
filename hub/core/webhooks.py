"""Webhooks: who receives which events, and the log of what was sent.

A webhook starts after the newest event at its creation. Its events become
deliveries as the process that holds the ``webhooks`` duty reads them
(:mod:`hub.api.webhook_delivery`); a delivery row holds the exact body sent,
so every attempt sends the same bytes. A webhook's deliveries go out in
event order, one at a time: the oldest pending one is tried (again, after
a back-off) until it is delivered or given up, and only then the next.

The HMAC key must be readable to sign with, so it is stored encrypted: with
``$JUPYTERHUB_CRYPT_KEY`` when set, else with a key derived from the cookie
secret (which every process of one hub shares).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from hub.auth.crypto import Crypter, derived
from hub.core import events
from hub.db.models import Webhook, WebhookDelivery
from hub.errors import BadRequest, NotFound
from hub.timeutil import utcnow

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
#: addresses that all mean this machine
_LOOPBACK = {"127.0.0.1", "localhost", "::1", "0.0.0.0", "::", ""}


def secret_box(crypter: Crypter, cookie_secret: bytes) -> Crypter:
    """What encrypts webhook secrets: the auth_state keys, or one derived from the cookie secret."""
    return crypter if crypter.enabled else derived(cookie_secret, "hub webhook secrets")


def _kinds() -> set[str]:
    return set(events.TYPES)


def check_patterns(patterns: Sequence[str]) -> list[str]:
    """Event types, ``kind.*`` or ``*``; 400 for anything else."""
    for pattern in patterns:
        if pattern == "*" or pattern in events.ALL_TYPES:
            continue
        if pattern.endswith(".*") and pattern[:-2] in _kinds():
            continue
        raise BadRequest(
            f"Unknown event type: {pattern!r} (a type such as user.created, a resource's every type "
            "such as server.*, or *)"
        )
    return list(dict.fromkeys(patterns))


def matches(patterns: Sequence[str], type_: str) -> bool:
    return any(p == "*" or p == type_ or (p.endswith(".*") and type_.startswith(p[:-1])) for p in patterns)


def check_url(url: str, own: Sequence[tuple[str, int]]) -> str:
    """An http(s) URL that is not the hub itself (``own``: its addresses)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise BadRequest(f"Invalid webhook URL: {url!r}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadRequest(f"A webhook URL must be http or https with a host: {url!r}")
    host = parts.hostname.lower()
    port = port or (443 if parts.scheme == "https" else 80)
    for own_host, own_port in own:
        same_host = host == own_host.lower() or (host in _LOOPBACK and own_host.lower() in _LOOPBACK)
        if same_host and port == own_port:
            raise BadRequest(f"A webhook URL may not point at the hub itself: {url!r}")
    return url


@dataclass(frozen=True)
class Created:
    webhook: Webhook
    secret: str


def create(
    session: Session,
    body: dict[str, Any],
    creator: str,
    scopes: Sequence[str],
    own: Sequence[tuple[str, int]],
    box: Crypter,
) -> Created:
    url = check_url(body["url"], own)
    patterns = check_patterns(body["events"])
    secret = body.get("secret") or secrets.token_hex(32)
    newest = events.horizon(session.connection()).last
    hook = Webhook(
        url=url,
        events=patterns,
        encrypted_secret=box.encrypt(secret),
        created=utcnow(),
        created_by=creator,
        scopes=sorted(scopes),
        cursor=newest,
    )
    session.add(hook)
    session.flush()
    return Created(hook, secret)


def require(session: Session, webhook_id: int) -> Webhook:
    hook = session.get(Webhook, webhook_id)
    if hook is None:
        raise NotFound(f"No such webhook: {webhook_id}")
    return hook


def page(session: Session, offset: int, limit: int) -> tuple[int, list[Webhook]]:
    total = session.execute(select(func.count(Webhook.id))).scalar_one()
    rows = session.execute(select(Webhook).order_by(Webhook.id).offset(offset).limit(limit)).scalars()
    return total, list(rows)


def remove(session: Session, webhook_id: int) -> None:
    session.delete(require(session, webhook_id))
    session.flush()


def deliveries(
    session: Session, webhook_id: int, offset: int, limit: int
) -> tuple[int, list[WebhookDelivery]]:
    require(session, webhook_id)
    where = WebhookDelivery.webhook_id == webhook_id
    total = session.execute(select(func.count(WebhookDelivery.id)).where(where)).scalar_one()
    rows = session.execute(
        select(WebhookDelivery).where(where).order_by(WebhookDelivery.id.desc()).offset(offset).limit(limit)
    ).scalars()
    return total, list(rows)


# --- for the process that delivers ------------------------------------------------------


def all_hooks(session: Session) -> list[Webhook]:
    return list(session.execute(select(Webhook).order_by(Webhook.id)).scalars())


def queue(session: Session, webhook_id: int, cursor: int, new: Sequence[tuple[int, str, str]]) -> None:
    """Record deliveries ``(event id, type, body)`` and move the webhook's cursor
    to ``cursor`` (only forward: another delivering process may have moved it)."""
    moved = session.execute(
        update(Webhook).where(Webhook.id == webhook_id, Webhook.cursor < cursor).values(cursor=cursor)
    ).rowcount  # type: ignore[attr-defined]
    if not moved:
        return  # deleted, or already queued by the process that held the duty before
    now = utcnow()
    session.add_all(
        WebhookDelivery(
            webhook_id=webhook_id,
            event_id=event_id,
            type=type_,
            body=body,
            status=PENDING,
            attempts=0,
            next_attempt=now,
            created=now,
        )
        for event_id, type_, body in new
    )


@dataclass(frozen=True)
class Due:
    delivery_id: int
    webhook_id: int
    url: str
    encrypted_secret: bytes
    type: str
    body: str
    attempts: int


def heads(session: Session) -> tuple[list[Due], datetime | None]:
    """The oldest pending delivery of each webhook that is due now, and when
    the next of those not due yet is."""
    oldest = (
        select(func.min(WebhookDelivery.id))
        .where(WebhookDelivery.status == PENDING)
        .group_by(WebhookDelivery.webhook_id)
    )
    rows = session.execute(
        select(WebhookDelivery, Webhook.url, Webhook.encrypted_secret)
        .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
        .where(WebhookDelivery.id.in_(oldest))
    ).all()
    now = utcnow()
    due: list[Due] = []
    later: datetime | None = None
    for delivery, url, secret in rows:
        when = delivery.next_attempt or now
        if when <= now:
            due.append(
                Due(
                    delivery.id,
                    delivery.webhook_id,
                    url,
                    secret,
                    delivery.type,
                    delivery.body,
                    delivery.attempts,
                )
            )
        elif later is None or when < later:
            later = when
    return due, later


def record(
    session: Session,
    delivery_id: int,
    status: int | None,
    error: str | None,
    retry_base: float,
    max_attempts: int,
) -> bool:
    """Record an attempt's outcome; True when it was delivered."""
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None:
        return False  # its webhook was deleted meanwhile
    now = utcnow()
    delivery.attempts += 1
    delivery.last_status = status
    delivery.last_error = error
    ok = error is None and status is not None and 200 <= status < 300
    if ok:
        delivery.status, delivery.finished, delivery.next_attempt = DELIVERED, now, None
    elif delivery.attempts >= max_attempts:
        delivery.status, delivery.finished, delivery.next_attempt = FAILED, now, None
    else:
        delivery.next_attempt = now + timedelta(seconds=min(retry_base * 2 ** (delivery.attempts - 1), 3600))
    return ok


def trim(session: Session, keep: timedelta) -> None:
    """Forget finished deliveries older than ``keep`` (as events are)."""
    session.execute(
        delete(WebhookDelivery).where(
            WebhookDelivery.status != PENDING, WebhookDelivery.finished < utcnow() - keep
        )
    )
