"""Services defined in configuration, and the ones the hub runs."""

import json
import os
import re
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from tests.conftest import free_port
from tests.helpers.waiting import wait_for


def configure(c):
    c.JupyterHub.services = [
        {"name": "culler", "api_token": "culler-secret-token"},
        {"name": "web", "url": "http://127.0.0.1:10101", "info": {"k": "v"}, "display": False},
    ]
    c.JupyterHub.load_roles = [
        {
            "name": "culler",
            "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
            "services": ["culler"],
        }
    ]


def test_list_services_is_an_object_keyed_by_name(make_hub):
    api = make_hub(configure)
    services = api.get("/services").json()
    assert sorted(services) == ["culler", "web"]
    web = services["web"]
    assert web["url"] == "http://127.0.0.1:10101" and web["prefix"] == "/services/web/"
    assert web["info"] == {"k": "v"} and web["display"] is False
    assert services["culler"]["url"] == "" and services["culler"]["prefix"] == ""
    assert services["culler"]["roles"] == ["culler"]


def test_get_service(make_hub):
    api = make_hub(configure)
    assert api.get("/services/web").json()["name"] == "web"
    r = api.get("/services/nope")
    assert r.status_code == 404 and r.json()["message"] == "No such service: nope"


def test_service_token_gets_its_role_scopes(make_hub):
    api = make_hub(configure)
    api.post("/users", json={"usernames": ["alice"]})
    token = "culler-secret-token"
    assert [u["name"] for u in api.get("/users", token=token).json()] == ["admin", "alice"]
    assert api.post("/users", token=token, json={"usernames": ["x"]}).status_code == 403
    me = api.get("/user", token=token).json()
    assert me["kind"] == "service" and "list:users" in me["scopes"]


def test_admin_service(make_hub):
    api = make_hub(
        lambda c: setattr(
            c.JupyterHub, "services", [{"name": "boss", "api_token": "boss-token-12", "admin": True}]
        )
    )
    assert api.post("/users", token="boss-token-12", json={"usernames": ["x"]}).status_code == 201
    assert api.get("/services/boss").json()["admin"] is True


def test_the_admin_role_makes_a_service_an_admin(make_hub):
    def configure(c):
        c.JupyterHub.services = [{"name": "boss", "api_token": "boss-token-12"}]
        c.JupyterHub.load_roles = [{"name": "admin", "services": ["boss"], "users": ["admin"]}]

    api = make_hub(configure)
    boss = "boss-token-12"
    assert api.get("/services/boss").json()["admin"] is True
    assert api.get("/user", token=boss).json()["admin"] is True
    # what only an admin may do: make admins, promote, demote
    made = api.post("/users", token=boss, json={"usernames": ["ann"], "admin": True})
    assert made.status_code == 201 and made.json()[0]["admin"] is True
    assert api.post("/users/ben", token=boss, json={"admin": True}).json()["admin"] is True
    api.post("/users/cy", token=boss)
    assert api.patch("/users/cy", token=boss, json={"admin": True}).json()["admin"] is True
    assert api.patch("/users/cy", token=boss, json={"admin": False}).json()["admin"] is False


def test_service_tokens_config(make_hub):
    api = make_hub(lambda c: setattr(c.JupyterHub, "service_tokens", {"svc-token-123": "svc"}))
    assert api.get("/user", token="svc-token-123").json()["name"] == "svc"


# --- managed services: processes the hub starts --------------------------------

HELPERS = Path(__file__).parent / "helpers"


