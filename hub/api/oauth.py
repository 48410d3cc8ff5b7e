"""Operations tagged ``oauth``: the OAuth 2 provider and the deprecated
authorization endpoints."""

from __future__ import annotations

from typing import Any

from hub.api import identify
from hub.api.common import not_implemented
from hub.api.context import ctx
from hub.api.hub import owner_model
from hub.auth.identity import identify_scopes
from hub.errors import NotFound


def post_auth_token(**_: Any) -> Any:
    raise NotFound(
        "Deprecated endpoint /hub/api/authorizations/token is removed in JupyterHub 2.0."
        " Use /hub/api/users/:user/tokens instead."
    )


def get_auth_token(token: str) -> Any:
    c = ctx()
    found = identify.identify(c.conn, token, c.hub)
    if found is None:
        raise NotFound(None)
    owner = found[0]
    model = owner_model(owner.kind, owner.id, identify_scopes(owner.owner))
    if model is None:
        raise NotFound(None)
    return model


get_auth_cookie = not_implemented("identifying browser cookies (arrives with browser login)")
get_oauth_authorize = not_implemented("the OAuth 2 provider")
post_oauth_token = not_implemented("the OAuth 2 provider")
