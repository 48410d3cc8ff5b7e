"""JupyterHub's own spawner classes, run unchanged by the hub (real processes).

`simple` and `localprocess` are JupyterHub's entry points; a subclass defined
in the configuration works like one in ``jupyterhub_config.py``. What a broken
spawner does (raise, hang, answer nonsense) ends as a clean failure.
"""

import asyncio
import json
import os
import sys
import time
from pathlib import Path

import httpx
import pytest
from jupyterhub.spawner import LocalProcessSpawner, SimpleLocalProcessSpawner

from tests.helpers.waiting import wait_for
from tests.test_login_oauth import xsrf_of

HELPERS = Path(__file__).parent / "helpers"
STANDIN = HELPERS / "standin_server.py"
SINGLEUSER = Path(sys.executable).parent / "jupyterhub-singleuser"


def standin(c, record: Path | None = None, python: str = sys.executable):
    c.Spawner.cmd = [python, str(STANDIN)]
    c.Spawner.args = []
    if record is not None:
        c.Spawner.environment = {"HUB_TEST_RECORD": str(record)}


def wait_for_record(path: Path, timeout: float = 30) -> dict:
    """The stand-in server's record, once it has written it."""
    wait_for(path.exists, timeout, interval=0.05, message=f"{path} to appear")
    return json.loads(path.read_text())


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is gone for our purposes
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "State:\tZ" not in status.read_text()


def gone(pid: int, timeout: float = 15) -> bool:
    deadline = time.monotonic() + timeout
    while alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def through_proxy(proxy, path: str, token: str) -> httpx.Response:
    return httpx.get(f"{proxy.public_url}{path}", headers={"Authorization": f"token {token}"}, timeout=10)


def test_simple_spawner_runs_jupyterhub_singleuser_through_the_proxy(make_live_hub, proxy):
    def configure(c):
        c.JupyterHub.spawner_class = "simple"
        c.Spawner.cmd = [str(SINGLEUSER)]
        c.Spawner.args = ["--allow-root"] if os.geteuid() == 0 else []
        c.Spawner.start_timeout = 60
        c.Spawner.http_timeout = 60
        # jupyter-server may take a while to shut down after SIGINT
        c.JupyterHub.slow_stop_timeout = 60

    api = make_live_hub(configure)
    info = api.get("/").json()
    assert api.get("/info").json()["spawner"]["class"] == "jupyterhub.spawner.SimpleLocalProcessSpawner"
    assert info["version"]
    api.post("/users/alice")
    token = api.new_token("alice")
    assert api.post("/users/alice/server").status_code == 201
    model = api.get("/users/alice").json()["servers"][""]
    assert model["ready"] is True and model["url"] == "/user/alice/"
    pid = model["state"]["pid"]
    assert set(model["state"]) == {"pid"}, "the state is the spawner's own get_state()"
    r = through_proxy(proxy, "/user/alice/api/status", token)
    assert r.status_code == 200 and "started" in r.json()
    events = api.get("/users/alice/server/progress").text
    assert "Server ready at /user/alice/" in events

    assert api.delete("/users/alice/server").status_code == 204
    assert gone(pid), "stopping ends the process"
    assert api.get("/users/alice").json()["servers"] == {}
    assert "/user/alice/" not in api.get("/proxy").json()


class FormSpawner(SimpleLocalProcessSpawner):
    """A spawner as users write them in jupyterhub_config.py."""

    options_form = """
      <label for="flavor">Flavor</label>
      <select name="flavor" id="flavor"><option value="vanilla">vanilla</option>
      <option value="mint">mint</option></select>
      <input name="cores" value="1">
    """

    def options_from_form(self, formdata):
        cores = int(formdata["cores"][0])  # a ValueError is the user's mistake
        if not 1 <= cores <= 4:
            raise ValueError(f"cores must be between 1 and 4, not {cores}")
        return {"flavor": formdata["flavor"][0], "cores": cores}

    def get_env(self):
        env = super().get_env()
        env["HUB_TEST_FLAVOR"] = self.user_options.get("flavor", "none")
        env["HUB_TEST_CORES"] = str(self.user_options.get("cores", 0))
        env["HUB_TEST_GROUPS"] = ",".join(sorted(g.name for g in self.user.groups))
        return env


