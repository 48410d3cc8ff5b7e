"""configurable-http-proxy (the npm package), started or reached over its REST API.

Routes are keyed by route spec: ``/`` for the hub, ``/user/alice/`` for a
server. The proxy's own keys have no trailing slash; this module converts.
Every route the hub adds carries ``"jupyterhub": true`` so that the hub only
ever touches its own routes.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlparse

import httpx
from traitlets import Bool, Float, Integer, List, Unicode
from traitlets.config import LoggingConfigurable

from hub import metrics
from hub.errors import Unreachable
from hub.metrics.catalogue import PROXY_POLL_DURATION

PROJECT_BIN = Path(__file__).resolve().parents[2] / "node_modules" / ".bin"


class ProxyError(Unreachable):
    """The proxy cannot be started or reached."""


def to_path(routespec: str) -> str:
    """/user/alice/ -> /user/alice (the proxy's key)."""
    return routespec.rstrip("/") or "/"


def to_routespec(path: str) -> str:
    spec = quote(unquote(path), safe="@/~")
    return spec if spec.endswith("/") else spec + "/"


class ConfigurableHTTPProxy(LoggingConfigurable):
    """The ``c.ConfigurableHTTPProxy`` section."""

    should_start = Bool(True, help="Start the proxy (else connect to one already running at api_url).").tag(
        config=True
    )
    api_url = Unicode("http://127.0.0.1:8001", help="The proxy's REST API.").tag(config=True)
    auth_token = Unicode(
        "", help="Token of the proxy's API (default: $CONFIGPROXY_AUTH_TOKEN, else generated at start)."
    ).tag(config=True)
    command = List(
        Unicode(), default_value=["configurable-http-proxy"], help="The proxy command (npm package)."
    ).tag(config=True)
    pid_file = Unicode("jupyterhub-proxy.pid", help="Where the started proxy's pid is written.").tag(
        config=True
    )
    debug = Bool(False, help="Debug logging of the proxy.").tag(config=True)
    start_timeout = Float(15, help="Seconds the proxy may take to start.").tag(config=True)
    check_running_interval = Integer(
        5, help="Seconds between checks that the started proxy is still running (it is started again)."
    ).tag(config=True)

    def __init__(self, public_url: str, hub_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.public_url = public_url
        self.hub_url = hub_url
        self.token = self.auth_token or os.environ.get("CONFIGPROXY_AUTH_TOKEN", "") or secrets.token_hex(32)
        self.process: subprocess.Popen[bytes] | None = None
        self._client: httpx.AsyncClient | None = None
        #: clients of proxies switched away from, closed a little later
        self._retired: dict[asyncio.Task[None], httpx.AsyncClient] = {}
        self._restarting = asyncio.Lock()

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                base_url=self.api_url.rstrip("/") + "/api/routes",
                headers={"Authorization": f"token {self.token}"},
                timeout=10,
            )
        return self._client

    # --- process -----------------------------------------------------------------

    def _command(self) -> list[str]:
        cmd = list(self.command)
        if cmd and shutil.which(cmd[0]) is None and (PROJECT_BIN / cmd[0]).exists():
            cmd[0] = str(PROJECT_BIN / cmd[0])
        public = urlparse(self.public_url)
        api = urlparse(self.api_url)
        return [
            *cmd,
            "--ip", public.hostname or "",
            "--port", str(public.port or 8000),
            "--api-ip", api.hostname or "127.0.0.1",
            "--api-port", str(api.port or 8001),
            "--error-target", self.hub_url.rstrip("/") + "/hub/error",
            "--log-level", "debug" if self.debug else "warn",
        ]  # fmt: skip

    async def start(self) -> None:
        if not self.should_start:
            await self.check()
            return
        self._stop_stale()
        env = {**os.environ, "CONFIGPROXY_AUTH_TOKEN": self.token}
        cmd = self._command()
        try:
            self.process = subprocess.Popen(cmd, env=env, start_new_session=True, stdin=subprocess.DEVNULL)
        except OSError as e:
            raise ProxyError(
                f"could not run {cmd[0]}: {e.strerror} (is configurable-http-proxy installed?)"
            ) from e
        Path(self.pid_file).write_text(str(self.process.pid))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.start_timeout
        while True:
            if self.process.poll() is not None:
                raise ProxyError(f"the proxy exited with status {self.process.returncode}")
            try:
                await self.check()
                return
            except ProxyError:
                if loop.time() > deadline:
                    raise
                await asyncio.sleep(0.1)

    def exited(self) -> bool:
        """Whether the proxy this hub started has exited."""
        return self.should_start and self.process is not None and self.process.poll() is not None

    async def restart_if_exited(self, then: Callable[[], Awaitable[None]]) -> bool:
        """Start the proxy again if the one this hub started has exited (as
        JupyterHub does), then run ``then`` (which gives it its routes) before
        any other caller sees it; True when it was started again.
        :class:`ProxyError` when it cannot be started."""
        async with self._restarting:
            if not self.exited():
                return False
            assert self.process is not None
            self.log.error("The proxy exited with status %s; starting it again", self.process.returncode)
            Path(self.pid_file).unlink(missing_ok=True)
            await self.start()
            await then()
            return True

    def _stop_stale(self) -> None:
        """Stop a proxy a previous run started and could not stop (it crashed)."""
        pid_file = Path(self.pid_file)
        if not pid_file.exists():
            return
        with contextlib.suppress(ValueError, ProcessLookupError, PermissionError):
            pid = int(pid_file.read_text().strip())
            self.log.warning("Stopping the proxy left by a previous run (pid %s)", pid)
            os.killpg(pid, signal.SIGTERM)
        pid_file.unlink(missing_ok=True)

    async def check(self) -> None:
        try:
            response = await self.client.get("")
        except httpx.HTTPError as e:
            raise ProxyError(f"cannot reach the proxy's API at {self.api_url}: {e}") from None
        if response.status_code != 200:
            raise ProxyError(f"the proxy's API at {self.api_url} answered {response.status_code}")

    async def stop(self, stop_process: bool = True) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None
        for task, client in list(self._retired.items()):
            task.cancel()
            await client.aclose()
        self._retired.clear()
        if stop_process and self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                await asyncio.to_thread(self.process.wait, 5)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
            Path(self.pid_file).unlink(missing_ok=True)

    async def retarget(self, api_url: str | None, auth_token: str | None) -> None:
        """Talk to a proxy at another address or with another token from now on.

        The new address and token are tried first: :class:`ProxyError` if the
        proxy there does not answer or refuses the token, and nothing changes.
        """
        url, token = api_url or self.api_url, auth_token or self.token
        await self._probe(url, token)
        if api_url:
            self.api_url = api_url
        if auth_token:
            self.token = auth_token
        old, self._client = self._client, None
        if old is not None:
            # requests in flight on the old client finish first (they time out after 10 s)
            task = asyncio.create_task(self._close_later(old, 15))
            self._retired[task] = old
            task.add_done_callback(lambda done: self._retired.pop(done, None))

    async def _close_later(self, client: httpx.AsyncClient, delay: float) -> None:
        await asyncio.sleep(delay)
        await client.aclose()

    @staticmethod
    async def _probe(api_url: str, token: str) -> None:
        try:
            async with httpx.AsyncClient(timeout=5) as client:
                response = await client.get(
                    api_url.rstrip("/") + "/api/routes", headers={"Authorization": f"token {token}"}
                )
        except (httpx.HTTPError, httpx.InvalidURL, ValueError) as e:
            raise ProxyError(f"no proxy answers at {api_url!r} ({type(e).__name__})") from e
        if response.status_code != 200:
            raise ProxyError(f"the proxy at {api_url} answered {response.status_code}")

    # --- routes ------------------------------------------------------------------

    async def add_route(self, routespec: str, target: str, data: dict[str, Any]) -> None:
        body = {**data, "target": target, "jupyterhub": True}
        response = await self.client.post(to_path(routespec), json=body)
        if response.status_code >= 300:
            raise ProxyError(f"adding route {routespec} failed: {response.status_code}")

    async def delete_route(self, routespec: str) -> None:
        response = await self.client.delete(to_path(routespec))
        if response.status_code >= 300 and response.status_code != 404:
            raise ProxyError(f"deleting route {routespec} failed: {response.status_code}")

    async def get_all_routes(self) -> dict[str, dict[str, Any]]:
        """The hub's routes: routespec -> {routespec, target, data}."""
        began = time.perf_counter()
        try:
            response = await self.client.get("")
        except httpx.HTTPError as e:
            raise ProxyError(f"cannot reach the proxy's API at {self.api_url}: {e}") from None
        if response.status_code != 200:
            raise ProxyError(f"listing routes failed: {response.status_code}")
        routes = {}
        for path, entry in response.json().items():
            if not entry.get("jupyterhub"):
                continue
            data = {k: v for k, v in entry.items() if k not in ("target", "jupyterhub")}
            spec = to_routespec(path)
            routes[spec] = {"routespec": spec, "target": entry.get("target"), "data": data}
        metrics.observe(PROXY_POLL_DURATION, None, time.perf_counter() - began)
        return routes


#: ``c.JupyterHub.proxy_class`` short names meaning this module's proxy (as in JupyterHub)
SHORT_NAMES: dict[str, type[Any]] = {
    "configurable-http-proxy": ConfigurableHTTPProxy,
    "default": ConfigurableHTTPProxy,
}
