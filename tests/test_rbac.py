"""The RBAC matrix: each operation, for four kinds of requester.

- admin:   the admin user's token
- user:    alice's token with her full permissions (``inherit``)
- reduced: alice's token narrowed to ``read:users:name!user=alice``
- service: the service ``dash``, whose role is filtered to the group ``staff``
  (member: bob) and to the user bob for tokens

Expected status per requester: allowed (2xx), 403 (scope not held at all) or
404 (scope held, but its filters do not reach the resource).
"""

from typing import Any

import pytest
from sqlalchemy import select

from hub.core import login_sessions
from hub.db.models import User

DASH_SCOPES = [
    "list:users!group=staff",
    "read:users!group=staff",
    "users:activity!group=staff",
    "tokens!user=bob",
    "list:groups!group=staff",
    "groups!group=staff",
]

NOW = "2026-01-01T00:00:00Z"

# (method, path, json body, {requester: status})
MATRIX = [
    ("GET", "/", None, {"admin": 200, "user": 200, "reduced": 200, "service": 200}),
    ("GET", "/info", None, {"admin": 200, "user": 403, "reduced": 403, "service": 403}),
    ("GET", "/user", None, {"admin": 200, "user": 200, "reduced": 200, "service": 200}),
    # only a starting server's own token may report its port
    ("POST", "/batchspawner", {"port": 5000}, {"admin": 404, "user": 404, "reduced": 404, "service": 404}),
    ("GET", "/users", None, {"admin": 200, "user": 403, "reduced": 403, "service": 200}),
    # counts over all users' servers: read:servers without a filter
    ("GET", "/server-counts", None, {"admin": 200, "user": 403, "reduced": 403, "service": 403}),
    (
        "POST",
        "/users",
        {"usernames": ["newbie"]},
        {"admin": 201, "user": 403, "reduced": 403, "service": 403},
    ),
    ("GET", "/users/alice", None, {"admin": 200, "user": 200, "reduced": 200, "service": 404}),
    ("GET", "/users/bob", None, {"admin": 200, "user": 404, "reduced": 404, "service": 200}),
    ("POST", "/users/newbie", None, {"admin": 201, "user": 403, "reduced": 403, "service": 403}),
    ("PATCH", "/users/bob", {"admin": False}, {"admin": 200, "user": 403, "reduced": 403, "service": 403}),
    ("DELETE", "/users/carol", None, {"admin": 204, "user": 403, "reduced": 403, "service": 403}),
    (
        "POST",
        "/users/bob/activity",
        {"last_activity": NOW},
        {"admin": 200, "user": 404, "reduced": 403, "service": 200},
    ),
    (
        "POST",
        "/users/alice/activity",
        {"last_activity": NOW},
        {"admin": 200, "user": 200, "reduced": 403, "service": 404},
    ),
    ("GET", "/users/bob/tokens", None, {"admin": 200, "user": 404, "reduced": 403, "service": 200}),
    ("POST", "/users/bob/tokens", {}, {"admin": 201, "user": 404, "reduced": 403, "service": 201}),
    ("GET", "/users/alice/tokens", None, {"admin": 200, "user": 200, "reduced": 403, "service": 404}),
    (
        "GET",
        "/users/bob/tokens/{bob_token_id}",
        None,
        {"admin": 200, "user": 404, "reduced": 403, "service": 200},
    ),
    (
        "GET",
        "/users/alice/tokens/{alice_token_id}",
        None,
        {"admin": 200, "user": 200, "reduced": 403, "service": 404},
    ),
    (
        "DELETE",
        "/users/bob/tokens/{bob_token_id}",
        None,
        {"admin": 204, "user": 404, "reduced": 403, "service": 204},
    ),
    (
        "DELETE",
        "/users/alice/tokens/{alice_token_id}",
        None,
        {"admin": 204, "user": 204, "reduced": 403, "service": 404},
    ),
    # login sessions are credentials: read:tokens to list them, tokens to end them
    ("GET", "/users/alice/sessions", None, {"admin": 200, "user": 200, "reduced": 403, "service": 404}),
    ("GET", "/users/bob/sessions", None, {"admin": 200, "user": 404, "reduced": 403, "service": 200}),
    ("DELETE", "/users/alice/sessions", None, {"admin": 204, "user": 204, "reduced": 403, "service": 404}),
    ("DELETE", "/users/bob/sessions", None, {"admin": 204, "user": 404, "reduced": 403, "service": 204}),
    (
        "GET",
        "/users/alice/sessions/{alice_session_id}",
        None,
        {"admin": 200, "user": 200, "reduced": 403, "service": 404},
    ),
    (
        "GET",
        "/users/bob/sessions/{bob_session_id}",
        None,
        {"admin": 200, "user": 404, "reduced": 403, "service": 200},
    ),
    (
        "DELETE",
        "/users/alice/sessions/{alice_session_id}",
        None,
        {"admin": 204, "user": 204, "reduced": 403, "service": 404},
    ),
    (
        "DELETE",
        "/users/bob/sessions/{bob_session_id}",
        None,
        {"admin": 204, "user": 404, "reduced": 403, "service": 204},
    ),
    (
        "GET",
        "/authorizations/token/{bob_token}",
        None,
        {"admin": 200, "user": 200, "reduced": 200, "service": 200},
    ),
    ("POST", "/authorizations/token", None, {"admin": 404, "user": 404, "reduced": 404, "service": 404}),
    (
        "GET",
        "/authorizations/cookie/jupyterhub-hub-login/not-a-cookie",
        None,
        {"admin": 404, "user": 404, "reduced": 404, "service": 404},
    ),
    # the OAuth endpoints ignore API tokens: a login cookie or client credentials decide
    (
        "GET",
        "/oauth2/authorize?client_id=nope&response_type=code&redirect_uri=/x",
        None,
        # not logged in: to the login page first, whatever the parameters
        {"admin": 302, "user": 302, "reduced": 302, "service": 302},
    ),
    (
        "POST",
        "/oauth2/authorize?client_id=nope&response_type=code&redirect_uri=/x",
        None,
        {"admin": 400, "user": 400, "reduced": 400, "service": 400},
    ),
    ("POST", "/oauth2/token", None, {"admin": 400, "user": 400, "reduced": 400, "service": 400}),
    ("POST", "/users/alice/tokens", {}, {"admin": 201, "user": 201, "reduced": 403, "service": 404}),
    ("GET", "/groups", None, {"admin": 200, "user": 403, "reduced": 403, "service": 200}),
    ("POST", "/groups", {"groups": ["new"]}, {"admin": 201, "user": 403, "reduced": 403, "service": 403}),
    ("GET", "/groups/staff", None, {"admin": 200, "user": 403, "reduced": 403, "service": 200}),
    ("GET", "/groups/other", None, {"admin": 200, "user": 403, "reduced": 403, "service": 404}),
    ("POST", "/groups/new", None, {"admin": 201, "user": 403, "reduced": 403, "service": 403}),
    ("DELETE", "/groups/other", None, {"admin": 204, "user": 403, "reduced": 403, "service": 403}),
    (
        "POST",
        "/groups/staff/users",
        {"users": ["alice"]},
        {"admin": 200, "user": 403, "reduced": 403, "service": 200},
    ),
    (
        "DELETE",
        "/groups/other/users",
        {"users": ["carol"]},
        {"admin": 200, "user": 403, "reduced": 403, "service": 404},
    ),
    (
        "PUT",
        "/groups/staff/properties",
        {"a": 1},
        {"admin": 200, "user": 403, "reduced": 403, "service": 200},
    ),
    ("GET", "/services", None, {"admin": 200, "user": 403, "reduced": 403, "service": 403}),
    ("GET", "/proxy", None, {"admin": 200, "user": 403, "reduced": 403, "service": 403}),
    ("POST", "/proxy", None, {"admin": 200, "user": 403, "reduced": 403, "service": 403}),
    ("PATCH", "/proxy", {}, {"admin": 200, "user": 403, "reduced": 403, "service": 403}),
    # the test client serves no socket: asking it to exit does nothing
    (
        "POST",
        "/shutdown",
        {"servers": False, "proxy": False},
        {"admin": 202, "user": 403, "reduced": 403, "service": 403},
    ),
    # servers (starts answer 202 at once: slow_spawn_timeout is 0 here)
    ("GET", "/users/alice/server", None, {"admin": 200, "user": 200, "reduced": 403, "service": 403}),
    ("POST", "/users/alice/server", None, {"admin": 202, "user": 202, "reduced": 403, "service": 403}),
    ("DELETE", "/users/alice/server", None, {"admin": 204, "user": 204, "reduced": 403, "service": 403}),
    ("PUT", "/users/alice/server", {}, {"admin": 409, "user": 409, "reduced": 403, "service": 403}),
    (
        "PATCH",
        "/users/bob/server",
        {"display_name": "Main"},
        {"admin": 200, "user": 404, "reduced": 403, "service": 403},
    ),
    (
        "GET",
        "/users/alice/server/progress",
        None,
        {"admin": 400, "user": 400, "reduced": 403, "service": 403},
    ),
    ("GET", "/users/bob/server", None, {"admin": 200, "user": 404, "reduced": 403, "service": 403}),
    ("PUT", "/users/alice/servers/new", {}, {"admin": 201, "user": 201, "reduced": 403, "service": 403}),
    ("GET", "/users/alice/servers/gpu", None, {"admin": 200, "user": 200, "reduced": 403, "service": 403}),
    (
        "PATCH",
        "/users/alice/servers/gpu",
        {"display_name": "GPU"},
        {"admin": 200, "user": 200, "reduced": 403, "service": 403},
    ),
    ("POST", "/users/alice/servers/gpu", None, {"admin": 202, "user": 202, "reduced": 403, "service": 403}),
    ("DELETE", "/users/alice/servers/gpu", None, {"admin": 204, "user": 204, "reduced": 403, "service": 403}),
    (
        "GET",
        "/users/alice/servers/gpu/progress",
        None,
        {"admin": 400, "user": 400, "reduced": 403, "service": 403},
    ),
    ("GET", "/services/dash", None, {"admin": 200, "user": 403, "reduced": 403, "service": 403}),
    (
        "POST",
        "/services/fresh",
        {"display": False},
        {"admin": 201, "user": 403, "reduced": 403, "service": 403},
    ),
    ("DELETE", "/services/runtime", None, {"admin": 200, "user": 403, "reduced": 403, "service": 403}),
    # roles at run time: read:roles to read, admin:roles to change (both the admin role's)
    ("GET", "/webhooks", None, {"admin": 200, "user": 403, "reduced": 403, "service": 403}),
    (
        "POST",
        "/webhooks",
        {"url": "http://127.0.0.1:9/hook", "events": ["*"]},
        {"admin": 201, "user": 403, "reduced": 403, "service": 403},
    ),
    ("GET", "/webhooks/{webhook}", None, {"admin": 200, "user": 403, "reduced": 403, "service": 403}),
    ("DELETE", "/webhooks/{webhook}", None, {"admin": 204, "user": 403, "reduced": 403, "service": 403}),
    (
        "GET",
        "/webhooks/{webhook}/deliveries",
        None,
        {"admin": 200, "user": 403, "reduced": 403, "service": 403},
    ),
    # any credential may follow the change stream; each sees the events it may read
    ("GET", "/events", None, {"admin": 200, "user": 200, "reduced": 200, "service": 200}),
    ("GET", "/roles", None, {"admin": 200, "user": 403, "reduced": 403, "service": 403}),
    ("GET", "/roles/runtime-role", None, {"admin": 200, "user": 403, "reduced": 403, "service": 403}),
    ("POST", "/roles", {"name": "fresh-role"}, {"admin": 201, "user": 403, "reduced": 403, "service": 403}),
    (
        "PATCH",
        "/roles/runtime-role",
        {"description": "changed"},
        {"admin": 200, "user": 403, "reduced": 403, "service": 403},
    ),
    ("PATCH", "/roles/dash", {"users": []}, {"admin": 405, "user": 403, "reduced": 403, "service": 403}),
    ("DELETE", "/roles/runtime-role", None, {"admin": 204, "user": 403, "reduced": 403, "service": 403}),
    # the audit log: read:audit, the admin role's alone
    ("GET", "/audit", None, {"admin": 200, "user": 403, "reduced": 403, "service": 403}),
    ("GET", "/audit?actor=alice", None, {"admin": 200, "user": 403, "reduced": 403, "service": 403}),
    # shares: users see and leave shares of and to themselves (self), only admins grant (shares);
    # the fixture shares bob's default server with alice and alice's gpu with the group staff
    ("GET", "/shares/alice", None, {"admin": 200, "user": 200, "reduced": 403, "service": 403}),
    ("GET", "/shares/bob", None, {"admin": 200, "user": 404, "reduced": 403, "service": 403}),
    ("GET", "/shares/alice/gpu", None, {"admin": 200, "user": 200, "reduced": 403, "service": 403}),
    ("GET", "/shares/bob/", None, {"admin": 200, "user": 404, "reduced": 403, "service": 403}),
    (
        "POST",
        "/shares/alice/gpu",
        {"user": "bob"},
        {"admin": 200, "user": 403, "reduced": 403, "service": 403},
    ),
    (
        "PATCH",
        "/shares/alice/gpu",
        {"group": "staff"},
        {"admin": 200, "user": 403, "reduced": 403, "service": 403},
    ),
    ("DELETE", "/shares/alice/gpu", None, {"admin": 204, "user": 403, "reduced": 403, "service": 403}),
    ("GET", "/users/alice/shared", None, {"admin": 200, "user": 200, "reduced": 403, "service": 403}),
    ("GET", "/users/bob/shared", None, {"admin": 200, "user": 404, "reduced": 403, "service": 403}),
    ("GET", "/users/alice/shared/bob/", None, {"admin": 200, "user": 200, "reduced": 403, "service": 403}),
    ("DELETE", "/users/alice/shared/bob/", None, {"admin": 204, "user": 204, "reduced": 403, "service": 403}),
    ("GET", "/groups/staff/shared", None, {"admin": 200, "user": 403, "reduced": 403, "service": 403}),
    (
        "GET",
        "/groups/staff/shared/alice/gpu",
        None,
        {"admin": 200, "user": 403, "reduced": 403, "service": 403},
    ),
    (
        "DELETE",
        "/groups/staff/shared/alice/gpu",
        None,
        {"admin": 204, "user": 403, "reduced": 403, "service": 403},
    ),
    ("GET", "/share-codes/alice", None, {"admin": 200, "user": 200, "reduced": 403, "service": 403}),
    ("GET", "/share-codes/bob", None, {"admin": 200, "user": 404, "reduced": 403, "service": 403}),
    ("GET", "/share-codes/alice/gpu", None, {"admin": 200, "user": 200, "reduced": 403, "service": 403}),
    ("POST", "/share-codes/alice/gpu", None, {"admin": 200, "user": 403, "reduced": 403, "service": 403}),
    ("DELETE", "/share-codes/alice/gpu", None, {"admin": 204, "user": 403, "reduced": 403, "service": 403}),
]
REQUESTERS = ["admin", "user", "reduced", "service"]


