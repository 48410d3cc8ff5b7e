"""A JupyterHub ``Authenticator`` subclass from the config file, and the faults of
configuring one: a class that does not import, one that is not an
authenticator, auth_state without an encryption key; and one that renders
its own login form (``custom_html``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from traitlets.config import Config

from hub.config import load_config
from hub.plugins.loader import PluginLoadError
from hub.runtime import Hub
from tests.conftest import assert_start_fails, base_config
from tests.test_login_oauth import log_in, xsrf_of

pytest.importorskip("jupyterhub")

CONFIG_FILE = '''
from jupyterhub.auth import Authenticator


class TeamAuthenticator(Authenticator):
    """One shared password; the lead is an admin."""

    async def authenticate(self, handler, data):
        if data.get("password") != "team-pw":
            return None
        return {"name": data["username"], "admin": data["username"].lower() == "lead" or None}

    def normalize_username(self, username):
        return username.lower().strip()


c.JupyterHub.authenticator_class = TeamAuthenticator
c.Authenticator.allowed_users = {"lead", "member"}
c.Authenticator.blocked_users = {"outcast"}
'''


@pytest.fixture
def team_config(tmp_path: Path) -> Config:
    path = tmp_path / "jupyterhub_config.py"
    path.write_text(CONFIG_FILE)
    return load_config(str(path))


def test_an_authenticator_class_from_the_config_file_runs_jupyterhubs_pipeline(make_hub, team_config):
    api = make_hub(lambda c: c.merge(team_config))
    client = api.client
    assert log_in(client, "member", "wrong").status_code == 403
    assert log_in(client, "Lead", "team-pw").status_code == 302, "normalized by the plugin"
    assert client.get("/hub/api/user").json()["name"] == "lead"
    assert api.get("/users/lead").json()["admin"] is True
    assert api.get("/info").json()["authenticator"]["class"].endswith("TeamAuthenticator")


def test_blocked_and_not_allowed_users_are_refused(make_hub, team_config):
    api = make_hub(lambda c: c.merge(team_config))
    assert log_in(api.client, "outcast", "team-pw").status_code == 403
    assert log_in(api.client, "stranger", "team-pw").status_code == 403
    assert api.get("/users/stranger").status_code == 404


def test_users_created_in_the_database_are_allowed_and_deleted_ones_no_longer(make_hub, team_config):
    """allow_existing_users: the plugin's add_user/delete_user follow the database."""
    api = make_hub(lambda c: c.merge(team_config))
    assert api.post("/users/dora").status_code == 201
    assert log_in(api.client, "dora", "team-pw").status_code == 302
    api.client.cookies.clear()
    assert api.delete("/users/dora").status_code == 204
    assert log_in(api.client, "dora", "team-pw").status_code == 403


def test_a_class_that_does_not_import_is_a_clear_error():
    c = Config()
    c.JupyterHub.authenticator_class = "nosuchpackage.NoAuthenticator"
    with pytest.raises(PluginLoadError, match="cannot import nosuchpackage"):
        Hub(c)


def test_a_class_that_is_not_an_authenticator_is_a_clear_error():
    c = Config()
    c.JupyterHub.authenticator_class = "collections.OrderedDict"
    with pytest.raises(PluginLoadError, match="is not an Authenticator"):
        Hub(c)


def test_auth_state_without_a_crypt_key_refuses_to_start(db_url, monkeypatch):
    monkeypatch.delenv("JUPYTERHUB_CRYPT_KEY", raising=False)
    c = base_config(db_url)
    c.JupyterHub.authenticator_class = "jupyterhub.auth.DummyAuthenticator"
    c.Authenticator.enable_auth_state = True
    assert_start_fails(c)


def test_a_crypt_key_that_is_not_32_bytes_is_refused(monkeypatch):
    from hub.auth.crypto import CryptKeyError

    monkeypatch.setenv("JUPYTERHUB_CRYPT_KEY", "abcd")
    with pytest.raises(CryptKeyError, match="32-byte keys"):
        Hub(Config())


def test_native_authenticator_is_refused_with_the_reason():
    from jupyterhub.auth import Authenticator

    native = type(
        "NativeAuthenticator", (Authenticator,), {"__module__": "nativeauthenticator.nativeauthenticator"}
    )
    c = Config()
    c.JupyterHub.authenticator_class = native
    with pytest.raises(PluginLoadError, match="not supported"):
        Hub(c)


BADGE_CONFIG = '''
from jupyterhub.auth import Authenticator


class BadgeAuthenticator(Authenticator):
    """A login form of its own (custom_html), as JupyterHub renders it: a template."""

    custom_html = """
      <form method="post" action="{{ authenticator_login_url }}" id="badge-form">
        <input type="hidden" name="_xsrf" value="{{ xsrf }}">
        <label for="badge">Badge number</label>
        <input name="badge" id="badge">
        <button type="submit">Enter</button>
      </form>
    """

    async def authenticate(self, handler, data):
        return {"1234": "ada"}.get(data.get("badge"))


c.JupyterHub.authenticator_class = BadgeAuthenticator
c.Authenticator.allow_all = True
'''


def test_a_custom_html_login_form_gets_the_xsrf_token_and_posts_with_it(make_hub, tmp_path):
    path = tmp_path / "jupyterhub_config.py"
    path.write_text(BADGE_CONFIG)
    api = make_hub(lambda c: c.merge(load_config(str(path))))
    client = api.client
    page = client.get("/hub/login?next=/hub/token")
    assert page.status_code == 200
    form = re.search(r'<form method="post" action="([^"]+)" id="badge-form">', page.text)
    assert form is not None, "the authenticator's own form, rendered"
    assert form.group(1) == "/hub/login?next=%2Fhub%2Ftoken", "authenticator_login_url, with next"
    assert 'name="username"' not in page.text, "instead of the hub's own form"
    token = xsrf_of(page.text)
    assert token == client.cookies["_xsrf"], "the token of the browser's _xsrf cookie"

    without = client.post(form.group(1), data={"badge": "1234"}, follow_redirects=False)
    assert without.status_code == 403 and "The form has expired" in without.text
    assert client.get("/hub/api/user").status_code == 403
    assert api.get("/users/ada").status_code == 404

    posted = client.post(form.group(1), data={"_xsrf": token, "badge": "1234"}, follow_redirects=False)
    assert (posted.status_code, posted.headers["location"]) == (302, "/hub/token")
    assert client.get("/hub/api/user").json()["name"] == "ada"
