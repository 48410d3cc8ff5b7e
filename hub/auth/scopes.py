"""The scope table and the rules for expanding, intersecting and matching scopes.

A leaf module: it imports nothing of the hub, so both the API edge and the
domain layer may use it.

A scope is a name, optionally narrowed by one filter: ``read:users!user=alice``.
Filter kinds are ``user``, ``group``, ``server`` (``user/servername``) and
``service``. Held scopes are represented as a :class:`ScopeSet`, which maps
each scope name to either :data:`ALL` (held without a filter) or the set of
``(kind, value)`` filters it is held with.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

#: name -> (description, directly implied scopes)
SCOPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "(no_scope)": ("Identify the owner of the requesting entity.", ()),
    "self": ("The user's own resources (metascope for users).", ()),
    "inherit": ("Everything the token's owner can do (metascope for tokens).", ()),
    "admin-ui": ("Access the admin page.", ()),
    "admin:users": (
        "Read, modify, create and delete users and their authentication state.",
        ("admin:auth_state", "users", "read:roles:users", "delete:users"),
    ),
    "admin:auth_state": ("Read a user's authentication state.", ()),
    "users": (
        "Read and write user models (not servers, tokens or auth state).",
        ("read:users", "list:users", "users:activity"),
    ),
    "delete:users": ("Delete users.", ()),
    "list:users": ("List users, with at least their names.", ("read:users:name",)),
    "read:users": (
        "Read user models.",
        ("read:users:name", "read:users:groups", "read:users:activity"),
    ),
    "read:users:name": ("Read users' names.", ()),
    "read:users:groups": ("Read users' group membership.", ()),
    "read:users:activity": ("Read users' last activity.", ()),
    "read:roles": (
        "Read role assignments.",
        ("read:roles:users", "read:roles:services", "read:roles:groups"),
    ),
    "admin:roles": (
        "Create, change and delete roles at run time, granting only scopes the requester holds "
        "(this hub's own scope).",
        ("read:roles",),
    ),
    "admin:webhooks": (
        "Create, read and delete webhooks and read their delivery logs (this hub's own scope).",
        (),
    ),
    "read:roles:users": ("Read users' roles.", ()),
    "read:roles:services": ("Read services' roles.", ()),
    "read:roles:groups": ("Read groups' roles.", ()),
    "users:activity": ("Update users' last activity.", ("read:users:activity",)),
    "admin:servers": (
        "Read, start, stop, create and delete servers and their state.",
        ("admin:server_state", "servers"),
    ),
    "admin:server_state": ("Read and write servers' spawner state.", ()),
    "servers": (
        "Start and stop servers.",
        ("read:servers", "start:servers", "delete:servers"),
    ),
    "read:servers": ("Read server models (without their state).", ("read:users:name",)),
    "start:servers": ("Start, create and modify servers.", ()),
    "delete:servers": ("Stop and delete servers.", ()),
    "tokens": ("Create, read and revoke users' tokens.", ("read:tokens",)),
    "read:tokens": ("Read users' tokens.", ()),
    "admin:groups": (
        "Create, modify and delete groups.",
        ("groups", "read:roles:groups", "delete:groups"),
    ),
    "groups": ("Modify group membership and properties.", ("read:groups", "list:groups")),
    "list:groups": ("List groups, with at least their names.", ("read:groups:name",)),
    "read:groups": ("Read group models.", ("read:groups:name",)),
    "read:groups:name": ("Read groups' names.", ()),
    "delete:groups": ("Delete groups.", ()),
    "admin:services": (
        "Create and delete services at run time.",
        ("list:services", "read:services", "read:roles:services"),
    ),
    "list:services": ("List services, with at least their names.", ("read:services:name",)),
    "read:services": ("Read service models.", ("read:services:name",)),
    "read:services:name": ("Read services' names.", ()),
    "read:hub": ("Read information about the hub.", ()),
    "access:servers": ("Use users' servers.", ()),
    "access:services": ("Use services.", ()),
    "users:shares": ("Read and revoke a user's shared access.", ("read:users:shares",)),
    "read:users:shares": ("Read servers shared with a user.", ()),
    "groups:shares": ("Read and revoke a group's shared access.", ("read:groups:shares",)),
    "read:groups:shares": ("Read servers shared with a group.", ()),
    "read:shares": ("Read who has shared access to servers.", ()),
    "shares": (
        "Manage shared access to servers.",
        ("access:servers", "read:shares", "users:shares", "groups:shares"),
    ),
    "proxy": ("Read and synchronize the proxy's routing table.", ()),
    "shutdown": ("Shut the hub down.", ()),
    "read:metrics": ("Read Prometheus metrics.", ()),
    "read:audit": (
        "Read the audit log: who changed what, logins and logouts (this hub's own scope).",
        (),
    ),
}

#: The scopes that ``self`` stands for, each narrowed to the user.
SELF_SCOPES = (
    "read:users",
    "users:shares",
    "read:shares",
    "users:activity",
    "servers",
    "tokens",
    "access:servers",
)

ADMIN_SCOPES = (
    "admin-ui",
    "admin:users",
    "admin:servers",
    "admin:services",
    "tokens",
    "admin:groups",
    "list:services",
    "read:services",
    "read:hub",
    "proxy",
    "shutdown",
    "access:services",
    "access:servers",
    "read:roles",
    "admin:roles",
    "admin:webhooks",
    "read:metrics",
    "shares",
    "read:audit",
)

#: Roles every hub has. ``admin``'s scopes cannot be changed by configuration.
DEFAULT_ROLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "user": ("Standard user privileges", ("self",)),
    "admin": ("Elevated privileges (can do anything)", ADMIN_SCOPES),
    "server": (
        "Post activity only",
        ("users:activity!user", "access:servers!server"),
    ),
    "token": ("Token with same permissions as its owner", ("inherit",)),
}

FILTER_KINDS = ("user", "group", "server", "service")
ROLE_NAME_RE = re.compile(r"^[a-z][a-z0-9\-_~\.]{1,253}[a-z0-9]$")

ALL = "*"
Filter = tuple[str, str]
Filters = str | frozenset[Filter]  # ALL or a set of filters


class ScopeError(ValueError):
    """A scope string that names no scope or carries a malformed filter."""


def parse(scope: str) -> tuple[str, Filter | None]:
    """Split ``name!kind=value`` into ``(name, (kind, value))``."""
    name, sep, flt = scope.partition("!")
    if not sep:
        return name, None
    kind, eq, value = flt.partition("=")
    return name, (kind, value if eq else "")


def validate(scope: str, *, allow_shorthand: bool = True) -> None:
    """Raise :class:`ScopeError` unless ``scope`` names a scope with a valid filter."""
    name, flt = parse(scope)
    if name not in SCOPES:
        hint = " (did you mean 'inherit'?)" if name == "all" else ""
        raise ScopeError(f"Scope '{scope}' does not exist{hint}")
    if flt is None:
        return
    kind, value = flt
    if kind not in FILTER_KINDS or (kind == "group" and not value):
        raise ScopeError(f"Scope '{scope}' has an invalid filter")
    if not value and not allow_shorthand:
        raise ScopeError(f"Scope '{scope}' needs a filter value")


@lru_cache(maxsize=256)
def _closure(name: str) -> frozenset[str]:
    seen = {name}
    stack = [name]
    while stack:
        for implied in SCOPES.get(stack.pop(), ("", ()))[1]:
            if implied not in seen:
                seen.add(implied)
                stack.append(implied)
    return frozenset(seen)


@dataclass(frozen=True)
class Owner:
    """Who holds the scopes: used to resolve ``self`` and shorthand filters."""

    kind: str  # "user" or "service"
    name: str
    server: str | None = None  # "user/servername" for a server's own token


def expand(scopes: Iterable[str], owner: Owner | None = None) -> frozenset[str]:
    """All scopes that ``scopes`` stand for, as filtered scope strings.

    ``self`` becomes the user's own scopes; shorthand filters (``!user``,
    ``!service``, ``!server``) are resolved against ``owner`` and dropped when
    they cannot be. A ``!server=`` filter is not carried onto implied
    ``read:users*`` scopes.
    """
    return _expand(frozenset(scopes), owner)


@lru_cache(maxsize=4096)
def _expand(scopes: frozenset[str], owner: Owner | None) -> frozenset[str]:
    out: set[str] = set()
    for scope in scopes:
        name, flt = parse(scope)
        if name == "self":
            if owner is not None and owner.kind == "user":
                out |= _expand(frozenset(f"{s}!user={owner.name}" for s in SELF_SCOPES), owner)
            continue
        if name not in SCOPES:
            continue
        if flt is not None and flt[1] == "":
            flt = _resolve_shorthand(flt[0], owner)
            if flt is None:
                continue
        for implied in _closure(name):
            if flt is None:
                out.add(implied)
            elif flt[0] == "server" and implied != name and implied.startswith("read:users"):
                continue
            else:
                out.add(f"{implied}!{flt[0]}={flt[1]}")
    return frozenset(out)


def _resolve_shorthand(kind: str, owner: Owner | None) -> Filter | None:
    if owner is None:
        return None
    if kind == "user" and owner.kind == "user":
        return ("user", owner.name)
    if kind == "service" and owner.kind == "service":
        return ("service", owner.name)
    if kind == "server" and owner.server is not None:
        return ("server", owner.server)
    return None


def server_filter(owner: str, server_name: str) -> str:
    """The filter that narrows a scope to one server: ``server=alice/gpu``."""
    return f"server={owner}/{server_name}"


def on_server(names: Iterable[str], owner: str, server_name: str) -> list[str]:
    """Bare scope names narrowed to one server, sorted (how shares hold them)."""
    flt = server_filter(owner, server_name)
    return sorted(f"{name}!{flt}" for name in names)


class ScopeSet:
    """Expanded scopes indexed for fast checks.

    ``strings`` leaves out a filtered scope when the same scope is also held
    without a filter (``read:users!user=bob`` beside ``read:users``): it
    grants nothing more, and the scopes a credential reports list it once.
    """

    __slots__ = ("_index", "_sorted", "strings")

    def __init__(self, expanded: Iterable[str]) -> None:
        strings = frozenset(expanded)
        self._sorted: list[str] | None = None
        index: dict[str, set[Filter] | None] = {}
        redundant = False
        for scope in strings:
            name, flt = parse(scope)
            if flt is None:
                redundant = redundant or bool(index.get(name))
                index[name] = None
            elif name not in index:
                index[name] = {flt}
            else:
                existing = index[name]
                if existing is None:
                    redundant = True
                else:
                    existing.add(flt)
        if redundant:
            strings = frozenset(s for s in strings if "!" not in s or index[parse(s)[0]] is not None)
        self.strings = strings
        self._index: dict[str, Filters] = {n: ALL if f is None else frozenset(f) for n, f in index.items()}

    def __contains__(self, name: str) -> bool:
        return name in self._index

    def filters(self, name: str) -> Filters | None:
        """ALL, the filters ``name`` is held with, or None when not held."""
        return self._index.get(name)

    def unfiltered(self, name: str) -> bool:
        return self._index.get(name) == ALL

    def sorted(self) -> list[str]:
        if self._sorted is None:
            self._sorted = sorted(self.strings)
        return list(self._sorted)


GroupLookup = Callable[[str], Iterable[str]]


def filter_matches(
    flt: Filter,
    kind: str,
    name: str,
    user_groups: Callable[[str], frozenset[str]] | None = None,
) -> bool:
    """Whether one filter covers the resource ``kind``/``name``.

    Resources are ``user`` (a name), ``server`` (``user/servername``),
    ``group`` and ``service``. A user filter covers that user's servers; a
    group filter covers its members and their servers.
    """
    fkind, fvalue = flt
    if fkind == kind and fvalue == name:
        return True
    if kind == "server":
        owner = name.split("/", 1)[0]
        if fkind == "user" and fvalue == owner:
            return True
        if fkind == "group" and user_groups is not None:
            return fvalue in user_groups(owner)
    if kind == "user" and fkind == "group" and user_groups is not None:
        return fvalue in user_groups(name)
    return False


def intersect(
    wanted: frozenset[str],
    held: frozenset[str],
    owner_groups: Mapping[str, frozenset[str]] | None = None,
) -> frozenset[str]:
    """The part of ``wanted`` that ``held`` covers, keeping the narrower filter.

    Both arguments are expanded scope strings. ``owner_groups`` maps user
    names to their groups, to resolve group filters against user filters.
    """
    groups = owner_groups or {}
    w = ScopeSet(wanted)
    h = ScopeSet(held)
    out: set[str] = set()
    for name in w._index:
        hf = h.filters(name)
        if hf is None:
            continue
        wf = w._index[name]
        if hf == ALL:
            out |= {s for s in wanted if parse(s)[0] == name}
            continue
        assert isinstance(hf, frozenset)
        if wf == ALL:
            out |= {f"{name}!{k}={v}" for k, v in hf}
            continue
        assert isinstance(wf, frozenset)
        for flt in wf:
            for hflt in hf:
                kept = _narrower(flt, hflt, groups)
                if kept is not None:
                    out.add(f"{name}!{kept[0]}={kept[1]}")
    return frozenset(out)


def _narrower(a: Filter, b: Filter, groups: Mapping[str, frozenset[str]]) -> Filter | None:
    if a == b:
        return a
    for x, y in ((a, b), (b, a)):
        if x[0] == "server" and y[0] == "user" and x[1].split("/", 1)[0] == y[1]:
            return x
        if x[0] == "user" and y[0] == "group" and y[1] in groups.get(x[1], frozenset()):
            return x
        if x[0] == "server" and y[0] == "group" and y[1] in groups.get(x[1].split("/", 1)[0], frozenset()):
            return x
    return None
