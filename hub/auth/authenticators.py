"""Authenticators: who may log in, and how names are normalized.

The configuration keys are JupyterHub's (``c.Authenticator.allowed_users``,
``admin_users``, ``blocked_users``, ``allow_all``, ``allow_existing_users``,
``username_pattern``, ``username_map``), and so is the order of the checks in
:meth:`Authenticator.get_authenticated_user`: authenticate, normalize,
validate, blocked, allowed, admin.

``c.JupyterHub.authenticator_class`` takes an import path or one of the short
names ``pam`` (the default, as in JupyterHub) and ``dummy``.
"""

from __future__ import annotations

import asyncio
import grp
import hmac
import inspect
import os
import pwd
import re
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from traitlets import Bool, Dict, Integer, Set, Unicode, default
from traitlets.config import LoggingConfigurable

from hub.names import valid_name

#: what :meth:`Authenticator.get_authenticated_user` returns: name, admin, ...
Authenticated = dict[str, Any]


@dataclass(frozen=True)
class RefreshPolicy:
    """When the hub asks the authenticator to confirm a login (``refresh_user``).

    Read once at start-up. ``age`` is None when no request ever needs a refresh
    by age: the authenticator does not override ``refresh_user`` (the base one
    always answers True) or ``auth_refresh_age`` is 0.
    """

    #: the authenticator overrides ``refresh_user``
    active: bool = False
    #: ``auth_refresh_age``, or None (see above)
    age: timedelta | None = None
    #: ``refresh_pre_spawn``: refresh before every start of a server
    pre_spawn: bool = False
    #: ``refresh_pre_stop``: refresh before every stop of a running (or starting) server
    pre_stop: bool = False
    #: ``auth_refresh_strict``: a failed refresh also refuses token requests
    strict: bool = False


@dataclass(frozen=True)
class NamedGroup:
    """A group as plugins read it (``group.name``)."""

    name: str


@dataclass
class RefreshUser:
    """The user ``refresh_user(user, handler)`` receives: JupyterHub's plugins read
    ``name``, ``admin``, ``groups`` and ``await user.get_auth_state()``."""

    name: str
    id: int
    admin: bool = False
    groups: list[NamedGroup] = field(default_factory=list)
    auth_state: Any = None

    async def get_auth_state(self) -> Any:
        return self.auth_state


class Authenticator(LoggingConfigurable):
    """Base authenticator (the ``c.Authenticator`` section)."""

    admin_users = Set(Unicode(), help="Users who are admins (and always allowed).").tag(config=True)
    allowed_users = Set(Unicode(), help="Users allowed to log in.").tag(config=True)
    blocked_users = Set(Unicode(), help="Users who may not log in, whatever else allows them.").tag(
        config=True
    )
    allow_all = Bool(
        False, help="Allow every user who can authenticate (else only the allowed and admin users)."
    ).tag(config=True)
    allow_existing_users = Bool(
        help="Also allow users who exist in the hub's database (added through the API, say). "
        "Default: true when allowed_users is set."
    ).tag(config=True)
    username_pattern = Unicode(
        "", help="Regular expression that every user name must match (empty: no pattern)."
    ).tag(config=True)
    username_map = Dict(Unicode(), help="Map names as typed to the names used by the hub.").tag(config=True)
    auth_refresh_age = Integer(
        300,
        help="Seconds after which a login is confirmed again with refresh_user "
        "(only for authenticators that implement it; 0: never by age).",
    ).tag(config=True)
    refresh_pre_spawn = Bool(
        False, help="Call refresh_user before each start of a server; a failed refresh refuses it."
    ).tag(config=True)
    refresh_pre_stop = Bool(
        False,
        help="Call refresh_user before each stop of a server; a failed refresh refuses the "
        "stop only when the owner asks from their own browser session.",
    ).tag(config=True)
    auth_refresh_strict = Bool(
        False,
        help="A failed refresh also refuses the user's token requests (by default only "
        "browser sessions must log in again).",
    ).tag(config=True)

    @default("allow_existing_users")
    def _existing_default(self) -> bool:
        return bool(self.allowed_users)

    # --- the steps, each replaceable by a subclass ---------------------------

    async def authenticate(self, data: dict[str, str]) -> str | Authenticated | None:
        """The user name (or a model with ``name``) for the login form's data, or None."""
        raise NotImplementedError

    def normalize_username(self, name: str) -> str:
        name = unicodedata.normalize("NFC", name).lower()
        mapped: str = self.username_map.get(name, name)
        return mapped

    def validate_username(self, name: str) -> bool:
        """Whether ``name`` can be a user's name (see :mod:`hub.names`)."""
        if not valid_name(name):
            return False
        return not self.username_pattern or re.fullmatch(self.username_pattern, name) is not None

    def check_blocked_users(self, name: str, authenticated: Authenticated) -> bool:
        """True when ``name`` is not blocked."""
        return name not in self._normalized(self.blocked_users)

    def check_allowed(self, name: str, authenticated: Authenticated) -> bool:
        return name in self._normalized(self.allowed_users | self.admin_users)

    def is_admin(self, name: str, authenticated: Authenticated) -> bool | None:
        """True for configured admins; None leaves the stored admin flag as it is."""
        return True if name in self._normalized(self.admin_users) else None

    async def refresh_user(self, user: RefreshUser, handler: Any = None) -> bool | Authenticated:
        """Confirm a login: True (still valid), False (log in again) or a model
        whose fields replace the stored ones (``admin``, ``auth_state``, ...)."""
        return True

    def refresh_policy(self) -> RefreshPolicy:
        active = type(self).refresh_user is not Authenticator.refresh_user
        return refresh_policy_of(
            active,
            self.auth_refresh_age,
            self.refresh_pre_spawn,
            self.auth_refresh_strict,
            self.refresh_pre_stop,
        )

    def _normalized(self, names: set[str]) -> set[str]:
        return {self.normalize_username(n) for n in names}

    async def get_authenticated_user(
        self,
        data: dict[str, str],
        exists: Callable[[str], bool | Awaitable[bool]] | None = None,
        handler: Any = None,
    ) -> Authenticated | None:
        """Who logs in with ``data``, or None when they may not.

        ``exists(name)`` says whether the user is in the database (for
        ``allow_existing_users``); ``handler`` is the request (plugins read it).
        """
        result = await self.authenticate(data)
        if result is None:
            return None
        authenticated: Authenticated = dict(result) if isinstance(result, dict) else {"name": result}
        name = self.normalize_username(str(authenticated["name"]))
        authenticated["name"] = name
        if not self.validate_username(name):
            self.log.warning("Refusing the invalid user name %r", name)
            return None
        if not self.check_blocked_users(name, authenticated):
            self.log.warning("User %r is blocked", name)
            return None
        allowed = self.allow_all or self.check_allowed(name, authenticated)
        if not allowed and self.allow_existing_users and exists is not None:
            found = exists(name)
            allowed = bool(await found) if inspect.isawaitable(found) else bool(found)
        if not allowed:
            self.log.warning("User %r is not allowed", name)
            return None
        if authenticated.get("admin") is None:
            authenticated["admin"] = self.is_admin(name, authenticated)
        return authenticated


