"""How credentials are accepted and refused."""

import json
import sys
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import create_engine, text
from traitlets.config import Config

from tests.conftest import assert_start_fails


def test_token_and_bearer_schemes_are_accepted_case_insensitively(api):
    for header in (
        "token admin-secret-token",
        "Token admin-secret-token",
        "Bearer admin-secret-token",
        "bearer admin-secret-token",
    ):
        r = api.get("/user", token=None, headers={"Authorization": header})
        assert r.status_code == 200, header


def test_other_schemes_and_garbage_are_refused_with_403(api):
    for header in ("Basic YWRtaW46eA==", "admin-secret-token", "token", "token a b", ""):
        r = api.get("/users", token=None, headers={"Authorization": header})
        assert r.status_code == 403, header
        assert r.json()["status"] == 403


def test_token_in_url_is_refused_by_default(api):
    r = api.get("/user", token=None, params={"token": "admin-secret-token"})
    assert r.status_code == 403


def test_token_in_url_can_be_allowed(make_hub):
    api = make_hub(lambda c: setattr(c.JupyterHub, "allow_token_in_url", True))
    r = api.get("/user", token=None, params={"token": "admin-secret-token"})
    assert r.status_code == 200
    assert r.json()["name"] == "admin"


def test_config_token_authenticates_as_its_user(make_hub):
    api = make_hub(lambda c: c.JupyterHub.api_tokens.update({"secret-token": "alice"}))
    r = api.get("/user", token="secret-token")
    assert r.status_code == 200 and r.json()["name"] == "alice"


def test_config_token_removed_from_config_stops_working(make_hub, db_url):
    api = make_hub(lambda c: c.JupyterHub.api_tokens.update({"temporary-token": "alice"}))
    assert api.get("/user", token="temporary-token").status_code == 200
    api2 = make_hub()  # same database, the token is no longer configured
    assert api2.get("/user", token="temporary-token").status_code == 403


def test_config_tokens_must_not_be_short(db_url):
    c = Config()
    c.JupyterHub.db_url = db_url
    c.JupyterHub.api_tokens = {"short": "alice"}
    assert_start_fails(c)


def test_server_note_tokens_do_not_count_as_user_activity(api):
    api.post("/users", json={"usernames": ["alice"]})
    r = api.post("/users/alice/tokens", json={"note": "Server at /user/alice/"})
    api.get("/user", token=r.json()["token"])
    assert api.get("/users/alice").json()["last_activity"] is None
    # the token's own use is still recorded
    assert api.get(f"/users/alice/tokens/{r.json()['id']}").json()["last_activity"] is not None


def _activity(api, user, token_id=None):
    if token_id is None:
        return api.get(f"/users/{user}").json()["last_activity"]
    return api.get(f"/users/{user}/tokens/{token_id}").json()["last_activity"]


def _every_request_counts(c):
    c.JupyterHub.activity_resolution = 0


def test_a_users_own_token_moves_both_last_activities_forward(make_hub):
    api = make_hub(_every_request_counts)
    api.post("/users", json={"usernames": ["alice"]})
    r = api.post("/users/alice/tokens", json={})
    token, token_id = r.json()["token"], r.json()["id"]
    api.get("/user", token=token)
    user_before, token_before = _activity(api, "alice"), _activity(api, "alice", token_id)
    assert user_before is not None and token_before is not None
    api.get("/user", token=token)
    assert _activity(api, "alice") > user_before
    assert _activity(api, "alice", token_id) > token_before


def test_activity_is_written_at_most_once_per_activity_resolution(make_hub):
    api = make_hub(lambda c: setattr(c.JupyterHub, "activity_resolution", 3600))
    api.post("/users", json={"usernames": ["alice"]})
    r = api.post("/users/alice/tokens", json={})
    token, token_id = r.json()["token"], r.json()["id"]
    api.get("/user", token=token)
    first = _activity(api, "alice"), _activity(api, "alice", token_id)
    assert None not in first
    api.get("/user", token=token)
    assert (_activity(api, "alice"), _activity(api, "alice", token_id)) == first
    # the same database served with a finer resolution takes the next request
    again = make_hub(_every_request_counts)
    again.get("/user", token=token)
    assert _activity(again, "alice") > first[0] and _activity(again, "alice", token_id) > first[1]


def test_server_tokens_move_only_their_own_last_activity(make_hub):
    api = make_hub(_every_request_counts)
    api.post("/users", json={"usernames": ["alice"]})
    api.get("/user", token=api.new_token("alice"))
    user_before = _activity(api, "alice")
    r = api.post("/users/alice/tokens", json={"note": "Server at /user/alice/"})
    api.get("/user", token=r.json()["token"])
    assert _activity(api, "alice") == user_before
    assert _activity(api, "alice", r.json()["id"]) is not None


def test_a_running_servers_own_token_is_not_its_users_activity(make_live_hub, tmp_path):
    from tests.test_contract import STANDIN

    record = tmp_path / "server.json"

    def configure(c):
        _every_request_counts(c)
        c.Spawner.cmd = [sys.executable, str(STANDIN)]
        c.Spawner.environment = {"HUB_TEST_RECORD": str(record)}

    api = make_live_hub(configure)
    api.post("/users", json={"usernames": ["alice"]})
    assert api.post("/users/alice/server").status_code == 201
    server_token = json.loads(record.read_text())["env"]["JUPYTERHUB_API_TOKEN"]
    user_before = _activity(api, "alice")
    me = api.get("/user", token=server_token).json()
    assert me["name"] == "alice"
    assert _activity(api, "alice") == user_before
    assert _activity(api, "alice", me["token_id"]) is not None
    assert api.delete("/users/alice/server").status_code == 204


def test_an_oauth_token_counts_as_its_users_activity(make_hub):
    from tests.test_login_oauth import authorize_url, log_in, with_web_service

    def configure(c):
        with_web_service()(c)
        _every_request_counts(c)

    api = make_hub(configure)
    client = api.client
    log_in(client, "alice")
    path, params = authorize_url()
    r = client.get(path, params=params, follow_redirects=False)
    code = parse_qs(urlsplit(r.headers["location"]).query)["code"][0]
    exchange = {
        "client_id": "service-web",
        "client_secret": "web-service-secret-token",
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": params["redirect_uri"],
    }
    oauth_token = client.post("/hub/api/oauth2/token", data=exchange).json()["access_token"]
    client.cookies.clear()
    user_before = _activity(api, "alice")
    me = api.get("/user", token=oauth_token).json()
    assert _activity(api, "alice") > user_before
    assert _activity(api, "alice", me["token_id"]) is not None


def test_a_service_acting_on_a_user_is_not_the_users_activity(make_hub, db_url):
    def configure(c):
        _every_request_counts(c)
        c.JupyterHub.services = [{"name": "svc", "api_token": "svc-secret-token"}]
        c.JupyterHub.load_roles = [{"name": "svc-role", "scopes": ["read:users"], "services": ["svc"]}]

    api = make_hub(configure)
    api.post("/users", json={"usernames": ["alice"]})
    r = api.get("/users/alice", token="svc-secret-token")
    assert r.status_code == 200
    assert _activity(api, "alice") is None
    # the service's token records its own use
    engine = create_engine(db_url)
    query = "select t.last_activity from api_tokens t join services s on s.id = t.service_id"
    query += " where s.name = 'svc'"
    with engine.connect() as conn:
        assert conn.execute(text(query)).scalar_one() is not None
    engine.dispose()
