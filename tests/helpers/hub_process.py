"""A hub in a process of its own, as `hub -f jupyterhub_config.py` runs it."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import ADMIN_TOKEN, LEAN_SERVER_ARGS, free_port
from tests.helpers import secret_ledger

#: the hub's log level (HUB_TEST_LOG_LEVEL=INFO to see what a failing test's hub did)
LOG_LEVEL = os.environ.get("HUB_TEST_LOG_LEVEL", "WARNING")


def config_lines(c: Any) -> str:
    """A traitlets ``Config`` as lines of a ``jupyterhub_config.py``."""
    return "".join(
        f"c.{section}.{key} = {value!r}\n" for section, values in c.items() for key, value in values.items()
    )


class HubProcess:
    def __init__(self, tmp_path: Path, db_url: str, extra: str = "") -> None:
        self.dir = tmp_path
        self.port, public, api = free_port(), free_port(), free_port()
        self.public_url = f"http://127.0.0.1:{public}"
        self.config = tmp_path / "jupyterhub_config.py"
        self.config.write_text(
            f"c.JupyterHub.db_url = {db_url!r}\n"
            f"c.JupyterHub.hub_port = {self.port}\n"
            f"c.JupyterHub.bind_url = {self.public_url!r}\n"
            f"c.ConfigurableHTTPProxy.api_url = 'http://127.0.0.1:{api}'\n"
            f"c.JupyterHub.api_tokens = {{{ADMIN_TOKEN!r}: 'admin'}}\n"
            "c.Authenticator.admin_users = {'admin'}\n"
            "c.JupyterHub.allow_named_servers = True\n"
            "c.Spawner.poll_interval = 0.5\n"
            f"c.Spawner.args = {LEAN_SERVER_ARGS!r}\n"
            # a loaded machine (the suite runs on two workers) can take more than the default 10 s
            "c.JupyterHub.slow_spawn_timeout = 60\n" + extra
        )
        self.proc: subprocess.Popen[bytes] | None = None
        #: command-line overrides (``--Section.key=value``) over the file
        self.args: list[str] = []
        #: where the hub's output goes (default: the test's own output)
        self.log_path: Path | None = None
        self.api = secret_ledger.hook(
            httpx.Client(
                base_url=f"http://127.0.0.1:{self.port}/hub/api",
                headers={"Authorization": f"token {ADMIN_TOKEN}"},
                timeout=60,
            )
        )

    def start(self) -> None:
        out = self.log_path.open("a") if self.log_path is not None else None
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "hub.cli", "-f", str(self.config), "--log-level", LOG_LEVEL, *self.args],
            cwd=self.dir,
            stdout=out,
            stderr=out,
        )
        if out is not None:
            out.close()
        # a generous deadline: under the suite's two workers a start can take many seconds
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, "the hub exited"
            try:
                self.api.get("/", timeout=5)
                return
            except httpx.HTTPError:
                time.sleep(0.05)
        raise AssertionError("the hub did not start within 60 s")

    def sibling(self) -> "HubProcess":
        """Another process of the same hub: the same file, its own port on the command line."""
        other = HubProcess.__new__(HubProcess)
        other.dir, other.config, other.proc = self.dir, self.config, None
        other.port = free_port()
        other.public_url = self.public_url
        other.args = [f"--JupyterHub.hub_port={other.port}"]
        other.log_path = None
        other.api = secret_ledger.hook(
            httpx.Client(
                base_url=f"http://127.0.0.1:{other.port}/hub/api",
                headers={"Authorization": f"token {ADMIN_TOKEN}"},
                timeout=60,
            )
        )
        return other

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(60)
        self.api.close()

    def rss(self) -> int:
        """The process's resident memory, in bytes."""
        assert self.proc is not None
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        raise AssertionError("no VmRSS")
