"""Several hub processes on one PostgreSQL database: the server lifecycle.

Real processes (``hub -f FILE --JupyterHub.hub_port=N``, one file for all),
one configurable-http-proxy started apart from them (``should_start =
False``), stand-in servers that take a few seconds to come up. A start or a
stop runs in the process that took it, under a lease it renews; when that
process dies, another takes the work over once the lease runs out.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time

import pytest
import sqlalchemy

from tests.helpers.hub_process import HubProcess
from tests.helpers.processes import running
from tests.helpers.waiting import wait_for

LEASE = 2
#: the stand-in server answers only after this many seconds
SLOW = 3

pytestmark = [pytest.mark.slow, pytest.mark.parametrize("db_url", ["postgres"], indirect=True)]


@pytest.fixture
def group(tmp_path, db_url, proxy):
    """Make hub processes of one hub; all are stopped at the end."""
    from tests.test_contract import STANDIN

    made: list[HubProcess] = []
    extra = (
        f"c.JupyterHub.lease_seconds = {LEASE}\n"
        "c.JupyterHub.slow_spawn_timeout = 0\n"
        # one process going away must not stop the servers the others serve
        "c.JupyterHub.cleanup_servers = False\n"
        "c.ConfigurableHTTPProxy.should_start = False\n"
        f"c.ConfigurableHTTPProxy.api_url = {proxy.api_url!r}\n"
        f"c.ConfigurableHTTPProxy.auth_token = {proxy.token!r}\n"
        f"c.Spawner.cmd = ['sh', '-c', 'sleep {SLOW}; exec \"$0\" \"$1\"', {sys.executable!r}, {str(STANDIN)!r}]\n"
    )

    def make(
        count: int, more: str = "", logs: bool = False, machines: list[str] | None = None
    ) -> list[HubProcess]:
        first = HubProcess(tmp_path, db_url, extra + more)
        made.append(first)
        for _ in range(count - 1):
            made.append(first.sibling())
        for i, process in enumerate(made[-count:]):
            if logs:
                process.log_path = tmp_path / f"hub-{process.port}.log"
            if machines:  # as if each ran on a machine of this name
                process.args.append(f"--JupyterHub.machine_name={machines[i]}")
            process.start()
        return made[-count:]

    yield make
    engine = sqlalchemy.create_engine(db_url)
    with engine.connect() as conn:
        states = conn.execute(sqlalchemy.text("SELECT state FROM servers")).scalars().all()
    engine.dispose()
    for process in made:
        process.stop()
    for state in states:  # leave no server behind
        if state and state.get("pid"):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(state["pid"], signal.SIGKILL)


def server(process: HubProcess, user: str) -> dict:
    return (
        process.api.get(f"/users/{user}", params={"include_stopped_servers": "1"})
        .json()["servers"]
        .get("", {})
    )


def ready(process: HubProcess, user: str) -> bool:
    return bool(server(process, user).get("ready"))


def test_start_on_one_process_follow_on_another_stop_on_a_third(group):
    a, b, c = group(3)
    a.api.post("/users", json={"usernames": ["alice"]})
    assert a.api.post("/users/alice/server").status_code == 202
    # the progress stream of another process follows the start to its end
    with b.api.stream("GET", "/users/alice/server/progress", timeout=60) as stream:
        events = "".join(stream.iter_text())
    assert '"ready": true' in events
    assert ready(c, "alice")
    pid = server(c, "alice")["state"]["pid"]
    assert c.api.delete("/users/alice/server").status_code in (202, 204)
    wait_for(lambda: not a.api.get("/users/alice").json()["servers"], 30, message="the stop")
    wait_for(lambda: not running(pid), 10, message="the process to end")


def test_a_start_whose_process_dies_is_adopted_by_another_within_the_lease(group):
    a, b = group(2)
    a.api.post("/users", json={"usernames": ["alice"]})
    assert a.api.post("/users/alice/server").status_code == 202
    wait_for(lambda: server(b, "alice").get("state", {}).get("pid"), 10, message="the process started")
    a.kill()
    began = time.monotonic()
    wait_for(lambda: ready(b, "alice"), LEASE + SLOW + 30, message="b to adopt the start")
    assert time.monotonic() - began < LEASE + SLOW + 30
    events = b.api.get("/users/alice/server/progress").text
    assert '"ready": true' in events


def test_a_start_whose_process_and_server_die_ends_as_a_clean_failure(group, db_url):
    a, b = group(2)
    a.api.post("/users", json={"usernames": ["bob"]})
    assert a.api.post("/users/bob/server").status_code == 202
    pid = wait_for(lambda: server(b, "bob").get("state", {}).get("pid"), 10, message="the process started")
    a.kill()
    os.killpg(pid, signal.SIGKILL)
    wait_for(lambda: server(b, "bob").get("pending", "spawn") is None, LEASE + 30, message="the start to end")
    model = server(b, "bob")
    assert model["stopped"] is True and model["ready"] is False
    error = model["last_error"]
    assert error["reason"] == "hub_process_lost"
    assert "stopped" in error["message"] or "exited" in error["message"]
    # and it can start again, on the process that is left
    assert b.api.post("/users/bob/server").status_code == 202
    wait_for(lambda: ready(b, "bob"), SLOW + 30, message="the new start")


def test_a_restarting_process_leaves_another_processs_start_alone(group):
    a, b = group(2)
    a.api.post("/users", json={"usernames": ["carol"]})
    assert a.api.post("/users/carol/server").status_code == 202
    b.stop()
    b.api = b.api.__class__(base_url=b.api.base_url, headers=b.api.headers, timeout=60)
    b.start()
    # a still runs the start it took, and finishes it
    wait_for(lambda: ready(a, "carol"), SLOW + 30, message="a's start")
    assert ready(b, "carol")


def test_a_managed_service_runs_once_and_moves_when_its_process_dies(group, tmp_path, db_url):
    started = tmp_path / "service-pids"
    script = f"import os, time; open({str(started)!r}, 'a').write(f'{{os.getpid()}}\\n'); time.sleep(3600)"
    a, b = group(
        2,
        f"c.JupyterHub.services = [{{'name': 'once', 'command': [{sys.executable!r}, '-c', {script!r}]}}]\n",
    )

    def pids() -> list[int]:
        return [int(p) for p in started.read_text().split()] if started.exists() else []

    wait_for(lambda: pids(), 20, message="the service to start")
    time.sleep(LEASE * 2)  # renewals come and go: still one copy
    (first,) = pids()
    assert running(first)
    engine = sqlalchemy.create_engine(db_url)
    with engine.connect() as conn:
        owner = conn.execute(
            sqlalchemy.text("SELECT owner FROM duties WHERE name = 'managed-services'")
        ).scalar()
    engine.dispose()
    holder, other = (a, b) if owner.endswith(f":{a.port}") else (b, a)
    assert owner.endswith(f":{holder.port}")
    holder.kill()
    # its copy dies with it; the other process starts one once the lease has run out
    wait_for(lambda: not running(first), 10, message="the first copy to end with its hub")
    wait_for(lambda: len(pids()) == 2, LEASE * 2 + 20, message="another process to start the service")
    assert running(pids()[1])
    time.sleep(LEASE)
    assert len(pids()) == 2 and other.api.get("/").status_code == 200


def test_the_hubs_route_moves_to_a_live_process_within_ten_seconds(group, proxy):
    import httpx

    a, b = group(2)
    target = httpx.get(
        f"{proxy.api_url}/api/routes", headers={"Authorization": f"token {proxy.token}"}
    ).json()
    holder = a if target["/"]["target"].endswith(f":{a.port}") else b
    other = b if holder is a else a
    assert httpx.get(f"{proxy.public_url}/hub/api/").status_code == 200
    holder.kill()
    began = time.monotonic()

    def through_the_proxy() -> bool:
        try:
            return httpx.get(f"{proxy.public_url}/hub/api/", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    wait_for(through_the_proxy, 15, interval=0.2, message="the hub through the proxy again")
    assert time.monotonic() - began < 10
    routes = httpx.get(
        f"{proxy.api_url}/api/routes", headers={"Authorization": f"token {proxy.token}"}
    ).json()
    assert routes["/"]["target"].endswith(f":{other.port}")


def test_running_servers_are_polled_by_one_process_each(group, tmp_path):
    a, b = group(2)
    for process in (a, b):
        process.stop()
        process.api = process.api.__class__(
            base_url=process.api.base_url, headers=process.api.headers, timeout=60
        )
        process.log_path = tmp_path / f"hub-{process.port}.log"
        process.start()
    names = [f"u{i}" for i in range(4)]
    a.api.post("/users", json={"usernames": names})
    for name in names:
        assert a.api.post(f"/users/{name}/server").status_code == 202
    for name in names:
        wait_for(lambda n=name: ready(b, n), SLOW + 30, message=f"{name} ready")
    time.sleep(LEASE)  # both processes know each other
    for name in names:
        os.killpg(server(a, name)["state"]["pid"], signal.SIGKILL)
    for name in names:
        wait_for(lambda n=name: not server(b, n).get("ready"), 20, message=f"{name} noticed")
    time.sleep(1)
    logs = "".join(p.log_path.read_text() for p in (a, b))
    for name in names:
        assert logs.count(f"Server {name} is no longer running") == 1, name


def test_proxy_syncs_run_one_process_at_a_time(group, db_url, proxy):
    """While another process syncs the proxy (it holds the proxy-sync duty),
    POST /proxy waits for it to finish (here: its lease to run out) and then
    syncs, rather than syncing beside it."""
    import datetime

    import httpx

    (a,) = group(1)
    assert a.api.post("/services/dash", json={"url": "http://127.0.0.1:9/"}).status_code == 201
    headers = {"Authorization": f"token {proxy.token}"}
    routes = f"{proxy.api_url}/api/routes"
    assert "/services/dash" in httpx.get(routes, headers=headers).json()
    httpx.delete(f"{routes}/services/dash", headers=headers)

    held_for = 2.0
    until = datetime.datetime.now(datetime.UTC).replace(tzinfo=None) + datetime.timedelta(seconds=held_for)
    engine = sqlalchemy.create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(
            sqlalchemy.text(
                "INSERT INTO duties (name, owner, expires) VALUES ('proxy-sync', 'elsewhere:1', :until) "
                "ON CONFLICT (name) DO UPDATE SET owner = 'elsewhere:1', expires = :until"
            ),
            {"until": until},
        )
    engine.dispose()
    began = time.monotonic()
    assert a.api.post("/proxy").status_code == 200
    assert time.monotonic() - began >= held_for - 0.5
    assert "/services/dash" in httpx.get(routes, headers=headers).json()
    # and once it is free, a sync does not wait
    httpx.delete(f"{routes}/services/dash", headers=headers)
    began = time.monotonic()
    assert a.api.post("/proxy").status_code == 200
    assert time.monotonic() - began < held_for - 0.5
    assert "/services/dash" in httpx.get(routes, headers=headers).json()


def test_local_servers_are_polled_and_stopped_by_their_own_machines_processes(group):
    """The local spawner's state is a process id, which only means something on
    the machine that started it: a process on another machine hands the stop
    over, never polls such a server, and ends what ran on a machine whose hub
    processes are all gone rather than leave it pending."""
    a, b = group(2, logs=True, machines=["m1", "m2"])
    names = ["alice", "bob", "carol"]
    a.api.post("/users", json={"usernames": names})
    for name in names:
        assert a.api.post(f"/users/{name}/server").status_code == 202
    for name in names:
        wait_for(lambda n=name: ready(b, n), SLOW + 30, message=f"{name} ready")
    pids = {name: server(b, name)["state"]["pid"] for name in names}

    # a stop asked of m2 is carried out by the process on m1
    assert b.api.delete("/users/alice/server").status_code in (202, 204)
    wait_for(lambda: not b.api.get("/users/alice").json()["servers"], LEASE + 20, message="the stop")
    wait_for(lambda: not running(pids["alice"]), 10, message="alice's process to end")
    assert "Finishing the stop of alice" in a.log_path.read_text()

    # a server that dies is noticed by m1's process alone
    os.killpg(pids["bob"], signal.SIGKILL)
    wait_for(lambda: not server(b, "bob").get("ready"), 20, message="bob noticed")
    time.sleep(1)
    assert "Server bob is no longer running" in a.log_path.read_text()
    assert "Server bob is no longer running" not in b.log_path.read_text()

    # with no hub process left on m1, a stop asked of m2 ends the record there
    # (the process on m1, unreachable from m2, is left running)
    a.kill()
    try:
        assert b.api.delete("/users/carol/server").status_code in (202, 204)
        wait_for(lambda: not b.api.get("/users/carol").json()["servers"], LEASE * 3 + 20, message="the end")
        assert "no hub process is left on m1" in b.log_path.read_text()
        assert running(pids["carol"])
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pids["carol"], signal.SIGKILL)


def test_a_process_that_stops_normally_hands_its_start_over(group):
    """A rollout stops processes with SIGTERM: a start in progress there is
    not cancelled but left to the others, which adopt it once its server answers."""
    a, b = group(2)
    a.api.post("/users", json={"usernames": ["dora"]})
    assert a.api.post("/users/dora/server").status_code == 202
    pid = wait_for(lambda: server(b, "dora").get("state", {}).get("pid"), 10, message="the process started")
    a.stop()
    assert running(pid), "the server is left running"
    wait_for(lambda: ready(b, "dora"), SLOW + 30, message="b to adopt the start")
    assert server(b, "dora")["state"]["pid"] == pid
    assert '"ready": true' in b.api.get("/users/dora/server/progress").text
