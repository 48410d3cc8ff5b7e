"""Operations tagged ``tokens``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from hub.api import models
from hub.api.context import ctx
from hub.api.resolver import serializable
from hub.auth import scopes as sc
from hub.auth.identity import credential_scopes, owner_scopes
from hub.core import events, roles
from hub.core import tokens as tokens_core
from hub.core import users as users_core
from hub.db.models import Role, User
from hub.errors import BadRequest


def _owner_role_scopes(user: User) -> tuple[frozenset[str], frozenset[str]]:
    role_scopes, _, groups = roles.user_role_scopes(ctx().conn, user.id)
    return frozenset(role_scopes), frozenset(groups)


def get_user_tokens(name: str) -> Any:
    c = ctx()
    user = users_core.require(c.session, name)
    role_scopes, groups = _owner_role_scopes(user)
    owner = sc.Owner("user", user.name)
    rows = tokens_core.for_user(c.session, user.id)
    return {
        "api_tokens": [
            models.token(
                row,
                "user",
                user.name,
                credential_scopes(role_scopes, owner, groups, frozenset(row.scopes)).strings,
            )
            for row in rows
        ]
    }


def _scopes_from_roles(role_names: list[str]) -> list[str]:
    found = {
        r.name: r for r in (ctx().session.execute(select(Role).where(Role.name.in_(role_names)))).scalars()
    }
    scopes: list[str] = []
    for name in role_names:
        if name not in found:
            raise BadRequest(f"No such role: {name}")
        scopes.extend(found[name].scopes)
    return scopes


@serializable  # the token cap counts the user's tokens
def post_user_tokens(name: str, body: dict[str, Any] | None = None) -> Any:
    c = ctx()
    me = c.me()
    options = body or {}
    user = users_core.require(c.session, name)
    tokens_core.check_cap(c.session, user, c.hub.settings.max_tokens_per_user)
    role_scopes, groups = _owner_role_scopes(user)
    owner = sc.Owner("user", user.name)

    if options.get("roles") is not None and options.get("scopes") is not None:
        raise BadRequest("Can only assign one of scopes or roles")
    requested: list[str] | None = options.get("scopes")
    if options.get("roles") is not None:
        requested = _scopes_from_roles(options["roles"])
    if requested is not None:
        for scope in requested:
            try:
                sc.validate(scope)
            except sc.ScopeError as e:
                raise BadRequest(str(e)) from None
        held = owner_scopes(role_scopes, owner)
        wanted = sc.expand(requested, owner)
        missing = wanted - sc.intersect(wanted, held, {user.name: groups})
        if missing and "inherit" not in requested:
            raise BadRequest(f"Not assigning requested scopes {sorted(missing)} not held by User {user.name}")

    expires_in = tokens_core.check_expires_in(
        options.get("expires_in"), c.hub.settings.token_expires_in_max_seconds
    )
    note = options.get("note")
    if note is None:
        note = "Requested via api"
        if not (me.kind == "user" and me.id == user.id):
            note += f" by {me.kind} {me.name}"
    row, value = tokens_core.issue(
        c.session, user_id=user.id, scopes=requested, expires_in=expires_in, note=note
    )
    events.note(c.session, "token.created", row.id)
    effective = credential_scopes(role_scopes, owner, groups, frozenset(row.scopes)).strings
    model = models.token(row, "user", user.name, effective)
    model["token"] = value
    return model, 201


def get_user_token(name: str, token_id: str) -> Any:
    c = ctx()
    user = users_core.require(c.session, name)
    row = tokens_core.user_token(c.session, user, token_id)
    role_scopes, groups = _owner_role_scopes(user)
    effective = credential_scopes(role_scopes, sc.Owner("user", user.name), groups, frozenset(row.scopes))
    return models.token(row, "user", user.name, effective.strings)


def delete_user_token(name: str, token_id: str) -> Any:
    c = ctx()
    user = users_core.require(c.session, name)
    row = tokens_core.user_token(c.session, user, token_id)
    events.removed(c.session, "token.deleted", [row.id])
    tokens_core.revoke(c.session, row)
    return None, 204
