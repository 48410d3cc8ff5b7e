"""An authenticator's ``pre_spawn_start`` and ``post_spawn_stop`` run around every
spawn, as in JupyterHub: the native spawner's and a hosted JupyterHub spawner's
(``SimpleLocalProcessSpawner``), both running ``tests/helpers/standin_server.py``.
An exception in ``pre_spawn_start`` refuses the spawn with its message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hub.config import load_config
from tests.test_plugin_spawners import gone, standin, wait_for_record

pytest.importorskip("jupyterhub")

CONFIG = """
import json
from jupyterhub.auth import Authenticator


class HookedAuthenticator(Authenticator):
    def note(self, event, user, spawner):
        with open(LOG, "a") as f:
            f.write(json.dumps({
                "event": event,
                "user": user.name,
                "spawner_user": spawner.user.name,
                "server": spawner.name,
                "spawner": type(spawner).__name__,
            }) + "\\n")

    async def authenticate(self, handler, data):
        return data["username"]

    def pre_spawn_start(self, user, spawner):
        if user.name == "latecomer":
            raise ValueError("Servers for latecomers are closed today")
        self.note("pre_spawn_start", user, spawner)
        spawner.environment["HUB_TEST_FROM_AUTHENTICATOR"] = "hello " + user.name

    async def post_spawn_stop(self, user, spawner):
        self.note("post_spawn_stop", user, spawner)


c.JupyterHub.authenticator_class = HookedAuthenticator
c.Authenticator.allow_all = True
"""

SPAWNERS = {"native": ("native", "NativeSpawnerView"), "hosted": ("simple", "SimpleLocalProcessSpawner")}


def hooked_hub(make_live_hub, tmp_path: Path, spawner: str, record: Path):
    path = tmp_path / "jupyterhub_config.py"
    path.write_text(f"LOG = {str(tmp_path / 'hooks.log')!r}\n" + CONFIG)
    config = load_config(str(path))

    def configure(c):
        c.merge(config)
        c.JupyterHub.spawner_class = SPAWNERS[spawner][0]
        standin(c, record)

    return make_live_hub(configure)


def hook_calls(tmp_path: Path) -> list[dict]:
    log = tmp_path / "hooks.log"
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("spawner", sorted(SPAWNERS))
def test_pre_spawn_start_and_post_spawn_stop_run_around_a_spawn(make_live_hub, tmp_path, spawner):
    record = tmp_path / "server.json"
    api = hooked_hub(make_live_hub, tmp_path, spawner, record)
    api.post("/users/alice")
    assert api.post("/users/alice/server").status_code == 201
    server = wait_for_record(record)
    expected = {"user": "alice", "spawner_user": "alice", "server": "", "spawner": SPAWNERS[spawner][1]}
    assert hook_calls(tmp_path) == [{"event": "pre_spawn_start", **expected}]
    assert server["env"]["HUB_TEST_FROM_AUTHENTICATOR"] == "hello alice", "what the hook set reaches it"

    assert api.delete("/users/alice/server").status_code == 204
    assert gone(server["pid"])
    assert hook_calls(tmp_path) == [
        {"event": "pre_spawn_start", **expected},
        {"event": "post_spawn_stop", **expected},
    ]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("spawner", sorted(SPAWNERS))
def test_an_exception_in_pre_spawn_start_refuses_the_spawn_with_its_message(make_live_hub, tmp_path, spawner):
    record = tmp_path / "server.json"
    api = hooked_hub(make_live_hub, tmp_path, spawner, record)
    api.post("/users/latecomer")
    refused = api.post("/users/latecomer/server")
    assert refused.status_code == 500
    assert refused.json()["message"] == "Spawn failed: Servers for latecomers are closed today"
    assert api.get("/users/latecomer").json()["servers"] == {}, "no server"
    assert not record.exists(), "nothing was started"
    assert "/user/latecomer/" not in api.get("/proxy").json()
    # as in JupyterHub, the failed spawn is cleaned up by a stop, and the stop hook runs
    assert [call["event"] for call in hook_calls(tmp_path)] == ["post_spawn_stop"]
    # the user can try again later: a stop with nothing to stop is fine
    assert api.delete("/users/latecomer/server").status_code == 204
