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
    api = make_hub(with_config(refreshing, auth_refresh_age=3))
    client = api.client
    assert log_in(client, "alice").status_code == 302
    token = api.new_token("alice")
    # (an age of 3 s: nine requests on a loaded machine fit well within it)
    for _ in range(3):
        assert client.get("/hub/api/user").status_code == 200
        assert api.get("/user", token=token).status_code == 200
        assert client.get("/hub/home").status_code == 200
    assert calls_for(refreshing, "alice") == 0, "not before auth_refresh_age"
    assert refreshes(api, "alice") == 0

    time.sleep(3.2)
    assert client.get("/hub/api/user").json()["name"] == "alice"
    assert calls_for(refreshing, "alice") == 1, "a cookie request refreshes"
    assert refreshes(api, "alice") == 1, "the returned model replaced auth_state"
    assert api.get("/user", token=token).status_code == 200
    assert calls_for(refreshing, "alice") == 1, "the refresh counts for every credential"

    time.sleep(3.2)
    assert api.get("/user", token=token).json()["name"] == "alice"
    assert calls_for(refreshing, "alice") == 2, "a token request refreshes too"
    time.sleep(3.2)
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
    page = client.get("/hub/home")
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


# --- refresh_pre_stop ----------------------------------------------------------------


def wait_for(api, name: str, ready: bool) -> None:
    for _ in range(600):
        servers = api.get(f"/users/{name}").json()["servers"]
        if (servers.get("", {}).get("ready") is True) == ready and (ready or not servers):
            return
        time.sleep(0.05)
    raise AssertionError(f"{name}'s server did not become {'ready' if ready else 'stopped'}")


def start(api, name: str) -> None:
    assert api.post(f"/users/{name}/server").status_code in (201, 202)
    wait_for(api, name, ready=True)


def stopped(api, response: httpx.Response, name: str) -> bool:
    assert response.status_code in (202, 204), response.text
    wait_for(api, name, ready=False)
    return True


def test_refresh_pre_stop_refreshes_before_each_stop_and_a_false_refresh_refuses_only_the_owners_browser(
    make_live_hub, refreshing
):
    api = make_live_hub(standin_spawner(refreshing, auth_refresh_age=3600, refresh_pre_stop=True))
    with httpx.Client(base_url=str(api.client.base_url), timeout=60) as client:
        assert log_in(client, "alice").status_code == 302
        token = api.new_token("alice")
        start(api, "alice")
        assert calls_for(refreshing, "alice") == 0, "refresh_pre_stop does not refresh at a start"
        xsrf = client.cookies.get("_xsrf")
        by_cookie = client.delete("/hub/api/users/alice/server", headers={"X-XSRFToken": xsrf})
        assert stopped(api, by_cookie, "alice")
        assert calls_for(refreshing, "alice") == 1, "refreshed before the stop"
        assert refreshes(api, "alice") == 1, "and the returned model stored"
        again = client.delete("/hub/api/users/alice/server", headers={"X-XSRFToken": xsrf})
        assert again.status_code == 204
        assert calls_for(refreshing, "alice") == 1, "nothing to stop: no refresh"

        start(api, "alice")
        plugin_class(refreshing).verdict = False
        refused = client.delete("/hub/api/users/alice/server", headers={"X-XSRFToken": xsrf})
        assert refused.status_code == 403
        assert refused.json()["message"] == "auth has expired for alice, login again"
        assert calls_for(refreshing, "alice") == 2
        # the stop button of the home page is refused the same way
        home = client.get("/hub/home")
        page = client.post("/hub/stop/alice", data={"_xsrf": xsrf_of(home.text)}, follow_redirects=False)
        assert page.status_code == 403
        assert "auth has expired for alice, login again" in page.text
        assert calls_for(refreshing, "alice") == 3
        assert api.get("/users/alice").json()["servers"][""]["ready"] is True, "still running"

    # the owner's token stops it with the stale login (auth_refresh_strict is off)
    assert stopped(api, api.delete("/users/alice/server", token=token), "alice")
    assert calls_for(refreshing, "alice") == 4
    # so does another requester (the admin's token)
    start(api, "alice")
    assert stopped(api, api.delete("/users/alice/server"), "alice")
    assert calls_for(refreshing, "alice") == 5


def test_the_stop_button_refreshes_before_the_stop(make_live_hub, refreshing):
    api = make_live_hub(standin_spawner(refreshing, auth_refresh_age=3600, refresh_pre_stop=True))
    with httpx.Client(base_url=str(api.client.base_url), timeout=60) as client:
        assert log_in(client, "alice").status_code == 302
        start(api, "alice")
        home = client.get("/hub/home")
        page = client.post("/hub/stop/alice", data={"_xsrf": xsrf_of(home.text)}, follow_redirects=False)
        assert page.status_code == 302 and page.headers["location"] == "/hub/home"
        wait_for(api, "alice", ready=False)
        assert calls_for(refreshing, "alice") == 1
        assert refreshes(api, "alice") == 1