def test_a_config_subclass_shows_its_form_and_the_options_reach_the_server(make_live_hub, tmp_path, proxy):
    record = tmp_path / "env.json"

    def configure(c):
        c.JupyterHub.spawner_class = FormSpawner
        c.JupyterHub.authenticator_class = "dummy"
        standin(c, record)

    api = make_live_hub(configure)
    api.post("/groups/staff")
    client = api.client
    page = client.get("/hub/login")
    client.post("/hub/login", data={"username": "alice", "password": "x", "_xsrf": xsrf_of(page.text)})
    api.post("/groups/staff/users", json={"users": ["alice"]})
    page = client.get("/hub/spawn")
    assert page.status_code == 200
    assert '<select name="flavor"' in page.text and 'name="cores"' in page.text, "the spawner's form is shown"
    assert 'action="/hub/spawn/alice?_xsrf=' in page.text

    bad = client.post("/hub/spawn/alice", data={"_xsrf": xsrf_of(page.text), "flavor": "mint", "cores": "9"})
    assert bad.status_code == 400
    assert "cores must be between 1 and 4, not 9" in bad.text and '<select name="flavor"' in bad.text
    assert api.get("/users/alice").json()["servers"] == {}, "a refused form starts nothing"

    r = client.post(
        "/hub/spawn/alice",
        data={"_xsrf": xsrf_of(page.text), "flavor": "mint", "cores": "2"},
        follow_redirects=False,
    )
    assert r.status_code == 302
    seen = wait_for_record(record)
    assert seen["env"]["HUB_TEST_FLAVOR"] == "mint" and seen["env"]["HUB_TEST_CORES"] == "2"
    assert seen["env"]["HUB_TEST_GROUPS"] == "staff", "user.groups come from the database"
    assert seen["env"]["JUPYTERHUB_USER"] == "alice"
    assert seen["env"]["JUPYTERHUB_SERVICE_PREFIX"] == "/user/alice/"
    assert seen["env"]["JUPYTERHUB_API_URL"].endswith("/hub/api")
    assert seen["env"]["JUPYTERHUB_CLIENT_ID"] == "jupyterhub-user-alice"
    for _ in range(200):
        model = api.get("/users/alice").json()["servers"].get("")
        if model and model["ready"]:
            break
        time.sleep(0.05)
    assert model["user_options"] == {"flavor": "mint", "cores": 2}

    # the API's user_options take the same path
    api.delete("/users/alice/server")
    record.unlink()
    assert api.post("/users/alice/server", json={"flavor": "vanilla", "cores": 3}).status_code == 201
    assert wait_for_record(record)["env"]["HUB_TEST_FLAVOR"] == "vanilla"
    api.delete("/users/alice/server")


def test_localprocess_runs_the_server_as_the_users_os_account(make_live_hub, tmp_path, proxy, os_user):
    record = Path(os_user.home) / "record.json"

    def configure(c):
        c.JupyterHub.spawner_class = "localprocess"
        # Debian's own Python: the account can run it (the project's Python may sit in root's home)
        standin(c, record, python="/usr/bin/python3")

    api = make_live_hub(configure)
    name = os_user.name
    assert api.get("/info").json()["spawner"]["class"] == "jupyterhub.spawner.LocalProcessSpawner"
    api.post(f"/users/{name}")
    token = api.new_token(name)
    assert api.post(f"/users/{name}/server").status_code == 201
    seen = wait_for_record(record)
    assert seen["uid"] == os_user.uid, "the server runs as the user's own account"
    assert seen["cwd"] == str(os_user.home) and seen["env"]["HOME"] == str(os_user.home)
    assert seen["env"]["USER"] == name
    assert through_proxy(proxy, f"/user/{name}/api/status", token).status_code == 200
    assert api.delete(f"/users/{name}/server").status_code == 204
    assert gone(seen["pid"])


class Exploding(LocalProcessSpawner):
    async def start(self):
        raise RuntimeError("the cluster said no")


class Hanging(LocalProcessSpawner):
    async def start(self):
        await asyncio.sleep(3600)


class Nonsense(LocalProcessSpawner):
    async def start(self):
        return 42