def read_record(path):
    try:
        return json.loads(path.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.slow
def test_a_managed_service_runs_with_its_environment_and_is_restarted(make_live_hub, tmp_path):
    record = tmp_path / "service.json"

    def managed(c):
        c.JupyterHub.services = [
            {
                "name": "recorder",
                "command": [sys.executable, str(HELPERS / "record_env.py"), str(record)],
                "environment": {"EXTRA": "yes"},
                "cwd": str(tmp_path),
            }
        ]

    api = make_live_hub(managed)
    first = wait_for(lambda: read_record(record), 20, message="the service's record")
    env = first["env"]
    assert env["JUPYTERHUB_SERVICE_NAME"] == "recorder"
    assert env["JUPYTERHUB_CLIENT_ID"] == "service-recorder"
    assert env["JUPYTERHUB_API_URL"] == f"{api.client.base_url}/hub/api"
    assert env["JUPYTERHUB_BASE_URL"] == "/"
    assert json.loads(env["JUPYTERHUB_OAUTH_ACCESS_SCOPES"]) == [
        "access:services",
        "access:services!service=recorder",
    ]
    assert env["EXTRA"] == "yes" and first["cwd"] == str(tmp_path)
    assert "JUPYTERHUB_SERVICE_URL" not in env and "JUPYTERHUB_ACTIVITY_URL" not in env
    # the generated token is the service's own
    me = api.get("/user", token=env["JUPYTERHUB_API_TOKEN"]).json()
    assert (me["kind"], me["name"]) == ("service", "recorder")

    # killed behind the hub's back: started again, with the same token
    record.unlink()
    os.killpg(first["pid"], signal.SIGKILL)
    second = wait_for(lambda: read_record(record), 20, message="the restarted service's record")
    assert second["pid"] != first["pid"]
    assert second["env"]["JUPYTERHUB_API_TOKEN"] == env["JUPYTERHUB_API_TOKEN"]

    # the hub stops it when it stops
    api.post("/shutdown")
    wait_for(lambda: not alive(second["pid"]), 20, message="the service to stop with the hub")


@pytest.mark.slow
def test_a_managed_service_with_a_url_is_routed_through_the_proxy(make_live_hub, proxy):
    port = free_port()

    def web(c):
        c.JupyterHub.services = [
            {
                "name": "web",
                "url": f"http://127.0.0.1:{port}",
                "command": [sys.executable, str(HELPERS / "standin_server.py")],
            }
        ]

    api = make_live_hub(web)
    assert api.get("/proxy").json()["/services/web/"]["target"] == f"http://127.0.0.1:{port}"
    r = wait_for(
        lambda: _get(f"{proxy.public_url}/services/web/"), 20, message="the service through the proxy"
    )
    assert r.status_code == 200 and r.json() == {"ok": True}


def _get(url):
    """The answer, or None while there is none but the proxy's (the service is not up yet)."""
    try:
        r = httpx.get(url, timeout=2)
    except httpx.HTTPError:
        return None
    return None if r.status_code in (502, 503) else r


@pytest.mark.slow
@pytest.mark.parametrize("spawner", ["native", "simple"])
def test_the_idle_culler_stops_idle_servers_and_deletes_idle_users(make_live_hub, spawner):
    """jupyterhub-idle-culler from PyPI, unchanged, as a managed service, with the
    native spawner and with JupyterHub's own SimpleLocalProcessSpawner."""

    def culled(c):
        c.JupyterHub.spawner_class = spawner
        c.JupyterHub.services = [
            {
                "name": "idle-culler",
                "command": [
                    sys.executable,
                    "-m",
                    "jupyterhub_idle_culler",
                    "--timeout=4",
                    "--cull-every=1",
                    "--cull-users=true",
                    "--cull-admin-users=false",
                ],
            }
        ]
        c.JupyterHub.load_roles = [
            {
                "name": "idle-culler",
                "scopes": [
                    "list:users",
                    "read:users:activity",
                    "read:servers",
                    "delete:servers",
                    "admin:users",
                ],
                "services": ["idle-culler"],
            }
        ]
        c.Spawner.cmd = [sys.executable, str(HELPERS / "standin_server.py")]

    api = make_live_hub(culled)
    api.post("/users", json={"usernames": ["idle", "busy"]})
    for name in ("idle", "busy"):
        assert api.post(f"/users/{name}/server").status_code == 201

    def busy_is_active():
        now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
        body = {"last_activity": now, "servers": {"": {"last_activity": now}}}
        assert api.post("/users/busy/activity", json=body).status_code == 200

    def idle_is_gone():
        busy_is_active()
        return api.get("/users/idle").status_code == 404

    idle_pid = api.get("/users/idle").json()["servers"][""]["state"]["pid"]
    wait_for(idle_is_gone, 40, message="the idle server to be culled")
    busy = api.get("/users/busy").json()
    assert busy["server"] == "/user/busy/" and busy["servers"][""]["ready"] is True
    assert wait_for(lambda: not _running(idle_pid), 15, message="the culled server's process to end")


def _running(pid: int) -> bool:
    try:
        return "State:\tZ" not in Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False


@pytest.mark.slow
def test_a_hub_oauth_service_gets_the_logged_in_user(make_live_hub, proxy):
    """A service on jupyterhub.services.auth.HubOAuthenticated: an anonymous
    browser is sent to the hub's login and comes back as the user; a user
    without access is refused; logging out of the hub ends the service's
    session too."""
    port = free_port()

    def whoami(c):
        c.JupyterHub.authenticator_class = "dummy"
        c.JupyterHub.services = [
            {
                "name": "whoami",
                "url": f"http://127.0.0.1:{port}",
                "command": [sys.executable, str(HELPERS / "whoami_service.py")],
                "oauth_no_confirm": True,
            }
        ]
        c.JupyterHub.load_roles = [
            {"name": "whoami-users", "scopes": ["access:services!service=whoami"], "users": ["carol"]}
        ]

    make_live_hub(whoami)
    wait_for(
        lambda: (_get(f"{proxy.public_url}/services/whoami/") or httpx.Response(502)).status_code < 500,
        20,
        message="the whoami service through the proxy",
    )

    def log_in_through_the_service(browser, name):
        r = browser.get("/services/whoami/")
        assert r.status_code == 302
        authorize = r.headers["location"]
        assert authorize.startswith("/hub/api/oauth2/authorize?") and "client_id=service-whoami" in authorize
        r = browser.get(authorize)
        assert r.status_code == 302 and r.headers["location"].startswith("/hub/login?next=")
        page = browser.get(r.headers["location"])
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page.text).group(1)
        r = browser.post(page.request.url, data={"username": name, "_xsrf": xsrf})
        assert r.status_code == 302 and r.headers["location"] == authorize
        return browser.get(authorize)

    with (
        httpx.Client(base_url=proxy.public_url, timeout=10) as carol,
        httpx.Client(base_url=proxy.public_url, timeout=10) as dave,
    ):
        r = log_in_through_the_service(carol, "carol")
        assert r.status_code == 302 and r.headers["location"].startswith(
            "/services/whoami/oauth_callback?code="
        )
        r = carol.get(r.headers["location"])  # the service exchanges the code for a token
        assert r.status_code == 302, r.text
        r = carol.get(r.headers["location"])
        assert r.status_code == 200, r.text
        model = r.json()
        assert (model["name"], model["kind"]) == ("carol", "user")
        assert "access:services!service=whoami" in model["scopes"]

        r = log_in_through_the_service(dave, "dave")
        assert r.status_code == 403
        assert r.json()["message"] == "You do not have permission to access Service whoami"

        carol.get("/hub/logout")
        r = carol.get("/services/whoami/")
        assert r.status_code == 302 and r.headers["location"].startswith("/hub/api/oauth2/authorize?")
