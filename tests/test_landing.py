"""Where a browser lands, as in JupyterHub: after a login, at /hub/, at /hub/spawn.

No browser: an HTTP client with cookies (tests/test_browser.py has Chromium).
"""

import sys

import pytest

from hub.config import load_config
from tests.helpers.waiting import wait_for
from tests.test_login_oauth import log_in, xsrf_of


def dummy_login(extra=None):
    def configure(c):
        c.JupyterHub.authenticator_class = "dummy"
        c.DummyAuthenticator.password = "pw"
        if extra is not None:
            extra(c)

    return configure


def test_a_login_without_next_goes_to_the_users_server_and_next_wins(make_hub):
    client = make_hub(dummy_login()).client
    r = log_in(client, "alice")
    assert (r.status_code, r.headers["location"]) == (302, "/hub/spawn")
    # already logged in: the login page sends on at once
    assert client.get("/hub/login", follow_redirects=False).headers["location"] == "/hub/spawn"
    r = client.get("/hub/login?next=/hub/token", follow_redirects=False)
    assert r.headers["location"] == "/hub/token"
    # /hub/ does the same; the deployment's root goes into the hub
    assert client.get("/hub/", follow_redirects=False).headers["location"] == "/hub/spawn"
    assert client.get("/hub/?next=/hub/token", follow_redirects=False).headers["location"] == "/hub/token"
    assert client.get("/", follow_redirects=False).headers["location"] == "/hub/"


def test_logged_out_hub_root_asks_for_a_login_and_comes_back(make_hub):
    client = make_hub(dummy_login()).client
    r = client.get("/hub/", follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (302, "/hub/login?next=%2Fhub%2F")


def test_redirect_to_server_off_lands_on_home(make_hub):
    client = make_hub(dummy_login(lambda c: setattr(c.JupyterHub, "redirect_to_server", False))).client
    assert log_in(client, "alice").headers["location"] == "/hub/home"
    assert client.get("/hub/", follow_redirects=False).headers["location"] == "/hub/home"


def test_default_url_is_where_logins_and_the_hub_root_go(make_hub):
    client = make_hub(dummy_login(lambda c: setattr(c.JupyterHub, "default_url", "/hub/token"))).client
    assert client.get("/hub/", follow_redirects=False).headers["location"] == "/hub/token"
    assert log_in(client, "alice").headers["location"] == "/hub/token"
    # next= still wins over it
    client.get("/hub/logout")
    assert log_in(client, "bob", next_url="/hub/home").headers["location"] == "/hub/home"


def test_a_callable_default_url_is_given_the_handler_and_falls_back_when_falsy(make_hub):
    def per_user(handler):
        return "/hub/token" if handler.current_user.name == "alice" else ""

    client = make_hub(dummy_login(lambda c: setattr(c.JupyterHub, "default_url", per_user))).client
    assert log_in(client, "alice").headers["location"] == "/hub/token"
    other = make_hub(dummy_login(lambda c: setattr(c.JupyterHub, "default_url", per_user))).client
    assert log_in(other, "bob").headers["location"] == "/hub/spawn"


def test_the_landing_keys_are_recognized_config(tmp_path, caplog):
    path = tmp_path / "jupyterhub_config.py"
    path.write_text(
        "c.JupyterHub.default_url = '/hub/home'\n"
        "c.JupyterHub.redirect_to_server = False\n"
        "c.JupyterHub.logo_file = '/srv/logo.png'\n"
    )
    with caplog.at_level("WARNING", logger="hub.config"):
        load_config(str(path))
    assert "not recognized" not in caplog.text


def standin(c):
    from tests.test_contract import STANDIN

    c.JupyterHub.authenticator_class = "dummy"
    c.DummyAuthenticator.password = "pw"
    c.Spawner.cmd = [sys.executable, str(STANDIN)]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_hub_spawn_starts_the_server_at_once_and_keeps_next(make_live_hub):
    api = make_live_hub(standin)
    client = api.client
    log_in(client, "alice")
    r = client.get("/hub/spawn?next=/user/alice/lab/tree/x.ipynb", follow_redirects=False)
    # ready within slow_spawn_timeout: straight to next
    assert (r.status_code, r.headers["location"]) == (302, "/user/alice/lab/tree/x.ipynb")
    assert api.get("/users/alice").json()["servers"][""]["ready"] is True
    # running: the server (or next) again, no second start
    assert client.get("/hub/spawn", follow_redirects=False).headers["location"] == "/user/alice/"
    # an off-site next is ignored
    assert client.get("/hub/spawn?next=//evil.example/", follow_redirects=False).headers["location"] == (
        "/user/alice/"
    )
    assert api.delete("/users/alice/server").status_code == 204


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_slow_start_from_hub_spawn_follows_spawn_pending_with_next(make_live_hub):
    def slow(c):
        standin(c)
        c.JupyterHub.slow_spawn_timeout = 0

    api = make_live_hub(slow)
    client = api.client
    log_in(client, "alice")
    r = client.get("/hub/spawn/alice?next=/user/alice/lab", follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (
        302,
        "/hub/spawn-pending/alice?next=%2Fuser%2Falice%2Flab",
    )
    page = client.get(r.headers["location"], follow_redirects=False)
    if page.status_code == 200:  # still starting: the page goes to next once ready
        assert '"/user/alice/lab" ||' in page.text
    else:
        assert page.headers["location"] == "/user/alice/lab"
    wait_for(lambda: api.get("/users/alice").json()["servers"][""]["ready"], 60, message="the server ready")
    done = client.get("/hub/spawn-pending/alice?next=/user/alice/lab", follow_redirects=False)
    assert done.headers["location"] == "/user/alice/lab"
    # the home page's start forms still work (POST with _xsrf)
    assert api.delete("/users/alice/server").status_code == 204
    home = client.get("/hub/home")
    posted = client.post("/hub/spawn/alice", data={"_xsrf": xsrf_of(home.text)}, follow_redirects=False)
    assert posted.status_code == 302
