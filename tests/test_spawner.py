"""The environment a single-user server gets (the contract jupyterhub-singleuser reads)."""

import json
import os

from traitlets.config import Config

from hub.spawners.base import Launch
from hub.spawners.local import NativeSpawner

LAUNCH = Launch(
    user="alice",
    server_name="gpu",
    prefix="/user/alice/gpu/",
    api_url="http://127.0.0.1:8081/hub/api",
    api_token="secret",
    base_url="/",
    hub_prefix="/hub/",
    oauth_client_id="jupyterhub-user-alice-gpu",
    user_options={"profile": "big"},
)


def test_environment_contract(monkeypatch):
    monkeypatch.setenv("HUB_SECRET_NOT_PASSED", "1")  # only env_keep variables pass
    c = Config()
    c.Spawner.environment = {"EXTRA": "1", "JUPYTERHUB_DEFAULT_URL": "/lab"}
    c.Spawner.notebook_dir = "/srv/{username}"
    env = NativeSpawner(config=c).env(LAUNCH, 4242)
    assert env["JUPYTERHUB_API_TOKEN"] == env["JPY_API_TOKEN"] == "secret"
    assert env["JUPYTERHUB_API_URL"] == "http://127.0.0.1:8081/hub/api"
    assert env["JUPYTERHUB_ACTIVITY_URL"] == "http://127.0.0.1:8081/hub/api/users/alice/activity"
    assert env["JUPYTERHUB_SERVICE_PREFIX"] == "/user/alice/gpu/"
    assert env["JUPYTERHUB_SERVICE_URL"] == "http://127.0.0.1:4242/user/alice/gpu/"
    assert env["JUPYTERHUB_USER"] == "alice" and env["JUPYTERHUB_SERVER_NAME"] == "gpu"
    assert env["JUPYTERHUB_CLIENT_ID"] == "jupyterhub-user-alice-gpu"
    assert env["JUPYTERHUB_OAUTH_CALLBACK_URL"] == "/user/alice/gpu/oauth_callback"
    assert json.loads(env["JUPYTERHUB_OAUTH_ACCESS_SCOPES"]) == [
        "access:servers!server=alice/gpu",
        "access:servers!user=alice",
    ]
    assert env["JUPYTERHUB_BASE_URL"] == "/"
    assert env["JUPYTERHUB_ROOT_DIR"] == "/srv/alice"
    assert env["JUPYTERHUB_DEFAULT_URL"] == "/lab"  # configuration wins
    assert env["EXTRA"] == "1"
    assert env["PATH"] == os.environ["PATH"]
    assert "HUB_SECRET_NOT_PASSED" not in env


def test_default_url_is_the_servers_choice_unless_configured():
    # empty (the default): jupyterhub-singleuser opens its interface's own page, /lab with JupyterLab
    assert "JUPYTERHUB_DEFAULT_URL" not in NativeSpawner().env(LAUNCH, 4242)
    c = Config()
    c.Spawner.default_url = "/lab/tree/home/{username}"
    assert NativeSpawner(config=c).env(LAUNCH, 4242)["JUPYTERHUB_DEFAULT_URL"] == "/lab/tree/home/alice"


def test_running_as_root_adds_allow_root():
    command = NativeSpawner().command()
    assert command[0].endswith("jupyterhub-singleuser")
    assert ("--allow-root" in command) == (os.geteuid() == 0)
