"""Identify the requester from an API token.

connexion calls these functions for the security schemes of the spec. A
token is accepted from ``Authorization: token X`` and ``Authorization: Bearer X``.
A token in the URL (``?token=X``) is refused unless ``JupyterHub.allow_token_in_url``
is set. Returning None makes connexion refuse the request; the error handler
answers 403, as JupyterHub does.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hub.auth import scopes as sc
from hub.auth.identity import Identity, credential_scopes
from hub.core import roles, tokens, users
from hub.runtime import current
from hub.timeutil import utcnow

SERVER_TOKEN_NOTE = "Server at "


async def bearer_info(token: str) -> dict[str, Any] | None:
    return await authenticate(token)


async def apikey_info(api_key: str) -> dict[str, Any] | None:
    scheme, _, value = api_key.strip().partition(" ")
    if scheme.lower() != "token":
        # "Bearer" is handled by bearer_info; anything else is not a credential
        return None
    return await authenticate(value.strip())


async def url_token_info(token: str) -> dict[str, Any] | None:
    if not current().settings.allow_token_in_url:
        return None
    return await authenticate(token)


async def authenticate(value: str) -> dict[str, Any] | None:
    if not value or len(value) > 4096 or " " in value:
        return None
    hub = current()
    async with hub.db.session(write=False) as session:
        owned = await tokens.find(session, value, hub.verified_tokens)
        if owned is None:
            return None
        token = owned.token
        if owned.user is not None:
            role_scopes, _, groups = await roles.user_role_scopes(session, owned.user.id)
            kind, owner_id, name, admin = "user", owned.user.id, owned.user.name, owned.user.admin
            user_activity = owned.user.last_activity
        else:
            assert owned.service is not None
            role_scopes, groups = await roles.service_role_scopes(session, owned.service.id), set()
            kind, owner_id, name, admin = "service", owned.service.id, owned.service.name, owned.service.admin
            user_activity = None
    owner = sc.Owner(kind, name)
    identity = Identity(
        kind=kind,
        id=owner_id,
        name=name,
        admin=admin,
        groups=frozenset(groups),
        scopes=credential_scopes(frozenset(role_scopes), owner, frozenset(groups), frozenset(token.scopes)),
        token_id=token.id,
        session_id=token.session_id,
    )
    await _record_activity(token.id, token.last_activity, kind, owner_id, user_activity, token.note)
    return {"sub": name, "identity": identity}


async def _record_activity(
    token_id: int,
    token_activity: Any,
    kind: str,
    owner_id: int,
    user_activity: Any,
    note: str,
) -> None:
    """Write last_activity at most once per ``activity_resolution``."""
    hub = current()
    resolution = timedelta(seconds=hub.settings.activity_resolution)
    now = utcnow()

    def stale(when: Any) -> bool:
        return when is None or now - when >= resolution

    touch_user = kind == "user" and not note.startswith(SERVER_TOKEN_NOTE) and stale(user_activity)
    if not stale(token_activity) and not touch_user:
        return
    async with hub.db.session(write=True) as session:
        await tokens.touch(session, token_id, now, resolution)
        if touch_user:
            await users.touch(session, owner_id, now, resolution)
