"""Operations tagged ``audit``: reading the audit log (it is written by the
resolver and the login pages; nothing here or anywhere changes a record)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row

from hub.api.common import current_page
from hub.api.context import ctx
from hub.api.pagination import wrap
from hub.core import audit as core
from hub.errors import BadRequest
from hub.timeutil import isoformat, parse_timestamp


def _model(row: Row[Any]) -> dict[str, Any]:
    return {
        "id": row.id,
        "at": isoformat(row.at),
        "actor_kind": row.actor_kind,
        "actor": row.actor_name,
        "token_id": f"a{row.token_id}" if row.token_id is not None else None,
        "type": row.type,
        "method": row.method,
        "path": row.path,
        "resource": row.resource,
        "address": row.address,
        "outcome": row.outcome,
    }


def _moment(name: str, text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        return parse_timestamp(text)
    except (ValueError, OverflowError):
        raise BadRequest(f"{name} is not a timestamp: {text}") from None


def get_audit(
    actor: str | None = None,
    actor_kind: str | None = None,
    resource: str | None = None,
    type: str | None = None,
    since: str | None = None,
    until: str | None = None,
    order: str = "newest",
    offset: int | None = None,
    after: int | None = None,
    limit: int | None = None,
) -> Any:
    c = ctx()
    start, end = _moment("since", since), _moment("until", until)
    if start is not None and end is not None and start > end:
        raise BadRequest(f"since ({since}) is later than until ({until}): no record can match")
    f = core.Filter(actor, actor_kind, resource, type, start, end, newest_first=order != "oldest")
    p = current_page(offset, limit)
    total, rows, more = core.page(c.conn, f, p.offset, p.limit, after)
    last = rows[-1].id if rows else None
    return wrap([_model(r) for r in rows], p, total, c.request.url, last, more)
