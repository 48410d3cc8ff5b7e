"""JupyterHub ``Spawner`` subclasses (KubeSpawner, BatchSpawner, LocalProcessSpawner,
a class in ``jupyterhub_config.py``) behind the hub's own spawner interface.

:class:`HostedSpawner` is the hub's one spawner object; a plugin object is
built from the database for each operation, as JupyterHub would have it at
that moment, and dropped when the operation ends:

- a **start** builds it from the server's row and keeps it until the server
  answers HTTP or the start fails: its ``progress()`` events go to the row as
  they come, its ``db.commit()`` calls write its address and ``get_state()``,
  and a port that BatchSpawner's job reports (``POST /hub/api/batchspawner``,
  stored in the row by whichever hub process receives it) is copied into it;
- a **poll**, **stop** or **delete** builds one from the stored ``state`` and
  URL (``load_state``), so another hub process, or this one after a restart,
  can act on a server it did not start.

JupyterHub's start sequence is replayed in its order: a fresh server record,
``user_options``, ``clear_state()``, the API token, the authenticator's
``pre_spawn_start``, the auth-state hook, group overrides, the user-options
hook, ``pre_spawn_hook``, then ``start()`` within ``start_timeout``; the stop
sequence likewise (``poll``, ``stop``, ``post_stop_hook``, ``clear_state``,
the authenticator's ``post_spawn_stop``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import os
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from traitlets import Undefined
from traitlets.config import Config

from hub.db.changes import ServerChanges
from hub.db.models import Group as GroupRow
from hub.db.models import Server, User, user_group_map
from hub.names import server_prefix
from hub.plugins import maybe_await
from hub.plugins.facades import (
    DbFacade,
    HubFacade,
    OrmSpawnerFacade,
    ServerRecord,
    UserFacade,
    server_address,
    transient_server,
)
from hub.plugins.loader import config_classes
from hub.spawners.base import Launch, ServerRef, Spawner, SpawnError, Started, answering

log = logging.getLogger("hub.plugins.spawners")

#: packages whose spawners learn their server's port from ``POST /hub/api/batchspawner``
PORT_REPORTING_PACKAGES = frozenset({"batchspawner", "wrapspawner"})

#: keys of a progress event that reach the progress stream
_PROGRESS_KEYS = ("progress", "message", "html_message")


def class_setting(cls: type[Any], config: Config, name: str, fallback: Any) -> Any:
    """A trait's value as ``cls`` would read it from ``config`` (the most derived
    section that sets it wins), without building an instance."""
    trait = cls.class_traits().get(name)
    value = fallback if trait is None or trait.default_value is Undefined else trait.default_value
    for base in reversed(list(config_classes(cls))):
        section = config.get(base.__name__, None)
        if section is not None and name in section:
            value = section[name]
    return value


@dataclass
class _Operation:
    """A plugin object and what came with it, for the length of one operation."""

    plugin: Any
    record: ServerRecord
    db: DbFacade
    prefix: str
    progress: asyncio.Task[None] | None = None
    port_watch: asyncio.Task[None] | None = None


class HostedSpawner(Spawner):
    """Runs a JupyterHub spawner class; the lifecycle calls it like the native one."""

    forgets_servers = True
    reports_progress = True

    def __init__(
        self,
        plugin_cls: type[Any],
        config: Config,
        *,
        transact: Callable[..., Any],
        decrypt: Callable[[bytes], Any],
        hub: HubFacade,
        base_url: str,
        authenticator: Any = None,
        public_url: str = "",
        changes: ServerChanges | None = None,
    ) -> None:
        super().__init__()
        #: notices of server rows changed by any hub process (a reported port)
        self.changes = changes if changes is not None else ServerChanges(None)
        self.plugin_cls = plugin_cls
        self.plugin_config = config
        self.transact = transact
        self.decrypt = decrypt
        self.hub_facade = hub
        self.base_url = base_url
        #: JupyterHub's own authenticator object, when the hub hosts one
        self.authenticator = authenticator
        self.public_url = public_url.rstrip("/")
        self.poll_interval = float(class_setting(plugin_cls, config, "poll_interval", 30))
        # the plugin's own start_timeout applies inside start(); the lifecycle's is a backstop
        self.plugin_start_timeout = float(class_setting(plugin_cls, config, "start_timeout", 60))
        self.start_timeout = self.plugin_start_timeout + 60
        scopes = class_setting(plugin_cls, config, "oauth_client_allowed_scopes", [])
        self.oauth_client_allowed_scopes = list(scopes) if isinstance(scopes, list | tuple) else []
        #: whether the class's servers report their port (``POST /hub/api/batchspawner``):
        #: batchspawner's spawners, and wrapspawner's, which may wrap one
        self.receives_port_reports = any(
            (getattr(c, "__module__", "") or "").split(".")[0] in PORT_REPORTING_PACKAGES
            for c in plugin_cls.__mro__
        )
        #: JupyterHub's LocalProcessSpawner (and SudoSpawner, ...) keep a process id
        self.pinned_to_machine = any(
            c.__module__ == "jupyterhub.spawner" and c.__name__ == "LocalProcessSpawner"
            for c in plugin_cls.__mro__
        )
        #: whether the class's ``progress()`` is JupyterHub's own, which yields one
        #: event ("Spawning server...") and ends: then it runs to its end before
        #: ``start()``, rather than as a task beside it
        from jupyterhub.spawner import Spawner as JupyterHubSpawner

        self.base_progress = getattr(plugin_cls, "progress", None) is JupyterHubSpawner.progress
        #: starts in flight in this process, by server id
        self._starts: dict[int, _Operation] = {}
        self._children = _ChildProcesses()

    # --- building a plugin object ------------------------------------------------------

    def _build(self, record: ServerRecord, token: str = "") -> _Operation:
        prefix = server_prefix(self.base_url, record.user, record.name)
        orm_spawner = OrmSpawnerFacade(
            name=record.name,
            display_name=record.display_name,
            state=dict(record.state),
            user_options=dict(record.user_options),
            started=record.started,
            last_activity=record.last_activity,
            id=record.id,
        )
        if record.url:
            proto, ip, port = server_address(record.url)
            orm_spawner.server = transient_server(ip, port, prefix, proto)

        def auth_state() -> Any:
            stored = record.encrypted_auth_state
            return None if stored is None else self.decrypt(stored)

        user = UserFacade(record, self.base_url, self.hub_facade.base_url, auth_state)
        from hub.core.oauth import server_client_id

        public = f"{self.public_url}{prefix}" if self.public_url else ""
        public_hub = f"{self.public_url}{self.hub_facade.base_url}" if self.public_url else ""
        op_ref: list[_Operation] = []

        async def save() -> None:
            if op_ref:
                await self._save(op_ref[0])

        db = DbFacade(save)
        plugin = self.plugin_cls(
            user=user,
            orm_spawner=orm_spawner,
            hub=self.hub_facade,
            authenticator=self.authenticator,
            config=self.plugin_config,
            oauth_client_id=server_client_id(record.user, record.name),
            cookie_options={},
            user_options=dict(record.user_options),
            public_url=public,
            public_hub_url=public_hub,
            proxy_spec=prefix,
            _deprecated_db_session=db,
        )
        if token:
            plugin.api_token = token
        plugin.load_state(dict(record.state))
        self._children.hand_back(plugin)
        user.spawners[record.name] = plugin
        op = _Operation(plugin, record, db, prefix)
        op_ref.append(op)
        return op

    async def _record(self, server_id: int) -> ServerRecord:
        record: ServerRecord | None = await self.transact(lambda s: read_record(s, server_id), write=False)
        if record is None:
            raise SpawnError("the server's record is gone")
        return record

    async def _for(self, ref: ServerRef, record: ServerRecord | None = None) -> tuple[_Operation, bool]:
        """The start in flight for ``ref``, else a new object from its row (``record``,
        when the caller read it already): (operation, new)."""
        op = self._starts.get(ref.id)
        if op is not None:
            return op, False
        if record is None:
            record = await self.transact(lambda s: read_record(s, ref.id), write=False)
        if record is None:  # removed meanwhile: act on what the caller knew
            record = ServerRecord(
                ref.id, 0, ref.user, False, (), None, ref.name, ref.name, {}, ref.state, ref.url, None, None
            )
        else:
            record = replace(record, state=ref.state, url=ref.url or record.url)
        return self._build(record), True

    async def _save(self, op: _Operation) -> None:
        """Write the plugin's address and ``get_state()`` to its row."""
        plugin = op.plugin
        state = _json_safe(plugin.get_state())
        server = plugin.server
        url = None if server is None or not server.ip else f"{server.proto}://{server.ip}:{server.port}"
        await self.transact(lambda s: save_progress_state(s, op.record.id, state, url))

    # --- start -------------------------------------------------------------------------

    async def start(self, launch: Launch) -> Started:
        record = await self._record(launch.server_id)
        try:
            op = self._build(replace(record, state={}, url=None), token=launch.api_token)
        except Exception as e:  # a config value the class rejects, a broken __init__
            raise SpawnError(_message(e)) from e
        self._starts[record.id] = op
        timeout = float(op.plugin.start_timeout)
        try:
            await self._before_start(op, launch)
            result = await asyncio.wait_for(maybe_await(op.plugin.start()), timeout)
        except TimeoutError:
            raise SpawnError(f"the server did not start within {timeout:g} seconds") from None
        except SpawnError:
            raise
        except Exception as e:
            raise SpawnError(_message(e)) from e
        plugin = op.plugin
        url = _url_of(result, plugin)
        proto, ip, port = server_address(url)
        # through the spawner's Server object, which keeps its own copy of the address
        # (KubeSpawner's poll() compares it with the pod's) and passes it to the record
        server = plugin.server
        server.proto, server.ip, server.port = proto, ip, port
        if plugin.api_token != launch.api_token:
            log.warning(
                "%s's spawner replaced the server's API token; the token the hub issued stays in use",
                record.user,
            )
            plugin.api_token = launch.api_token
        await op.db.flush()
        return Started(url=url, state=_json_safe(plugin.get_state()))

    async def _before_start(self, op: _Operation, launch: Launch) -> None:
        """JupyterHub's steps from a fresh server record to just before ``start()``."""
        plugin = op.plugin
        # 1. a fresh server record (JupyterHub's orm.Server defaults: no ip, a random port)
        from jupyterhub.utils import random_port

        plugin.orm_spawner.server = transient_server("", random_port(), op.prefix)
        # 2.-3. the options, a clean state, the token
        plugin.user_options = dict(launch.user_options)
        plugin.clear_state()
        plugin.api_token = launch.api_token
        plugin._spawn_pending = plugin._start_pending = True
        user = plugin.user
        if self.authenticator is not None and hasattr(self.authenticator, "pre_spawn_start"):
            await maybe_await(self.authenticator.pre_spawn_start(user, plugin))
        await plugin.run_auth_state_hook(await user.get_auth_state())
        await plugin.apply_group_overrides()
        apply_options = getattr(plugin, "_run_apply_user_options", None)
        if apply_options is not None:
            await apply_options(plugin.user_options)
        await maybe_await(plugin.run_pre_spawn_hook())
        if self.base_progress:
            await self._pump_progress(op)
        else:
            op.progress = asyncio.create_task(self._pump_progress(op))
        if self.receives_port_reports:
            op.port_watch = asyncio.create_task(self._watch_reported_port(op))

    async def wait_until_answering(self, url: str, server: ServerRef) -> None:
        op = self._starts.get(server.id)
        if op is None:
            await super().wait_until_answering(url, server)
            return
        plugin = op.plugin

        async def poll() -> int | None:
            status: int | None = await maybe_await(plugin.poll())
            return status

        await answering(url, poll, float(plugin.http_timeout))

    def latest_state(self, server: ServerRef) -> dict[str, Any]:
        op = self._starts.get(server.id)
        return server.state if op is None else _json_safe(op.plugin.get_state())

    def spawn_ended(self, server_id: int) -> None:
        op = self._starts.pop(server_id, None)
        if op is None:
            return
        op.plugin._spawn_pending = op.plugin._start_pending = False
        self._children.adopt(op.plugin)
        for task in (op.progress, op.port_watch):
            if task is not None:
                task.cancel()

    async def _pump_progress(self, op: _Operation) -> None:
        """The plugin's ``progress()`` events, into the row as they come."""
        from hub.core import servers

        try:
            async for event in op.plugin.progress():
                if not isinstance(event, dict):
                    continue
                kept = {k: event[k] for k in _PROGRESS_KEYS if k in event}
                if "progress" in kept and not isinstance(kept["progress"], int | float):
                    kept.pop("progress")
                if kept.get("progress", 0) >= 100:
                    kept["progress"] = 99  # 100 is the hub's own "ready" event
                kept = _json_safe(kept)
                await self.transact(lambda s, e=kept: servers.add_progress(s, op.record.id, e))
        except asyncio.CancelledError:
            raise
        except Exception:
            log.warning("The progress of %s's start failed", op.record.user, exc_info=True)

    async def _watch_reported_port(self, op: _Operation) -> None:
        """Copy a port the server's job reported (``POST /hub/api/batchspawner``) into
        the plugin, which waits for it in ``start()``."""
        from hub.core import servers

        with self.changes.watch(op.record.id) as watch:
            while True:
                port = await self.transact(lambda s: servers.reported_port(s, op.record.id), write=False)
                if port:
                    # a wrapper (wrapspawner's ProfilesSpawner) passes it to the spawner it wraps
                    target = getattr(op.plugin, "child_spawner", None) or op.plugin
                    target.port = port
                    if target.server is not None:
                        target.server.port = port
                    return
                # the report may reach any hub process: its write's notice wakes this one
                await watch.changed(at_most=1.0)

    # --- poll, stop, delete ------------------------------------------------------------

    async def records_for_poll(self, servers: Sequence[ServerRef]) -> dict[int, ServerRecord]:
        """The rows of ``servers`` (but those starting in this process), read at once."""
        ids = [server.id for server in servers if server.id not in self._starts]
        if not ids:
            return {}
        records: dict[int, ServerRecord] = await self.transact(lambda s: read_records(s, ids), write=False)
        return records

    async def poll(self, server: ServerRef) -> int | None:
        return await self.poll_with_record(server, None)

    async def poll_with_record(self, server: ServerRef, record: ServerRecord | None) -> int | None:
        op, new = await self._for(server, record)
        status = await maybe_await(op.plugin.poll())
        if new:
            await op.db.flush()
            if status is None:
                state = _json_safe(op.plugin.get_state())
                if state != server.state:
                    await self._save(op)
        return None if status is None else int(status) if isinstance(status, int) else 0

    async def stop(self, server: ServerRef) -> None:
        try:
            op, _new = await self._for(server)
        except SpawnError:
            raise
        except Exception as e:  # the class cannot be built from the configuration
            log.warning("Cannot stop %s's server: %s", server.user, _message(e))
            return
        plugin = op.plugin
        plugin._stop_pending = True
        try:
            try:
                running = await maybe_await(plugin.poll()) is None
            except Exception:
                log.warning("poll() of %s's server failed; stopping it anyway", server.user, exc_info=True)
                running = True
            if running:
                await maybe_await(plugin.stop())
        finally:
            plugin.orm_spawner.server = None
            try:
                await maybe_await(plugin.run_post_stop_hook())
            except Exception:
                log.exception("post_stop_hook failed for %s", server.user)
            plugin.clear_state()
            if self.authenticator is not None and hasattr(self.authenticator, "post_spawn_stop"):
                try:
                    await maybe_await(self.authenticator.post_spawn_stop(plugin.user, plugin))
                except Exception:
                    log.exception("post_spawn_stop failed for %s", server.user)
            plugin._stop_pending = False
            await op.db.flush()

    async def delete_forever(self, server: ServerRef) -> None:
        op, _new = await self._for(server)
        await maybe_await(op.plugin.delete_forever())

    # --- the spawn page ----------------------------------------------------------------

    async def _page_plugin(self, user: str, server_name: str) -> Any:
        record = await self.transact(lambda s: read_user_record(s, user, server_name), write=False)
        if record is None:
            raise SpawnError(f"no such user {user}")
        return self._build(record).plugin

    async def options_form(self, user: str, server_name: str) -> str:
        plugin = await self._page_plugin(user, server_name)
        form = await maybe_await(plugin.get_options_form())
        return str(form or "")

    async def options_from_form(
        self, user: str, server_name: str, form: dict[str, list[str]]
    ) -> dict[str, Any]:
        plugin = await self._page_plugin(user, server_name)
        options = await maybe_await(plugin.run_options_from_form(form))
        safe: dict[str, Any] = _json_safe(dict(options or {}))
        return safe


