"""``manage_roles`` of a JupyterHub ``Authenticator`` subclass from the config file:
the roles it reports at login (and refresh) are created and given, the managed
ones it stops reporting are taken back, ``load_managed_roles()`` at start-up."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import sqlalchemy
from traitlets.config import Config

from hub.config import load_config
from tests.conftest import assert_start_fails, base_config
from tests.test_login_oauth import log_in

pytest.importorskip("jupyterhub")

CONFIG_FILE = """
from jupyterhub.auth import Authenticator


class RolesAuthenticator(Authenticator):
    #: name -> the roles reported for that user (the test changes it)
    roles_for = {}

    async def authenticate(self, handler, data):
        name = data["username"]
        return {"name": name, "roles": self.roles_for.get(name, [])}

    async def refresh_user(self, user, handler=None):
        return {"roles": self.roles_for.get(user.name, [])}

    async def load_managed_roles(self):
        return [{"name": "course-staff", "scopes": ["admin:servers"], "users": ["tutor"]}]


c.JupyterHub.authenticator_class = RolesAuthenticator
c.Authenticator.allow_all = True
c.Authenticator.manage_roles = True
c.Authenticator.auth_refresh_age = 3600
c.JupyterHub.load_roles = [{"name": "auditor", "scopes": ["read:users:name"]}]
"""


@pytest.fixture
def roles_config(tmp_path: Path) -> Config:
    path = tmp_path / "jupyterhub_config.py"
    path.write_text(CONFIG_FILE)
    return load_config(str(path))


def reported(config: Config) -> dict:
    return config.JupyterHub.authenticator_class.roles_for


def roles_of(api, name: str) -> list[str]:
    return api.get(f"/users/{name}").json()["roles"]


def role_rows(db_url: str) -> dict[str, bool]:
    engine = sqlalchemy.create_engine(db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sqlalchemy.text("SELECT name, managed_by_auth FROM roles")).all()
    finally:
        engine.dispose()
    return {name: bool(managed) for name, managed in rows}


def test_reported_roles_are_created_and_given_and_taken_back_when_no_longer_reported(
    make_hub, roles_config, db_url
):
    reported(roles_config)["alice"] = [
        {"name": "reviewer", "scopes": ["list:users", "read:users"], "description": "Reads users"},
        {"name": "auditor"},
    ]
    api = make_hub(lambda c: c.merge(roles_config))
    assert log_in(api.client, "alice").status_code == 302
    assert roles_of(api, "alice") == ["auditor", "reviewer", "user"]
    token = api.new_token("alice")
    assert api.get("/users", token=token).status_code == 200, "the new role's scopes count"
    rows = role_rows(db_url)
    assert rows["reviewer"] is True, "created by the authenticator"
    assert rows["auditor"] is False, "from load_roles: given, but not the authenticator's"

    reported(roles_config)["alice"] = []
    api.client.cookies.clear()
    assert log_in(api.client, "alice").status_code == 302
    assert roles_of(api, "alice") == ["user"], "managed grants taken back; the default role stays"
    assert api.get("/users", token=token).status_code == 403
    rows = role_rows(db_url)
    assert "reviewer" not in rows, "a managed role nobody holds is deleted"
    assert "auditor" in rows, "a role the authenticator did not create is kept"


def test_load_managed_roles_at_start_up_creates_the_roles_and_their_members(make_hub, roles_config, db_url):
    api = make_hub(lambda c: c.merge(roles_config))
    assert roles_of(api, "tutor") == ["course-staff", "user"]
    assert role_rows(db_url)["course-staff"] is True
    # not reported at tutor's login: taken back, but the role stays (load_managed_roles lists it)
    assert log_in(api.client, "tutor").status_code == 302
    assert roles_of(api, "tutor") == ["user"]
    assert "course-staff" in role_rows(db_url)


def test_a_refresh_updates_the_managed_roles(make_hub, roles_config):
    def configure(c: Config) -> None:
        c.merge(roles_config)
        c.Authenticator.auth_refresh_age = 1

    api = make_hub(configure)
    reported(roles_config)["bob"] = ["reviewer"]
    assert log_in(api.client, "bob").status_code == 302
    assert roles_of(api, "bob") == ["reviewer", "user"]
    reported(roles_config)["bob"] = []
    time.sleep(1.2)
    assert api.client.get("/hub/api/user").status_code == 200
    assert roles_of(api, "bob") == ["user"]


def test_without_manage_roles_the_reported_roles_are_ignored(make_hub, roles_config, db_url):
    def configure(c: Config) -> None:
        c.merge(roles_config)
        c.Authenticator.manage_roles = False

    reported(roles_config)["alice"] = [{"name": "reviewer", "scopes": ["read:users"]}]
    api = make_hub(configure)
    assert log_in(api.client, "alice").status_code == 302
    assert roles_of(api, "alice") == ["user"]
    rows = role_rows(db_url)
    assert "reviewer" not in rows and "course-staff" not in rows


def test_load_roles_cannot_give_roles_to_users_when_the_authenticator_manages_them(db_url, roles_config):
    c = base_config(db_url)
    c.merge(roles_config)
    c.JupyterHub.load_roles = [{"name": "auditor", "scopes": ["read:users"], "users": ["alice"]}]
    assert_start_fails(c)
