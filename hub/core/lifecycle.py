"""Starting, stopping, watching and restoring servers.

The database says what each server is doing; this module does it: it runs the
spawner, waits for the server to answer HTTP, adds and removes its proxy
route, records progress, and on start-up finds every server again. Spawns in
progress are tasks of the worker that started them; what they have done so
far is in the database. Each pending start or stop is leased to the hub
process running it (:mod:`hub.core.leases`): when that process dies, another
one (or the same one, restarted) takes it over once the lease runs out,
adopting a start whose server answers and ending any other as a clean
failure.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any, Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub import metrics
from hub.core import duties, leases, oauth, servers, services
from hub.db.changes import ServerChanges
from hub.db.models import Server, User
from hub.errors import BadRequest, Conflict, DatabaseUnavailable, HubError, log_failure
from hub.metrics import catalogue
from hub.names import server_prefix, service_prefix
from hub.spawners.base import Launch, ServerRef, Spawner, SpawnError, SpawnTimeout
from hub.timeutil import utcnow

#: servers polled at once by the periodic check
POLL_CONCURRENCY = 16
#: seconds an orphaned start's server has to answer to be adopted (else the start fails)
ADOPT_WITHIN = 5
#: seconds between tries for the proxy-sync duty while another process holds it
PROXY_SYNC_WAIT = 0.2

log = logging.getLogger(__name__)
T = TypeVar("T")
Transact = Callable[..., Awaitable[Any]]


class SpawnHooks(Protocol):
    """What runs around every spawn and stop (the authenticator's
    ``pre_spawn_start`` and ``post_spawn_stop``, for a native spawner)."""

    async def before_start(self, launch: Launch) -> dict[str, str]:
        """Extra environment for the server; raises :class:`SpawnError` to refuse the spawn."""
        ...

    async def after_stop(self, server: ServerRef) -> None: ...


class Proxy(Protocol):
    async def add_route(self, routespec: str, target: str, data: dict[str, Any]) -> None: ...
    async def delete_route(self, routespec: str) -> None: ...
    async def get_all_routes(self) -> dict[str, dict[str, Any]]: ...


class SpawnFailed(HubError):
    """The server could not be started (answered as JupyterHub does, 500)."""

    status = 500


@dataclass(frozen=True)
class Urls:
    base_url: str  # "/"
    hub_prefix: str  # "/hub/"
    api_url: str  # http://127.0.0.1:8081/hub/api, as servers call it
    hub_target: str  # http://127.0.0.1:8081, the hub's proxy route target

    def prefix(self, user: str, server_name: str) -> str:
        return server_prefix(self.base_url, user, server_name)


#: limits used when stopping on the hub's own behalf (named servers always allowed)
_ALL_NAMED = servers.Limits(True, 0, 0, 0)


#: the reason a spawn that a stop cancelled ends with
SPAWN_CANCELLED = "Spawn cancelled"
#: a poll without a record read ahead for it (:meth:`Lifecycle._poll`)
_NO_RECORD: Any = object()


class Lifecycle:
    def __init__(
        self,
        transact: Transact,
        spawner: Spawner,
        proxy: Proxy,
        limits: servers.Limits,
        urls: Urls,
        slow_spawn_timeout: float = 10,
        slow_stop_timeout: float = 10,
        hooks: SpawnHooks | None = None,
        lease: leases.Lease | None = None,
        changes: ServerChanges | None = None,
    ) -> None:
        self.transact = transact
        #: notices of server rows changed by any hub process
        self.changes = changes if changes is not None else ServerChanges(None)
        #: this process's name and how long its claim on a start or stop lasts unrenewed
        self.lease = lease or leases.Lease(f"{socket.gethostname()}:{os.getpid()}", timedelta(seconds=30))
        self.hooks = hooks
        self.spawner = spawner
        self.proxy = proxy
        self.limits = limits
        self.urls = urls
        self.slow_spawn_timeout = slow_spawn_timeout
        self.slow_stop_timeout = slow_stop_timeout
        self.spawns: dict[int, asyncio.Task[None]] = {}
        self.stops: dict[int, asyncio.Task[None]] = {}
        self._poller: asyncio.Task[None] | None = None
        self._leaser: asyncio.Task[None] | None = None
        #: (this process's index, how many live processes): each polls the servers
        #: whose id falls to it, so every server is polled by one process
        self.poll_share = (0, 1)
        #: this process's machine, when the spawner's servers only mean something
        #: on their own machine (a pid): only that machine's processes act on them
        self.machine = self.lease.machine if spawner.pinned_to_machine else None
        #: the machines with a live hub process (None: not known yet)
        self.live_machines: set[str] | None = None
        #: stops (in ``stops``) this process waits for another machine's processes to carry out
        self.stops_elsewhere: set[int] = set()
        #: set while closing with its work handed over to the other processes
        self._handing_over = False
        self._client_scopes = tuple(spawner.oauth_client_allowed_scopes)

    # --- start ---------------------------------------------------------------------

    async def start(self, user: str, server_name: str, body: Any) -> int:
        """Start a server; 201 once ready, 202 while still starting."""
        began = time.perf_counter()
        plan = await self._plan_start(user, server_name, body, began)
        if plan == "running":
            ref = await self.transact(lambda s: _ref_of(s, user, server_name))
            if ref is not None and (ref.id in await self._elsewhere() or await self._poll(ref) is None):
                raise BadRequest(f"{servers.label(user, server_name)} is already running")
            if ref is not None:
                await self._gone(ref.id, user, server_name)
            plan = await self._plan_start(user, server_name, body, began)
        if not isinstance(plan, servers.SpawnPlan):
            return 202
        task = _background(self._spawn(plan, began))
        self.spawns[plan.server_id] = task
        done, _ = await asyncio.wait({task}, timeout=self.slow_spawn_timeout)
        if not done:
            return 202
        if not task.cancelled() and isinstance(task.exception(), DatabaseUnavailable):
            raise DatabaseUnavailable()  # how it ended is not recorded yet (see stop)
        error = await self.transact(lambda s: _error_of(s, plan.server_id))
        if error == SPAWN_CANCELLED:
            raise Conflict(f"The start of {servers.label(user, server_name)} was cancelled by a stop request")
        if error is not None:
            raise SpawnFailed(f"Spawn failed: {error}")
        return 201

    async def _plan_start(
        self, user: str, server_name: str, body: Any, began: float
    ) -> servers.SpawnPlan | str:
        """Grant the start (see :func:`hub.core.servers.plan_start`); a start
        refused by a limit, or already pending, is counted as JupyterHub does."""
        try:
            # serializable: the limits count servers, and two starts must not both pass them
            plan: servers.SpawnPlan | str = await self.transact(
                lambda s: servers.plan_start(
                    s,
                    user,
                    server_name,
                    body,
                    self.limits,
                    self.urls.base_url,
                    self._client_scopes,
                    self.lease,
                    self.machine,
                ),
                serializable=True,
            )
        except servers.SpawnThrottled:
            _spawn_ended(catalogue.SPAWN_THROTTLED, began)
            raise
        except servers.ServerLimitReached:
            _spawn_ended(catalogue.SPAWN_TOO_MANY_USERS, began)
            raise
        if plan == "pending":
            _spawn_ended(catalogue.SPAWN_ALREADY_PENDING, began)
        return plan

    async def _spawn(self, plan: servers.SpawnPlan, began: float) -> None:
        """Carry a granted start out; its duration is counted unless a stop
        cancelled or superseded it (it then neither succeeded nor failed)."""
        sid = plan.server_id
        prefix = self.urls.prefix(plan.user, plan.server_name)
        launch = Launch(
            user=plan.user,
            server_name=plan.server_name,
            prefix=prefix,
            api_url=self.urls.api_url,
            api_token=plan.token,
            base_url=self.urls.base_url,
            hub_prefix=self.urls.hub_prefix,
            oauth_client_id=oauth.server_client_id(plan.user, plan.server_name),
            user_options=plan.user_options,
            server_id=sid,
        )
        ref = ServerRef(sid, plan.user, plan.server_name, {})
        try:
            if self.hooks is not None:
                launch = replace(launch, environment=await self.hooks.before_start(launch))
            started = await asyncio.wait_for(self.spawner.start(launch), self.spawner.start_timeout)
            state = started.state
            ref = ServerRef(sid, plan.user, plan.server_name, state, started.url)
            url = started.url
            await self.transact(lambda s: _started(s, sid, state, not self.spawner.reports_progress, url))
            self.spawner.recorded(ref)
            await self.spawner.wait_until_answering(started.url + prefix + "api", ref)
            await self._route_new(prefix, started.url, plan.user, plan.server_name)
            ready = _ready_event(prefix)
            final = self.spawner.latest_state(ref)
            if not await self.transact(lambda s: servers.spawned(s, sid, started.url, final, ready)):
                # a stop came first: it stops the process; the route goes with it
                with contextlib.suppress(Exception):
                    await self._delete_route(prefix)
                if sid not in self.stops:
                    # the stop ran in another hub process, maybe before this one
                    # had recorded the process: make sure it ends
                    with contextlib.suppress(Exception):
                        await self.spawner.stop(ref)
                return
            _spawn_ended(catalogue.SPAWN_SUCCESS, began)
            log.info("Server %s is ready at %s", servers.label(plan.user, plan.server_name), started.url)
        except asyncio.CancelledError:
            if not self._handing_over:
                await self._abandon(ref, SPAWN_CANCELLED, "cancelled")
            raise
        except Exception as e:  # the spawn failed: leave nothing behind
            reason = _failure_reason(e, self.spawner.start_timeout)
            log.warning("Spawn of %s failed: %s", servers.label(plan.user, plan.server_name), reason)
            timed_out = isinstance(e, TimeoutError | SpawnTimeout)
            refused = isinstance(e, SpawnError) and not timed_out
            _spawn_ended(catalogue.SPAWN_FAILURE if refused else catalogue.SPAWN_ERROR, began)
            await self._abandon(ref, reason, "timeout" if timed_out else "error")
        finally:
            self.spawns.pop(sid, None)
            self.spawner.spawn_ended(sid)

    async def _abandon(self, ref: ServerRef, message: str, reason: str) -> None:
        """End a start that failed (``message``, for ``reason``: see
        :data:`hub.core.servers.FAILURE_REASONS`), leaving nothing running."""
        try:
            await self.spawner.stop(ref)
        except Exception:
            log.warning(
                "Cleaning up the failed start of %s failed", servers.label(ref.user, ref.name), exc_info=True
            )
        with contextlib.suppress(Exception):  # it may have been routed before it failed
            await self._delete_route(self.urls.prefix(ref.user, ref.name))
        await self._after_stop(ref)
        await asyncio.shield(
            self.transact(lambda s: servers.stopped(s, ref.id, error=message, reason=reason))
        )

    # --- stop --------------------------------------------------------------------

    async def stop(self, user: str, server_name: str, remove: bool) -> int:
        """Stop (and maybe remove) a server; 204 once stopped, 202 while stopping."""
        plan = await self.transact(
            lambda s: servers.plan_stop(s, user, server_name, remove, self.limits, self.lease, self.machine)
        )
        if plan is None:
            return 204
        if not isinstance(plan, servers.StopPlan):
            return 202  # another request is stopping it
        task = _background(self._stop_or_wait(plan, user, server_name))
        self.stops[plan.server_id] = task
        done, _ = await asyncio.wait({task}, timeout=self.slow_stop_timeout)
        if not done:
            return 202
        if not task.cancelled() and isinstance(task.exception(), DatabaseUnavailable):
            # stopped, maybe, but not recorded: the client asks again (the record's
            # lease runs out and the stop is finished by a hub process)
            raise DatabaseUnavailable()
        return 204

    async def _stop_or_wait(self, plan: servers.StopPlan, user: str, server_name: str) -> None:
        if plan.elsewhere is None:
            await self._stop(plan, user, server_name)
            return
        self.stops_elsewhere.add(plan.server_id)
        try:
            await self._stopped_elsewhere(plan, user, server_name)
        finally:
            self.stops.pop(plan.server_id, None)
            self.stops_elsewhere.discard(plan.server_id)

    async def _stopped_elsewhere(self, plan: servers.StopPlan, user: str, server_name: str) -> None:
        """Wait while the hub processes of the server's machine stop it (they
        take the unleased stop over), then remove it if asked to."""
        sid = plan.server_id
        log.info("%s runs on %s: its hub processes stop it", servers.label(user, server_name), plan.elsewhere)
        with self.changes.watch(sid) as watch:
            while True:
                now = await self.transact(lambda s: servers.stop_state(s, sid), write=False)
                if now is None:
                    return
                pending, has_process = now
                if pending != "stop":
                    break
                await watch.changed()
        if plan.remove and pending is None and not has_process:
            ref = ServerRef(sid, user, server_name, {})
            await self._delete_forever(ref)
            await self.transact(lambda s: servers.remove(s, sid))

    async def _elsewhere(self) -> set[int]:
        """The servers only another machine's hub processes may poll or stop."""
        if self.machine is None:
            return set()
        machine = self.machine
        found: set[int] = await self.transact(lambda s: servers.pinned_elsewhere(s, machine), write=False)
        return found

    async def _stop(self, plan: servers.StopPlan, user: str, server_name: str) -> None:
        """Stop the server; the time to stopped is counted, a success or a failure."""
        sid = plan.server_id
        began = time.perf_counter()
        stopped = False
        try:
            spawn = self.spawns.get(sid)
            if spawn is not None:
                spawn.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await spawn
            with contextlib.suppress(Exception):
                await self._delete_route(self.urls.prefix(user, server_name))
            ref = await self.transact(lambda s: _ref_by_id(s, sid))
            ref = ref or ServerRef(sid, user, server_name, plan.state)
            await self.spawner.stop(ref)
            if spawn is None:  # a cancelled spawn ran the hook when it cleaned up
                await self._after_stop(ref)
            await self.transact(lambda s: servers.stopped(s, sid))
            stopped = True
            metrics.observe(catalogue.STOP_DURATION, {"status": "success"}, time.perf_counter() - began)
            if plan.remove:
                await self._delete_forever(ref)
                await self.transact(lambda s: servers.remove(s, sid))
        except Exception:
            if not stopped:
                metrics.observe(catalogue.STOP_DURATION, {"status": "failure"}, time.perf_counter() - began)
            raise
        finally:
            self.stops.pop(sid, None)

    async def _after_stop(self, ref: ServerRef) -> None:
        if self.hooks is None:
            return
        try:
            await self.hooks.after_stop(ref)
        except Exception:
            log.warning("The hook after stopping %s failed", servers.label(ref.user, ref.name), exc_info=True)

    async def _delete_forever(self, ref: ServerRef) -> None:
        try:
            await self.spawner.delete_forever(ref)
        except Exception:
            log.warning("delete_forever of %s failed", servers.label(ref.user, ref.name), exc_info=True)

    async def delete_user_servers(self, user: str, forget: bool) -> None:
        """The user is being deleted: stop their servers, then (``forget``) let
        the spawner forget each one (``delete_forever``)."""
        await self.stop_user(user)
        if forget:
            for ref in await self.transact(lambda s: _refs_of_user(s, user), write=False):
                await self._delete_forever(ref)

    async def _gone(self, sid: int, user: str, server_name: str) -> None:
        """A server's process is gone: remove its route and mark it stopped."""
        log.warning("Server %s is no longer running", servers.label(user, server_name))
        with contextlib.suppress(Exception):
            await self._delete_route(self.urls.prefix(user, server_name))
        await self._after_stop(ServerRef(sid, user, server_name, {}))
        await self.transact(lambda s: servers.stopped(s, sid))

    # --- watching and restoring --------------------------------------------------------

    async def check_all(self) -> None:
        """Poll the ready servers (this process's share of them, see ``poll_share``);
        forget the ones whose process is gone."""
        index, count = self.poll_share
        elsewhere = await self._elsewhere()
        running = [
            ServerRef(sid, user, name, state, url)
            for sid, user, name, state, pending, url in await self.transact(servers.active, write=False)
            if pending is None and url is not None and sid % count == index and sid not in elsewhere
        ]
        if not running:
            return
        # what the polls need from the database, in one read rather than one per server
        try:
            records = await self.spawner.records_for_poll(running)
        except Exception:
            log.warning("Reading the servers to poll failed; each poll reads its own", exc_info=True)
            records = {}
        # concurrently, as a poll may ask a scheduler or a cluster and take a while
        gate = asyncio.Semaphore(POLL_CONCURRENCY)

        async def check(ref: ServerRef) -> None:
            async with gate:
                try:
                    status = await self._poll(ref, records.get(ref.id))
                except Exception:
                    log.warning("Polling %s failed", servers.label(ref.user, ref.name), exc_info=True)
                    return
            if status is not None:
                await self._gone(ref.id, ref.user, ref.name)

        await asyncio.gather(*(check(ref) for ref in running))

    async def restore(self) -> None:
        """At start-up: finish the starts and stops this process's predecessor
        (or a dead process) left, adopt running servers, fix routes. Another
        live process's starts and stops are left to it."""
        began = time.perf_counter()
        await self.take_over(predecessor=True)
        elsewhere = await self._elsewhere()
        for sid, user, name, state, pending, url in await self.transact(servers.active, write=False):
            if pending is not None or sid in self.spawns or sid in self.stops or sid in elsewhere:
                continue
            ref = ServerRef(sid, user, name, state, url)
            try:
                alive = await self._poll(ref) is None
            except Exception:
                log.warning("Polling %s failed; it is kept", servers.label(user, name), exc_info=True)
                continue
            if not alive:
                await self._gone(sid, user, name)
        metrics.observe(catalogue.INIT_SPAWNERS_DURATION, None, time.perf_counter() - began)
        await self.reconcile()

    async def take_over(self, predecessor: bool = False) -> None:
        """Finish the starts and stops whose process died (their lease expired):
        a start whose server answers is adopted, any other ends as a failure;
        a stop is finished."""
        now = utcnow()
        found = await self.transact(
            lambda s: leases.orphans(s, now, self.lease.owner if predecessor else None), write=False
        )
        taken: list[asyncio.Task[None]] = []
        for orphan in found:
            sid = orphan.server_id
            if (sid in self.stops and sid not in self.stops_elsewhere) or (
                sid in self.spawns and orphan.pending == "spawn"
            ):
                continue
            pinned = self.machine is not None and orphan.machine not in (None, self.machine)
            if pinned and (self.live_machines is None or orphan.machine in self.live_machines):
                continue  # its machine's hub processes take it
            if not await self.transact(lambda s, o=orphan: leases.claim(s, o, self.lease, now, predecessor)):
                continue  # another process was quicker
            metrics.inc(catalogue.LEASE_TAKEOVERS, {"pending": orphan.pending})
            label = servers.label(orphan.user, orphan.server_name)
            if pinned:
                # no hub process is left on its machine: what ran there cannot be
                # reached from here, so the record ends (the process, if it still
                # runs there, is left as it is)
                reason = f"no hub process is left on {orphan.machine}, where it runs"
                log.warning("Marking %s stopped: %s", label, reason)
                error = reason if orphan.pending == "spawn" else None
                with contextlib.suppress(Exception):
                    await self._delete_route(self.urls.prefix(orphan.user, orphan.server_name))
                await self.transact(
                    lambda s, i=sid, e=error: servers.stopped(s, i, error=e, reason="machine_lost")
                )
                continue
            if orphan.pending == "stop":
                log.warning("Finishing the stop of %s, which another hub process began", label)
                plan = servers.StopPlan(sid, orphan.state, None, False)
                task = _background(self._stop(plan, orphan.user, orphan.server_name))
                self.stops[sid] = task
            else:
                why = (
                    "the hub restarted during the start"
                    if predecessor
                    else "the hub process starting it stopped"
                )
                task = _background(self._adopt(orphan, why))
                self.spawns[sid] = task
            taken.append(task)
        if predecessor:
            # at start-up: the hub answers once what its predecessor left is settled
            await asyncio.gather(*taken, return_exceptions=True)

    async def _adopt(self, orphan: leases.Orphan, why: str) -> None:
        """Finish an orphaned start: ready if its server answers, else a failure saying ``why``."""
        sid, user, name = orphan.server_id, orphan.user, orphan.server_name
        ref = ServerRef(sid, user, name, orphan.state, orphan.spawn_url)
        prefix = self.urls.prefix(user, name)
        try:
            if orphan.spawn_url is None or await self._poll(ref) is not None:
                raise SpawnError(why)
            log.warning(
                "Adopting the start of %s, which another hub process began", servers.label(user, name)
            )
            try:
                await asyncio.wait_for(
                    self.spawner.wait_until_answering(orphan.spawn_url + prefix + "api", ref), ADOPT_WITHIN
                )
            except TimeoutError:
                raise SpawnError(why) from None
            await self._route_new(prefix, orphan.spawn_url, user, name)
            ready = _ready_event(prefix)
            url = orphan.spawn_url
            if not await self.transact(lambda s: servers.spawned(s, sid, url, orphan.state, ready)):
                with contextlib.suppress(Exception):
                    await self._delete_route(prefix)
        except asyncio.CancelledError:
            if not self._handing_over:
                await self._abandon(ref, SPAWN_CANCELLED, "cancelled")
            raise
        except Exception as e:
            reason = _failure_reason(e, ADOPT_WITHIN)
            log.warning("The start of %s ends: %s", servers.label(user, name), reason)
            await self._abandon(ref, reason, "hub_process_lost")
        finally:
            self.spawns.pop(sid, None)

    async def _renew_and_take_over(self) -> None:
        """Every third of a lease: renew this process's leases, take over expired ones."""
        period = self.lease.duration.total_seconds() / 3
        while True:
            await asyncio.sleep(period)
            try:
                mine = {*self.spawns, *self.stops}
                if mine:
                    until = self.lease.until(utcnow())
                    await self.transact(lambda s, m=mine, u=until: leases.renew(s, self.lease.owner, m, u))
                await self.take_over()
            except Exception:
                log_failure(log, "Renewing or taking over leases failed")

    async def reconcile(self) -> None:
        """Make the proxy's table match the database, one hub process at a time
        (the proxy-sync duty): two processes syncing at once could each undo
        what the other just did."""
        async with self._proxy_sync():
            await self._reconcile()

    @contextlib.asynccontextmanager
    async def _proxy_sync(self) -> AsyncIterator[None]:
        owner = self.lease.owner

        def take(session: Session) -> bool:
            now = utcnow()
            return duties.acquire(session, duties.PROXY_SYNC, owner, self.lease.until(now), now)

        waited = False
        while not await self.transact(take):
            if not waited:
                log.info("Another hub process is syncing the proxy; waiting for it")
                waited = True
            await asyncio.sleep(PROXY_SYNC_WAIT)

        async def renew() -> None:
            while True:
                await asyncio.sleep(self.lease.duration.total_seconds() / 3)
                await self.transact(take)

        renewing = asyncio.create_task(renew())
        try:
            yield
        finally:
            renewing.cancel()
            await asyncio.gather(renewing, return_exceptions=True)
            with contextlib.suppress(Exception):
                await self.transact(lambda s: duties.release(s, duties.PROXY_SYNC, owner, utcnow()))

    async def _reconcile(self) -> None:
        began = time.perf_counter()
        expected = {"/": (self.urls.hub_target, {"hub": True})} if self.urls.base_url == "/" else {}
        if self.urls.base_url != "/":
            expected[self.urls.hub_prefix] = (self.urls.hub_target, {"hub": True})
        pending_specs = set()
        for _sid, user, name, _state, pending, url in await self.transact(servers.active, write=False):
            spec = self.urls.prefix(user, name)
            if pending is None and url is not None:
                expected[spec] = (url, {"user": user, "server_name": name})
            else:
                pending_specs.add(spec)
        for name, url in await self.transact(services.routes, write=False):
            expected[service_prefix(self.urls.base_url, name)] = (url, {"service": name})
        routes = await self.proxy.get_all_routes()
        added = []
        for spec, (target, data) in expected.items():
            if spec not in routes or routes[spec]["target"] != target:
                await self.proxy.add_route(spec, target, data)
                added.append(spec)
        for spec in routes:
            if spec not in expected and spec not in pending_specs:
                await self.proxy.delete_route(spec)
        # a stop that began after the servers were read above may have deleted its
        # route before it was added here; it was marked pending before it deleted
        # the route, so reading again finds it, and its route goes
        servers_added = [spec for spec in added if "user" in expected[spec][1]]
        if servers_added:
            running = {
                self.urls.prefix(user, name)
                for _sid, user, name, _state, pending, url in await self.transact(servers.active, write=False)
                if pending is None and url is not None
            }
            for spec in servers_added:
                if spec not in running:
                    await self.proxy.delete_route(spec)
        metrics.observe(catalogue.CHECK_ROUTES_DURATION, None, time.perf_counter() - began)

    async def route(self, user: str, server_name: str, target: str) -> None:
        """Give a running server its route again (the proxy lost it: restarted
        without its table, or an operator deleted it)."""
        log.warning(
            "The proxy had no route for running server %s; adding it", servers.label(user, server_name)
        )
        await self._add_route(self.urls.prefix(user, server_name), target, user, server_name)

    async def route_service(self, name: str, url: str) -> None:
        """Route a service created at run time now, rather than at the next sync.

        The database already holds the service; should the proxy fail here, the
        next sync (``POST /proxy``, a restart) adds the route.
        """
        try:
            await self.proxy.add_route(service_prefix(self.urls.base_url, name), url, {"service": name})
        except Exception:
            log.warning("Routing service %s failed; the next proxy sync adds it", name, exc_info=True)

    async def unroute_service(self, name: str) -> None:
        try:
            await self.proxy.delete_route(service_prefix(self.urls.base_url, name))
        except Exception:
            log.warning(
                "Removing the route of service %s failed; the next proxy sync does", name, exc_info=True
            )

    # --- timed calls to the proxy and the spawner --------------------------------------

    async def _route_new(self, prefix: str, target: str, user: str, server_name: str) -> None:
        """Route a server that has just come up. A proxy that cannot be reached
        (restarting, say) does not fail the start: the server runs and answers,
        and the proxy gets its route once it answers again (the proxy check gives
        a proxy that lost its table all of it back) or when the user asks for it."""
        try:
            await self._add_route(prefix, target, user, server_name)
        except Exception as e:
            log.warning(
                "The proxy could not route %s (%s); the server is kept and routed once the proxy answers",
                servers.label(user, server_name),
                type(e).__name__,
            )

    async def _add_route(self, prefix: str, target: str, user: str, server_name: str) -> None:
        """Route a server's ``prefix`` to ``target``, timed as a success or a failure."""
        began = time.perf_counter()
        try:
            await self.proxy.add_route(prefix, target, {"user": user, "server_name": server_name})
        except Exception:
            metrics.observe(catalogue.PROXY_ADD_DURATION, catalogue.FAILURE, time.perf_counter() - began)
            raise
        metrics.observe(catalogue.PROXY_ADD_DURATION, catalogue.SUCCESS, time.perf_counter() - began)

    async def _delete_route(self, prefix: str) -> None:
        """Delete a server's route, timed as a success or a failure."""
        began = time.perf_counter()
        try:
            await self.proxy.delete_route(prefix)
        except Exception:
            metrics.observe(catalogue.PROXY_DELETE_DURATION, catalogue.FAILURE, time.perf_counter() - began)
            raise
        metrics.observe(catalogue.PROXY_DELETE_DURATION, catalogue.SUCCESS, time.perf_counter() - began)

    async def _poll(self, ref: ServerRef, record: Any = _NO_RECORD) -> int | None:
        """The spawner's poll of a server (None: it runs), timed by its answer;
        with the ``record`` :meth:`Spawner.records_for_poll` read for it, if any.
        A poll that raises is not counted: it said neither."""
        began = time.perf_counter()
        if record is _NO_RECORD:
            status = await self.spawner.poll(ref)
        else:
            status = await self.spawner.poll_with_record(ref, record)
        metrics.observe(
            catalogue.SERVER_POLL_DURATION, catalogue.poll_status(status), time.perf_counter() - began
        )
        return status

    def start_polling(self) -> None:
        async def loop() -> None:
            while True:
                await asyncio.sleep(self.spawner.poll_interval)
                try:
                    await self.check_all()
                except Exception:
                    log_failure(log, "Polling servers failed")

        self._poller = asyncio.create_task(loop())
        self._leaser = asyncio.create_task(self._renew_and_take_over())

    async def stop_user(self, user: str) -> None:
        """Stop every server of one user, and wait for them."""
        mine = await self.transact(lambda s: servers.active(s, user), write=False)
        for sid, _owner, name, _state, pending, _url in mine:
            if pending == "stop" and sid in self.stops:
                await self.stops[sid]
                continue
            plan = await self.transact(
                lambda s, n=name: servers.plan_stop(s, user, n, False, _ALL_NAMED, self.lease, self.machine)
            )
            if isinstance(plan, servers.StopPlan):
                await self._stop_or_wait(plan, user, name)

    async def stop_all(self) -> None:
        """Stop every server (at shutdown, with ``JupyterHub.cleanup_servers``)
        this process can reach (not those of another machine)."""
        elsewhere = await self._elsewhere()
        for sid, user, name, state, _pending, url in await self.transact(servers.active, write=False):
            if sid in elsewhere:
                continue
            spawn = self.spawns.get(sid)
            if spawn is not None:
                spawn.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await spawn
                continue
            with contextlib.suppress(Exception):
                await self.spawner.stop(ServerRef(sid, user, name, state, url))
            await self._gone(sid, user, name)

    async def close(self, hand_over: bool = False) -> None:
        """Stop watching; end this worker's spawns and stops in progress.

        With ``hand_over`` (other hub processes carry on: the servers are not
        cleaned up), the starts and stops are left as they are and their leases
        given up, so that another process takes them over at once (a start
        whose server answers is adopted); else a start in progress is ended as
        cancelled, its server stopped.

        Each task is awaited after it is cancelled: a poll or a stop may be in
        a database transaction on a worker thread, which must end (and give its
        connection back) before the hub closes the database."""
        mine = [*self.spawns, *self.stops]
        tasks = [*self.spawns.values(), *self.stops.values()]
        for loop in (self._poller, self._leaser):
            if loop is not None:
                tasks.append(loop)
        self._poller = self._leaser = None
        self._handing_over = hand_over
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if hand_over and mine:
            owner, ids = self.lease.owner, mine
            try:
                await self.transact(lambda s: leases.renew(s, owner, ids, utcnow()))
            except Exception:
                log.warning("Giving up this process's leases failed; they run out", exc_info=True)
            else:
                log.info("Handed %d start(s) and stop(s) over to the other hub processes", len(ids))


