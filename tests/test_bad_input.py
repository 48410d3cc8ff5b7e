"""Bad input gets a clear 4xx in the error shape and changes nothing."""

import pytest


def snapshot(api):
    users = api.get("/users", params={"include_stopped_servers": "1"}).json()
    groups = api.get("/groups").json()
    tokens = {u["name"]: api.get(f"/users/{u['name']}/tokens").json() for u in users}
    return users, groups, tokens


def seed(api):
    api.post("/users", json={"usernames": ["alice", "bob"]})
    api.post("/groups/staff", json={"users": ["alice"]})
    return api


@pytest.fixture(scope="module")
def refusing(make_module_hub):
    """One hub for the whole table: each case checks that it changed nothing."""
    return seed(make_module_hub())


@pytest.fixture
def seeded(api):
    return seed(api)


RAW = {"Content-Type": "application/json"}

CASES = [
    ("invalid json", "POST", "/users", {"content": b"{not json", "headers": RAW}, 400),
    ("body not utf-8", "POST", "/users", {"content": b'{"usernames": ["\xff"]}', "headers": RAW}, 400),
    ("wrong type", "POST", "/users", {"json": {"usernames": "alice"}}, 400),
    ("admin not a bool", "POST", "/users", {"json": {"usernames": ["x"], "admin": "yes"}}, 400),
    ("unknown field", "POST", "/users", {"json": {"usernames": ["x"], "nope": 1}}, 400),
    ("empty list", "POST", "/users", {"json": {"usernames": []}}, 400),
    ("missing usernames", "POST", "/users", {"json": {}}, 400),
    ("empty name", "POST", "/users", {"json": {"usernames": [""]}}, 400),
    ("name with slash", "POST", "/users", {"json": {"usernames": ["a/b"]}}, 400),
    ("name with control char", "POST", "/users", {"json": {"usernames": ["a\u0007b"]}}, 400),
    ("name with newline", "POST", "/users", {"json": {"usernames": ["a\nb"]}}, 400),
    ("name too long", "POST", "/users", {"json": {"usernames": ["x" * 256]}}, 400),
    ("one invalid among valid", "POST", "/users", {"json": {"usernames": ["newone", "bad/name"]}}, 400),
    ("all exist", "POST", "/users", {"json": {"usernames": ["alice", "bob"]}}, 409),
    ("single exists", "POST", "/users/alice", {}, 409),
    ("single bad name", "POST", "/users/%20lead", {}, 400),
    ("single name control char", "POST", "/users/a%01b", {}, 400),
    ("patch no body", "PATCH", "/users/alice", {}, 400),
    ("patch unknown key", "PATCH", "/users/alice", {"json": {"groups": ["x"]}}, 400),
    ("patch admin type", "PATCH", "/users/alice", {"json": {"admin": "true"}}, 400),
    ("rename onto existing", "PATCH", "/users/alice", {"json": {"name": "bob"}}, 400),
    ("rename to invalid", "PATCH", "/users/alice", {"json": {"name": "a/b"}}, 400),
    ("patch missing user", "PATCH", "/users/nobody", {"json": {"admin": True}}, 404),
    ("token scopes not held", "POST", "/users/alice/tokens", {"json": {"scopes": ["admin:users"]}}, 400),
    ("token unknown scope", "POST", "/users/alice/tokens", {"json": {"scopes": ["all"]}}, 400),
    ("token bad filter", "POST", "/users/alice/tokens", {"json": {"scopes": ["read:users!nope=x"]}}, 400),
    ("token expires float", "POST", "/users/alice/tokens", {"json": {"expires_in": 1.5}}, 400),
    ("token note too long", "POST", "/users/alice/tokens", {"json": {"note": "x" * 1024}}, 400),
    ("token body not object", "POST", "/users/alice/tokens", {"json": [1]}, 400),
    ("token for nobody", "POST", "/users/nobody/tokens", {"json": {}}, 404),
    ("limit zero", "GET", "/users", {"params": {"limit": 0}}, 400),
    ("limit negative", "GET", "/users", {"params": {"limit": -1}}, 400),
    ("offset negative", "GET", "/users", {"params": {"offset": -1}}, 400),
    ("offset not int", "GET", "/users", {"params": {"offset": "x"}}, 400),
    ("offset huge", "GET", "/users", {"params": {"offset": 10**30}}, 400),
    ("bad state", "GET", "/users", {"params": {"state": "sleeping"}}, 400),
    ("bad sort", "GET", "/users", {"params": {"sort": "created"}}, 400),
    # PostgreSQL cannot store U+0000 in text: the spec's string patterns refuse it, on every database
    ("NUL in a body string", "POST", "/users/alice/tokens", {"json": {"note": "a\u0000b"}}, 400),
    ("NUL in a query", "GET", "/users", {"params": {"name_filter": "a\u0000"}}, 400),
    (
        "NUL in an OAuth client id",
        "GET",
        "/oauth2/authorize",
        {"params": {"client_id": "a\u0000", "response_type": "code", "redirect_uri": "/x"}},
        400,
    ),
    ("group exists", "POST", "/groups/staff", {}, 409),
    ("group bad name", "POST", "/groups/a%2Fb", {}, 404),
    # the router matches no segment holding a control character: a 400 that says why
    ("newline in a user path", "GET", "/users/a%0Ab", {}, 400),
    ("newline in a user path, created", "POST", "/users/a%0Ab", {}, 400),
    ("tab in a group path", "GET", "/groups/a%09b", {}, 400),
    # nor a token id, a token, a cookie or a service name (the spec's patterns say so)
    ("newline in a token id", "DELETE", "/users/alice/tokens/a%0A1", {}, 400),
    ("C1 control in a token id", "GET", "/users/alice/tokens/a%C2%961", {}, 400),
    ("newline in a token", "GET", "/authorizations/token/a%0Ab", {}, 400),
    ("C1 control in a cookie value", "GET", "/authorizations/cookie/jupyterhub-hub-login/a%C2%96b", {}, 400),
    ("newline in a cookie name", "GET", "/authorizations/cookie/a%0A/b", {}, 400),
    ("newline in a service name", "GET", "/services/a%0Ab", {}, 400),
    ("C1 control in a service name", "DELETE", "/services/a%C2%85b", {}, 400),
    ("group unknown member", "POST", "/groups/new", {"json": {"users": ["ghost"]}}, 400),
    ("group users missing", "POST", "/groups/staff/users", {"json": {}}, 400),
    ("group properties not object", "PUT", "/groups/staff/properties", {"json": "x"}, 400),
    ("groups unknown member", "POST", "/groups", {"json": {"groups": ["g1"], "users": ["ghost"]}}, 400),
    ("activity empty", "POST", "/users/alice/activity", {"json": {}}, 400),
    ("activity not object", "POST", "/users/alice/activity", {"json": [1]}, 400),
    ("activity bad server entry", "POST", "/users/alice/activity", {"json": {"servers": {"": {}}}}, 400),
    # a body's keys are not reached by the spec's patterns: the message shows them escaped
    (
        "activity for a server named with NUL",
        "POST",
        "/users/alice/activity",
        {"json": {"servers": {"a\u0000\u0085b": {"last_activity": "2026-01-01T00:00:00Z"}}}},
        400,
    ),
]