class _ChildProcesses:
    """Server processes that this hub process started itself (LocalProcessSpawner's
    ``proc``), kept after their start so that they are reaped when they exit.

    A spawner built later from the row knows only the pid; without this, a server
    that exited would stay a zombie child of the hub, and the spawner, which
    probes the pid with signal 0, would take it for alive and never see it stop.
    The plugin object built for a poll or stop gets the ``Popen`` back, as
    JupyterHub's long-lived spawner object would have it. Only the process that
    started a child can reap it, so this is the one thing about a server kept
    in this process's memory; another hub process reads the pid from the row.
    """

    def __init__(self) -> None:
        self._by_pid: dict[int, subprocess.Popen[Any]] = {}

    def adopt(self, plugin: Any) -> None:
        proc = getattr(plugin, "proc", None)
        if not isinstance(proc, subprocess.Popen) or proc.pid in self._by_pid:
            return
        if proc.poll() is not None:
            return
        self._by_pid[proc.pid] = proc
        self._reap_on_exit(proc)

    def hand_back(self, plugin: Any) -> None:
        pid = getattr(plugin, "pid", None)
        proc = self._by_pid.get(pid) if isinstance(pid, int) else None
        if proc is not None and hasattr(plugin, "proc"):
            plugin.proc = proc

    def _reap_on_exit(self, proc: subprocess.Popen[Any]) -> None:
        try:
            loop = asyncio.get_running_loop()
            fd = os.pidfd_open(proc.pid)
        except (RuntimeError, OSError, AttributeError):
            return  # no loop or no pidfd: the spawner's own poll reaps it

        def exited() -> None:
            loop.remove_reader(fd)
            os.close(fd)
            proc.poll()
            self._by_pid.pop(proc.pid, None)

        loop.add_reader(fd, exited)


