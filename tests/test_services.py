"""Services defined in configuration."""


def configure(c):
    c.JupyterHub.services = [
        {"name": "culler", "api_token": "culler-secret-token"},
        {"name": "web", "url": "http://127.0.0.1:10101", "info": {"k": "v"}, "display": False},
    ]
    c.JupyterHub.load_roles = [
        {
            "name": "culler",
            "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
            "services": ["culler"],
        }
    ]


def test_list_services_is_an_object_keyed_by_name(make_hub):
    api = make_hub(configure)
    services = api.get("/services").json()
    assert sorted(services) == ["culler", "web"]
    web = services["web"]
    assert web["url"] == "http://127.0.0.1:10101" and web["prefix"] == "/services/web/"
    assert web["info"] == {"k": "v"} and web["display"] is False
    assert services["culler"]["url"] == "" and services["culler"]["prefix"] == ""
    assert services["culler"]["roles"] == ["culler"]


def test_get_service(make_hub):
    api = make_hub(configure)
    assert api.get("/services/web").json()["name"] == "web"
    r = api.get("/services/nope")
    assert r.status_code == 404 and r.json()["message"] == "No such service: nope"


def test_service_token_gets_its_role_scopes(make_hub):
    api = make_hub(configure)
    api.post("/users", json={"usernames": ["alice"]})
    token = "culler-secret-token"
    assert [u["name"] for u in api.get("/users", token=token).json()] == ["admin", "alice"]
    assert api.post("/users", token=token, json={"usernames": ["x"]}).status_code == 403
    me = api.get("/user", token=token).json()
    assert me["kind"] == "service" and "list:users" in me["scopes"]


def test_admin_service(make_hub):
    api = make_hub(
        lambda c: setattr(
            c.JupyterHub, "services", [{"name": "boss", "api_token": "boss-token-12", "admin": True}]
        )
    )
    assert api.post("/users", token="boss-token-12", json={"usernames": ["x"]}).status_code == 201
    assert api.get("/services/boss").json()["admin"] is True


def test_service_tokens_config(make_hub):
    api = make_hub(lambda c: setattr(c.JupyterHub, "service_tokens", {"svc-token-123": "svc"}))
    assert api.get("/user", token="svc-token-123").json()["name"] == "svc"


def test_runtime_service_creation_is_not_implemented_yet(make_hub):
    api = make_hub(configure)
    assert api.post("/services/new").status_code == 501
