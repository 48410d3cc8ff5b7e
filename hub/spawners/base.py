"""The spawner interface and its configuration (the ``c.Spawner`` section).

A spawner starts, polls and stops single-user servers. Unlike JupyterHub's,
a spawner here keeps no per-server state in memory: everything it needs to
find a server again (process id, port, URL) is the ``state`` dict it returns,
which the hub stores in the database. A restarted hub, or another worker,
polls and stops servers from that state.
"""

from __future__ import annotations

import asyncio
import contextlib
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


@dataclass(frozen=True)
class Started:
    url: str  # where the server listens, e.g. http://127.0.0.1:41234
    state: dict[str, Any]


class SpawnError(Exception):
    """A server could not be started; the message says why."""


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
    default_url = Unicode("", help="The URL a user lands on in their server.").tag(config=True)
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

    async def poll(self, state: dict[str, Any]) -> int | None:
        """None while the server runs; its exit status (0 if unknown) once it does not."""
        raise NotImplementedError

    async def stop(self, state: dict[str, Any]) -> None:
        """Return once the server is gone."""
        raise NotImplementedError

    async def wait_until_answering(self, url: str, state: dict[str, Any]) -> None:
        """Return once ``url`` answers HTTP with a status below 500.

        Raises :class:`SpawnError` if the server exits first or ``http_timeout``
        passes.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.http_timeout
        async with httpx.AsyncClient(timeout=2) as client:
            while True:
                status = await self.poll(state)
                if status is not None:
                    raise SpawnError(f"the server exited with status {status} before it answered")
                with contextlib.suppress(httpx.HTTPError):
                    response = await client.get(url)
                    if response.status_code < 500:
                        return
                if loop.time() > deadline:
                    raise SpawnError(f"the server did not answer HTTP within {self.http_timeout:g} seconds")
                await asyncio.sleep(0.1)
