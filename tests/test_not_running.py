"""Requests for a server that reach the hub: 424 when it is stopped, as in JupyterHub.

JupyterLab left open on a stopped server (the idle culler stops servers
every day) keeps calling ``/user/NAME/api/...``; the proxy has no route, so
the hub gets them. It must answer so that JupyterLab offers to restart: a
redirect to ``/hub/user/...``, then ``424``.
"""

import sys

import httpx
import pytest

from tests.test_login_oauth import log_in

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def standin(c):
    from tests.test_contract import STANDIN

    c.JupyterHub.authenticator_class = "dummy"
    c.DummyAuthenticator.password = "pw"
    c.Spawner.cmd = [sys.executable, str(STANDIN)]


def test_a_stopped_servers_url_redirects_into_the_hub_and_answers_424(make_hub):
    api = make_hub(standin)
    client = api.client
    log_in(client, "alice")
    r = client.get("/user/alice/lab/tree/a%20b.ipynb?reset", follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (302, "/hub/user/alice/lab/tree/a%20b.ipynb?reset")

    page = client.get(r.headers["location"], headers=HTML, follow_redirects=False)
    assert page.status_code == 424 and page.headers["content-type"].startswith("text/html")
    assert "Your server is not running" in page.text
    assert 'href="/hub/spawn/alice?next=%2Fuser%2Falice%2Flab%2Ftree%2Fa%2520b.ipynb%3Freset"' in page.text

    # an API client (JupyterLab's fetch sends no text/html) gets JSON naming the spawn URL
    r = client.get("/hub/user/alice/api/contents", headers={"Accept": "*/*"}, follow_redirects=False)
    assert r.status_code == 424 and r.headers["content-type"] == "application/json"
    body = r.json()
    assert body["status"] == 424 and "/hub/spawn/alice" in body["message"]
    # a path through the server's API is an API call, whatever it accepts
    r = client.get("/hub/user/alice/api/kernels", headers=HTML, follow_redirects=False)
    assert r.status_code == 424 and r.headers["content-type"] == "application/json"


def test_writes_to_a_stopped_server_answer_424_json_without_a_login(make_hub):
    api = make_hub(standin)
    api.post("/users/alice")
    anonymous = api.client
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        r = anonymous.request(method, "/hub/user/alice/api/contents/x.ipynb", content=b"{}")
        assert r.status_code == 424, method
        assert "not running" in r.json()["message"]


def test_who_may_see_a_stopped_server_as_jupyterhub(make_hub):
    api = make_hub(standin)
    api.post("/users", json={"usernames": ["alice", "bob"]})
    client = api.client
    # no login: to the login page, coming back
    r = client.get("/hub/user/alice/lab", headers=HTML, follow_redirects=False)
    assert r.headers["location"] == "/hub/login?next=%2Fhub%2Fuser%2Falice%2Flab"
    # a token with access:servers on alice's server is let through to the 424
    token = api.new_token("admin", scopes=["access:servers!user=alice"])
    r = client.get("/hub/user/alice/lab", headers={"Authorization": f"token {token}"})
    assert r.status_code == 424
    # ... and one without it is not
    token = api.new_token("bob")
    r = client.get("/hub/user/alice/lab", headers={"Authorization": f"token {token}"})
    assert r.status_code == 404
    # another user without access, logged in: 404, as a page for a browser
    log_in(client, "bob")
    r = client.get("/hub/user/alice/lab", headers=HTML, follow_redirects=False)
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    r = client.get("/hub/user/alice/lab", headers={"Accept": "application/json"}, follow_redirects=False)
    assert r.status_code == 404 and r.json()["status"] == 404


def test_an_admin_with_access_sees_the_page_with_a_link_to_start_it_for_the_user(make_hub):
    def configure(c):
        standin(c)
        c.JupyterHub.load_roles = [
            {"name": "ops", "scopes": ["access:servers", "servers"], "users": ["carol"]}
        ]

    api = make_hub(configure)
    api.post("/users", json={"usernames": ["alice"]})
    client = api.client
    log_in(client, "carol")
    page = client.get("/hub/user/alice/", headers=HTML, follow_redirects=False)
    assert page.status_code == 424 and "alice's server is not running" in page.text
    assert 'href="/hub/spawn/alice?next=%2Fuser%2Falice%2F"' in page.text


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_running_server_without_a_route_gets_it_back_and_the_request_returns(make_live_hub, proxy):
    api = make_live_hub(standin)
    client = api.client
    log_in(client, "alice")
    assert api.post("/users/alice/server").status_code == 201
    target = api.get("/proxy").json()["/user/alice/"]["target"]
    # the proxy loses the route (restarted without its table, or an operator)
    gone = httpx.delete(
        f"{proxy.api_url}/api/routes/user/alice", headers={"Authorization": f"token {proxy.token}"}
    )
    assert gone.status_code == 204
    assert "/user/alice/" not in api.get("/proxy").json()
    r = client.get("/hub/user/alice/lab?x=1", headers=HTML, follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (302, "/user/alice/lab?x=1&redirects=1")
    assert api.get("/proxy").json()["/user/alice/"]["target"] == target
    # a proxy that keeps losing it ends in an error page, not a redirect loop
    r = client.get("/hub/user/alice/lab?redirects=4", headers=HTML, follow_redirects=False)
    assert r.status_code == 503 and "proxy" in r.text
    assert api.delete("/users/alice/server").status_code == 204


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_server_that_failed_to_start_sends_the_browser_to_its_progress(make_live_hub):
    def failing(c):
        standin(c)
        c.Spawner.cmd = [sys.executable, "-c", "raise SystemExit(3)"]

    api = make_live_hub(failing)
    client = api.client
    log_in(client, "alice")
    r = api.post("/users/alice/server")
    assert r.status_code >= 400
    r = client.get("/hub/user/alice/lab", headers=HTML, follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (
        303,
        "/hub/spawn-pending/alice?next=%2Fuser%2Falice%2Flab",
    )
    page = client.get(r.headers["location"])
    assert "could not start" in page.text
