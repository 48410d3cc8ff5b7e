"""Operations tagged ``servers``.

Starting, stopping and routing servers arrive with the server lifecycle; until
then every operation here answers 501 in the error shape. The server records
themselves already exist (every user has a stopped default server) and are
shown in user models.
"""

from __future__ import annotations

from typing import Any

from hub.errors import NotImplementedYet

FEATURE = "starting, stopping and inspecting servers"


def get_user_server(**_: Any) -> Any:
    raise NotImplementedYet(FEATURE)


def post_user_server(**_: Any) -> Any:
    raise NotImplementedYet(FEATURE)


def delete_user_server(**_: Any) -> Any:
    raise NotImplementedYet(FEATURE)


def get_user_server_progress(**_: Any) -> Any:
    raise NotImplementedYet(FEATURE)


def get_user_server_name(**_: Any) -> Any:
    raise NotImplementedYet(FEATURE)


def put_user_server_name(**_: Any) -> Any:
    raise NotImplementedYet(FEATURE)


def post_user_server_name(**_: Any) -> Any:
    raise NotImplementedYet(FEATURE)


def patch_user_server_name(**_: Any) -> Any:
    raise NotImplementedYet(FEATURE)


def delete_user_server_name(**_: Any) -> Any:
    raise NotImplementedYet(FEATURE)


def get_user_server_name_progress(**_: Any) -> Any:
    raise NotImplementedYet(FEATURE)
