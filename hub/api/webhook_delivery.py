"""Sending events to webhooks: done by one hub process at a time (the
``webhooks`` duty, :mod:`hub.core.duties`).

The holder follows the process's event feed. For each webhook it reads the
events after the webhook's cursor, shapes each as the webhook's creator may
see it (its scopes when it made the webhook), and records the matching ones
as deliveries, moving the cursor in the same transaction. Then it sends
each webhook's oldest pending delivery, and records the outcome: delivered
on a ``2xx``, else tried again after a back-off that doubles, until
``webhook_max_attempts``. A process that takes the duty over carries on from
what the database says: a delivery that was sent but whose outcome was not
recorded (the process died in between) is sent again, so receivers should
treat ``X-Hub-Delivery`` as an idempotency key.

Each request carries ``X-Hub-Signature: t=UNIX_TIME,sha256=HEX``, HEX being
the HMAC-SHA256 of ``UNIX_TIME.`` and the body with the webhook's secret;
the receiver recomputes it, compares in constant time, and may refuse old
times (replays).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import time
from functools import partial
from typing import Any

import httpx

from hub import metrics
from hub.api import events as api_events
from hub.api.models import Shaper
from hub.api.webhooks import box
from hub.auth import scopes as sc
from hub.auth.identity import Identity
from hub.core import duties
from hub.core import events as core_events
from hub.core import webhooks as core
from hub.core.event_feed import Row
from hub.runtime import Hub
from hub.timeutil import utcnow

log = logging.getLogger(__name__)

#: how long a receiver has to answer
TIMEOUT_SECONDS = 10.0
#: the longest wait between looks at the database, without a wake-up
IDLE_SECONDS = 5.0
FAN_OUT_BATCH = 500


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},sha256={mac}"


def _events_after(session: Any, after: int) -> list[Row]:
    return core_events.after(session.connection(), after, FAN_OUT_BATCH)


class Dispatcher:
    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.client = httpx.AsyncClient(timeout=TIMEOUT_SECONDS, follow_redirects=False)
        self.box = box(hub)

    async def close(self) -> None:
        await self.client.aclose()

    def _shaper(self, hook: Any) -> Shaper:
        kind, _, name = hook.created_by.partition(":")
        identity = Identity(kind, 0, name, False, frozenset(), sc.ScopeSet(frozenset(hook.scopes)))
        return Shaper(identity, self.hub.base_prefix, self.hub.hub_prefix)

    async def fan_out(self) -> None:
        """Turn the events each webhook has not considered yet into deliveries."""
        transact = self.hub.transact
        for hook in await transact(core.all_hooks, write=False):
            cursor = hook.cursor
            shaper = self._shaper(hook)
            while True:
                rows = await transact(partial(_events_after, after=cursor), write=False)
                if not rows:
                    break
                new = []
                for row in rows:
                    if not core.matches(hook.events, row[2]):
                        continue
                    event = api_events.shape(shaper, row)
                    if event is not None:
                        new.append((row[0], row[2], json.dumps(event)))
                cursor = rows[-1][0]
                await transact(partial(core.queue, webhook_id=hook.id, cursor=cursor, new=new))
                if len(rows) < FAN_OUT_BATCH:
                    break

    async def send_due(self) -> float | None:
        """Send every delivery that is due (each webhook's in turn); seconds
        until the next retry is due (None: none is waiting)."""
        while True:
            due, later = await self.hub.transact(core.heads, write=False)
            if not due:
                return None if later is None else max(0.0, (later - utcnow()).total_seconds())
            await asyncio.gather(*(self._send(d) for d in due))

    async def _send(self, due: core.Due) -> None:
        s = self.hub.settings
        secret = self.box.decrypt(due.encrypted_secret)
        body = due.body.encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "hub-webhooks",
            "X-Hub-Event": due.type,
            "X-Hub-Delivery": str(due.delivery_id),
            "X-Hub-Signature": signature(str(secret), int(time.time()), body),
        }
        status: int | None = None
        error: str | None = None
        try:
            response = await self.client.post(due.url, content=body, headers=headers)
            status = response.status_code
            if not 200 <= status < 300:
                error = f"answered {status}"
        except httpx.HTTPError as e:
            error = f"{type(e).__name__}: {e}"[:500] or type(e).__name__
        delivered = await self.hub.transact(
            partial(
                core.record,
                delivery_id=due.delivery_id,
                status=status,
                error=error,
                retry_base=s.webhook_retry_seconds,
                max_attempts=s.webhook_max_attempts,
            )
        )
        if not delivered:
            metrics.inc(metrics.WEBHOOK_FAILURES)
            log.info("Webhook %d: delivery %d not delivered: %s", due.webhook_id, due.delivery_id, error)


async def deliver_forever(hub: Hub) -> None:
    """While this process holds the ``webhooks`` duty: queue and send deliveries,
    woken by new events and by retries coming due."""
    dispatcher: Dispatcher | None = None
    subscriber: Any = None
    try:
        while True:
            if duties.WEBHOOKS not in hub.duties_held:
                if subscriber is not None:
                    hub.event_feed.leave(subscriber)
                    subscriber = None
                await asyncio.sleep(1.0)
                continue
            if dispatcher is None:
                dispatcher = Dispatcher(hub)
            if subscriber is None:
                subscriber = await hub.event_feed.join()
            wait = IDLE_SECONDS
            try:
                await dispatcher.fan_out()
                later = await dispatcher.send_due()
                if later is not None:
                    wait = min(wait, max(0.05, later))
            except asyncio.CancelledError:
                raise
            except Exception as e:  # the database is away, most likely: try again soon
                log.warning("Delivering webhooks failed: %s", e)
            try:
                # (asyncio.timeout, not wait_for: on Python 3.11 a cancellation
                # arriving as wait_for's timeout fires can be lost, and the hub
                # would never finish stopping)
                async with asyncio.timeout(wait):
                    woken = await subscriber.batches.get()
            except TimeoutError:
                continue
            if woken is None:
                subscriber = None  # the feed ended it: join again
                continue
            while not subscriber.batches.empty():  # one look covers every wake-up so far
                if subscriber.batches.get_nowait() is None:
                    subscriber = None
                    break
    finally:
        if subscriber is not None:
            hub.event_feed.leave(subscriber)
        if dispatcher is not None:
            with contextlib.suppress(Exception):
                await dispatcher.close()
