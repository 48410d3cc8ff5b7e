"""Groups: create, members, properties, delete."""


def test_create_group_with_members(api):
    api.post("/users", json={"usernames": ["alice", "bob"]})
    r = api.post("/groups/staff", json={"users": ["alice"]})
    assert r.status_code == 201
    assert r.json() == {"kind": "group", "name": "staff", "users": ["alice"], "roles": [], "properties": {}}
    assert api.post("/groups/staff").status_code == 409
    assert api.get("/users/alice").json()["groups"] == ["staff"]


def test_create_several_groups(api):
    api.post("/users", json={"usernames": ["alice"]})
    r = api.post("/groups", json={"groups": ["a", "b"], "users": ["alice"]})
    assert r.status_code == 201
    assert [g["name"] for g in r.json()] == ["a", "b"]
    assert [g["name"] for g in api.get("/groups").json()] == ["a", "b"]
    r = api.post("/groups", json={"groups": ["c", "a"]})
    assert r.status_code == 409
    assert api.get("/groups/c").status_code == 404


def test_add_and_remove_members(api):
    api.post("/users", json={"usernames": ["alice", "bob"]})
    api.post("/groups/staff")
    r = api.post("/groups/staff/users", json={"users": ["alice", "bob", "alice"]})
    assert r.status_code == 200 and r.json()["users"] == ["alice", "bob"]
    assert api.post("/groups/staff/users", json={"users": ["alice"]}).json()["users"] == ["alice", "bob"]
    r = api.delete("/groups/staff/users", json={"users": ["bob"]})
    assert r.status_code == 200 and r.json()["users"] == ["alice"]
    r = api.post("/groups/staff/users", json={"users": ["nobody"]})
    assert r.status_code == 400 and r.json()["message"] == "No such user: nobody"


def test_set_properties(api):
    api.post("/groups/staff")
    r = api.put("/groups/staff/properties", json={"course": "physics", "n": 3})
    assert r.status_code == 200 and r.json()["properties"] == {"course": "physics", "n": 3}
    r = api.put("/groups/staff/properties", json={})
    assert r.json()["properties"] == {}
    assert api.put("/groups/staff/properties", json=[1, 2]).status_code == 400


def test_delete_group_keeps_members(api):
    api.post("/users", json={"usernames": ["alice"]})
    api.post("/groups/staff", json={"users": ["alice"]})
    assert api.delete("/groups/staff").status_code == 204
    assert api.get("/groups/staff").status_code == 404
    assert api.get("/users/alice").json()["groups"] == []
    r = api.delete("/groups/staff")
    assert r.status_code == 404 and r.json()["message"] == "No such group: staff"


def test_group_pagination(api):
    api.post("/groups", json={"groups": [f"g{i}" for i in range(3)]})
    r = api.get("/groups", params={"limit": 2}, headers={"Accept": "application/jupyterhub-pagination+json"})
    body = r.json()
    assert [g["name"] for g in body["items"]] == ["g0", "g1"]
    assert body["_pagination"]["total"] == 3


def test_group_roles_give_members_their_scopes(make_hub):
    def configure(c):
        c.JupyterHub.load_roles = [{"name": "readers", "scopes": ["list:users"], "groups": ["staff"]}]

    api = make_hub(configure)
    api.post("/users", json={"usernames": ["alice"]})
    token = api.new_token("alice")
    assert api.get("/users", token=token).status_code == 403
    api.post("/groups/staff/users", json={"users": ["alice"]})
    assert api.get("/users", token=token).status_code == 200
    assert api.get("/groups/staff").json()["roles"] == ["readers"]