# --- database reads and writes (each runs inside one transaction) ------------------------


def _groups_of(session: Session, user_id: int) -> tuple[str, ...]:
    query = (
        select(GroupRow.name)
        .join(user_group_map, user_group_map.c.group_id == GroupRow.id)
        .where(user_group_map.c.user_id == user_id)
        .order_by(GroupRow.name)
    )
    return tuple(session.scalars(query))


def _record_of(session: Session, user: User, server: Server | None, server_name: str) -> ServerRecord:
    """The snapshot of ``server`` (None: one not created yet, for the spawn page)."""
    names = tuple(session.scalars(select(Server.name).where(Server.user_id == user.id).order_by(Server.id)))
    return _snapshot(user, server, server_name, names, _groups_of(session, user.id))


def _snapshot(
    user: User, server: Server | None, server_name: str, names: tuple[str, ...], groups: tuple[str, ...]
) -> ServerRecord:
    return ServerRecord(
        id=server.id if server else 0,
        user_id=user.id,
        user=user.name,
        admin=bool(user.admin),
        groups=groups,
        encrypted_auth_state=user.encrypted_auth_state,
        name=server.name if server else server_name,
        display_name=(server.display_name or server.name) if server else server_name,
        user_options=dict(server.user_options or {}) if server else {},
        state=dict(server.state or {}) if server else {},
        url=server.url if server else None,
        started=server.started if server else None,
        last_activity=server.last_activity if server else None,
        server_names=names,
    )


