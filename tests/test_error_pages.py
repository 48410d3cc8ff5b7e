"""Errors for people (pages for browsers, JSON for the API), the proxy's error
target, the logo and static files, and the access log."""

import logging

import pytest

from tests.conftest import ADMIN_TOKEN
from tests.test_login_oauth import log_in

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture(scope="module")
def hub(make_module_hub):
    def configure(c):
        c.JupyterHub.authenticator_class = "dummy"

    return make_module_hub(configure)


@pytest.fixture(autouse=True)
def current_hub(hub):
    """Pages serve the process's current hub; a test's own hub may have replaced it."""
    from hub.runtime import install

    install(hub.hub)


def test_the_proxys_error_target_is_a_page_with_the_proxys_status(hub):
    r = hub.client.get("/hub/error/503", params={"url": "/user/alice/lab"})
    assert r.status_code == 503 and r.headers["content-type"].startswith("text/html")
    assert "is not answering" in r.text and '<code id="url">/user/alice/lab</code>' in r.text
    r = hub.client.get("/hub/error/404", params={"url": "/nowhere"})
    assert r.status_code == 404 and "Nothing is served" in r.text
    # whatever else the proxy sends: a 404, never a 500
    assert hub.client.get("/hub/error/banana").status_code == 404
    assert hub.client.get("/hub/error/200").status_code == 404


def test_a_browser_gets_pages_and_everything_else_json(hub):
    r = hub.client.get("/hub/no-such-page", headers=HTML)
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert '<h1 id="status">404 <small>Not Found</small></h1>' in r.text
    r = hub.client.get("/hub/no-such-page", headers={"Accept": "*/*"})
    assert r.status_code == 404 and r.json() == {"status": 404, "message": "Not Found"}
    # the API answers JSON even to a browser
    r = hub.client.get("/hub/api/users", headers=HTML)
    assert r.status_code == 403 and r.json()["status"] == 403
    r = hub.client.get("/hub/api/no-such-thing", headers=HTML)
    assert r.status_code == 404 and r.headers["content-type"] == "application/json"


def test_an_oauth_refusal_in_the_browser_is_a_page(hub):
    client = hub.client
    log_in(client, "alice", password="x", next_url="/hub/home")
    try:
        params = {"client_id": "no-such-client", "response_type": "code", "redirect_uri": "/x"}
        r = client.get("/hub/api/oauth2/authorize", params=params, headers=HTML, follow_redirects=False)
        assert 400 <= r.status_code < 500
        assert r.headers["content-type"].startswith("text/html") and 'id="message"' in r.text
        r = client.get("/hub/api/oauth2/authorize", params=params, follow_redirects=False)
        assert r.headers["content-type"] == "application/json"
    finally:
        client.get("/hub/logout")


def test_the_logo_and_static_files(hub, make_hub, tmp_path):
    r = hub.client.get("/hub/logo")
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    css = hub.client.get("/hub/static/css/style.min.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    for outside in ("/hub/static/../errors.py", "/hub/static/%2e%2e/errors.py", "/hub/static/nothing.css"):
        assert hub.client.get(outside).status_code == 404, outside
    # pages show the logo
    assert '<img src="/hub/logo"' in hub.client.get("/hub/login").text

    png = tmp_path / "ours.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 16)
    own = make_hub(lambda c: setattr(c.JupyterHub, "logo_file", str(png)))
    r = own.client.get("/hub/logo")  # (make_hub made its hub the current one)
    assert r.headers["content-type"] == "image/png" and r.content == png.read_bytes()


def test_one_access_log_line_per_request_and_never_a_credential(hub, caplog):
    token = hub.new_token("admin")
    with caplog.at_level(logging.DEBUG, logger="hub.access"):
        hub.client.get("/hub/api/users", headers={"Authorization": f"token {token}"})
        hub.client.get(f"/hub/api/user?token={token}&x=1")
        hub.client.get(f"/hub/api/authorizations/token/{token}")
        hub.client.get("/hub/api/users/nobody", headers={"Authorization": f"token {ADMIN_TOKEN}"})
        hub.client.get("/hub/health")
        hub.client.get("/hub/api/users/a%0Ab")
    lines = [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "hub.access"]
    assert len(lines) == 6
    level, text = lines[0]
    assert level == "INFO" and text.startswith("200 GET /hub/api/users (admin@") and text.endswith("ms")
    assert lines[1][1].startswith("403 GET /hub/api/user?token=[secret]&x=1 (")
    assert "/authorizations/token/[secret]" in lines[2][1]
    assert lines[3][0] == "WARNING" and lines[3][1].startswith("404 GET /hub/api/users/nobody (admin@")
    assert lines[4][0] == "DEBUG" and lines[4][1].startswith("200 GET /hub/health")
    assert "\n" not in lines[5][1] and "a\\x0ab" in lines[5][1]
    everything = "\n".join(text for _, text in lines)
    assert token not in everything and ADMIN_TOKEN not in everything


def test_the_log_level_hides_the_access_log(hub, caplog):
    with caplog.at_level(logging.WARNING, logger="hub.access"):
        hub.client.get("/hub/health")
        hub.client.get("/hub/api")
    assert not [r for r in caplog.records if r.name == "hub.access"]
