"""Operations tagged ``shares``: sharing servers and share codes.

Sharing needs running servers; until it arrives every operation here answers
501 in the error shape.
"""

from __future__ import annotations

from typing import Any

from hub.errors import NotImplementedYet

FEATURE = "sharing servers"


def get_user_shared(**_: Any) -> Any:
    raise NotImplementedYet(FEATURE)


def get_user_shared_server(**_: Any) -> Any:
    raise NotImplementedYet(FEATURE)


def delete_user_shared_server(**_: Any) -> Any:
    raise NotImplementedYet(FEATURE)


def get_group_shared(**_: Any) -> Any:
    raise NotImplementedYet(FEATURE)


def get_group_shared_server(**_: Any) -> Any:
    raise NotImplementedYet(FEATURE)


def delete_group_shared_server(**_: Any) -> Any:
    raise NotImplementedYet(FEATURE)


def get_shares_owner(**_: Any) -> Any:
    raise NotImplementedYet(FEATURE)


def get_shares_server(**_: Any) -> Any:
    raise NotImplementedYet(FEATURE)


def post_shares_server(**_: Any) -> Any:
    raise NotImplementedYet(FEATURE)


def patch_shares_server(**_: Any) -> Any:
    raise NotImplementedYet(FEATURE)


def delete_shares_server(**_: Any) -> Any:
    raise NotImplementedYet(FEATURE)


def get_share_codes_owner(**_: Any) -> Any:
    raise NotImplementedYet(FEATURE)


def get_share_codes_server(**_: Any) -> Any:
    raise NotImplementedYet(FEATURE)


def post_share_code(**_: Any) -> Any:
    raise NotImplementedYet(FEATURE)


def delete_share_code(**_: Any) -> Any:
    raise NotImplementedYet(FEATURE)