def read_record(session: Session, server_id: int) -> ServerRecord | None:
    server = session.get(Server, server_id)
    if server is None:
        return None
    user = session.get(User, server.user_id)
    assert user is not None
    return _record_of(session, user, server, server.name)


#: ids per ``IN (...)`` list of :func:`read_records` (below every database's limit on parameters)
_IDS_PER_READ = 500


def read_records(session: Session, server_ids: Sequence[int]) -> dict[int, ServerRecord]:
    """:func:`read_record` of many servers, by id, in a few statements whatever
    their number (the ones gone meanwhile are missing)."""
    rows: list[tuple[Server, User]] = []
    for i in range(0, len(server_ids), _IDS_PER_READ):
        chunk = server_ids[i : i + _IDS_PER_READ]
        query = select(Server, User).join(User, User.id == Server.user_id).where(Server.id.in_(chunk))
        rows.extend((server, user) for server, user in session.execute(query))
    user_ids = sorted({user.id for _server, user in rows})
    names: dict[int, list[str]] = {}
    groups: dict[int, list[str]] = {}
    for i in range(0, len(user_ids), _IDS_PER_READ):
        chunk = user_ids[i : i + _IDS_PER_READ]
        query_names = select(Server.user_id, Server.name).where(Server.user_id.in_(chunk))
        for user_id, name in session.execute(query_names.order_by(Server.id)):
            names.setdefault(user_id, []).append(name)
        query_groups = (
            select(user_group_map.c.user_id, GroupRow.name)
            .join(user_group_map, user_group_map.c.group_id == GroupRow.id)
            .where(user_group_map.c.user_id.in_(chunk))
            .order_by(GroupRow.name)
        )
        for user_id, group in session.execute(query_groups):
            groups.setdefault(user_id, []).append(group)
    return {
        server.id: _snapshot(
            user, server, server.name, tuple(names.get(user.id, ())), tuple(groups.get(user.id, ()))
        )
        for server, user in rows
    }