def refresh_policy_of(
    active: bool, age: int, pre_spawn: bool, strict: bool, pre_stop: bool = False
) -> RefreshPolicy:
    """The policy of an authenticator with these settings; ``active``: it overrides ``refresh_user``."""
    if not active:
        return RefreshPolicy()
    return RefreshPolicy(
        active=True,
        age=timedelta(seconds=age) if age > 0 else None,
        pre_spawn=pre_spawn,
        pre_stop=pre_stop,
        strict=strict,
    )


class DummyAuthenticator(Authenticator):
    """Any name, optionally one shared password. For demos and tests only."""

    password = Unicode("", help="A password every user must give (empty: none).").tag(config=True)

    @default("allow_all")
    def _allow_all_default(self) -> bool:
        return not self.allowed_users

    async def authenticate(self, data: dict[str, str]) -> str | None:
        name = data.get("username") or ""
        if not name:
            return None
        if self.password and not hmac.compare_digest(
            (data.get("password") or "").encode(), self.password.encode()
        ):
            return None
        return name


class PAMAuthenticator(Authenticator):
    """The operating system's accounts, through PAM (the ``pamela`` package)."""

    service = Unicode("login", help="The PAM service to authenticate with.").tag(config=True)
    encoding = Unicode("utf8", help="Encoding of user names and passwords for PAM.").tag(config=True)
    check_account = Bool(True, help="Also check that the account is valid (PAM account stage).").tag(
        config=True
    )
    allowed_groups = Set(Unicode(), help="Members of these OS groups may log in.").tag(config=True)
    admin_groups = Set(Unicode(), help="Members of these OS groups are admins.").tag(config=True)

    async def authenticate(self, data: dict[str, str]) -> str | None:
        import pamela

        name, password = data.get("username") or "", data.get("password") or ""
        if not name or not password:
            return None

        def check() -> bool:
            try:
                pamela.authenticate(name, password, service=self.service, encoding=self.encoding)
                if self.check_account:
                    pamela.check_account(name, service=self.service, encoding=self.encoding)
            except pamela.PAMError as e:
                self.log.warning("PAM refused %r: %s", name, e)
                return False
            return True

        return name if await asyncio.to_thread(check) else None

    def _groups_of(self, name: str) -> set[str]:
        try:
            account = pwd.getpwnam(name)
        except KeyError:
            return set()
        gids = os.getgrouplist(name, account.pw_gid)
        found = set()
        for gid in gids:
            try:
                found.add(grp.getgrgid(gid).gr_name)
            except KeyError:
                continue
        return found

    def check_allowed(self, name: str, authenticated: Authenticated) -> bool:
        if self.allowed_groups and self._groups_of(name) & self.allowed_groups:
            return True
        return super().check_allowed(name, authenticated)

    def is_admin(self, name: str, authenticated: Authenticated) -> bool | None:
        if self.admin_groups and self._groups_of(name) & self.admin_groups:
            return True
        return super().is_admin(name, authenticated)


SHORT_NAMES: dict[str, type[Authenticator]] = {
    "pam": PAMAuthenticator,
    "default": PAMAuthenticator,
    "dummy": DummyAuthenticator,
}