def configure(c):
    c.JupyterHub.services = [{"name": "dash", "api_token": "dash-secret-token"}]
    c.JupyterHub.load_roles = [{"name": "dash", "scopes": DASH_SCOPES, "services": ["dash"]}]
    c.JupyterHub.load_groups = {"staff": {"users": ["bob"]}, "other": {"users": ["carol"]}}
    c.JupyterHub.allow_named_servers = True
    c.JupyterHub.slow_spawn_timeout = 0


def _seed(api):
    api.post("/users", json={"usernames": ["alice"]})
    api.put("/users/alice/servers/gpu")
    api.post("/services/runtime", json={"info": {"created": "over the API"}})
    api.post("/roles", json={"name": "runtime-role", "scopes": ["read:hub"]})
    bob = api.post("/users/bob/tokens").json()
    alice = api.post("/users/alice/tokens", json={"note": "spare"}).json()
    assert api.post("/shares/bob/", json={"user": "alice"}).status_code == 200
    assert api.post("/shares/alice/gpu", json={"group": "staff"}).status_code == 200
    hook = api.post("/webhooks", json={"url": "http://127.0.0.1:9/hook", "events": ["user.*"]}).json()
    api.targets = {
        "bob_token_id": bob["id"],
        "bob_token": bob["token"],
        "alice_token_id": alice["id"],
        "webhook": hook["id"],
        "alice_session_id": _log_in(api, "alice"),
        "bob_session_id": _log_in(api, "bob"),
    }
    return api, {
        "admin": "admin-secret-token",
        "user": api.new_token("alice"),
        "reduced": api.new_token("alice", scopes=["read:users:name!user=alice"]),
        "service": "dash-secret-token",
    }


