"""A hub killed with SIGKILL and started again finds its servers."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import ADMIN_TOKEN, free_port

pytestmark = pytest.mark.slow


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
            "c.Spawner.poll_interval = 0.5\n" + extra
        )
        self.proc: subprocess.Popen[bytes] | None = None
        self.api = httpx.Client(
            base_url=f"http://127.0.0.1:{self.port}/hub/api",
            headers={"Authorization": f"token {ADMIN_TOKEN}"},
            timeout=60,
        )

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "hub.cli", "-f", str(self.config), "--log-level", "WARNING"], cwd=self.dir
        )
        for _ in range(300):
            assert self.proc.poll() is None, "the hub exited"
            try:
                self.api.get("/")
                return
            except httpx.HTTPError:
                time.sleep(0.05)
        raise AssertionError("the hub did not start")

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(60)
        self.api.close()


@pytest.fixture
def hub_process(tmp_path, db_url):
    processes = []

    def make(extra=""):
        process = HubProcess(tmp_path, db_url, extra)
        processes.append(process)
        return process

    yield make
    for process in processes:
        process.stop()


def reachable(hub, user, token):
    r = httpx.get(f"{hub.public_url}/user/{user}/api/status", headers={"Authorization": f"token {token}"})
    return r.status_code == 200


def test_servers_survive_a_hub_crash(hub_process):
    hub = hub_process()
    hub.start()
    hub.api.post("/users", json={"usernames": ["alice", "bob"]})
    tokens = {u: hub.api.post(f"/users/{u}/tokens").json()["token"] for u in ("alice", "bob")}
    assert hub.api.post("/users/alice/server").status_code == 201
    assert hub.api.post("/users/bob/servers/gpu").status_code == 201
    assert reachable(hub, "alice", tokens["alice"])

    hub.kill()
    hub.start()

    alice = hub.api.get("/users/alice").json()["servers"][""]
    assert alice["ready"] is True
    assert hub.api.get("/users/bob/servers/gpu").json()["ready"] is True
    assert reachable(hub, "alice", tokens["alice"])
    r = httpx.get(
        f"{hub.public_url}/user/bob/gpu/api/status", headers={"Authorization": f"token {tokens['bob']}"}
    )
    assert r.status_code == 200

    # a server that dies behind the hub's back is reported stopped, its route removed
    os.killpg(alice["state"]["pid"], signal.SIGKILL)
    for _ in range(100):
        if hub.api.get("/users/alice").json()["server"] is None:
            break
        time.sleep(0.1)
    assert hub.api.get("/users/alice").json()["servers"] == {}
    assert "/user/alice/" not in hub.api.get("/proxy").json()


def test_a_start_interrupted_by_a_crash_ends_as_a_failure(hub_process):
    hub = hub_process("c.JupyterHub.slow_spawn_timeout = 0\n")
    hub.start()
    hub.api.post("/users", json={"usernames": ["alice"]})
    assert hub.api.post("/users/alice/server").status_code == 202
    hub.kill()
    hub.start()
    server = hub.api.get("/users/alice", params={"include_stopped_servers": "1"}).json()["servers"][""]
    assert server["pending"] is None and server["stopped"] is True
    stream = hub.api.get("/users/alice/server/progress").text
    assert '"failed": true' in stream and "restarted" in stream
    assert hub.api.post("/users/alice/server").status_code in (201, 202)
