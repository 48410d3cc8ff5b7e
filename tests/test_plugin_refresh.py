"""``refresh_user`` of a JupyterHub ``Authenticator`` subclass from the config file:
``auth_refresh_age``, ``auth_refresh_strict`` and ``refresh_pre_spawn``, as
JupyterHub 6.1.1 runs them, with the time of the last refresh in the database."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import httpx
import pytest
import sqlalchemy
from traitlets.config import Config

from hub.config import load_config
from tests.test_login_oauth import log_in, xsrf_of

pytest.importorskip("jupyterhub")

HELPERS = Path(__file__).parent / "helpers"
CRYPT_KEY = "0c" * 32

CONFIG_FILE = '''
from jupyterhub.auth import Authenticator


class RefreshingAuthenticator(Authenticator):
    """Any name; refresh_user answers what the test sets in ``verdict``."""

    #: "count" (a model counting the refreshes in auth_state), True or False
    verdict = "count"
    #: the names refresh_user was called for, in order
    calls = []

    async def authenticate(self, handler, data):
        return {"name": data["username"], "auth_state": {"refreshes": 0}}

    async def refresh_user(self, user, handler=None):
        type(self).calls.append(user.name)
        if self.verdict != "count":
            return self.verdict
        state = await user.get_auth_state() or {}
        return {"auth_state": {"refreshes": state.get("refreshes", 0) + 1}}


c.JupyterHub.authenticator_class = RefreshingAuthenticator
c.Authenticator.allow_all = True
c.Authenticator.enable_auth_state = True
'''

BASE_AUTHENTICATOR_FILE = """
from jupyterhub.auth import Authenticator


class PlainAuthenticator(Authenticator):
    async def authenticate(self, handler, data):
        return data["username"]


