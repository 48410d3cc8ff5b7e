"""Authorization: the scopes an operation needs, checked against the requester.

Each operation of the spec lists the scopes that allow it (``x-hub-scopes``,
any one is enough) and the kind of resource its path names
(``x-hub-resource``). A scope held without a filter allows the operation on
any resource; a filtered scope allows it only on the resources its filters
cover, else the answer is 404 (the requester cannot tell whether the
resource exists). Holding none of the scopes is 403. List operations accept
filtered scopes and narrow their results instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from hub.auth import scopes as sc
from hub.auth.identity import Identity
from hub.core import groups as groups_core
from hub.errors import Forbidden, NotFound

NO_ACCESS = "No access to resources or resources not found"


@dataclass(frozen=True)
class Requirement:
    scopes: tuple[str, ...]
    resource: str | None  # user, server, group, service, owner, list, or None (no filter allowed)


def resource_of(requirement: Requirement, params: Mapping[str, Any]) -> tuple[str, str] | None:
    """The (kind, name) of the resource a request targets."""
    kind = requirement.resource
    if kind in ("user", "group", "service"):
        return kind, str(params["name"])
    if kind == "server":
        user = params.get("owner", params.get("name"))
        return "server", f"{user}/{params.get('server_name', '')}"
    if kind == "owner":
        return "user", str(params["owner"])
    return None


def check(
    requirement: Requirement,
    identity: Identity,
    params: Mapping[str, Any],
    conn: Connection,
) -> None:
    if not requirement.scopes:
        return
    held = [s for s in requirement.scopes if identity.scopes.filters(s) is not None]
    if not held:
        raise Forbidden(
            f"Action is not authorized with current scopes; requires any of [{', '.join(requirement.scopes)}]"
        )
    if any(identity.scopes.unfiltered(s) for s in held) or requirement.resource == "list":
        return
    target = resource_of(requirement, params)
    if target is None:
        raise Forbidden(
            "Action is not authorized with current scopes; requires any of "
            f"[{', '.join(requirement.scopes)}] without filters"
        )
    kind, name = target
    filters: set[sc.Filter] = set()
    for scope in held:
        flt = identity.scopes.filters(scope)
        assert isinstance(flt, frozenset)
        filters |= flt
    if any(sc.filter_matches(f, kind, name) for f in filters):
        return
    if kind in ("user", "server") and any(f[0] == "group" for f in filters):
        owner = name.split("/", 1)[0]
        groups = groups_core.names_of_member(conn, owner)
        if any(sc.filter_matches(f, kind, name, lambda _u: groups) for f in filters):
            return
    raise NotFound(NO_ACCESS)
