"""The running hub: settings, database and the classes it was configured with.

One process serves one hub. The API edge reaches it through :func:`current`.
Nothing here holds state that another worker would need: everything a second
worker must know lives in the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import time
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING, TypeVar

import anyio
import httpx
from sqlalchemy.orm import Session
from traitlets.config import Config

from hub.auth import authenticators, cookies
from hub.auth.crypto import Crypter
from hub.config import JupyterHub
from hub.core import (
    audit,
    duties,
    events,
    idempotency,
    login_limits,
    login_sessions,
    oauth,
    servers,
    shares,
    startup,
    tokens,
    webhooks,
)
from hub.core.event_feed import EventFeed, Row
from hub.core.leases import Lease, machine_of
from hub.core.lifecycle import Lifecycle, SpawnHooks, Urls
from hub.core.logins import Logins
from hub.core.metrics import Totals
from hub.core.service_processes import ServiceProcesses
from hub.db.changes import POLL_SECONDS, ServerChanges, listen_url
from hub.db.engine import Database
from hub.errors import log_failure
from hub.metrics import RECORDER
from hub.plugins.loader import PluginLoadError, detach_jupyterhub_orm, is_jupyterhub_plugin, resolve_class
from hub.proxy.chp import ConfigurableHTTPProxy
from hub.spawners import local as spawners
from hub.spawners.base import Spawner
from hub.timeutil import utcnow
from hub.web.sessions import Sessions

if TYPE_CHECKING:
    from hub.plugins.proxies import HostedProxy

    #: configurable-http-proxy, or a JupyterHub Proxy class hosted unchanged
    HubProxy = ConfigurableHTTPProxy | HostedProxy

T = TypeVar("T")

log = logging.getLogger("hub")


class Hub:
    def __init__(self, config: Config | None = None, *, validate_responses: bool = False) -> None:
        #: when this process began to start the hub (its start-up is timed until it serves)
        self.startup_began = time.perf_counter()
        self.config = config or Config()
        self.settings = JupyterHub(config=self.config)
        auth_cls = resolve_class(
            self.settings.authenticator_class, "authenticator", authenticators.SHORT_NAMES
        )
        self.authenticator: authenticators.Authenticator
        if is_jupyterhub_plugin(auth_cls, "authenticator"):
            from hub.plugins.authenticators import HostedAuthenticator

            self.authenticator = HostedAuthenticator(auth_cls, config=self.config)
        elif isinstance(auth_cls, type) and issubclass(auth_cls, authenticators.Authenticator):
            self.authenticator = auth_cls(config=self.config)
        else:
            raise PluginLoadError(
                f"c.JupyterHub.authenticator_class = {auth_cls.__module__}.{auth_cls.__qualname__} "
                "is not an Authenticator (neither jupyterhub.auth.Authenticator nor this hub's own)"
            )
        self.crypter = Crypter.from_env()
        self.logins = Logins(self.transact, self.authenticator, self.crypter)
        self.spawner_class = resolve_class(self.settings.spawner_class, "spawner", spawners.SHORT_NAMES)
        self.db = Database(self.settings.db_url)
        #: notices of server rows changed by any hub process (PostgreSQL)
        self.changes = ServerChanges(listen_url(self.db.url), self.settings.change_poll_interval)
        # every transaction writes the events it noted just before it commits
        self.db.before_commit = events.write
        #: new events for this process's change-stream subscribers
        self.event_feed = EventFeed(self._events_after, self._newest_event, self._event_poll_seconds)
        self.db.after_commit = self.event_feed.poke
        self.changes.on_events = self.event_feed.poke
        self.verified_tokens = tokens.VerifiedTokens()
        #: the counters and histograms of the whole hub, and this process's share not yet written
        self.metrics = Totals(self.transact, RECORDER)
        #: (stop servers, stop the proxy) when the hub stops
        self._cleanup = (self.settings.cleanup_servers, self.settings.cleanup_proxy)
        #: set by whatever serves the hub: makes it exit
        self.request_exit: Callable[[], None] = lambda: None
        self.validate_responses = validate_responses
        # read once: traitlets attribute access is slow on the request path
        self.base_prefix = self.settings.base_prefix()
        self.hub_prefix = self.settings.hub_prefix()
        self.activity_resolution = timedelta(seconds=self.settings.activity_resolution)
        self.page_default_limit = self.settings.api_page_default_limit
        self.page_max_limit = self.settings.api_page_max_limit
        hub_url = self.settings.hub_connect_host()
        self.spawner = self._make_spawner(hub_url)
        # plugin classes may have imported JupyterHub's ORM, which hooks every session
        detach_jupyterhub_orm()
        self.proxy = self._make_proxy(hub_url)
        s = self.settings
        self.lifecycle = Lifecycle(
            self.transact,
            self.spawner,
            self.proxy,
            servers.Limits(
                s.allow_named_servers,
                s.named_server_limit_per_user,
                s.concurrent_spawn_limit,
                s.active_server_limit,
            ),
            Urls(self.base_prefix, self.hub_prefix, f"{hub_url}{self.hub_prefix}api", hub_url),
            slow_spawn_timeout=s.slow_spawn_timeout,
            slow_stop_timeout=s.slow_stop_timeout,
            hooks=self._spawn_hooks(),
            lease=Lease(
                f"{s.machine_name or socket.gethostname()}:{s.hub_address()[1]}",
                timedelta(seconds=s.lease_seconds),
            ),
            changes=self.changes,
        )
        self.oauth_token_expires_in = s.oauth_token_expires_in or int(s.cookie_max_age_days * 86400)
        self.service_processes = ServiceProcesses(
            self.transact, list(s.services), self.base_prefix, f"{hub_url}{self.hub_prefix}api"
        )
        #: the duties this process holds for the whole hub (:mod:`hub.core.duties`)
        self.duties_held: set[str] = set()
        self._duty_loop: asyncio.Task[None] | None = None
        self._started_duties = False

    def _spawn_hooks(self) -> SpawnHooks | None:
        """A JupyterHub authenticator's ``pre_spawn_start``/``post_spawn_stop`` around
        the native spawner's servers (a hosted spawner runs them itself)."""
        plugin_authenticator = getattr(self.authenticator, "plugin", None)
        if plugin_authenticator is None or is_jupyterhub_plugin(self.spawner_class, "spawner"):
            return None
        from hub.plugins.native_spawns import AuthenticatorSpawnHooks

        return AuthenticatorSpawnHooks(
            plugin_authenticator, self.transact, self.crypter.decrypt, self.base_prefix, self.hub_prefix
        )

    def _make_proxy(self, hub_url: str) -> HubProxy:
        from hub.proxy.chp import SHORT_NAMES as PROXIES

        cls = resolve_class(self.settings.proxy_class, "proxy", PROXIES)
        # JupyterHub's own ConfigurableHTTPProxy is this hub's: the same c.ConfigurableHTTPProxy keys
        jupyterhubs_chp = (cls.__module__, cls.__name__) == ("jupyterhub.proxy", "ConfigurableHTTPProxy")
        if cls is ConfigurableHTTPProxy or jupyterhubs_chp:
            return ConfigurableHTTPProxy(
                public_url=self.settings.bind_url, hub_url=hub_url, config=self.config
            )
        if not is_jupyterhub_plugin(cls, "proxy"):
            raise PluginLoadError(
                f"c.JupyterHub.proxy_class = {cls.__module__}.{cls.__qualname__} is not a Proxy "
                "(neither jupyterhub.proxy.Proxy nor this hub's configurable-http-proxy)"
            )
        from hub.plugins.proxies import HostedProxy

        return HostedProxy(cls, self.config, self.settings.bind_url)

    def _make_spawner(self, hub_url: str) -> Spawner:
        cls = self.spawner_class
        if is_jupyterhub_plugin(cls, "spawner"):
            from hub.plugins.facades import HubFacade
            from hub.plugins.spawners import HostedSpawner

            hub = HubFacade(f"{hub_url}{self.hub_prefix}api", self.hub_prefix, f"{hub_url}{self.hub_prefix}")
            plugin_authenticator = getattr(self.authenticator, "plugin", None)
            return HostedSpawner(
                cls,
                self.config,
                transact=self.transact,
                decrypt=self.crypter.decrypt,
                hub=hub,
                base_url=self.base_prefix,
                authenticator=plugin_authenticator,
                changes=self.changes,
            )
        if isinstance(cls, type) and issubclass(cls, Spawner):
            return cls(config=self.config)
        raise PluginLoadError(
            f"c.JupyterHub.spawner_class = {cls.__module__}.{cls.__qualname__} "
            "is not a Spawner (neither jupyterhub.spawner.Spawner nor this hub's own)"
        )

    async def transact(self, fn: Callable[[Session], T], write: bool = True, serializable: bool = False) -> T:
        """Run ``fn(session)`` in one transaction, from async code.

        SQLite transactions run inline (they never wait on this process's own
        locks); PostgreSQL ones in a worker thread, run again while they lose
        to concurrent writes (:meth:`hub.db.engine.Database.run`), so ``fn``
        must do nothing but database work.
        """
        if self.db.is_sqlite:
            return self.db.run(lambda tx: fn(tx.session), write, inline=True)
        run = partial(self.db.run, lambda tx: fn(tx.session), write, serializable=serializable)
        return await anyio.to_thread.run_sync(run)

    async def _events_after(self, after: int, limit: int) -> list[Row]:
        return await self.transact(lambda s: events.after(s.connection(), after, limit), write=False)

    async def _newest_event(self) -> int:
        return await self.transact(lambda s: events.horizon(s.connection()).last, write=False)

    def _event_poll_seconds(self) -> float:
        # notices wake the feed at once when they can; else it reads often
        return self.changes.fallback if self.changes.listening else POLL_SECONDS

    async def start_services(self) -> None:
        """The proxy, the servers found again, and the poller (after :meth:`start`)."""
        await self.changes.start()
        await self.sync_authenticator()
        await self.logins.load_managed_roles()
        await self.proxy.start()
        await self.hold_duties()
        await self.lifecycle.restore()
        self.lifecycle.start_polling()
        self._duty_loop = asyncio.create_task(self._keep_duties())

    async def hold_duties(self) -> None:
        """Take or renew the duties done once for the whole hub; start the
        managed services when this process gains that duty, stop them when it
        loses it (another process took over while this one did not renew)."""
        lease = self.lifecycle.lease
        now = utcnow()
        wanted = [duties.PURGE, duties.WEBHOOKS, *([duties.SERVICES] if self.service_processes.specs else [])]
        until = lease.until(now)

        def take(session: Session) -> tuple[set[str], list[str]]:
            duties.acquire(session, duties.MEMBER + lease.owner, lease.owner, until, now)
            duties.forget_gone(session, now)
            won = {n for n in wanted if duties.acquire(session, n, lease.owner, until, now)}
            return won, duties.members(session, now)

        held, members = await self.transact(take)
        self._started_duties = True
        self.lifecycle.live_machines = {machine_of(m) for m in members}
        if self.lifecycle.machine is not None:
            # servers pinned to a machine are shared out among its processes
            members = [m for m in members if machine_of(m) == self.lifecycle.machine]
        # this process polls its share of the running servers
        self.lifecycle.poll_share = (
            (members.index(lease.owner), len(members)) if lease.owner in members else (0, 1)
        )
        if duties.SERVICES in held and duties.SERVICES not in self.duties_held:
            log.info("This process runs the managed services")
            await self.service_processes.start()
        elif duties.SERVICES in self.duties_held and duties.SERVICES not in held:
            log.warning("Another hub process took over the managed services; stopping this process's copies")
            await self.service_processes.stop()
        self.duties_held = held

    async def _keep_duties(self) -> None:
        while True:
            await asyncio.sleep(self.lifecycle.lease.duration.total_seconds() / 3)
            try:
                await self.hold_duties()
            except Exception:
                log_failure(log, "Renewing this process's duties failed")

    async def restore_proxy(self) -> bool:
        """Start the proxy again if the one the hub started has exited, and give
        it the routes; True when it was started again (:class:`ProxyError` when
        it cannot be)."""
        if not await self.proxy.restart_if_exited(self.lifecycle.reconcile):
            return False
        log.info("The proxy is running again, with its routes")
        return True

    async def keep_hub_route(self) -> bool:
        """With a proxy started apart from the hub (and so, maybe, several hub
        processes behind it): when the hub's own route points at a process that
        no longer answers, point it here; when it has no route for the hub at all,
        the proxy lost its table, and every route is given back. True when a
        route was added."""
        if self.proxy.should_start:
            return False  # this process's own proxy: the route is always its own
        urls = self.lifecycle.urls
        spec = "/" if urls.base_url == "/" else urls.hub_prefix
        route = (await self.proxy.get_all_routes()).get(spec)
        if route is None:
            # the proxy lost its table (started again without it): give it all of it
            # back now, rather than one server at a time as their users ask
            log.warning("The proxy has no route for the hub; giving it every route")
            await self.lifecycle.reconcile()
            return True
        if route["target"] == urls.hub_target or await _answers(route["target"], spec):
            return False
        log.warning(
            "The hub's route pointed at %s, which does not answer; pointing it here",
            route["target"],
        )
        await self.proxy.add_route(spec, urls.hub_target, {"hub": True})
        return True

    async def sync_authenticator(self) -> None:
        """Bring a plugin authenticator's idea of the users in step with the database."""
        sync = getattr(self.authenticator, "sync_users", None)
        if sync is not None:
            from hub.core import users

            await sync(await self.transact(users.all_names, write=False))

    async def stop_services(self) -> None:
        cleanup_servers, cleanup_proxy = self._cleanup
        if self._duty_loop is not None:
            self._duty_loop.cancel()
            await asyncio.gather(self._duty_loop, return_exceptions=True)
            self._duty_loop = None
        await self.service_processes.stop()
        if self._started_duties:
            # handed over at once: another process need not wait for the lease to run out
            owner, now = self.lifecycle.lease.owner, utcnow()
            held, self.duties_held, self._started_duties = self.duties_held, set(), False

            def give_up(session: Session) -> None:
                for name in [*held, duties.MEMBER + owner]:
                    duties.release(session, name, owner, now)

            with contextlib.suppress(Exception):
                await self.transact(give_up)
        if cleanup_servers:
            await self.lifecycle.stop_all()
        # servers left running are the other processes' (or the next run's) to look after
        await self.lifecycle.close(hand_over=not cleanup_servers)
        await self.proxy.stop(stop_process=cleanup_proxy)
        await self.event_feed.stop()
        await self.changes.stop()

    def shutdown(self, servers: bool | None = None, proxy: bool | None = None) -> None:
        """Ask the server running this hub to exit (``POST /shutdown``)."""
        s = self.settings
        self._cleanup = (
            s.cleanup_servers if servers is None else servers,
            s.cleanup_proxy if proxy is None else proxy,
        )
        asyncio.get_running_loop().call_later(0.1, self.request_exit)

    def start(self) -> None:
        s = self.settings
        secret = cookies.load_secret(s.cookie_secret, s.cookie_secret_file)
        self.sessions = Sessions(secret, self.base_prefix, self.hub_prefix, s.cookie_max_age_days)
        if getattr(self.authenticator, "enable_auth_state", False) and not self.crypter.enabled:
            raise startup.ConfigError(
                "Authenticator.enable_auth_state needs encryption keys: set JUPYTERHUB_CRYPT_KEY "
                "(e.g. `openssl rand -hex 32`)"
            )
        if self.logins.manage_roles:
            assigning = [r.get("name") for r in s.load_roles if r.get("users") or r.get("groups")]
            if assigning:
                raise startup.ConfigError(
                    "When the authenticator manages roles (manage_roles), load_roles cannot give "
                    f"roles to users or groups: {', '.join(map(str, assigning))}"
                )
        self.db.upgrade()
        with self.db.session() as session:
            startup.apply(session, self.settings, self.authenticator)
        log.info("Hub ready on database %s", self.db.engine.url.render_as_string(hide_password=True))

    def purge_expired(self) -> int:
        """Delete expired tokens, OAuth codes, share codes, login sessions whose
        cookie is too old to count, events, deliveries and audit records older
        than they are kept, idempotency keys older than a day and failed logins
        that no longer count (every hour,
        in the process holding the purge duty); returns how many tokens went."""
        with self.db.session() as session:
            oauth.purge_expired_codes(session)
            login_sessions.purge_expired(session, timedelta(seconds=self.sessions.max_age))
            shares.purge_expired_codes(session)
            keep = timedelta(seconds=self.settings.event_history_seconds)
            events.trim(session, keep)
            webhooks.trim(session, keep)
            aged = audit.purge(session.connection(), self.settings.audit_retention_days, utcnow())
            if aged:
                log.info(
                    "Deleted %d audit records older than %d days", aged, self.settings.audit_retention_days
                )
            idempotency.purge_expired(session, utcnow())
            window = timedelta(seconds=self.settings.failed_login_window)
            login_limits.purge(session.connection(), window, utcnow())
            return tokens.purge_expired(session)

    def stop(self) -> None:
        self.db.dispose()


async def _answers(target: str, spec: str) -> bool:
    """Whether the hub process at ``target`` answers its health check."""
    prefix = spec if spec != "/" else "/hub/"
    try:
        async with httpx.AsyncClient(timeout=2) as client:
            return (await client.get(f"{target.rstrip('/')}{prefix}health")).status_code == 200
    except httpx.HTTPError:
        return False


_current: Hub | None = None


def install(hub: Hub) -> None:
    global _current
    _current = hub


def current() -> Hub:
    if _current is None:
        raise RuntimeError("no hub is running in this process")
    return _current
