"""What a login, or a refresh of one, brings: stored, and asked for again when due.

A login stores the authenticator's model: the user (created if new), admin,
``user_info``, the encrypted ``auth_state``, the groups (``manage_groups``)
and roles (``manage_roles``) it reports, and the time the login was
confirmed (``users.auth_refreshed``).

``refresh_user`` is JupyterHub's way of confirming a login later: after
``auth_refresh_age`` seconds, before each spawn with ``refresh_pre_spawn``
and before each stop with ``refresh_pre_stop``. The time of the last
confirmation lives in the user's row, so every hub process agrees on when
the next one is due. Whether a refresh is due is decided where the
requester is identified (one timestamp comparison, and none at all when the
authenticator does not override ``refresh_user``); :meth:`Logins.refresh`
runs it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.auth.authenticators import Authenticated, Authenticator, NamedGroup, RefreshUser
from hub.auth.crypto import Crypter
from hub.core import audit, groups, roles, servers, users
from hub.core.startup import ConfigError
from hub.db.models import Group, User, user_group_map
from hub.errors import Forbidden
from hub.timeutil import utcnow

log = logging.getLogger("hub.core.logins")

Transact = Callable[..., Awaitable[Any]]


class Logins:
    """Stores logins and refreshes them, with the hub's authenticator."""

    def __init__(self, transact: Transact, authenticator: Authenticator, crypter: Crypter) -> None:
        self.transact = transact
        self.authenticator = authenticator
        self.crypter = crypter
        # read once: the request path only compares a timestamp with ``refresh_age``
        self.policy = authenticator.refresh_policy()
        #: None: no request ever needs a refresh by age
        self.refresh_age = self.policy.age
        self.manage_roles = bool(getattr(authenticator, "manage_roles", False))
        #: names of the roles ``load_managed_roles()`` returned (never deleted as unused)
        self.managed_role_names: set[str] = set()

    # --- storing a model -------------------------------------------------------------

    async def store(
        self,
        authenticated: Authenticated,
        refreshing: int | None = None,
        record: audit.Entry | None = None,
    ) -> tuple[User, bool] | None:
        """Store a login's (or, with ``refreshing`` = the user's id, a refresh's)
        model; (the user, whether it is new), or None when the refreshed user is gone.

        ``record``: the login's audit record, written in the same transaction
        once the user (maybe created now) is known."""
        auth = self.authenticator
        name, admin = authenticated["name"], authenticated.get("admin")
        encrypted: Any = users.KEEP
        # a login without auth_state clears it; a refresh without it keeps it (as JupyterHub)
        if getattr(auth, "enable_auth_state", False) and (
            refreshing is None or "auth_state" in authenticated
        ):
            state = authenticated.get("auth_state")
            encrypted = self.crypter.encrypt(state) if state is not None else None
        group_names = authenticated.get("groups") if getattr(auth, "manage_groups", False) else None
        role_specs = authenticated.get("roles") if self.manage_roles else None
        info = authenticated.get("user_info")
        keep = set(self.managed_role_names)

        def store(s: Session) -> tuple[User, bool] | None:
            if refreshing is not None:
                current = s.get(User, refreshing)
                if current is None or current.name != name:
                    return None  # deleted or renamed meanwhile
            new = users.by_name(s, name) is None
            user = users.log_in(
                s, name, admin, user_info=info, encrypted_auth_state=encrypted, activity=refreshing is None
            )
            if group_names is not None:
                groups.sync_member(s, user.id, [str(g) for g in group_names])
            if role_specs is not None:
                roles.sync_managed(s, user.id, list(role_specs), keep)
            if record is not None:
                entry = audit.as_user(record, user.name)
                audit.record(s.connection(), entry)
            return user, new

        stored: tuple[User, bool] | None = await self.transact(store)
        return stored

    async def load_managed_roles(self) -> None:
        """At start-up, with ``manage_roles``: store ``load_managed_roles()``
        (and, with ``reset_managed_roles_on_startup``, drop what it no longer returns)."""
        if not self.manage_roles:
            return
        load = getattr(self.authenticator, "load_managed_roles", None)
        if load is None:
            return
        reset = bool(getattr(self.authenticator, "reset_managed_roles_on_startup", False))
        try:
            specs = await load()
        except NotImplementedError as e:
            # JupyterHub's own load_managed_roles() refuses to reset to nothing
            raise ConfigError(f"load_managed_roles(): {e}") from None
        try:
            self.managed_role_names = await self.transact(lambda s: roles.load_managed(s, specs, reset))
        except roles.RoleConfigError as e:
            raise ConfigError(str(e)) from None

    # --- refreshing ------------------------------------------------------------------

    def due(self, refreshed: datetime | None, now: datetime | None = None) -> bool:
        """Whether a login confirmed at ``refreshed`` needs a refresh by age."""
        age = self.refresh_age
        if age is None:
            return False
        return refreshed is None or (now or utcnow()) - refreshed >= age

    async def refresh(self, user_id: int, handler: Any = None) -> bool:
        """Run ``refresh_user`` for the user: True when the login still holds
        (a returned model is stored), False when the user must log in again.
        An authenticator that raises counts as False (and is logged)."""
        snapshot = await self.transact(lambda s: _refresh_user(s, user_id, self.crypter), write=False)
        if snapshot is None:
            return False
        try:
            result = await self.authenticator.refresh_user(snapshot, handler)
        except Exception as e:
            log.warning("refresh_user(%s) failed: %s: %s", snapshot.name, type(e).__name__, e)
            return False
        if not result:
            log.warning("User %s has stale auth info; a new login is required to refresh it", snapshot.name)
            return False
        if result is True or not isinstance(result, dict):
            await self.transact(lambda s: _confirm(s, user_id))
            return True
        model = dict(result)
        # the name cannot change; auth_state left out means: keep it
        model["name"] = snapshot.name
        return await self.store(model, refreshing=user_id) is not None

    async def before_spawn(self, owner: str, own_session: bool) -> None:
        """``refresh_pre_spawn``: refresh the owner's login before a start.

        As in JupyterHub, a failed refresh refuses the start when the owner
        asks from their own browser session (``own_session``); for a token, or
        another user asking, the start goes on with the stale login unless
        ``auth_refresh_strict``.
        """
        if not self.policy.active or not self.policy.pre_spawn:
            return
        user_id = await self.transact(lambda s: users.id_of(s.connection(), owner), write=False)
        if user_id is None:
            return  # the start answers 404 itself
        if await self.refresh(user_id):
            return
        if own_session or self.policy.strict:
            raise Forbidden(f"auth has expired for {owner}, login again")
        log.warning("Starting a server of %s with stale auth info", owner)

    async def before_stop(
        self, owner: str, server_name: str | None, by_owner: bool, own_session: bool
    ) -> None:
        """``refresh_pre_stop``: refresh the owner's login before their server
        (``server_name`` None: their servers, at logout or when the user is
        deleted) stops.

        Only when the request would stop a server now (running or starting)
        is the login refreshed, once. As in JupyterHub, a failed refresh
        refuses the stop when the owner asks from their own browser session,
        or with their own token under ``auth_refresh_strict``; anyone else (an
        admin, a service) stops it with the stale login.
        """
        if not self.policy.active or not self.policy.pre_stop:
            return
        user_id = await self.transact(
            lambda s: servers.owner_if_stoppable(s, owner, server_name), write=False
        )
        if user_id is None:
            return  # nothing to stop: the stop answers for itself
        if await self.refresh(user_id):
            return
        if own_session or (by_owner and self.policy.strict):
            raise Forbidden(f"auth has expired for {owner}, login again")
        log.warning("Stopping a server of %s with stale auth info", owner)


def _refresh_user(session: Session, user_id: int, crypter: Crypter) -> RefreshUser | None:
    user = session.get(User, user_id)
    if user is None:
        return None
    names = session.execute(
        select(Group.name)
        .join(user_group_map, user_group_map.c.group_id == Group.id)
        .where(user_group_map.c.user_id == user_id)
        .order_by(Group.name)
    ).scalars()
    return RefreshUser(
        name=user.name,
        id=user.id,
        admin=user.admin,
        groups=[NamedGroup(n) for n in names],
        auth_state=crypter.decrypt(user.encrypted_auth_state),
    )


def _confirm(session: Session, user_id: int) -> None:
    user = session.get(User, user_id)
    if user is not None:
        user.auth_refreshed = utcnow()
