"""The spawner interface and its configuration (the ``c.Spawner`` section).

A spawner starts, polls and stops single-user servers. One spawner object
serves the whole hub and keeps no per-server state in memory: everything it
needs to find a server again (process id, job id, pod name) is the ``state``
dict it returns, which the hub stores in the database and hands back, with the
server's name and URL, as a :class:`ServerRef`. A restarted hub, or another
worker, polls and stops servers from that record.

The native spawner (:mod:`hub.spawners.local`) implements this directly;
JupyterHub's spawner classes run behind it through
:class:`hub.plugins.spawners.HostedSpawner`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
from traitlets import Dict, Float, List, Unicode
from traitlets.config import LoggingConfigurable


@dataclass(frozen=True)
class Launch:
    """Everything a spawner needs to start one server."""

    user: str
    server_name: str
    #: URL prefix the server is reached at through the proxy: /user/alice/[name/]
    prefix: str
    #: the hub's API URL as the server should call it
    api_url: str
    api_token: str
    #: the deployment's base URL ("/") and the hub's prefix ("/hub/")
    base_url: str
    hub_prefix: str
    oauth_client_id: str
    user_options: dict[str, Any] = field(default_factory=dict)
    public_url: str = ""
    #: the server's row in the database
    server_id: int = 0
    #: environment variables added for this start (by the authenticator's ``pre_spawn_start``)
    environment: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ServerRef:
    """A server as the database records it: what polling and stopping need."""

    id: int
    user: str
    name: str
    state: dict[str, Any]
    #: where it listens (http://ip:port) once started
    url: str | None = None


@dataclass(frozen=True)
class Started:
    url: str  # where the server listens, e.g. http://127.0.0.1:41234
    state: dict[str, Any]


class SpawnError(Exception):
    """A server could not be started; the message says why."""


class SpawnTimeout(SpawnError):
    """The server did not start or answer in time."""


class Spawner(LoggingConfigurable):
    """Base class: configuration every spawner reads."""

    cmd = List(Unicode(), default_value=["jupyterhub-singleuser"], help="The single-user command.").tag(
        config=True
    )
    args = List(Unicode(), help="Extra arguments for the single-user command.").tag(config=True)
    environment = Dict(help="Extra environment variables for the single-user server.").tag(config=True)
    start_timeout = Float(60, help="Seconds a server may take to start.").tag(config=True)
    http_timeout = Float(30, help="Seconds a started server may take to answer HTTP.").tag(config=True)
    poll_interval = Float(30, help="Seconds between checks that running servers are alive.").tag(config=True)
    default_url = Unicode(
        "",
        help="The path, under the server's prefix, a user lands on in their server ({username} is "
        "replaced), e.g. /lab/tree/work or /tree. Empty: the server's own choice, which is "
        "JupyterLab (/lab) when it is installed.",
    ).tag(config=True)
    notebook_dir = Unicode("", help="The server's root directory ({username} is replaced).").tag(config=True)
    ip = Unicode("127.0.0.1", help="The address single-user servers bind to.").tag(config=True)
    env_keep = List(
        Unicode(),
        default_value=[
            "PATH",
            "PYTHONPATH",
            "CONDA_ROOT",
            "CONDA_DEFAULT_ENV",
            "VIRTUAL_ENV",
            "LANG",
            "LC_ALL",
            "LD_LIBRARY_PATH",
            "JUPYTERHUB_SINGLEUSER_APP",
        ],
        help="Variables of the hub's environment passed on to servers.",
    ).tag(config=True)
    oauth_client_allowed_scopes = List(
        Unicode(), help="Scopes the server's OAuth client may request beyond its access scope."
    ).tag(config=True)

    async def start(self, launch: Launch) -> Started:
        raise NotImplementedError

    async def poll(self, server: ServerRef) -> int | None:
        """None while the server runs; its exit status (0 if unknown) once it does not."""
        raise NotImplementedError

    async def stop(self, server: ServerRef) -> None:
        """Return once the server is gone."""
        raise NotImplementedError

    async def records_for_poll(self, servers: Sequence[ServerRef]) -> Mapping[int, Any]:
        """What polling ``servers`` needs from the database, read for all of them
        at once (the periodic check), by server id; each is handed back to
        :meth:`poll_with_record`. Nothing, here: a server's ``state`` is enough."""
        return {}

    async def poll_with_record(self, server: ServerRef, record: Any) -> int | None:
        """:meth:`poll`, with what :meth:`records_for_poll` read for ``server``
        (None: nothing was read for it)."""
        return await self.poll(server)

    #: whether the spawner writes its own progress events (else the hub adds one when started)
    reports_progress = False
    #: whether a server's state only means something on the machine that started it
    #: (a process id): then only that machine's hub processes poll and stop it
    pinned_to_machine = False
    #: whether :meth:`delete_forever` does anything (the hub then calls it for
    #: every server of a user it deletes)
    forgets_servers = False

    async def delete_forever(self, server: ServerRef) -> None:
        """A stopped server is being removed for good (its user or its name deleted)."""

    def latest_state(self, server: ServerRef) -> dict[str, Any]:
        """The state to record once a start is ready (what :meth:`start` returned, here)."""
        return server.state

    def spawn_ended(self, server_id: int) -> None:
        """The start of ``server_id`` is over (ready or failed)."""

    def recorded(self, server: ServerRef) -> None:
        """The state :meth:`start` returned is in the database: a server held
        back until then may go on (see :class:`hub.spawners.local.NativeSpawner`)."""

    async def options_form(self, user: str, server_name: str) -> str:
        """HTML of the spawn page's options form; empty when there are no options."""
        return ""

    async def options_from_form(
        self, user: str, server_name: str, form: dict[str, list[str]]
    ) -> dict[str, Any]:
        """``user_options`` from a submitted options form."""
        return dict(form)

    async def wait_until_answering(self, url: str, server: ServerRef) -> None:
        """Return once ``url`` answers HTTP with a status below 500.

        Raises :class:`SpawnError` if the server exits first or ``http_timeout``
        passes.
        """
        await answering(url, lambda: self.poll(server), self.http_timeout)


async def answering(url: str, poll: Callable[[], Awaitable[int | None]], timeout: float) -> None:
    """Wait until ``url`` answers HTTP below 500, while ``poll()`` says the server runs."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    async with httpx.AsyncClient(timeout=2) as client:
        while True:
            status = await poll()
            if status is not None:
                raise SpawnError(f"the server exited with status {status} before it answered")
            with contextlib.suppress(httpx.HTTPError):
                response = await client.get(url)
                if response.status_code < 500:
                    return
            if loop.time() > deadline:
                raise SpawnTimeout(f"the server did not answer HTTP within {timeout:g} seconds")
            await asyncio.sleep(0.1)