def test_with_auth_refresh_strict_a_false_pre_stop_refresh_refuses_the_owners_token_but_not_an_admin(
    make_live_hub, refreshing
):
    api = make_live_hub(
        standin_spawner(refreshing, auth_refresh_age=3600, refresh_pre_stop=True, auth_refresh_strict=True)
    )
    with httpx.Client(base_url=str(api.client.base_url), timeout=60) as client:
        assert log_in(client, "alice").status_code == 302, "a login: no refresh by age is due"
    token = api.new_token("alice")
    start(api, "alice")
    plugin_class(refreshing).verdict = False
    refused = api.delete("/users/alice/server", token=token)
    assert refused.status_code == 403
    assert refused.json()["message"] == "auth has expired for alice, login again"
    assert api.get("/users/alice").json()["servers"][""]["ready"] is True
    assert stopped(api, api.delete("/users/alice/server"), "alice"), "an admin stops it anyway"
    assert calls_for(refreshing, "alice") == 2


def test_without_refresh_pre_stop_a_stop_does_not_refresh(make_live_hub, refreshing):
    api = make_live_hub(standin_spawner(refreshing, auth_refresh_age=3600))
    assert api.post("/users/alice").status_code == 201
    start(api, "alice")
    plugin_class(refreshing).verdict = False
    assert stopped(api, api.delete("/users/alice/server"), "alice")
    assert calls_for(refreshing, "alice") == 0


# --- a failed refresh on a page: log in again, then back to that page ----------------


def login_form_action(html: str) -> str:
    import html as html_module
    import re

    found = re.search(r'<form method="post" action="([^"]+)"', html)
    assert found, html
    return html_module.unescape(found.group(1))


def log_in_through_the_form(client: httpx.Client, location: str, name: str, config: Config) -> httpx.Response:
    """Follow a redirect to the login page (the refresh still fails there) and,
    the authenticator willing again, submit its form as a browser does."""
    page = client.get(location)
    assert page.status_code == 200 and 'name="username"' in page.text, "the login form"
    plugin_class(config).verdict = True
    form = {"username": name, "password": "pw", "_xsrf": xsrf_of(page.text)}
    return client.post(login_form_action(page.text), data=form, follow_redirects=False)


@pytest.mark.parametrize(
    "path",
    ["/hub/spawn", "/hub/spawn/alice", "/hub/token", "/hub/user-redirect/lab/tree/a%20b.ipynb?kernel=x&y=1"],
)
def test_after_a_failed_refresh_on_a_page_a_new_login_comes_back_to_that_page(make_hub, refreshing, path):
    api = make_hub(with_config(refreshing, auth_refresh_age=1))
    client = api.client
    assert log_in(client, "alice").status_code == 302
    plugin_class(refreshing).verdict = False
    time.sleep(1.2)
    sent = client.get(path, follow_redirects=False)
    assert sent.status_code == 302
    location = sent.headers["location"]
    assert location.startswith("/hub/login?next=")
    back = log_in_through_the_form(client, location, "alice", refreshing)
    assert back.status_code == 302
    assert back.headers["location"] == path, "the page the user was on"
    if not path.startswith("/hub/spawn"):  # (which would start the server)
        assert client.get(path, follow_redirects=False).status_code in (200, 302)


def test_after_a_failed_refresh_on_a_form_a_new_login_comes_back_to_the_page_of_the_form(
    make_hub, refreshing
):
    api = make_hub(with_config(refreshing, auth_refresh_age=1))
    client = api.client
    assert log_in(client, "alice").status_code == 302
    token_page = client.get("/hub/token")
    xsrf = xsrf_of(token_page.text)
    plugin_class(refreshing).verdict = False
    time.sleep(1.2)
    base = str(client.base_url).rstrip("/")
    sent = client.post(
        "/hub/token",
        data={"_xsrf": xsrf, "note": "x"},
        headers={"Referer": f"{base}/hub/token?from=form"},
        follow_redirects=False,
    )
    assert sent.status_code == 303, "the browser opens the login page (a GET)"
    location = sent.headers["location"]
    back = log_in_through_the_form(client, location, "alice", refreshing)
    assert back.headers["location"] == "/hub/token?from=form", "the page the form was on"
    assert "x" not in [t["note"] for t in api.get("/users/alice/tokens").json()["api_tokens"]], (
        "the refused form did nothing"
    )

    # a form posted from elsewhere (no Referer, or another site's) comes back home
    plugin_class(refreshing).verdict = False
    time.sleep(1.2)
    elsewhere = client.post(
        "/hub/stop/alice",
        data={"_xsrf": xsrf},
        headers={"Referer": "https://example.org/hub/token"},
        follow_redirects=False,
    )
    assert elsewhere.status_code == 303
    back = log_in_through_the_form(client, elsewhere.headers["location"], "alice", refreshing)
    assert back.headers["location"] == "/hub/home"


