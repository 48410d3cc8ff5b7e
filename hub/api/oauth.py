"""Operations tagged ``oauth``: the OAuth 2 provider and the deprecated
authorization endpoints."""

from __future__ import annotations

from typing import Any

from hub.api.common import not_implemented
from hub.api.context import ctx
from hub.api.hub import owner_model
from hub.auth import scopes as sc
from hub.auth.identity import identify_scopes
from hub.core import tokens as tokens_core
from hub.errors import NotFound


def post_auth_token(**_: Any) -> Any:
    raise NotFound(
        "Deprecated endpoint /hub/api/authorizations/token is removed in JupyterHub 2.0."
        " Use /hub/api/users/:user/tokens instead."
    )


def get_auth_token(token: str) -> Any:
    c = ctx()
    owned = tokens_core.find(c.session, token, c.hub.verified_tokens)
    if owned is None:
        raise NotFound(None)
    if owned.user is not None:
        kind, owner_id, name = "user", owned.user.id, owned.user.name
    else:
        assert owned.service is not None
        kind, owner_id, name = "service", owned.service.id, owned.service.name
    model = owner_model(kind, owner_id, identify_scopes(sc.Owner(kind, name)))
    if model is None:
        raise NotFound(None)
    return model


get_auth_cookie = not_implemented("identifying browser cookies (arrives with browser login)")
get_oauth_authorize = not_implemented("the OAuth 2 provider")
post_oauth_token = not_implemented("the OAuth 2 provider")