def _log_in(api, name):
    """A login session of the user, as a login starts one (without a browser's cookies)."""
    with api.hub.db.session() as s:
        user_id = s.execute(select(User.id).where(User.name == name)).scalar_one()
        return login_sessions.start(s, user_id, "rbac", "127.0.0.1")


@pytest.fixture(scope="module")
def shared(make_module_hub):
    """One hub for the requests that change nothing: reads, and refusals."""
    return _seed(make_module_hub(configure))


@pytest.fixture
def tokens(make_hub):
    """A hub of its own, for a request that is allowed to change something."""
    return _seed(make_hub(configure))


def _changes_state(method, status):
    return method != "GET" and 200 <= status < 300


def _cases(changing):
    return [
        pytest.param(method, path, body, requester, expected[requester], id=f"{method} {path}-{requester}")
        for method, path, body, expected in MATRIX
        for requester in REQUESTERS
        if _changes_state(method, expected[requester]) == changing
    ]


def _check(hub, method, path, body, requester, status):
    api, by_requester = hub
    kwargs: dict[str, Any] = {"json": body} if body is not None else {}
    kwargs["follow_redirects"] = False
    r = api(method, path.format(**api.targets), token=by_requester[requester], **kwargs)
    assert r.status_code == status, r.text
    if r.status_code == 403 and path != "/authorizations/token":
        assert "requires any of" in r.json()["message"]
    # (a filter hides the resource; /batchspawner says what its token lacks)
    if (
        r.status_code == 404
        and not path.startswith(("/authorizations/", "/batchspawner"))
        and "oauth2" not in path
    ):
        assert r.json()["message"] == "No access to resources or resources not found"


