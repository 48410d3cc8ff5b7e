"""The objects a JupyterHub spawner reads from its host, built from database rows.

JupyterHub hands each spawner its own ORM objects and a shared database
session. Here each operation (start, poll, stop) reads a snapshot of the rows
it needs (:class:`ServerRecord`), and the spawner gets plain objects with the
attributes JupyterHub's spawners use: ``user`` (:class:`UserFacade`), ``hub``
(:class:`HubFacade`), ``orm_spawner`` (:class:`OrmSpawnerFacade`, whose
``server`` is a real transient ``jupyterhub.orm.Server``, because
``jupyterhub.objects.Server`` type-checks it) and ``db`` (:class:`DbFacade`,
whose ``commit()`` persists the server's address and ``get_state()``).

Nothing here outlives the operation that built it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlparse

log = logging.getLogger("hub.plugins.spawners")


@dataclass(frozen=True)
class ServerRecord:
    """One server and its user, as read from the database for one operation."""

    id: int
    user_id: int
    user: str
    admin: bool
    groups: tuple[str, ...]
    encrypted_auth_state: bytes | None
    name: str
    display_name: str
    user_options: dict[str, Any]
    state: dict[str, Any]
    url: str | None
    started: datetime | None
    last_activity: datetime | None
    #: (name, display name, ...) of the user's other servers, for ``user.spawners``
    server_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Group:
    """What spawners read of a group (``apply_group_overrides`` reads ``name``)."""

    name: str


@dataclass
class HubFacade:
    """JupyterHub's ``Hub`` object: the hub's own server as spawners address it."""

    #: e.g. http://127.0.0.1:8081/hub/api
    api_url: str
    #: the hub's prefix, "/hub/"
    base_url: str
    #: e.g. http://127.0.0.1:8081/hub/
    url: str
    #: the public host (scheme and host) when the hub is reached on one, else ""
    public_host: str = ""

    @property
    def ip(self) -> str:
        return urlparse(self.url).hostname or ""

    @property
    def port(self) -> int:
        return urlparse(self.url).port or 80

    @property
    def host(self) -> str:
        parsed = urlparse(self.url)
        return f"{parsed.scheme}://{parsed.netloc}"

    @property
    def connect_url(self) -> str:
        return self.url


class UserFacade:
    """JupyterHub's ``User`` as spawners read it."""

    def __init__(
        self,
        record: ServerRecord,
        base_url: str,
        hub_prefix: str,
        auth_state: Callable[[], Any],
    ) -> None:
        self.id = record.user_id
        self.name = record.user
        self.admin = record.admin
        self.groups = [Group(g) for g in record.groups]
        self.escaped_name = quote(record.user, safe="@~")
        #: the user's URL prefix, /user/NAME/
        self.base_url = self.url = f"{base_url}user/{self.escaped_name}/"
        self._hub_prefix = hub_prefix
        self._auth_state = auth_state
        #: filled by the host with the spawner being run (others are not loaded)
        self.spawners: dict[str, Any] = {}

    def progress_url(self, server_name: str = "") -> str:
        path = f"{self._hub_prefix}api/users/{self.escaped_name}"
        if server_name:
            return f"{path}/servers/{quote(server_name, safe='')}/progress"
        return f"{path}/server/progress"

    @property
    def server(self) -> Any:
        default = self.spawners.get("")
        return None if default is None else default.server

    async def get_auth_state(self) -> Any:
        return self._auth_state()

    def __repr__(self) -> str:
        return f"<User {self.name}>"


@dataclass
class OrmSpawnerFacade:
    """JupyterHub's ORM ``Spawner`` row as spawners read and write it."""

    name: str
    display_name: str
    state: dict[str, Any]
    user_options: dict[str, Any]
    started: datetime | None
    last_activity: datetime | None
    server: Any = None
    oauth_client: Any = None
    user: Any = None
    id: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def transient_server(ip: str, port: int, base_url: str, proto: str = "http") -> Any:
    """A ``jupyterhub.orm.Server`` with every column set (its defaults apply only on a flush)."""
    from jupyterhub import orm

    return orm.Server(proto=proto, ip=ip, port=port, base_url=base_url, cookie_name="")


def server_address(url: str | None) -> tuple[str, str, int]:
    """(proto, ip, port) of a stored server URL."""
    if not url:
        return "http", "", 0
    parsed = urlparse(url)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    return parsed.scheme or "http", parsed.hostname or "", port


class DbFacade:
    """``spawner.db``: plugins call only ``commit()`` (batchspawner after it learns
    the job's host, KubeSpawner after it rewrites the pod's address). Here that
    schedules a write of the server's address and ``get_state()`` to its row."""

    def __init__(self, save: Callable[[], Coroutine[Any, Any, None]]) -> None:
        self._save = save
        self._pending: set[asyncio.Task[None]] = set()

    def commit(self) -> None:
        try:
            task: asyncio.Task[None] = asyncio.get_running_loop().create_task(self._save())
        except RuntimeError:  # no loop: nothing in flight to save for
            return
        self._pending.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._pending.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.warning("Saving a spawner's state failed", exc_info=task.exception())

    def rollback(self) -> None:
        """Nothing is buffered here; a rollback has nothing to undo."""

    async def flush(self) -> None:
        """Wait for the writes ``commit()`` started."""
        if self._pending:
            await asyncio.gather(*list(self._pending), return_exceptions=True)