def _spawn_ended(status_and_reason: tuple[str, str], began: float) -> None:
    status, reason = status_and_reason
    metrics.observe(
        catalogue.SPAWN_DURATION, {"status": status, "reason": reason}, time.perf_counter() - began
    )


def _ready_event(prefix: str) -> dict[str, Any]:
    """The last progress event of a start: the server is ready at ``prefix``."""
    return {
        "progress": 100,
        "ready": True,
        "message": f"Server ready at {prefix}",
        "html_message": f'Server ready at <a href="{prefix}">{prefix}</a>',
        "url": prefix,
    }


def _background(work: Awaitable[None]) -> asyncio.Task[None]:
    """A start or stop carried out beside the request that asked for it; how it
    ended is told in the log, whether or not anyone waits for it."""
    task = asyncio.ensure_future(work)
    task.add_done_callback(_told)
    return task


def _told(task: asyncio.Task[None]) -> None:
    if task.cancelled() or (e := task.exception()) is None:
        return
    if isinstance(e, DatabaseUnavailable):
        # its record keeps the lease of this process, which no longer renews it:
        # once the lease runs out, a hub process (maybe this one) finishes the work
        log.warning("A server start or stop could not record how it ended: %s", e)
    else:
        log.error("A server start or stop failed", exc_info=e)