@pytest.mark.parametrize(
    ("cls", "message"),
    [
        (Exploding, "Spawn failed: the cluster said no"),
        (Nonsense, "Spawn failed: the spawner's start() returned int, not a URL or (ip, port)"),
        (Hanging, "Spawn failed: the server did not start within 1 seconds"),
    ],
)
def test_a_failing_spawner_ends_in_a_clear_error_and_a_clean_stopped_server(make_live_hub, cls, message):
    def configure(c):
        c.JupyterHub.spawner_class = cls
        c.Spawner.start_timeout = 1
        c.JupyterHub.allow_named_servers = True

    api = make_live_hub(configure)
    api.post("/users/alice")
    r = api.post("/users/alice/server")
    assert (r.status_code, r.json()["message"]) == (500, message)
    model = api.get("/users/alice", params={"include_stopped_servers": "1"}).json()
    assert model["servers"][""]["pending"] is None and model["servers"][""]["ready"] is False
    assert "/user/alice/" not in api.get("/proxy").json()
    assert "failed" in api.get("/users/alice/server/progress").text
    # and everyone else is served
    assert api.post("/users", json={"usernames": ["bob"]}).status_code == 201


def test_a_config_value_the_spawner_rejects_is_the_spawn_error(make_live_hub):
    def configure(c):
        c.JupyterHub.spawner_class = "simple"
        c.Spawner.poll_interval = 0.5  # JupyterHub's trait is an Integer

    api = make_live_hub(configure)
    api.post("/users/alice")
    r = api.post("/users/alice/server")
    assert r.status_code == 500
    assert r.json()["message"].startswith("Spawn failed: The 'poll_interval' trait")
    assert "expected an int" in r.json()["message"]
    assert api.get("/users/alice").json()["servers"] == {}
    assert api.delete("/users/alice/server").status_code == 204


def test_the_spawner_class_must_be_a_spawner(tmp_path, db_url):
    from hub.plugins.loader import PluginLoadError
    from hub.runtime import Hub
    from tests.conftest import base_config

    c = base_config(db_url)
    c.JupyterHub.spawner_class = "jupyterhub.auth.DummyAuthenticator"
    with pytest.raises(PluginLoadError, match="is not a Spawner"):
        Hub(c)


def test_a_server_that_dies_behind_the_hubs_back_is_reported_stopped(make_live_hub, tmp_path):
    record = tmp_path / "env.json"

    def configure(c):
        c.JupyterHub.spawner_class = "simple"
        c.Spawner.poll_interval = 1  # an Integer in JupyterHub
        standin(c, record)

    api = make_live_hub(configure)
    api.post("/users/alice")
    assert api.post("/users/alice/server").status_code == 201
    pid = wait_for_record(record)["pid"]
    os.kill(pid, 9)
    for _ in range(200):
        if api.get("/users/alice").json()["servers"] == {}:
            break
        time.sleep(0.05)
    assert api.get("/users/alice").json()["servers"] == {}
    assert "/user/alice/" not in api.get("/proxy").json()


class PollRaises(SimpleLocalProcessSpawner):
    """poll() breaks once the server runs (an API it asks is down, say)."""

    async def poll(self):
        if self._spawn_pending or self._stop_pending:
            return await super().poll()
        raise RuntimeError("the scheduler did not answer")


def test_a_poll_that_raises_leaves_the_server_running_and_stoppable(make_live_hub, tmp_path):
    record = tmp_path / "env.json"

    def configure(c):
        c.JupyterHub.spawner_class = PollRaises
        c.Spawner.poll_interval = 1
        standin(c, record)

    api = make_live_hub(configure)
    api.post("/users/alice")
    assert api.post("/users/alice/server").status_code == 201
    pid = wait_for_record(record)["pid"]
    time.sleep(2.5)  # two polls raised
    server = api.get("/users/alice").json()["servers"][""]
    assert server["ready"] is True, "a failing poll is not taken for a stopped server"
    assert api.post("/users", json={"usernames": ["bob"]}).status_code == 201
    assert api.delete("/users/alice/server").status_code == 204
    assert gone(pid)
    assert api.get("/users/alice").json()["servers"] == {}
