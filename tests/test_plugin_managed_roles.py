"""``manage_roles`` of a JupyterHub ``Authenticator`` subclass from the config file:
the roles it reports at login (and refresh) are created and given, the managed
ones it stops reporting are taken back, ``load_managed_roles()`` at start-up."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import sqlalchemy
from traitlets.config import Config

from hub.app import create_app
from hub.config import load_config
from hub.core.startup import ConfigError
from hub.runtime import Hub
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


# --- reset_managed_roles_on_startup --------------------------------------------------

RESET_FILE = """
from jupyterhub.auth import Authenticator


class ResettingAuthenticator(Authenticator):
    #: name -> the roles reported for that user; what load_managed_roles() returns
    roles_for = {}
    managed = []

    async def authenticate(self, handler, data):
        name = data["username"]
        return {"name": name, "roles": self.roles_for.get(name, [])}

    async def load_managed_roles(self):
        return [dict(role) for role in type(self).managed]


c.JupyterHub.authenticator_class = ResettingAuthenticator
c.Authenticator.allow_all = True
c.Authenticator.manage_roles = True
c.JupyterHub.load_roles = [{"name": "auditor", "scopes": ["read:users:name"]}]
"""

NO_LOAD_FILE = """
from jupyterhub.auth import Authenticator


class PlainRolesAuthenticator(Authenticator):
    async def authenticate(self, handler, data):
        return {"name": data["username"], "roles": []}


c.JupyterHub.authenticator_class = PlainRolesAuthenticator
c.Authenticator.allow_all = True
c.Authenticator.manage_roles = True
c.Authenticator.reset_managed_roles_on_startup = True
"""


@pytest.fixture
def reset_config(tmp_path: Path) -> Config:
    path = tmp_path / "jupyterhub_config.py"
    path.write_text(RESET_FILE)
    return load_config(str(path))


def with_reset(config: Config, reset: bool):
    def configure(c: Config) -> None:
        c.merge(config)
        c.Authenticator.reset_managed_roles_on_startup = reset

    return configure


def first_start(make_hub, config: Config):
    """A hub whose authenticator gave alice three roles, and tutor and a group one each."""
    authenticator = config.JupyterHub.authenticator_class
    authenticator.managed = [
        {"name": "course-staff", "scopes": ["admin:servers"], "users": ["tutor"], "groups": ["staff"]},
        {"name": "graders", "scopes": ["read:users"]},
    ]
    authenticator.roles_for["alice"] = [
        "graders",
        {"name": "reviewer", "scopes": ["list:users"]},
        "server",  # a default role: neither load_roles nor the authenticator's own
    ]
    api = make_hub(with_reset(config, False))
    assert log_in(api.client, "alice").status_code == 302
    assert roles_of(api, "alice") == ["graders", "reviewer", "server", "user"]
    assert roles_of(api, "tutor") == ["course-staff", "user"]
    assert api.get("/groups/staff").json()["roles"] == ["course-staff"]
    # the authenticator now returns less: graders (no users list) and course-staff for tutor2 only
    authenticator.managed = [
        {"name": "graders", "scopes": ["read:users"]},
        {"name": "course-staff", "scopes": ["admin:servers"], "users": ["tutor2"]},
    ]
    return api


def test_reset_managed_roles_on_startup_drops_what_load_managed_roles_no_longer_returns(
    make_hub, reset_config, db_url
):
    first_start(make_hub, reset_config)
    api = make_hub(with_reset(reset_config, True))
    rows = role_rows(db_url)
    assert "reviewer" not in rows, "created by the authenticator, not returned: deleted"
    assert rows["server"] is False and rows["auditor"] is False, "roles it did not create stay"
    assert rows["graders"] is True and rows["course-staff"] is True
    assert roles_of(api, "alice") == ["graders", "user"], (
        "its grant of server (a role not returned) is gone; graders lists no users: its holders stay"
    )
    assert roles_of(api, "tutor") == ["user"], "not in the users list any more"
    assert roles_of(api, "tutor2") == ["course-staff", "user"]
    assert api.get("/groups/staff").json()["roles"] == [], "no groups listed: none"


def test_without_reset_managed_roles_on_startup_the_old_grants_and_roles_stay(make_hub, reset_config, db_url):
    first_start(make_hub, reset_config)
    api = make_hub(with_reset(reset_config, False))
    rows = role_rows(db_url)
    assert rows["reviewer"] is True, "still held by alice: kept"
    assert roles_of(api, "alice") == ["graders", "reviewer", "server", "user"]
    # the roles that are returned are still brought in line with what they list
    assert roles_of(api, "tutor") == ["user"]
    assert roles_of(api, "tutor2") == ["course-staff", "user"]
    assert api.get("/groups/staff").json()["roles"] == []


def test_reset_managed_roles_on_startup_needs_a_load_managed_roles_of_the_authenticators_own(
    tmp_path, db_url
):
    path = tmp_path / "jupyterhub_config.py"
    path.write_text(NO_LOAD_FILE)
    c = base_config(db_url)
    c.merge(load_config(str(path)))
    with pytest.raises(ConfigError, match="load_managed_roles"), create_app(Hub(c)).test_client():
        pass


def test_a_managed_role_for_a_service_that_does_not_exist_stops_the_start(db_url, reset_config):
    reset_config.JupyterHub.authenticator_class.managed = [{"name": "bots", "services": ["nope"]}]
    c = base_config(db_url)
    c.merge(reset_config)
    with pytest.raises(ConfigError, match="no such service 'nope'"), create_app(Hub(c)).test_client():
        pass
