"""Operations tagged ``proxy``: answered once the hub drives a proxy (501 until then)."""

from __future__ import annotations

from hub.api.common import not_implemented

FEATURE = "the proxy's routing table"

get_proxy = not_implemented(FEATURE)
post_proxy = not_implemented(FEATURE)
patch_proxy = not_implemented(FEATURE)
