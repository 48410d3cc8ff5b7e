"""A hub killed with SIGKILL and started again finds its servers."""

import os
import signal
import time

import httpx
import pytest

pytestmark = pytest.mark.slow


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
    # settled before the restarted hub answers: adopted if its server answers
    # within seconds, else a clean failure saying why
    server = hub.api.get("/users/alice", params={"include_stopped_servers": "1"}).json()["servers"][""]
    assert server["pending"] is None
    stream = hub.api.get("/users/alice/server/progress").text
    if server["ready"]:
        assert '"ready": true' in stream
        assert hub.api.delete("/users/alice/server").status_code in (202, 204)
    else:
        assert server["stopped"] is True
        assert '"failed": true' in stream and "restarted" in stream
    assert hub.api.post("/users/alice/server").status_code in (201, 202)