@pytest.mark.parametrize(("name", "method", "path", "kwargs", "status"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_refused_cleanly(refusing, name, method, path, kwargs, status):
    before = snapshot(refusing)
    r = refusing(method, path, **kwargs)
    assert r.status_code == status, r.text
    body = r.json()
    assert body["status"] == status
    assert set(body) == {"status", "message"}
    if status == 400:
        assert body["message"]
    # the spec's error shape holds no U+0000, whatever the request held
    assert "\x00" not in (body["message"] or "")
    assert snapshot(refusing) == before


def test_bulk_create_mixing_new_and_existing_creates_the_new(seeded):
    r = seeded.post("/users", json={"usernames": ["alice", "carol"]})
    assert r.status_code == 201
    assert [u["name"] for u in r.json()] == ["carol"]


def test_only_admins_grant_admin(make_hub):
    api = make_hub(
        lambda c: setattr(
            c.JupyterHub,
            "load_roles",
            [{"name": "managers", "scopes": ["admin:users"], "users": ["manager"]}],
        )
    )
    token = api.new_token("manager")
    r = api.post("/users", token=token, json={"usernames": ["x"], "admin": True})
    assert r.status_code == 403 and r.json()["message"] == "Only admins can grant admin permissions"
    assert api.post("/users", token=token, json={"usernames": ["x"]}).status_code == 201
    r = api.patch("/users/admin", token=token, json={"name": "root"})
    assert r.status_code == 403 and r.json()["message"] == "Only admins can modify other admins"
    assert api.get("/users/x").json()["admin"] is False
