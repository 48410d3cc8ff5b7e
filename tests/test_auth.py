"""How credentials are accepted and refused."""

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
    token = api.new_token("alice", note="Server at /user/alice/")
    api.get("/user", token=token)
    assert api.get("/users/alice").json()["last_activity"] is None