c.JupyterHub.authenticator_class = PlainAuthenticator
c.Authenticator.allow_all = True
"""


@pytest.fixture
def refreshing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Config:
    monkeypatch.setenv("JUPYTERHUB_CRYPT_KEY", CRYPT_KEY)
    path = tmp_path / "jupyterhub_config.py"
    path.write_text(CONFIG_FILE)
    return load_config(str(path))


def plugin_class(config: Config):
    return config.JupyterHub.authenticator_class


def calls_for(config: Config, name: str) -> int:
    return plugin_class(config).calls.count(name)


def refreshes(api, name: str) -> int:
    return api.get(f"/users/{name}").json()["auth_state"]["refreshes"]


def with_config(config: Config, **authenticator):
    def configure(c: Config) -> None:
        c.merge(config)
        for key, value in authenticator.items():
            setattr(c.Authenticator, key, value)

    return configure


def test_refresh_user_runs_once_auth_refresh_age_has_passed_and_its_model_updates_auth_state(
    make_hub, refreshing
):
    api = make_hub(with_config(refreshing, auth_refresh_age=1))
    client = api.client
    assert log_in(client, "alice").status_code == 302
    token = api.new_token("alice")
    for _ in range(3):
        assert client.get("/hub/api/user").status_code == 200
        assert api.get("/user", token=token).status_code == 200
        assert client.get("/hub/home").status_code == 200
    assert calls_for(refreshing, "alice") == 0, "not before auth_refresh_age"
    assert refreshes(api, "alice") == 0

    time.sleep(1.2)
    assert client.get("/hub/api/user").json()["name"] == "alice"
    assert calls_for(refreshing, "alice") == 1, "a cookie request refreshes"
    assert refreshes(api, "alice") == 1, "the returned model replaced auth_state"
    assert api.get("/user", token=token).status_code == 200
    assert calls_for(refreshing, "alice") == 1, "the refresh counts for every credential"

    time.sleep(1.2)
    assert api.get("/user", token=token).json()["name"] == "alice"
    assert calls_for(refreshing, "alice") == 2, "a token request refreshes too"
    time.sleep(1.2)
    assert client.get("/hub/home").status_code == 200
    assert calls_for(refreshing, "alice") == 3, "and so does a page"
    assert refreshes(api, "alice") == 3


def test_the_time_of_the_last_refresh_is_in_the_users_row(make_hub, refreshing, db_url):
    api = make_hub(with_config(refreshing, auth_refresh_age=1))
    assert log_in(api.client, "alice").status_code == 302
    engine = sqlalchemy.create_engine(db_url)
    query = sqlalchemy.text("SELECT auth_refreshed FROM users WHERE name = 'alice'")
    try:
        with engine.connect() as conn:
            at_login = conn.execute(query).scalar()
        assert at_login is not None, "a login is a confirmation"
        time.sleep(1.2)
        assert api.client.get("/hub/api/user").status_code == 200
        with engine.connect() as conn:
            refreshed = conn.execute(query).scalar()
    finally:
        engine.dispose()
    assert str(refreshed) > str(at_login)


def test_a_false_refresh_sends_the_browser_to_login_and_a_token_keeps_its_stale_login(make_hub, refreshing):
    api = make_hub(with_config(refreshing, auth_refresh_age=1))
    client = api.client
    assert log_in(client, "alice").status_code == 302
    token = api.new_token("alice")
    plugin_class(refreshing).verdict = False
    time.sleep(1.2)

    home = client.get("/hub/home", follow_redirects=False)
    assert home.status_code == 302
    assert home.headers["location"].startswith("/hub/login?next=")
    assert client.get("/hub/api/user").status_code == 403, "the cookie no longer logs in"
    page = client.get("/hub/login", follow_redirects=False)
    assert page.status_code == 200 and 'name="username"' in page.text, "the login form, not a redirect"
    # the hub's OAuth provider (single-user servers, services) sends the browser to log in too
    authorize = client.get(
        "/hub/api/oauth2/authorize",
        params={"client_id": "nobody", "response_type": "code", "redirect_uri": "http://x/cb"},
        follow_redirects=False,
    )
    assert authorize.status_code == 302 and authorize.headers["location"].startswith("/hub/login?next=")
    # as in JupyterHub 6.1 (auth_refresh_strict = False): API tokens cannot log in again
    assert api.get("/user", token=token).json()["name"] == "alice"

    assert log_in(client, "alice").status_code == 302, "a new login confirms the user again"
    assert client.get("/hub/home", follow_redirects=False).status_code == 200
    authorize = client.get(
        "/hub/api/oauth2/authorize",
        params={"client_id": "nobody", "response_type": "code", "redirect_uri": "http://x/cb"},
        follow_redirects=False,
    )
    assert authorize.status_code == 400, "logged in: the unknown client is the problem now"


def test_with_auth_refresh_strict_a_false_refresh_refuses_the_token(make_hub, refreshing):
    api = make_hub(with_config(refreshing, auth_refresh_age=1, auth_refresh_strict=True))
    assert log_in(api.client, "alice").status_code == 302
    token = api.new_token("alice")
    assert api.get("/user", token=token).status_code == 200
    plugin_class(refreshing).verdict = False
    time.sleep(1.2)
    refused = api.get("/user", token=token)
    assert refused.status_code == 403
    plugin_class(refreshing).verdict = True
    assert api.get("/user", token=token).status_code == 200, "a good refresh lets it in again"


def test_auth_refresh_age_zero_never_refreshes(make_hub, refreshing):
    api = make_hub(with_config(refreshing, auth_refresh_age=0))
    assert log_in(api.client, "alice").status_code == 302
    time.sleep(1.2)
    assert api.client.get("/hub/api/user").status_code == 200
    assert plugin_class(refreshing).calls == []


def test_an_authenticator_without_refresh_user_is_never_asked(make_hub, tmp_path):
    path = tmp_path / "jupyterhub_config.py"
    path.write_text(BASE_AUTHENTICATOR_FILE)
    config = load_config(str(path))
    api = make_hub(with_config(config, auth_refresh_age=1))
    assert log_in(api.client, "alice").status_code == 302
    from hub.runtime import current

    logins = current().logins
    assert logins.refresh_age is None and not logins.policy.active, "detected once, at start-up"
    time.sleep(1.2)
    assert api.client.get("/hub/api/user").status_code == 200


def standin_spawner(config: Config, **authenticator):
    def configure(c: Config) -> None:
        with_config(config, **authenticator)(c)
        c.Spawner.cmd = [sys.executable, str(HELPERS / "standin_server.py")]

    return configure


def browser_spawn(client: httpx.Client, name: str) -> httpx.Response:
    page = client.get(f"/hub/spawn/{name}")
    assert page.status_code == 200, page.text
    return client.post(f"/hub/spawn/{name}", data={"_xsrf": xsrf_of(page.text)}, follow_redirects=False)


def test_refresh_pre_spawn_refreshes_before_each_start_and_a_false_refresh_refuses_it(
    make_live_hub, refreshing
):
    api = make_live_hub(standin_spawner(refreshing, auth_refresh_age=3600, refresh_pre_spawn=True))
    with httpx.Client(base_url=str(api.client.base_url), timeout=60) as client:
        assert log_in(client, "alice").status_code == 302
        assert calls_for(refreshing, "alice") == 0
        started = browser_spawn(client, "alice")
        assert started.status_code == 302, started.text
        assert calls_for(refreshing, "alice") == 1, "refreshed before the start"
        assert refreshes(api, "alice") == 1
        assert api.delete("/users/alice/server").status_code in (202, 204)
        for _ in range(200):
            if not api.get("/users/alice").json()["servers"]:
                break
            time.sleep(0.05)

        plugin_class(refreshing).verdict = False
        refused = browser_spawn(client, "alice")
        assert refused.status_code == 403
        assert "auth has expired for alice, login again" in refused.text
        assert calls_for(refreshing, "alice") == 2
        assert api.get("/users/alice").json()["servers"] == {}, "nothing was started"

        # the user's own browser session asks through the API: refused as well
        xsrf = client.cookies.get("_xsrf")
        by_cookie = client.post("/hub/api/users/alice/server", headers={"X-XSRFToken": xsrf})
        assert by_cookie.status_code == 403
        assert by_cookie.json()["message"] == "auth has expired for alice, login again"
    # another requester (the admin's token) starts it with the stale login, as JupyterHub does
    assert api.post("/users/alice/server").status_code in (201, 202)
    assert calls_for(refreshing, "alice") == 4
    assert api.delete("/users/alice/server").status_code in (202, 204)


def test_with_auth_refresh_strict_a_false_pre_spawn_refresh_refuses_every_start(make_hub, refreshing):
    api = make_hub(
        with_config(refreshing, auth_refresh_age=3600, refresh_pre_spawn=True, auth_refresh_strict=True)
    )
    assert api.post("/users/alice").status_code == 201
    plugin_class(refreshing).verdict = False
    refused = api.post("/users/alice/server")
    assert refused.status_code == 403
    assert refused.json()["message"] == "auth has expired for alice, login again"
    assert calls_for(refreshing, "alice") == 1
    assert api.get("/users/alice").json()["servers"] == {}
