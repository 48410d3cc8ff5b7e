"""GET /, /info, /user and the deprecated authorization endpoints."""

from packaging.version import Version

from tests.conftest import ADMIN_TOKEN


def test_root_needs_no_credentials_and_reports_a_pep440_api_version(api):
    r = api.get("/", token=None)
    assert r.status_code == 200
    assert Version(r.json()["version"]) >= Version("1.3")


def test_root_answers_with_and_without_trailing_slash(api):
    assert api.client.get("/hub/api").status_code == 200
    assert api.client.get("/hub/api/").status_code == 200


def test_info_reports_our_release_and_classes(api):
    body = api.get("/info").json()
    assert body["version"] == "0.1.0"
    assert body["spawner"]["class"].endswith("NativeSpawner")
    assert body["authenticator"]["class"].endswith("PAMAuthenticator")


def test_info_needs_read_hub(api):
    token = api.new_token("admin", scopes=["read:users"])
    r = api.get("/info", token=token)
    assert r.status_code == 403
    assert "read:hub" in r.json()["message"]


def test_whoami_shows_owner_token_id_and_scopes(api):
    api.post("/users", json={"usernames": ["alice"]})
    r = api.post("/users/alice/tokens", json={"scopes": ["read:users!user=alice"]})
    token, token_id = r.json()["token"], r.json()["id"]
    me = api.get("/user", token=token).json()
    assert me["kind"] == "user" and me["name"] == "alice"
    assert me["token_id"] == token_id
    assert me["session_id"] is None
    assert "read:users!user=alice" in me["scopes"]
    assert "read:users:name!user=alice" in me["scopes"]
    assert me["scopes"] == sorted(me["scopes"])


def _names_readable_by_all(c):
    c.JupyterHub.load_roles = [{"name": "user", "scopes": ["self", "read:users:name"]}]


def _redundant(scopes):
    """Filtered scopes listed beside the same scope without a filter."""
    return [s for s in scopes if "!" in s and s.partition("!")[0] in scopes]


# what JupyterHub 6.1.1 lists for bob's own token when users hold self and read:users:name
BOB_OWN_SCOPES = [
    "access:servers!user=bob",
    "delete:servers!user=bob",
    "read:servers!user=bob",
    "read:shares!user=bob",
    "read:tokens!user=bob",
    "read:users!user=bob",
    "read:users:activity!user=bob",
    "read:users:groups!user=bob",
    "read:users:name",
    "read:users:shares!user=bob",
    "servers!user=bob",
    "start:servers!user=bob",
    "tokens!user=bob",
    "users:activity!user=bob",
    "users:shares!user=bob",
]


def test_whoami_lists_a_scope_once_when_it_is_also_held_without_a_filter(make_hub):
    api = make_hub(_names_readable_by_all)
    api.post("/users", json={"usernames": ["bob"]})
    r = api.post("/users/bob/tokens", json={})
    me = api.get("/user", token=r.json()["token"]).json()
    assert me["scopes"] == BOB_OWN_SCOPES
    assert "read:users:name!user=bob" not in me["scopes"]
    # the token model reports the same scopes
    assert sorted(api.get(f"/users/bob/tokens/{r.json()['id']}").json()["scopes"]) == BOB_OWN_SCOPES


def test_whoami_of_a_token_with_its_own_scopes_lists_each_scope_once(make_hub):
    api = make_hub(_names_readable_by_all)
    api.post("/users", json={"usernames": ["bob"]})
    token = api.new_token("bob", scopes=["read:users:name", "read:users!user=bob", "access:servers!user=bob"])
    assert api.get("/user", token=token).json()["scopes"] == [
        "access:servers!user=bob",
        "read:users!user=bob",
        "read:users:activity!user=bob",
        "read:users:groups!user=bob",
        "read:users:name",
    ]
    token = api.new_token("admin", scopes=["read:users:name", "read:users"])
    assert api.get("/user", token=token).json()["scopes"] == [
        "read:users",
        "read:users:activity",
        "read:users:groups",
        "read:users:name",
    ]


def test_whoami_of_an_admin_lists_no_scope_narrowed_to_itself(api):
    scopes = api.get("/user").json()["scopes"]
    assert _redundant(scopes) == []
    assert not [s for s in scopes if s.endswith("!user=admin")]
    some = {"admin:users", "read:users", "read:users:name", "servers", "tokens", "access:servers"}
    assert some <= set(scopes)
    # as JupyterHub 6.1.1 lists them, and this hub's own admin:roles (roles at run time),
    # admin:webhooks and read:audit (the audit log)
    assert {"admin:roles", "admin:webhooks", "read:audit"} <= set(scopes) and len(scopes) == 45 + 3


