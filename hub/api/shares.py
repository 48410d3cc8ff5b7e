"""Operations tagged ``shares``: sharing servers and share codes.

Every list here answers with the pagination envelope, whatever the client
accepts (as JupyterHub does); the Accept header only chooses the default
page size.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode, urlsplit

from hub.api import models
from hub.api.common import current_page
from hub.api.context import ctx
from hub.api.pagination import wrap
from hub.api.resolver import serializable
from hub.core import groups as groups_core
from hub.core import shares as core
from hub.errors import BadRequest


def _listing(
    offset: int | None,
    limit: int | None,
    fetch: Any,
    shape: Any,
) -> Any:
    c = ctx()
    p = current_page(offset, limit)
    total, views = fetch(p.offset, p.limit)
    items = [shape(v, c.hub.base_prefix) for v in views]
    return wrap(items, p, total, c.request.url)


def _share_page(conditions: Any, offset: int | None, limit: int | None) -> Any:
    session = ctx().session
    return _listing(offset, limit, lambda o, n: core.page_of_shares(session, conditions, o, n), models.share)


def _code_page(conditions: Any, offset: int | None, limit: int | None) -> Any:
    session = ctx().session
    return _listing(
        offset, limit, lambda o, n: core.page_of_codes(session, conditions, o, n), models.share_code
    )


def _holds_on(owner: str, server_name: str) -> core.Holds:
    """Whether the requester holds a scope on the server ``owner/server_name`` (as
    JupyterHub's filtered-scope rule: unfiltered, that server, its owner or a group
    of the owner). The server need not exist."""
    c = ctx()
    me = c.me()
    groups = groups_core.names_of_member(c.session, owner)
    return lambda scope: me.applies(scope, "server", f"{owner}/{server_name}", groups)


def _may_name(kind: str, name: str) -> bool:
    c = ctx()
    me = c.me()
    if kind == "user":
        return me.applies("read:users:name", "user", name, groups_core.names_of_member(c.session, name))
    return me.applies("read:groups:name", "group", name)


def _receiver(body: dict[str, Any]) -> tuple[str, str]:
    """(kind, name) of the one user or group a grant or revocation names (400 otherwise)."""
    user, group = body.get("user"), body.get("group")
    if user is not None and group is not None:
        raise BadRequest("Expected exactly one of `user` or `group`, not both.")
    if user is None and group is None:
        raise BadRequest("Specify exactly one of `user` or `group`")
    return ("user", str(user)) if user is not None else ("group", str(group))


# --- shares of a server, as its owner sees them ------------------------------------------


def get_shares_owner(owner: str, offset: int | None = None, limit: int | None = None) -> Any:
    conditions = core.of_owner(core.owner_id(ctx().session, owner))
    return _share_page(conditions, offset, limit)


def get_shares_server(
    owner: str, server_name: str, offset: int | None = None, limit: int | None = None
) -> Any:
    ref = core.server(ctx().session, owner, server_name)
    return _share_page(core.of_server(ref), offset, limit)


def post_shares_server(owner: str, server_name: str, body: dict[str, Any]) -> Any:
    c = ctx()
    kind, name = _receiver(body)
    # checked before the server is looked up, as JupyterHub does
    core.bare_scopes(body.get("scopes"), owner, server_name)
    ref = core.server(c.session, owner, server_name)
    view = core.grant(
        c.session, ref, kind, name, body.get("scopes"), _holds_on(owner, server_name), _may_name
    )
    return models.share(view, c.hub.base_prefix)


def patch_shares_server(owner: str, server_name: str, body: dict[str, Any]) -> Any:
    c = ctx()
    kind, name = _receiver(body)
    core.bare_scopes(body.get("scopes"), owner, server_name)
    ref = core.server(c.session, owner, server_name)
    view = core.revoke(c.session, ref, kind, name, body.get("scopes"))
    return models.share(view, c.hub.base_prefix) if view is not None else {}


def delete_shares_server(owner: str, server_name: str) -> Any:
    c = ctx()
    core.revoke_all(c.session, core.server(c.session, owner, server_name))
    return None, 204


# --- what users and groups were given ---------------------------------------------------


def get_user_shared(name: str, offset: int | None = None, limit: int | None = None) -> Any:
    return _share_page(core.of_receiver_user(ctx().session, name), offset, limit)


def get_user_shared_server(name: str, owner: str, server_name: str) -> Any:
    c = ctx()
    return models.share(core.received_view(c.session, "user", name, owner, server_name), c.hub.base_prefix)


def delete_user_shared_server(name: str, owner: str, server_name: str) -> Any:
    core.leave(ctx().session, "user", name, owner, server_name)
    return None, 204


def get_group_shared(name: str, offset: int | None = None, limit: int | None = None) -> Any:
    return _share_page(core.of_receiver_group(ctx().session, name), offset, limit)


def get_group_shared_server(name: str, owner: str, server_name: str) -> Any:
    c = ctx()
    return models.share(core.received_view(c.session, "group", name, owner, server_name), c.hub.base_prefix)


def delete_group_shared_server(name: str, owner: str, server_name: str) -> Any:
    core.leave(ctx().session, "group", name, owner, server_name)
    return None, 204


# --- share codes ------------------------------------------------------------------------


def get_share_codes_owner(owner: str, offset: int | None = None, limit: int | None = None) -> Any:
    conditions = core.codes_of_owner(core.owner_id(ctx().session, owner))
    return _code_page(conditions, offset, limit)


def get_share_codes_server(
    owner: str, server_name: str, offset: int | None = None, limit: int | None = None
) -> Any:
    ref = core.server(ctx().session, owner, server_name)
    return _code_page(core.codes_of_server(ref), offset, limit)


@serializable  # the share-code cap counts the owner's codes
def post_share_code(owner: str, server_name: str, body: dict[str, Any] | None = None) -> Any:
    c = ctx()
    options = body or {}
    names = core.bare_scopes(options.get("scopes"), owner, server_name) or list(core.DEFAULT_SCOPES)
    holds = _holds_on(owner, server_name)
    # the scopes are checked before the server is looked up, as JupyterHub does for codes
    core.check_grantable(names, owner, server_name, holds)
    ref = core.server(c.session, owner, server_name)
    expires_in = int(options.get("expires_in") or core.DEFAULT_CODE_LIFETIME)
    cap = c.hub.settings.max_share_codes_per_user
    view, code = core.issue_code(c.session, ref, options.get("scopes"), expires_in, holds, cap)
    accept_url = f"{c.hub.hub_prefix}accept-share?{urlencode({'code': code})}"
    public = urlsplit(c.hub.settings.public_url)
    return {
        **models.share_code(view, c.hub.base_prefix),
        "code": code,
        "accept_url": accept_url,
        "full_accept_url": f"{public.scheme}://{public.netloc}{accept_url}" if public.netloc else None,
    }


def delete_share_code(owner: str, server_name: str, code: str | None = None, id: str | None = None) -> Any:
    c = ctx()
    ref = core.server(c.session, owner, server_name)
    core.revoke_codes(c.session, ref, code, id)
    return None, 204
