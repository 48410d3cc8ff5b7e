"""Operations tagged ``webhooks``."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from hub.api.common import current_page
from hub.api.context import ctx
from hub.api.pagination import wrap
from hub.core import webhooks as core
from hub.db.models import Webhook, WebhookDelivery
from hub.runtime import Hub
from hub.timeutil import isoformat


def _model(hook: Webhook) -> dict[str, Any]:
    return {
        "id": hook.id,
        "url": hook.url,
        "events": list(hook.events),
        "created": isoformat(hook.created),
        "created_by": hook.created_by,
    }


def _delivery(row: WebhookDelivery) -> dict[str, Any]:
    return {
        "id": row.id,
        "event_id": row.event_id,
        "type": row.type,
        "status": row.status,
        "attempts": row.attempts,
        "last_status": row.last_status,
        "last_error": row.last_error,
        "created": isoformat(row.created),
        "next_attempt": isoformat(row.next_attempt),
        "finished": isoformat(row.finished),
    }


def own_addresses(hub: Hub) -> list[tuple[str, int]]:
    """Where the hub answers: its own address, where others reach it, the proxy's public one."""
    s = hub.settings
    out = [s.hub_address()]
    for url in (s.hub_connect_host(), s.bind_url):
        parts = urlsplit(url)
        if parts.hostname:
            out.append((parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)))
    return out


def box(hub: Hub) -> Any:
    return core.secret_box(hub.crypter, hub.sessions.secret)


def get_webhooks(offset: int | None = None, limit: int | None = None) -> Any:
    c = ctx()
    p = current_page(offset, limit)
    total, rows = core.page(c.session, p.offset, p.limit)
    return wrap([_model(r) for r in rows], p, total, c.request.url)


def post_webhooks(body: dict[str, Any]) -> Any:
    c = ctx()
    me = c.me()
    created = core.create(
        c.session, body, f"{me.kind}:{me.name}", sorted(me.scopes.strings), own_addresses(c.hub), box(c.hub)
    )
    return {**_model(created.webhook), "secret": created.secret}, 201


def get_webhook(webhook_id: int) -> Any:
    return _model(core.require(ctx().session, webhook_id))


def delete_webhook(webhook_id: int) -> Any:
    core.remove(ctx().session, webhook_id)
    return None, 204


def get_webhook_deliveries(webhook_id: int, offset: int | None = None, limit: int | None = None) -> Any:
    c = ctx()
    p = current_page(offset, limit)
    total, rows = core.deliveries(c.session, webhook_id, p.offset, p.limit)
    return wrap([_delivery(r) for r in rows], p, total, c.request.url)