@pytest.mark.parametrize(("method", "path", "body", "requester", "status"), _cases(changing=False))
def test_rbac(shared, method, path, body, requester, status):
    _check(shared, method, path, body, requester, status)


@pytest.mark.parametrize(("method", "path", "body", "requester", "status"), _cases(changing=True))
def test_rbac_allowed_change(tokens, method, path, body, requester, status):
    _check(tokens, method, path, body, requester, status)


def test_refusals_changed_nothing(shared):
    """Every refused request above ran against one hub: it still holds what was seeded."""
    api, _ = shared
    users = {u["name"]: u for u in api.get("/users", params={"include_stopped_servers": "1"}).json()}
    assert sorted(users) == ["admin", "alice", "bob", "carol"]
    assert not any(u["admin"] for name, u in users.items() if name != "admin")
    assert sorted(users["alice"]["servers"]) == ["", "gpu"]  # (the default server: stopped)
    assert not any(server["started"] for user in users.values() for server in user["servers"].values())
    assert users["bob"]["servers"][""]["display_name"] != "Main"
    assert {g["name"]: g["users"] for g in api.get("/groups").json()} == {
        "staff": ["bob"],
        "other": ["carol"],
    }
    assert len(api.get("/users/bob/tokens").json()) == 1
    assert [len(api.get(f"/users/{u}/sessions").json()["items"]) for u in ("alice", "bob")] == [1, 1]
    assert [s["user"]["name"] for s in api.get("/shares/bob").json()["items"]] == ["alice"]
    assert api.get("/services/runtime").status_code == 200


def test_matrix_covers_every_operation():
    from tests.test_spec import OPERATIONS, operation_of

    covered = {operation_of(method, path) for method, path, _, _ in MATRIX}
    implemented = {op["operationId"] for _, _, op in OPERATIONS}
    assert implemented - covered == set()


def test_filtered_list_is_narrowed(shared):
    api, by_requester = shared
    users = api.get("/users", token=by_requester["service"]).json()
    assert [u["name"] for u in users] == ["bob"]
    groups = api.get("/groups", token=by_requester["service"]).json()
    assert [g["name"] for g in groups] == ["staff"]


def test_models_show_only_fields_the_scopes_allow(shared):
    api, by_requester = shared
    bob = api.get("/users/bob", token=by_requester["service"]).json()
    assert "servers" not in bob  # no read:servers
    assert "auth_state" not in bob
    assert bob["groups"] == ["staff"]


def test_missing_credentials_are_403(shared):
    api, _ = shared
    r = api.get("/users", token=None)
    assert r.status_code == 403
    assert r.json() == {"status": 403, "message": "Missing or invalid credentials."}
