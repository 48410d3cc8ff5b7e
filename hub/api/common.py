"""Helpers shared by the handler modules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from hub.api.context import ctx
from hub.api.models import Shaper
from hub.api.pagination import PAGINATION_MEDIA_TYPE, Page, page, wrap
from hub.db.models import Group, Service, User
from hub.errors import BadRequest

JSON = "application/json"


def shaper() -> Shaper:
    c = ctx()
    crypter = c.hub.crypter

    def auth_state(user_id: int) -> Any:
        stored = c.conn.execute(select(User.encrypted_auth_state).where(User.id == user_id)).scalar()
        return crypter.decrypt(stored)

    return Shaper(c.me(), c.hub.base_prefix, c.hub.hub_prefix, auth_state)


def groups_query() -> Select[Group]:
    return select(Group).options(selectinload(Group.users), selectinload(Group.roles))


def services_query() -> Select[Service]:
    return select(Service).options(selectinload(Service.roles))


def current_page(offset: int | None, limit: int | None) -> Page:
    c = ctx()
    return page(
        offset, limit, c.request.headers.get("accept"), c.hub.page_default_limit, c.hub.page_max_limit
    )


def paged(
    items: Any,
    p: Page,
    total: int | Callable[[], int],
    after: int | str | None = None,
    more: bool | None = None,
    shown: int | None = None,
) -> Any:
    """The reply of a list operation: bare, or enveloped when the client asked
    (``after``: the position of the page's last row, for a keyset next URL;
    ``more``: whether a next page exists, when the list read one row beyond
    the page). ``total`` may be a function counting the list: it is called
    only when the envelope needs it and the page cannot tell it itself (the
    last page, or a first page that holds the whole list, ends at
    ``offset + shown``, ``shown`` being the rows the page read)."""
    if not p.envelope:
        return items, 200, {"Content-Type": JSON}
    envelope = wrap(items, p, _total(total, p, more, shown), ctx().request.url, after, more)
    return envelope, 200, {"Content-Type": PAGINATION_MEDIA_TYPE}


def _total(total: int | Callable[[], int], p: Page, more: bool | None, shown: int | None) -> int:
    if isinstance(total, int):
        return total
    if more is False and shown is not None and (shown or p.offset == 0):
        return p.offset + shown
    return total()


def flag(value: str | None) -> bool:
    """A query flag: present with any value but 0/false."""
    return value is not None and value.strip().lower() not in ("0", "false")


def as_object(body: Any, message: str) -> dict[str, Any]:
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise BadRequest(message)
    return body
