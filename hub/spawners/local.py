"""The native spawner: single-user servers as local processes of the hub's OS user.

Each server is a child process in its own session (so a hub that is killed
leaves it running, to be found again from the stored pid). Stopping sends
SIGTERM to the whole process group, then SIGKILL after ``term_timeout``.
It is the default (``c.JupyterHub.spawner_class = "native"``). To run each
user's server as their own OS account, configure JupyterHub's own
``localprocess`` spawner, which the hub hosts unchanged.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from traitlets import Float, Unicode

from hub.spawners.base import Launch, ServerRef, Spawner, SpawnError, Started

#: the shell a server starts in: it waits for "go" on its input (the hub has
#: recorded the pid), then becomes the server, whose input is /dev/null
_HELD = 'read -r go && [ "$go" = go ] && exec "$@" </dev/null'


def free_port(ip: str) -> int:
    with socket.socket() as s:
        s.bind((ip or "127.0.0.1", 0))
        return int(s.getsockname()[1])


def _exited(pid: int) -> bool:
    """Whether ``pid`` has exited and waits for its parent to reap it (Linux)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[:1] == ["Z"]


class NativeSpawner(Spawner):
    """Runs each server as a local process of the hub's OS user (``c.NativeSpawner``)."""

    pinned_to_machine = True  # its state is a process id

    home_dir_template = Unicode(
        "/tmp/{username}", help="Working directory of each user's servers (created if missing)."
    ).tag(config=True)
    term_timeout = Float(5, help="Seconds between SIGTERM and SIGKILL when stopping.").tag(config=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # children of this process, to reap them; the state in the database
        # (pid) is what polling and stopping rely on
        self._children: dict[int, subprocess.Popen[bytes]] = {}
        #: pid -> the pipe end that lets a held server go on (see :meth:`start`)
        self._held: dict[int, int] = {}

    def command(self) -> list[str]:
        cmd = list(self.cmd)
        if cmd and not os.path.isabs(cmd[0]) and shutil.which(cmd[0]) is None:
            # the hub's own environment first, where `make` installs the server
            beside = Path(sys.executable).parent / cmd[0]
            if beside.exists():
                cmd[0] = str(beside)
        args = list(self.args)
        if (
            os.geteuid() == 0
            and cmd
            and cmd[0].endswith("jupyterhub-singleuser")
            and "--allow-root" not in args
        ):
            # jupyter-server refuses to run as root without it (CI runs as root)
            args.append("--allow-root")
        return cmd + args

    def env(self, launch: Launch, port: int) -> dict[str, str]:
        env = {key: os.environ[key] for key in self.env_keep if key in os.environ}
        home = self.home_dir_template.format(username=launch.user)
        activity_url = f"{launch.api_url}/users/{launch.user}/activity"
        access = [
            f"access:servers!server={launch.user}/{launch.server_name}",
            f"access:servers!user={launch.user}",
        ]
        env.update(
            {
                "JUPYTERHUB_API_TOKEN": launch.api_token,
                "JPY_API_TOKEN": launch.api_token,
                "JUPYTERHUB_CLIENT_ID": launch.oauth_client_id,
                "JUPYTERHUB_API_URL": launch.api_url,
                "JUPYTERHUB_ACTIVITY_URL": activity_url,
                "JUPYTERHUB_BASE_URL": launch.base_url,
                "JUPYTERHUB_SERVICE_PREFIX": launch.prefix,
                "JUPYTERHUB_SERVICE_URL": f"http://{self.ip}:{port}{launch.prefix}",
                "JUPYTERHUB_USER": launch.user,
                "JUPYTERHUB_SERVER_NAME": launch.server_name,
                "JUPYTERHUB_OAUTH_CALLBACK_URL": f"{launch.prefix}oauth_callback",
                "JUPYTERHUB_OAUTH_ACCESS_SCOPES": json.dumps(access),
                "JUPYTERHUB_OAUTH_SCOPES": json.dumps(access),
                "JUPYTERHUB_OAUTH_CLIENT_ALLOWED_SCOPES": json.dumps(list(self.oauth_client_allowed_scopes)),
                "JUPYTERHUB_HOST": "",
                "JUPYTERHUB_PUBLIC_URL": "",
                "JUPYTERHUB_PUBLIC_HUB_URL": "",
                "JUPYTERHUB_COOKIE_HOST_PREFIX_ENABLED": "0",
                "USER": launch.user,
                "HOME": home,
                "SHELL": "/bin/bash",
            }
        )
        if self.notebook_dir:
            env["JUPYTERHUB_ROOT_DIR"] = self.notebook_dir.format(username=launch.user)
        if self.default_url:
            env["JUPYTERHUB_DEFAULT_URL"] = self.default_url.format(username=launch.user)
        for key, value in self.environment.items():
            env[key] = value(self) if callable(value) else str(value)
        env.update(launch.environment)
        return env

    async def start(self, launch: Launch) -> Started:
        port = free_port(self.ip)
        env = self.env(launch, port)
        home = Path(env["HOME"])
        home.mkdir(parents=True, exist_ok=True)
        cmd = self.command()
        if "/" not in cmd[0] and shutil.which(cmd[0], path=env.get("PATH", os.defpath)) is None:
            raise SpawnError(f"could not run {cmd[0]}: No such file or directory")
        # held by a shell until the hub has recorded its pid (:meth:`recorded`):
        # should the hub die before that, the shell reads the end of its input
        # and exits, rather than leave a server that no record names
        held, go = os.pipe()
        try:
            proc = subprocess.Popen(
                ["/bin/sh", "-c", _HELD, "sh", *cmd],
                env=env,
                cwd=home,
                start_new_session=True,
                stdin=held,
            )
        except OSError as e:
            os.close(go)
            raise SpawnError(f"could not run {cmd[0]}: {e.strerror}") from None
        finally:
            os.close(held)
        self._children[proc.pid] = proc
        self._held[proc.pid] = go
        url = f"http://{self.ip or '127.0.0.1'}:{port}"
        return Started(url=url, state={"pid": proc.pid, "port": port, "url": url})

    def recorded(self, server: ServerRef) -> None:
        go = self._held.pop(server.state.get("pid", 0), None)
        if go is not None:
            with contextlib.suppress(OSError):
                os.write(go, b"go\n")
            os.close(go)

    def _release(self, pid: int) -> None:
        """Let a held shell go without its server (it reads the end of its input and exits)."""
        go = self._held.pop(pid, None)
        if go is not None:
            os.close(go)

    async def poll(self, server: ServerRef) -> int | None:
        return self._poll(server.state)

    async def records_for_poll(self, servers: Sequence[ServerRef]) -> Mapping[int, Any]:
        """Reap this process's children that exited, whichever hub process
        polls them (with several hub processes, each polls its share)."""
        for pid, child in list(self._children.items()):
            if child.poll() is not None:
                self._children.pop(pid, None)
                self._release(pid)
        return {}

    def _poll(self, state: dict[str, Any]) -> int | None:
        pid = state.get("pid")
        if not pid:
            return 0
        child = self._children.get(pid)
        if child is not None:
            status = child.poll()
            if status is not None:
                self._children.pop(pid, None)
                self._release(pid)
            return status
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return 0
        except PermissionError:
            return None  # exists, owned by another user
        if _exited(pid):
            return 0  # another hub process started it and has not reaped it yet
        return None

    async def stop(self, server: ServerRef) -> None:
        state = server.state
        pid = state.get("pid")
        if pid:
            self._release(pid)
        if not pid or self._poll(state) is not None:
            return
        self._signal(pid, signal.SIGTERM)
        if await self._wait(state, self.term_timeout):
            return
        self._signal(pid, signal.SIGKILL)
        if not await self._wait(state, 5):
            self.log.warning("Process %s did not exit after SIGKILL", pid)

    @staticmethod
    def _signal(pid: int, sig: int) -> None:
        try:
            os.killpg(pid, sig)  # the server and anything it started
        except (ProcessLookupError, PermissionError):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)

    async def _wait(self, state: dict[str, Any], timeout: float) -> bool:
        delay = 0.05
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            if self._poll(state) is not None:
                return True
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.5)
        return self._poll(state) is not None


#: the native short name; every other short name is looked up among JupyterHub's
#: entry points, so ``localprocess``, ``default`` and ``simple`` mean JupyterHub's classes
SHORT_NAMES: dict[str, type[Spawner]] = {"native": NativeSpawner}
