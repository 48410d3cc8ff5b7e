"""Operations tagged ``shares``: sharing servers and share codes.

Sharing needs running servers; until it arrives every operation here answers
501 in the error shape.
"""

from __future__ import annotations

from hub.api.common import not_implemented

FEATURE = "sharing servers"

get_user_shared = not_implemented(FEATURE)
get_user_shared_server = not_implemented(FEATURE)
delete_user_shared_server = not_implemented(FEATURE)
get_group_shared = not_implemented(FEATURE)
get_group_shared_server = not_implemented(FEATURE)
delete_group_shared_server = not_implemented(FEATURE)
get_shares_owner = not_implemented(FEATURE)
get_shares_server = not_implemented(FEATURE)
post_shares_server = not_implemented(FEATURE)
patch_shares_server = not_implemented(FEATURE)
delete_shares_server = not_implemented(FEATURE)
get_share_codes_owner = not_implemented(FEATURE)
get_share_codes_server = not_implemented(FEATURE)
post_share_code = not_implemented(FEATURE)
delete_share_code = not_implemented(FEATURE)
