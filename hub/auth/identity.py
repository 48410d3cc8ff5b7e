"""Who is asking, and what they may do. Pure data and rules; no I/O."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from hub.auth import scopes as sc


@dataclass(frozen=True)
class Identity:
    """The authenticated requester of one request."""

    kind: str  # "user" or "service"
    id: int
    name: str
    admin: bool
    groups: frozenset[str]
    scopes: sc.ScopeSet
    token_id: int | None = None
    session_id: str | None = None
    #: the authenticator's ``refresh_user`` is due for this user (``auth_refresh_age``)
    refresh_due: bool = False

    @property
    def owner(self) -> sc.Owner:
        return sc.Owner(self.kind, self.name)

    def applies(self, scope: str, kind: str, name: str, user_groups: frozenset[str] = frozenset()) -> bool:
        """Whether ``scope`` is held for the resource ``kind``/``name``.

        ``user_groups`` are the groups of the user the resource belongs to,
        so that group filters can be resolved without a query.
        """
        flt = self.scopes.filters(scope)
        if flt is None:
            return False
        if flt == sc.ALL:
            return True
        assert isinstance(flt, frozenset)
        lookup = (lambda _user: user_groups) if kind in ("user", "server") else None
        return any(sc.filter_matches(f, kind, name, lookup) for f in flt)

    def unheld(self, requested: Iterable[str]) -> frozenset[str]:
        """The scopes ``requested`` stands for (expanded, shorthand filters
        meaning this requester) that this requester does not hold: what it may
        not give anyone else."""
        wanted = sc.expand(requested, self.owner)
        groups = {self.name: self.groups} if self.kind == "user" else None
        return wanted - sc.intersect(wanted, self.scopes.strings, groups)

    @property
    def label(self) -> str:
        """``User alice`` or ``Service culler``, as messages name a requester."""
        return f"{'User' if self.kind == 'user' else 'Service'} {self.name}"


def identify_scopes(owner: sc.Owner) -> frozenset[str]:
    """The scopes that let any credential read its own owner's name."""
    if owner.kind == "user":
        return frozenset({f"read:users:name!user={owner.name}", f"read:users:groups!user={owner.name}"})
    return frozenset({f"read:services:name!service={owner.name}"})


@lru_cache(maxsize=8192)
def owner_scopes(role_scopes: frozenset[str], owner: sc.Owner) -> frozenset[str]:
    """The expanded scopes an owner holds through its roles."""
    return sc.expand(role_scopes, owner)


@lru_cache(maxsize=8192)
def credential_scopes(
    role_scopes: frozenset[str],
    owner: sc.Owner,
    groups: frozenset[str],
    token_scopes: frozenset[str] | None,
) -> sc.ScopeSet:
    """The scopes one credential grants.

    ``token_scopes`` is None for a browser session (the owner's own scopes).
    A token with ``inherit`` has exactly its owner's scopes; any other token
    gets its own scopes (plus the owner's identify scopes) intersected with
    the owner's, so scopes the owner loses vanish from its tokens at once.
    """
    held = owner_scopes(role_scopes, owner)
    if token_scopes is None or "inherit" in token_scopes:
        return sc.ScopeSet(held)
    wanted = sc.expand(token_scopes | identify_scopes(owner), owner)
    return sc.ScopeSet(sc.intersect(wanted, held, {owner.name: groups} if owner.kind == "user" else None))