def test_a_stop_in_a_request_that_already_refreshed_the_login_does_not_refresh_again(
    make_live_hub, refreshing
):
    api = make_live_hub(
        standin_spawner(refreshing, auth_refresh_age=1, refresh_pre_stop=True, refresh_pre_spawn=True)
    )
    with httpx.Client(base_url=str(api.client.base_url), timeout=60) as client:
        assert log_in(client, "alice").status_code == 302
        start(api, "alice")
        time.sleep(1.2)
        xsrf = client.cookies.get("_xsrf")
        before = calls_for(refreshing, "alice")
        by_cookie = client.delete("/hub/api/users/alice/server", headers={"X-XSRFToken": xsrf})
        assert stopped(api, by_cookie, "alice")
        assert calls_for(refreshing, "alice") == before + 1, "one refresh: by age, which counts for the stop"

        # the same for the start form
        page = client.get("/hub/home")
        time.sleep(1.2)
        before = calls_for(refreshing, "alice")
        form = {"_xsrf": xsrf_of(page.text)}
        assert client.post("/hub/spawn/alice", data=form, follow_redirects=False).status_code == 302
        assert calls_for(refreshing, "alice") == before + 1, "one refresh: by age, which counts for the start"
        wait_for(api, "alice", ready=True)
    assert stopped(api, api.delete("/users/alice/server"), "alice")


def test_an_admin_whose_own_login_was_just_refreshed_still_refreshes_the_owner_before_a_start_or_stop(
    make_live_hub, refreshing
):
    api = make_live_hub(
        standin_spawner(refreshing, auth_refresh_age=1, refresh_pre_spawn=True, refresh_pre_stop=True)
    )
    assert api.post("/users/alice").status_code == 201
    with httpx.Client(base_url=str(api.client.base_url), timeout=60) as client:
        assert log_in(client, "admin").status_code == 302
        xsrf = client.cookies.get("_xsrf")
        admin_before = calls_for(refreshing, "admin")  # the test's admin token is admin's too
        time.sleep(1.2)
        started = client.post("/hub/api/users/alice/server", headers={"X-XSRFToken": xsrf})
        assert started.status_code in (201, 202), started.text
        assert calls_for(refreshing, "admin") == admin_before + 1, "the admin's own login, by age"
        assert calls_for(refreshing, "alice") == 1, "and alice's before her start"
        wait_for(api, "alice", ready=True)
        admin_before = calls_for(refreshing, "admin")
        time.sleep(1.2)
        stop = client.delete("/hub/api/users/alice/server", headers={"X-XSRFToken": xsrf})
        assert calls_for(refreshing, "admin") == admin_before + 1
        assert calls_for(refreshing, "alice") == 2, "and alice's before her stop"
        assert stopped(api, stop, "alice")


# --- refresh_pre_stop at logout (shutdown_on_logout) and when a user is deleted -------


def shutdown_on_logout(config: Config, **authenticator):
    def configure(c: Config) -> None:
        standin_spawner(config, **authenticator)(c)
        c.JupyterHub.shutdown_on_logout = True
        c.JupyterHub.allow_named_servers = True

    return configure


def logged_in_as(client: httpx.Client) -> str | None:
    me = client.get("/hub/api/user")
    return me.json()["name"] if me.status_code == 200 else None


def running(api, name: str) -> set[str]:
    servers = api.get(f"/users/{name}").json()["servers"]
    return {server_name for server_name, server in servers.items() if server.get("ready")}


