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


def wrap(
    items: Any, p: Page, total: int, url: Any, after: int | str | None = None, more: bool | None = None
) -> dict[str, Any]:
    """The envelope; ``url`` is the request's URL (a Starlette ``URL``).

    ``after`` (the id of the page's last item, for lists that support it)
    goes into the next page's URL beside its offset: following ``next.url``
    then seeks to the next page, at the same cost however deep it is, while
    a client that builds URLs from ``next.offset`` keeps working. ``more``:
    whether a next page exists, for a list that knows (it read one row more
    than the page); else there is one while the offsets say so."""
    next_page = None
    if more if more is not None else p.offset + p.limit < total:
        nxt = p.offset + p.limit
        params: dict[str, Any] = {"offset": nxt, "limit": p.limit}
        if after is not None:
            params["after"] = after
        next_page = {"offset": nxt, "limit": p.limit, "url": str(url.include_query_params(**params))}
    return {
        "items": items,
        "_pagination": {"offset": p.offset, "limit": p.limit, "total": total, "next": next_page},
    }
