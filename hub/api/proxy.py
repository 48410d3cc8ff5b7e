"""Operations tagged ``proxy``: answered once the hub drives a proxy (501 until then)."""

from __future__ import annotations

from typing import Any

from hub.errors import NotImplementedYet

FEATURE = "the proxy's routing table"


def get_proxy(**_: Any) -> Any:
    raise NotImplementedYet(FEATURE)


def post_proxy(**_: Any) -> Any:
    raise NotImplementedYet(FEATURE)


def patch_proxy(**_: Any) -> Any:
    raise NotImplementedYet(FEATURE)