def test_whoami_of_a_service_lists_its_roles_scopes_once(make_hub):
    def configure(c):
        c.JupyterHub.services = [{"name": "svc", "api_token": "svc-secret-token"}]
        c.JupyterHub.load_roles = [
            {
                "name": "svc-role",
                "scopes": ["read:users", "users:activity", "list:users"],
                "services": ["svc"],
            }
        ]

    api = make_hub(configure)
    assert api.get("/user", token="svc-secret-token").json()["scopes"] == [
        "list:users",
        "read:users",
        "read:users:activity",
        "read:users:groups",
        "read:users:name",
        "users:activity",
    ]


def test_whoami_with_minimal_token_still_names_the_owner(api):
    api.post("/users", json={"usernames": ["alice"]})
    token = api.new_token("alice", scopes=["read:hub"] if False else ["users:activity!user=alice"])
    me = api.get("/user", token=token).json()
    assert me["name"] == "alice"
    assert set(me) >= {"kind", "name", "admin", "groups", "token_id", "scopes"}
    assert "servers" not in me


def test_whoami_for_a_service(make_hub):
    api = make_hub(
        lambda c: setattr(c.JupyterHub, "services", [{"name": "culler", "api_token": "culler-token-1"}])
    )
    me = api.get("/user", token="culler-token-1").json()
    assert me["kind"] == "service" and me["name"] == "culler"
    assert me["scopes"] == []


def test_whoami_with_a_bad_token_is_403_without_message(api):
    r = api.get("/user", token="not-a-token")
    assert r.status_code == 403
    assert r.json() == {"status": 403, "message": None}


def test_authorizations_token_identifies_a_token_owner(api):
    api.post("/users", json={"usernames": ["alice"]})
    token = api.new_token("alice")
    r = api.get(f"/authorizations/token/{token}")
    assert r.status_code == 200
    assert r.json()["name"] == "alice" and r.json()["kind"] == "user"
    assert api.get("/authorizations/token/nope-nope").status_code == 404


def test_removed_token_endpoint_is_404(api):
    r = api.post("/authorizations/token", token=None)
    assert r.status_code == 404
    assert "removed" in r.json()["message"]


def test_health_check_is_outside_the_api(api):
    assert api.client.get("/hub/health").status_code == 200


def test_unknown_api_path_is_a_json_404(api):
    r = api.get("/no/such/thing")
    assert r.status_code == 404
    assert r.json()["status"] == 404


def test_swagger_ui_is_served(api):
    r = api.client.get("/hub/api/docs/")
    assert r.status_code == 200
    assert "swagger" in r.text.lower()
    spec = api.client.get("/hub/api/openapi.json")
    assert spec.status_code == 200
    assert spec.json()["openapi"] == "3.0.3"


def test_admin_token_from_config_works(api):
    assert api.get("/users", token=ADMIN_TOKEN).status_code == 200


def test_405_names_the_methods_the_spec_declares(api):
    r = api("PUT", "/users")
    assert r.status_code == 405
    assert r.headers["allow"] == "GET, POST"
    r = api("OPTIONS", "/users/alice/tokens/a1")
    assert r.status_code == 405
    assert r.headers["allow"] == "DELETE, GET"


def test_every_response_names_the_api_version(api):
    for r in (
        api.get("/", token=None),
        api.get("/users"),
        api.get("/users/nobody"),
        api.get("/user", token="bad"),
    ):
        assert r.headers["x-jupyterhub-version"] == "6.1.1"


def test_bodies_are_json_whatever_the_content_type_says(api):
    # aiohttp sends an empty POST as application/octet-stream; the idle culler
    # sends DELETE bodies without a JSON type
    r = api.post("/users/alice", content=b"", headers={"Content-Type": "application/octet-stream"})
    assert r.status_code == 201
    r = api.post("/groups/g", content=b'{"users": ["alice"]}', headers={"Content-Type": "text/plain"})
    assert r.status_code == 201 and r.json()["users"] == ["alice"]
    r = api.delete("/groups/g/users", content=b'{"users": ["alice"]}', headers={"Content-Type": ""})
    assert r.status_code == 200 and r.json()["users"] == []


def test_a_response_field_the_spec_does_not_declare_fails_the_test(make_hub, monkeypatch):
    """Responses are validated in tests: a handler that returns an undeclared
    field (or drops a required one) makes the request fail."""
    import hub.api.hub as handlers

    declared = handlers.get_api
    monkeypatch.setattr(handlers, "get_api", lambda: {**declared(), "surprise": 1})
    assert make_hub().get("/").status_code == 500
    monkeypatch.setattr(handlers, "get_api", lambda: {})
    assert make_hub().get("/").status_code == 500
    monkeypatch.setattr(handlers, "get_api", declared)
    assert make_hub().get("/").status_code == 200