def check_logout_refreshes_first(api, config: Config, logged_out: str) -> None:
    """Logout with shutdown_on_logout and refresh_pre_stop (the hub's own
    /hub/logout or the authenticator's): a failed refresh answers 403 and
    changes nothing; a good one is stored, then the servers stop."""
    with httpx.Client(base_url=str(api.client.base_url), timeout=60) as client:
        assert log_in(client, "alice").status_code == 302
        start(api, "alice")
        assert api.post("/users/alice/servers/lab").status_code in (201, 202)
        for _ in range(600):
            if running(api, "alice") == {"", "lab"}:
                break
            time.sleep(0.05)
        assert running(api, "alice") == {"", "lab"}

        plugin_class(config).verdict = False
        refused = client.get("/hub/logout", follow_redirects=False)
        assert refused.status_code == 403
        assert "auth has expired for alice, login again" in refused.text
        assert calls_for(config, "alice") == 1, "one refresh for all of the user's servers"
        assert running(api, "alice") == {"", "lab"}, "no server stopped"
        assert logged_in_as(client) == "alice", "still logged in"

        plugin_class(config).verdict = "count"
        out = client.get("/hub/logout", follow_redirects=False)
        assert out.status_code == 302 and out.headers["location"] == logged_out, out.text
        assert calls_for(config, "alice") == 2
        assert refreshes(api, "alice") == 1, "the refreshed model was stored"
        assert running(api, "alice") == set() and api.get("/users/alice").json()["servers"] == {}
        assert logged_in_as(client) is None, "logged out"

        # no server to stop: no refresh, and a failed one could not refuse the logout
        assert log_in(client, "alice").status_code == 302
        plugin_class(config).verdict = False
        assert client.get("/hub/logout", follow_redirects=False).status_code == 302
        assert calls_for(config, "alice") == 2
        assert logged_in_as(client) is None


def test_logout_with_shutdown_on_logout_refreshes_before_stopping_and_a_failed_refresh_keeps_the_login(
    make_live_hub, refreshing
):
    api = make_live_hub(shutdown_on_logout(refreshing, auth_refresh_age=3600, refresh_pre_stop=True))
    check_logout_refreshes_first(api, refreshing, logged_out="/hub/login")


PLUGIN_LOGOUT = """

from jupyterhub.handlers.login import LogoutHandler


class PluginLogoutHandler(LogoutHandler):
    async def render_logout_page(self):
        self.redirect(self.settings["login_url"] + "?by=plugin")


def get_handlers(self, app):
    return [("/logout", PluginLogoutHandler)]


RefreshingAuthenticator.get_handlers = get_handlers
"""


def test_an_authenticators_own_logout_handler_refreshes_before_stopping_too(
    make_live_hub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("JUPYTERHUB_CRYPT_KEY", CRYPT_KEY)
    path = tmp_path / "jupyterhub_config.py"
    path.write_text(CONFIG_FILE + PLUGIN_LOGOUT)
    config = load_config(str(path))
    api = make_live_hub(shutdown_on_logout(config, auth_refresh_age=3600, refresh_pre_stop=True))
    check_logout_refreshes_first(api, config, logged_out="/hub/login?by=plugin")


def test_logout_refreshes_once_when_identifying_the_user_already_did(make_live_hub, refreshing):
    api = make_live_hub(shutdown_on_logout(refreshing, auth_refresh_age=1, refresh_pre_stop=True))
    with httpx.Client(base_url=str(api.client.base_url), timeout=60) as client:
        assert log_in(client, "alice").status_code == 302
        start(api, "alice")
        time.sleep(1.2)
        before = calls_for(refreshing, "alice")
        assert client.get("/hub/logout", follow_redirects=False).status_code == 302
        assert calls_for(refreshing, "alice") == before + 1, "one refresh: by age, which counts for the stop"
        assert api.get("/users/alice").json()["servers"] == {}


def test_without_refresh_pre_stop_logout_does_not_refresh(make_live_hub, refreshing):
    api = make_live_hub(shutdown_on_logout(refreshing, auth_refresh_age=3600))
    with httpx.Client(base_url=str(api.client.base_url), timeout=60) as client:
        assert log_in(client, "alice").status_code == 302
        start(api, "alice")
        plugin_class(refreshing).verdict = False
        assert client.get("/hub/logout", follow_redirects=False).status_code == 302
        assert logged_in_as(client) is None
    assert calls_for(refreshing, "alice") == 0
    assert api.get("/users/alice").json()["servers"] == {}


def test_deleting_a_user_refreshes_their_login_before_their_servers_stop_and_a_failed_refresh_deletes_anyway(
    make_live_hub, refreshing
):
    api = make_live_hub(standin_spawner(refreshing, auth_refresh_age=3600, refresh_pre_stop=True))
    for name in ("alice", "bob", "carol"):
        assert api.post(f"/users/{name}").status_code == 201
    start(api, "alice")
    start(api, "bob")

    assert api.delete("/users/alice").status_code == 204
    assert calls_for(refreshing, "alice") == 1, "refreshed before the server stopped"
    assert api.get("/users/alice").status_code == 404

    plugin_class(refreshing).verdict = False
    assert api.delete("/users/bob").status_code == 204, "the requester is never the owner: deleted anyway"
    assert calls_for(refreshing, "bob") == 1
    assert api.get("/users/bob").status_code == 404

    assert api.delete("/users/carol").status_code == 204
    assert calls_for(refreshing, "carol") == 0, "no server to stop: no refresh"
