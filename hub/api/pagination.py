"""Offset/limit pagination, with JupyterHub's opt-in envelope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PAGINATION_MEDIA_TYPE = "application/jupyterhub-pagination+json"


@dataclass(frozen=True)
class Page:
    offset: int
    limit: int
    envelope: bool  # the client accepts the pagination media type


def wants_envelope(accept: str | None) -> bool:
    if not accept:
        return False
    return PAGINATION_MEDIA_TYPE in {part.strip().lower() for part in accept.split(",")}


def page(
    offset: int | None, limit: int | None, accept: str | None, default_limit: int, max_limit: int
) -> Page:
    envelope = wants_envelope(accept)
    if limit is None:
        limit = default_limit if envelope else max_limit
    return Page(offset=offset or 0, limit=max(1, min(limit, max_limit)), envelope=envelope)


def wrap(items: Any, p: Page, total: int, url: Any) -> dict[str, Any]:
    """The envelope; ``url`` is the request's URL (a Starlette ``URL``)."""
    next_page = None
    if p.offset + p.limit < total:
        nxt = p.offset + p.limit
        next_page = {
            "offset": nxt,
            "limit": p.limit,
            "url": str(url.include_query_params(offset=nxt, limit=p.limit)),
        }
    return {
        "items": items,
        "_pagination": {"offset": p.offset, "limit": p.limit, "total": total, "next": next_page},
    }