def read_user_record(session: Session, user_name: str, server_name: str) -> ServerRecord | None:
    user = session.execute(select(User).where(User.name == user_name)).scalar_one_or_none()
    if user is None:
        return None
    server = session.execute(
        select(Server).where(Server.user_id == user.id, Server.name == server_name)
    ).scalar_one_or_none()
    return _record_of(session, user, server, server_name)


def save_progress_state(session: Session, server_id: int, state: dict[str, Any], url: str | None) -> None:
    """A plugin's ``db.commit()``: its state, and its address once the server runs
    (a start still in flight keeps its address to itself until it is ready)."""
    server = session.get(Server, server_id)
    if server is None or (server.pending is None and server.url is None):
        return  # stopped meanwhile: nothing to resurrect
    server.state = state
    if url is not None and server.pending is None:
        server.url = url


# --- helpers --------------------------------------------------------------------------


def _url_of(result: Any, plugin: Any) -> str:
    """``start()``'s answer as a URL: a URL, or ``(ip, port)``."""
    if isinstance(result, str) and result:
        return result.rstrip("/")
    if isinstance(result, tuple | list) and len(result) == 2:
        ip, port = result
        if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
            raise SpawnError(f"the spawner's start() returned an invalid port: {port!r}")
        host = f"[{ip}]" if ":" in str(ip) else str(ip or "127.0.0.1")
        return f"http://{host}:{port}"
    if result is None and plugin.server is not None and plugin.server.port:
        server = plugin.server
        return f"{server.proto}://{server.ip or '127.0.0.1'}:{server.port}"
    raise SpawnError(f"the spawner's start() returned {type(result).__name__}, not a URL or (ip, port)")


def _message(error: BaseException) -> str:
    """The message JupyterHub would show for a spawner's exception."""
    text = getattr(error, "jupyterhub_message", None) or getattr(error, "log_message", None) or str(error)
    text = str(text).strip()
    return text if text else type(error).__name__


def _json_safe(value: Any) -> Any:
    """``value`` as JSON can store it (a plugin's state may hold non-JSON values)."""
    try:
        text = json.dumps(value, default=str, allow_nan=False)
    except ValueError:
        text = json.dumps(_finite(value), default=str)
    safe: Any = json.loads(text)
    return safe


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value
