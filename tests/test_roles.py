"""Roles at run time: /roles (list, create, get, change, delete)."""

import pytest

PAGE = {"Accept": "application/jupyterhub-pagination+json"}


def by_name(items):
    return {r["name"]: r for r in items}


def test_the_hubs_own_and_configured_roles_are_listed_read_only(make_hub):
    def config(c):
        c.JupyterHub.load_roles = [{"name": "culler", "scopes": ["list:users"], "users": ["carol"]}]

    api = make_hub(config)
    page = api.get("/roles").json()
    roles = by_name(page["items"])
    assert {"user", "admin", "server", "token", "culler"} <= set(roles)
    assert page["_pagination"]["total"] == len(roles)
    assert roles["admin"]["source"] == "hub" and roles["admin"]["read_only"] is True
    assert "admin:roles" in roles["admin"]["scopes"]
    assert roles["culler"] == {
        "name": "culler",
        "description": "",
        "scopes": ["list:users"],
        "users": ["carol"],
        "groups": [],
        "services": [],
        "source": "config",
        "read_only": True,
    }
    r = api.patch("/roles/culler", json={"users": []})
    assert r.status_code == 405
    assert r.json()["message"] == "Role culler comes from load_roles in the configuration; change it there"
    assert api.delete("/roles/admin").status_code == 405
    assert api.get("/roles/culler").json()["users"] == ["carol"], "nothing changed"


def test_a_role_made_at_run_time_gives_its_scopes_at_once_and_survives_a_restart(make_hub):
    api = make_hub()
    api.post("/users", json={"usernames": ["alice", "bob"]})
    api.post("/groups/staff", json={"users": ["bob"]})
    alice, bob = api.new_token("alice"), api.new_token("bob")
    assert api.get("/users", token=alice).status_code == 403

    body = {"name": "viewer", "description": "Sees everyone", "scopes": ["list:users"], "users": ["alice"]}
    r = api.post("/roles", json=body)
    assert r.status_code == 201
    assert r.json() == {**body, "groups": [], "services": [], "source": "api", "read_only": False}
    # the token made before the role was: scopes are resolved at each request
    assert api.get("/users", token=alice).status_code == 200
    assert "viewer" in api.get("/users/alice").json()["roles"]

    # PATCH replaces the fields given: the role moves from alice to the group
    r = api.patch("/roles/viewer", json={"users": [], "groups": ["staff"]})
    assert r.status_code == 200
    assert (r.json()["users"], r.json()["groups"], r.json()["description"]) == (
        [],
        ["staff"],
        "Sees everyone",
    )
    assert api.get("/users", token=alice).status_code == 403
    assert api.get("/users", token=bob).status_code == 200
    assert "viewer" in api.get("/groups/staff").json()["roles"]

    # a restart with another configuration keeps it (it is the API's, not load_roles')
    def config(c):
        c.JupyterHub.load_roles = [{"name": "other", "scopes": ["read:hub"]}]

    again = make_hub(config)
    assert again.get("/roles/viewer").json()["groups"] == ["staff"]

    assert again.delete("/roles/viewer").status_code == 204
    assert again.get("/roles/viewer").status_code == 404
    assert again.get("/users", token=bob).status_code == 403
    assert again.get("/groups/staff").json()["roles"] == []


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"name": "x-y", "scopes": ["read:nothing"]}, 400, "read:nothing"),
        ({"name": "ab"}, 400, "too short"),
        ({"name": "Bad-name"}, 400, None),
        ({"name": "team", "users": ["nobody", "alice"]}, 400, "No such user: nobody"),
        ({"name": "team", "groups": ["nogroup"]}, 400, "No such group: nogroup"),
        ({"name": "team", "services": ["nosvc"]}, 400, "No such service: nosvc"),
        ({"name": "team", "scopes": "list:users"}, 400, None),
        ({"name": "team", "colour": "red"}, 400, None),
        ({"name": "user"}, 409, "Role user already exists"),
    ],
)
def test_bad_roles_are_refused_and_leave_nothing(api, body, status, message):
    api.post("/users", json={"usernames": ["alice"]})
    r = api.post("/roles", json=body)
    assert r.status_code == status, r.text
    if message:
        assert message in r.json()["message"]
    assert api.get("/roles/team").status_code == 404


def test_nobody_grants_scopes_they_do_not_hold(make_hub):
    def config(c):
        c.JupyterHub.load_roles = [
            {"name": "role-keeper", "scopes": ["admin:roles", "list:users"], "users": ["sam"]}
        ]

    api = make_hub(config)
    api.post("/users", json={"usernames": ["alice", "pat"]})
    sam, pat = api.new_token("sam"), api.new_token("pat")
    assert api.post("/roles", token=pat, json={"name": "mine"}).status_code == 403
    assert api.get("/roles", token=pat).status_code == 403

    assert api.post("/roles", token=sam, json={"name": "lister", "scopes": ["list:users"]}).status_code == 201
    r = api.post("/roles", token=sam, json={"name": "boss", "scopes": ["list:users", "admin:users"]})
    assert r.status_code == 403
    assert r.json()["message"].startswith("Not granting scopes not held by User sam: ")
    assert "admin:users" in r.json()["message"] and api.get("/roles/boss").status_code == 404
    r = api.patch("/roles/lister", token=sam, json={"scopes": ["admin:servers"]})
    assert r.status_code == 403 and api.get("/roles/lister").json()["scopes"] == ["list:users"]

    # nor gives a role with scopes they lack to anyone, themselves included
    api.post("/roles", json={"name": "powerful", "scopes": ["admin:users"]})
    r = api.patch("/roles/powerful", token=sam, json={"users": ["sam"]})
    assert r.status_code == 403 and api.get("/roles/powerful").json()["users"] == []
    # giving what they hold is fine, and so is deleting
    assert api.patch("/roles/lister", token=sam, json={"users": ["alice"]}).json()["users"] == ["alice"]
    assert api.delete("/roles/lister", token=sam).status_code == 204


def test_roles_page(api):
    for i in range(3):
        api.post("/roles", json={"name": f"role-{i}"})
    first = api.get("/roles", params={"limit": 2}, headers=PAGE).json()
    assert len(first["items"]) == 2 and first["_pagination"]["next"] is not None
    names = [r["name"] for r in first["items"]]
    assert names == sorted(names)


def test_a_hub_upgraded_from_an_older_release_gives_admins_the_new_scope(make_hub, db_url):
    import sqlalchemy

    from hub.db.models import Role

    make_hub()
    engine = sqlalchemy.create_engine(db_url)
    with engine.begin() as conn:  # the admin role as an older release stored it
        conn.execute(
            sqlalchemy.update(Role).where(Role.name == "admin").values(scopes=["admin:users", "read:roles"])
        )
    engine.dispose()
    api = make_hub()
    assert "admin:roles" in api.get("/roles/admin").json()["scopes"]
    assert api.post("/roles", json={"name": "after-upgrade"}).status_code == 201