def _failure_reason(e: Exception, timeout: float) -> str:
    """Why a start failed, as the user sees it: the spawner's own message, or
    the kind of error (never paths or addresses from an OSError)."""
    if isinstance(e, SpawnError | TimeoutError) and str(e):
        return str(e)
    if isinstance(e, TimeoutError):
        return f"server did not start within {timeout:g} seconds"
    if isinstance(e, OSError) and e.strerror:
        return f"{type(e).__name__}: {e.strerror}"
    return type(e).__name__


def _ref_of(session: Session, user: str, server_name: str) -> ServerRef | None:
    row = servers.server_row(session, user, server_name)
    return None if row is None else ServerRef(row.id, user, server_name, dict(row.state or {}), row.url)


def _ref_by_id(session: Session, sid: int) -> ServerRef | None:
    row = session.get(Server, sid)
    if row is None:
        return None
    owner = session.execute(select(User.name).where(User.id == row.user_id)).scalar_one()
    return ServerRef(row.id, owner, row.name, dict(row.state or {}), row.url)


def _refs_of_user(session: Session, user: str) -> list[ServerRef]:
    query = select(Server).join(User, User.id == Server.user_id).where(User.name == user)
    return [ServerRef(r.id, user, r.name, dict(r.state or {}), r.url) for r in session.scalars(query)]


def _error_of(session: Session, sid: int) -> str | None:
    row = session.get(Server, sid)
    return None if row is None else row.spawn_error


def _started(session: Session, sid: int, state: dict[str, Any], progress: bool, url: str) -> None:
    servers.save_state(session, sid, state, url)
    if progress:
        servers.add_progress(session, sid, {"progress": 50, "message": "Spawning server..."})
