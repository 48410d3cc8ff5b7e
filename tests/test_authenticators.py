"""Authenticators: the checks of a login, in JupyterHub's order."""

import asyncio
import os
import subprocess
import uuid

import pytest
from traitlets.config import Config

from hub.auth.authenticators import DummyAuthenticator, PAMAuthenticator
from hub.runtime import Hub


def login(authenticator, username, password="", exists=None):
    data = {"username": username, "password": password}
    return asyncio.run(authenticator.get_authenticated_user(data, exists))


def dummy(**settings):
    c = Config()
    for key, value in settings.items():
        setattr(c.DummyAuthenticator, key, value)
    return DummyAuthenticator(config=c)


def test_dummy_lets_anyone_in_with_a_normalized_name():
    assert login(dummy(), "Alice") == {"name": "alice", "admin": None}
    assert login(dummy(), "") is None
    assert login(dummy(), "a/b") is None, "names must be valid"


def test_dummy_with_a_password_checks_it():
    auth = dummy(password="let-me-in")
    assert login(auth, "alice", "let-me-in")["name"] == "alice"
    assert login(auth, "alice", "wrong") is None
    assert login(auth, "alice") is None


def test_admins_blocked_and_allowed_users():
    auth = dummy(admin_users={"root-ish"}, blocked_users={"mallory"}, allowed_users={"alice"})
    assert login(auth, "root-ish")["admin"] is True
    assert login(auth, "alice") == {"name": "alice", "admin": None}
    assert login(auth, "bob") is None, "allowed_users set: others are refused"
    assert login(auth, "bob", exists=lambda name: name == "bob")["name"] == "bob", "existing users"
    assert login(auth, "mallory") is None
    # blocked wins over everything
    assert login(dummy(blocked_users={"alice"}, admin_users={"alice"}), "alice") is None


def test_allow_existing_users_can_be_turned_off():
    auth = dummy(allowed_users={"alice"}, allow_existing_users=False)
    assert login(auth, "bob", exists=lambda name: True) is None


def test_username_map_and_pattern():
    auth = dummy(username_map={"al": "alice"}, username_pattern="[a-z]+")
    assert login(auth, "AL")["name"] == "alice"
    assert login(auth, "bob2") is None


def test_short_names_and_the_default():
    def hub_with(name=None):
        c = Config()
        if name:
            c.JupyterHub.authenticator_class = name
        return Hub(c).authenticator

    assert type(hub_with()) is PAMAuthenticator, "PAM by default, as in JupyterHub"
    assert type(hub_with("pam")) is PAMAuthenticator
    assert type(hub_with("dummy")) is DummyAuthenticator
    assert type(hub_with("hub.auth.authenticators.DummyAuthenticator")) is DummyAuthenticator


@pytest.fixture
def os_account():
    """A real OS account with a password (needs root, as CI has)."""
    if os.geteuid() != 0:
        pytest.skip("creating an OS account for PAM needs root")
    name = "hubpam" + uuid.uuid4().hex[:6]
    password = uuid.uuid4().hex
    subprocess.run(["useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", name], check=True)
    subprocess.run(["chpasswd"], input=f"{name}:{password}", text=True, check=True)
    subprocess.run(["groupadd", "-f", "hubpamstaff"], check=True)
    subprocess.run(["usermod", "-aG", "hubpamstaff", name], check=True)
    yield name, password
    subprocess.run(["userdel", name], check=False)
    subprocess.run(["groupdel", "hubpamstaff"], check=False)


def test_pam_checks_the_os_password(os_account):
    name, password = os_account
    c = Config()
    c.PAMAuthenticator.allowed_users = {name}
    auth = PAMAuthenticator(config=c)
    assert login(auth, name, password) == {"name": name, "admin": None}
    assert login(auth, name, "wrong") is None
    assert login(auth, "no-such-account", password) is None


def test_pam_groups_allow_and_make_admins(os_account):
    name, password = os_account
    c = Config()
    c.PAMAuthenticator.allowed_groups = {"hubpamstaff"}
    c.PAMAuthenticator.admin_groups = {"hubpamstaff"}
    auth = PAMAuthenticator(config=c)
    assert login(auth, name, password) == {"name": name, "admin": True}
    c2 = Config()
    c2.PAMAuthenticator.allowed_users = {"someone-else"}
    assert login(PAMAuthenticator(config=c2), name, password) is None
