"""Several hub processes on one PostgreSQL database: users and logins.

Two real processes (``hub -f FILE --JupyterHub.hub_port=N``, one file for
both) host JupyterHub's own ``DummyAuthenticator`` with ``allowed_users =
{'alice'}`` and ``allow_existing_users``. Its ``allowed_users`` lives in each
process's memory; what a user notices must follow the database all the same:
a user added through one process can log in through the other, a user
deleted through one can no longer log in through the other, and a login
cookie made by one process works on the other.
"""

from __future__ import annotations

import re

import httpx
import pytest

from tests.helpers.hub_process import HubProcess

pytestmark = [pytest.mark.slow, pytest.mark.parametrize("db_url", ["postgres"], indirect=True)]

REFUSED = "Invalid user name or password."


@pytest.fixture
def two(tmp_path, db_url, proxy):
    """Processes A and B of one hub (one config file, one cookie secret); stopped at the end."""
    extra = (
        "c.JupyterHub.cleanup_servers = False\n"
        "c.ConfigurableHTTPProxy.should_start = False\n"
        f"c.ConfigurableHTTPProxy.api_url = {proxy.api_url!r}\n"
        f"c.ConfigurableHTTPProxy.auth_token = {proxy.token!r}\n"
        f"c.JupyterHub.cookie_secret = {'ab' * 32!r}\n"
        # JupyterHub's class, not the hub's own native 'dummy'
        "c.JupyterHub.authenticator_class = 'jupyterhub.auth.DummyAuthenticator'\n"
        "c.Authenticator.allowed_users = {'alice'}\n"
        "c.Authenticator.allow_existing_users = True\n"
    )
    a = HubProcess(tmp_path, db_url, extra)
    b = a.sibling()
    made = [a, b]
    try:
        for process in made:
            process.start()
        yield a, b
    finally:
        for process in made:
            process.stop()


def browser(process: HubProcess) -> httpx.Client:
    return httpx.Client(base_url=f"http://127.0.0.1:{process.port}", timeout=30)


def log_in(process: HubProcess, name: str, password: str = "pw") -> httpx.Response:
    """The login form, as a browser fills it: its ``_xsrf`` field and cookie."""
    client = browser(process)
    page = client.get("/hub/login")
    assert page.status_code == 200
    match = re.search(r'name="_xsrf" value="([^"]+)"', page.text)
    assert match, "the login form has its _xsrf field"
    form = {"username": name, "password": password, "_xsrf": match.group(1)}
    response = client.post("/hub/login", data=form, follow_redirects=False)
    client.close()
    return response


def login_cookie(response: httpx.Response) -> str:
    assert response.status_code == 302, response.text
    value = response.cookies.get("jupyterhub-hub-login")
    assert value, "a successful login sets the login cookie"
    return value


def whoami(process: HubProcess, cookie: str) -> httpx.Response:
    with browser(process) as client:
        client.cookies.set("jupyterhub-hub-login", cookie)
        return client.get("/hub/api/user")


def refused(response: httpx.Response) -> bool:
    return (
        response.status_code == 403
        and REFUSED in response.text
        and "jupyterhub-hub-login" not in response.cookies
    )


def test_a_user_added_on_one_process_can_log_in_on_the_other(two):
    a, b = two
    # only the configured user may log in at first, on either process
    assert refused(log_in(b, "newbie"))
    assert a.api.post("/users", json={"usernames": ["newbie"]}).status_code == 201
    # B started before newbie existed; the database's user counts all the same
    cookie = login_cookie(log_in(b, "newbie"))
    assert whoami(b, cookie).json()["name"] == "newbie"
    # allow_existing_users lets in users of the database, not anyone
    assert refused(log_in(b, "stranger"))
    assert b.api.get("/users/stranger").status_code == 404


def test_a_user_deleted_on_one_process_is_refused_on_the_other(two):
    a, b = two
    assert a.api.post("/users", json={"usernames": ["newbie"]}).status_code == 201
    # A's authenticator has let newbie in, and so holds the name in memory
    cookie = login_cookie(log_in(a, "newbie"))
    assert b.api.delete("/users/newbie").status_code == 204
    assert refused(log_in(a, "newbie"))
    assert whoami(a, cookie).status_code == 403, "nor does the cookie of before count any more"
    assert a.api.get("/users/newbie").status_code == 404, "a refused login creates no user"
    # and the configured user still logs in there
    login_cookie(log_in(a, "alice"))


def test_a_login_on_one_process_gives_a_cookie_that_works_on_the_other(two):
    a, b = two
    cookie = login_cookie(log_in(a, "alice"))
    me = whoami(b, cookie)
    assert me.status_code == 200 and me.json()["name"] == "alice"
    with browser(b) as client:
        client.cookies.set("jupyterhub-hub-login", cookie)
        home = client.get("/hub/home")
    assert home.status_code == 200 and "alice" in home.text
    # without the cookie B knows no one
    with browser(b) as client:
        assert client.get("/hub/api/user").status_code == 403
