"""Services created and deleted over the API while the hub runs (JupyterHub 5+)."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlalchemy import select

from hub.db.engine import Database
from hub.db.models import APIToken, OAuthClient, Service
from tests.conftest import ADMIN_TOKEN, assert_start_fails, base_config
from tests.test_login_oauth import log_in


def configured(c):
    c.JupyterHub.services = [{"name": "culler", "api_token": "culler-secret-token"}]


def rows(db_url, model, *where):
    db = Database(db_url)
    try:
        with db.session(write=False) as session:
            return list(session.execute(select(model).where(*where)).scalars())
    finally:
        db.dispose()


def test_a_new_service_is_listed_and_its_generated_token_is_shown_once(make_hub):
    api = make_hub(configured)
    body = {"url": "http://127.0.0.1:10199", "info": {"team": "data"}, "display": False}
    r = api.post("/services/dash", json=body)
    assert r.status_code == 201, r.text
    created = r.json()
    token = created.pop("api_token")
    assert len(token) >= 32
    assert created == {
        "kind": "service",
        "name": "dash",
        "admin": False,
        "roles": [],
        "url": "http://127.0.0.1:10199",
        "prefix": "/services/dash/",
        "command": [],
        "pid": 0,
        "info": {"team": "data"},
        "display": False,
    }
    assert api.get("/services/dash").json() == created
    assert sorted(api.get("/services").json()) == ["culler", "dash"]
    me = api.get("/user", token=token).json()
    assert (me["kind"], me["name"]) == ("service", "dash")
    assert api.get("/proxy").json()["/services/dash/"]["target"] == "http://127.0.0.1:10199"


def test_a_supplied_token_is_the_services_and_is_not_echoed(make_hub, db_url):
    api = make_hub()
    r = api.post("/services/bot", json={"api_token": "bot-secret-token"})
    assert r.status_code == 201 and "api_token" not in r.json()
    assert r.json()["prefix"] == "" and r.json()["url"] == ""
    assert api.get("/user", token="bot-secret-token").json()["name"] == "bot"
    (stored,) = rows(db_url, APIToken, APIToken.service_id.is_not(None))
    assert "bot-secret-token" not in stored.hashed, "tokens are stored hashed"
    assert "/services/bot/" not in api.get("/proxy").json(), "no url, no route"
    assert rows(db_url, OAuthClient, OAuthClient.identifier == "service-bot") == [], "no url, no OAuth"


def test_an_admin_service_needs_a_requester_holding_the_admin_scopes(make_hub):
    def staff(c):
        c.JupyterHub.load_roles = [{"name": "svc-admin", "scopes": ["admin:services"], "users": ["sam"]}]

    api = make_hub(staff)
    sam = api.new_token("sam")
    r = api.post("/services/boss", token=sam, json={"admin": True})
    assert r.status_code == 400
    assert r.json()["message"].startswith("Not assigning requested scopes ")
    assert r.json()["message"].endswith(" not held by User sam")
    r = api.post("/services/boss", token=sam, json={"oauth_client_allowed_scopes": ["read:users"]})
    assert r.status_code == 400 and "read:users" in r.json()["message"]
    assert api.get("/services/boss").status_code == 404, "nothing written"

    # holding admin:services is enough for a service without extra scopes
    assert api.post("/services/plain", token=sam, json={"display": True}).status_code == 201
    assert api.delete("/services/plain", token=sam).status_code == 200

    r = api.post("/services/boss", json={"admin": True})
    assert r.status_code == 201 and r.json()["admin"] is True and r.json()["roles"] == ["admin"]
    boss = r.json()["api_token"]
    assert api.post("/users", token=boss, json={"usernames": ["made-by-boss"]}).status_code == 201


@pytest.mark.parametrize(
    ("name", "body", "status", "message"),
    [
        ("culler", {"url": "http://127.0.0.1:1"}, 409, "Service culler already exists"),
        ("new", {}, 400, None),
        ("new", {"roles": ["admin"]}, 400, None),
        ("new", {"oauth_roles": ["user"]}, 400, None),
        ("new", {"command": ["python", "-m", "svc"]}, 400, None),
        ("new", {"url": "ftp://127.0.0.1"}, 400, None),
        ("new", {"url": "http://127.0.0.1:99999"}, 400, None),
        ("new", {"url": "http://[7A000D7B810]/"}, 400, None),
        ("new", {"oauth_client_id": "dash"}, 400, None),
        (
            "new",
            {"oauth_client_id": "service-new"},
            400,
            "Service new has oauth configured, but is missing required oauth_redirect_uri.",
        ),
        ("new", {"oauth_no_confirm": True}, 400, None),
        ("new", {"oauth_client_allowed_scopes": ["no-such-scope"]}, 400, None),
        ("new", {"api_token": ADMIN_TOKEN}, 400, "api_token is already in use"),
        ("new", {"api_token": "short"}, 400, None),
        ("...", {"display": True}, 400, None),
        (" lead", {"display": True}, 400, None),
    ],
)
def test_bad_runtime_services_are_refused_and_nothing_is_written(
    make_hub, db_url, name, body, status, message
):
    api = make_hub(configured)
    before = api.get("/services").json()
    r = api.post(f"/services/{name}", json=body)
    assert r.status_code == status, r.text
    assert r.json()["status"] == status
    if message is not None:
        assert r.json()["message"] == message
    assert api.get("/services").json() == before
    assert len(rows(db_url, APIToken, APIToken.service_id.is_not(None))) == 1, "only culler's token"


def test_an_oauth_client_id_taken_by_another_service_is_a_conflict(make_hub):
    api = make_hub()
    first = {"url": "http://127.0.0.1:10201", "oauth_client_id": "service-shared"}
    assert api.post("/services/one", json=first).status_code == 201
    r = api.post("/services/two", json={**first, "url": "http://127.0.0.1:10202"})
    assert (r.status_code, r.json()["message"]) == (409, "OAuth client service-shared already exists")
    assert api.get("/services/two").status_code == 404


def test_configured_services_cannot_be_deleted_over_the_api(make_hub):
    api = make_hub(configured)
    r = api.delete("/services/culler")
    assert r.json() == {"status": 405, "message": "Service culler is not modifiable at runtime"}
    assert api.get("/user", token="culler-secret-token").status_code == 200
    r = api.delete("/services/nope")
    assert r.json() == {"status": 404, "message": "Service nope does not exist"}


def test_runtime_services_survive_a_restart_with_another_configuration(make_hub):
    first = make_hub(configured)
    token = first.post("/services/dash", json={"url": "http://127.0.0.1:10301"}).json()["api_token"]
    second = make_hub()  # culler is gone from the configuration, dash stays
    assert sorted(second.get("/services").json()) == ["dash"]
    assert second.get("/user", token=token).json()["name"] == "dash"
    assert second.get("/proxy").json()["/services/dash/"]["target"] == "http://127.0.0.1:10301"


def test_a_configured_name_held_by_a_runtime_service_stops_the_start(make_hub, db_url):
    make_hub().post("/services/culler", json={"display": True})
    config = base_config(db_url)
    configured(config)
    assert_start_fails(config)


def web_service_users(c):
    c.JupyterHub.authenticator_class = "dummy"
    c.DummyAuthenticator.password = "pw"
    c.JupyterHub.load_roles = [{"name": "user", "scopes": ["self", "access:services!service=web"]}]


def authorize(client):
    params = {"client_id": "service-web", "response_type": "code", "redirect_uri": CALLBACK, "state": "s"}
    return client.get("/hub/api/oauth2/authorize", params=params, follow_redirects=False)


CALLBACK = "/services/web/oauth_callback"


def test_a_runtime_service_is_an_oauth_client_until_deleted(make_hub, db_url):
    api = make_hub(web_service_users)
    body = {
        "url": "http://127.0.0.1:10401",
        "oauth_no_confirm": True,
        "oauth_client_allowed_scopes": ["read:users"],
    }
    secret = api.post("/services/web", json=body).json()["api_token"]
    (client_row,) = rows(db_url, OAuthClient, OAuthClient.identifier == "service-web")
    assert client_row.redirect_uri == CALLBACK
    assert sorted(client_row.allowed_scopes) == ["access:services!service=web", "read:users"]

    browser = api.client
    log_in(browser, "alice")
    r = authorize(browser)
    assert r.status_code == 302, "oauth_no_confirm: no confirmation page"
    code = parse_qs(urlsplit(r.headers["location"]).query)["code"][0]
    exchange = {
        "client_id": "service-web",
        "client_secret": secret,  # the generated token is the client's secret
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": CALLBACK,
    }
    grant = browser.post("/hub/api/oauth2/token", data=exchange)
    assert grant.status_code == 200, grant.text
    access_token = grant.json()["access_token"]
    assert api.get("/user", token=access_token).json()["name"] == "alice"

    # a restarted hub still skips the confirmation page for it
    again = make_hub(web_service_users)
    log_in(again.client, "alice")
    assert authorize(again.client).status_code == 302

    assert again.delete("/services/web").status_code == 200
    assert again.get("/user", token=secret).status_code == 403
    assert again.get("/user", token=access_token).status_code == 403, "tokens its client issued go too"
    assert rows(db_url, OAuthClient, OAuthClient.identifier == "service-web") == []
    assert rows(db_url, Service, Service.name == "web") == []
    assert authorize(again.client).status_code == 400
    assert "/services/web/" not in again.get("/proxy").json()


class Answer(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = f'{{"path": "{self.path}"}}'.encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def web_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.slow
def test_a_runtime_service_is_reached_through_the_proxy_survives_a_restart_and_goes(
    make_live_hub, proxy, web_server
):
    api = make_live_hub(exit_on_shutdown=True)
    r = api.post("/services/live", json={"url": web_server})
    assert r.status_code == 201, r.text
    token = r.json()["api_token"]
    through_proxy = httpx.get(f"{proxy.public_url}/services/live/some/page", timeout=10)
    assert through_proxy.status_code == 200
    assert through_proxy.json() == {"path": "/services/live/some/page"}
    assert api.get("/user", token=token).json()["name"] == "live"

    # a second hub on the same database: the service, its token and its route are there
    api.post("/shutdown", json={"servers": False, "proxy": False})
    restarted = make_live_hub()
    assert restarted.get("/services/live").json()["url"] == web_server
    assert restarted.get("/user", token=token).json()["name"] == "live"
    assert httpx.get(f"{proxy.public_url}/services/live/", timeout=10).status_code == 200

    assert restarted.delete("/services/live").json() == {}
    assert "/services/live/" not in restarted.get("/proxy").json()
    assert httpx.get(f"{proxy.public_url}/services/live/", timeout=10).status_code != 200
    assert restarted.get("/user", token=token).status_code == 403
    assert restarted.get("/services/live").status_code == 404


def test_a_filtered_admin_services_scope_reaches_only_its_service(make_hub):
    def scoped(c):
        c.JupyterHub.load_roles = [
            {"name": "own-svc", "scopes": ["admin:services!service=mine"], "users": ["sam"]}
        ]

    api = make_hub(scoped)
    sam = api.new_token("sam")
    other = api.post("/services/other", token=sam, json={"display": True})
    assert other.json() == {"status": 404, "message": "No access to resources or resources not found"}
    assert api.post("/services/mine", token=sam, json={"display": True}).status_code == 201
    assert api.post("/services/other", json={"display": True}).status_code == 201
    assert api.delete("/services/other", token=sam).status_code == 404
    assert api.delete("/services/mine", token=sam).status_code == 200
