"""Operations tagged ``servers``.

Starting, stopping and routing servers arrive with the server lifecycle; until
then every operation here answers 501 in the error shape. The server records
themselves already exist (every user has a stopped default server) and are
shown in user models.
"""

from __future__ import annotations

from hub.api.common import not_implemented

FEATURE = "starting, stopping and inspecting servers"

get_user_server = not_implemented(FEATURE)
post_user_server = not_implemented(FEATURE)
delete_user_server = not_implemented(FEATURE)
get_user_server_progress = not_implemented(FEATURE)
get_user_server_name = not_implemented(FEATURE)
put_user_server_name = not_implemented(FEATURE)
post_user_server_name = not_implemented(FEATURE)
patch_user_server_name = not_implemented(FEATURE)
delete_user_server_name = not_implemented(FEATURE)
get_user_server_name_progress = not_implemented(FEATURE)
