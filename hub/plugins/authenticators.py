"""A JupyterHub ``Authenticator`` subclass behind the hub's own authenticator interface.

The plugin object is built once per hub process with the hub's configuration
(so ``c.Authenticator`` and ``c.GenericOAuthenticator`` reach it) and keeps
JupyterHub's signatures: ``get_authenticated_user(handler, data)`` runs the
plugin's own pipeline (authenticate, normalize, validate, blocked, allowed,
admin, post-auth hook). What JupyterHub keeps in memory about users
(``allowed_users`` grown by ``add_user`` when ``allow_existing_users``) is
brought in step with the database before every login, so a user created by
another hub process counts here too.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from hub.auth.authenticators import (
    Authenticated,
    Authenticator,
    RefreshPolicy,
    RefreshUser,
    refresh_policy_of,
)
from hub.names import valid_name
from hub.plugins import maybe_await

log = logging.getLogger("hub.plugins.authenticators")


@dataclass
class PluginUser:
    """The user object JupyterHub passes to ``add_user``/``delete_user``: plugins read ``name``."""

    name: str
    id: int | None = None
    admin: bool = False
    groups: list[Any] = field(default_factory=list)


class FormHandler:
    """The handler a form-based plugin (LDAP) receives from the login page."""

    def __init__(self, request: Any, settings: dict[str, Any]) -> None:
        self.request = request
        self.settings = settings
        self.log = log


#: authenticators that cannot run here, by package, and why
UNSUPPORTED = {
    "nativeauthenticator": "NativeAuthenticator keeps its users in JupyterHub's own database tables, "
    "which this hub does not have; it is not supported",
    "firstuseauthenticator": "FirstUseAuthenticator needs JupyterHub's own database session and tables; "
    "it is not supported",
}


class HostedAuthenticator(Authenticator):
    """Runs a JupyterHub authenticator; the hub calls it like its native ones."""

    def __init__(self, plugin_cls: type[Any], **kwargs: Any) -> None:
        package = plugin_cls.__module__.split(".")[0]
        if package in UNSUPPORTED:
            from hub.plugins.loader import PluginLoadError

            raise PluginLoadError(
                f"c.JupyterHub.authenticator_class = {plugin_cls.__name__}: {UNSUPPORTED[package]}"
            )
        super().__init__(**kwargs)
        self.plugin: Any = plugin_cls(config=self.config)
        self.plugin_class = plugin_cls
        #: names already passed to the plugin's ``add_user`` in this process
        self._known: set[str] = set()
        # the names configured on the plugin's own sections count at start-up
        self.admin_users = set(self.plugin.admin_users)
        self.allowed_users = set(self.plugin.allowed_users)
        self.blocked_users = set(self.plugin.blocked_users)

    # --- the hub's interface --------------------------------------------------------

    @property
    def enable_auth_state(self) -> bool:
        return bool(getattr(self.plugin, "enable_auth_state", False))

    @property
    def manage_groups(self) -> bool:
        return bool(getattr(self.plugin, "manage_groups", False))

    @property
    def manage_roles(self) -> bool:
        return bool(getattr(self.plugin, "manage_roles", False))

    @property
    def reset_managed_roles_on_startup(self) -> bool:
        return bool(getattr(self.plugin, "reset_managed_roles_on_startup", False))

    def refresh_policy(self) -> RefreshPolicy:
        from jupyterhub.auth import Authenticator as JupyterHubAuthenticator

        p = self.plugin
        active = type(p).refresh_user is not JupyterHubAuthenticator.refresh_user
        return refresh_policy_of(
            active,
            int(p.auth_refresh_age),
            bool(p.refresh_pre_spawn),
            bool(getattr(p, "auth_refresh_strict", False)),
            bool(getattr(p, "refresh_pre_stop", False)),
        )

    async def refresh_user(self, user: RefreshUser, handler: Any = None) -> bool | Authenticated:
        """The plugin's own ``refresh_user(user, handler)``."""
        result = await maybe_await(self.plugin.refresh_user(user, handler))
        if isinstance(result, dict):
            return dict(result)
        return bool(result)

    async def load_managed_roles(self) -> list[dict[str, Any]]:
        """The plugin's ``load_managed_roles()`` (JupyterHub calls it at start-up)."""
        roles = await maybe_await(self.plugin.load_managed_roles())
        return [dict(r) for r in roles or []]

    def normalize_username(self, name: str) -> str:
        normalized: str = self.plugin.normalize_username(name)
        return normalized

    def validate_username(self, name: str) -> bool:
        return valid_name(name) and bool(self.plugin.validate_username(name))

    def has_handlers(self) -> bool:
        """Whether the plugin brings its own pages (OAuthenticator's callback, ...)."""
        try:
            handlers = self.plugin.get_handlers(None) or []
        except Exception:
            return False
        return any(spec[1].__module__.split(".")[0] != "jupyterhub" for spec in handlers)

    def login_url(self, hub_prefix: str) -> str:
        url: str = self.plugin.login_url(hub_prefix)
        return url

    def logout_url(self, hub_prefix: str) -> str:
        url: str = self.plugin.logout_url(hub_prefix)
        return url

    @property
    def login_service(self) -> str:
        return str(getattr(self.plugin, "login_service", "") or "")

    @property
    def custom_html(self) -> str:
        return str(getattr(self.plugin, "custom_html", "") or "")

    async def sync_users(self, names: Iterable[str]) -> None:
        """Tell the plugin about the users the database holds now: ``add_user``
        for names it has not seen, ``delete_user`` for names that are gone."""
        current = set(names)
        blocked = {self.normalize_username(n) for n in self.plugin.blocked_users}
        for name in sorted(current - self._known - blocked):
            await self.user_added(name)
        for name in sorted(self._known - current):
            await self.user_removed(name)

    async def user_added(self, name: str) -> None:
        try:
            await maybe_await(self.plugin.add_user(PluginUser(name)))
        except Exception as e:  # a plugin refusing a name must not stop the hub
            log.warning("%s.add_user(%r) failed: %s", self.plugin_class.__name__, name, e)
            return
        self._known.add(name)

    async def user_removed(self, name: str) -> None:
        self._known.discard(name)
        try:
            await maybe_await(self.plugin.delete_user(PluginUser(name)))
        except Exception as e:
            log.warning("%s.delete_user(%r) failed: %s", self.plugin_class.__name__, name, e)

    async def get_authenticated_user(
        self,
        data: dict[str, str],
        exists: Callable[[str], bool | Awaitable[bool]] | None = None,
        handler: Any = None,
    ) -> Authenticated | None:
        """The plugin's own pipeline; the model it returns, with a valid ``name``."""
        if handler is not None and not hasattr(handler, "settings"):
            handler = FormHandler(handler, {"authenticator": self.plugin})
        result = await maybe_await(self.plugin.get_authenticated_user(handler, data))
        if result is None:
            return None
        authenticated: Authenticated = dict(result) if isinstance(result, dict) else {"name": result}
        name = str(authenticated.get("name") or "")
        if not valid_name(name):
            log.warning("%s returned a name the hub cannot use: %r", self.plugin_class.__name__, name)
            return None
        return authenticated
