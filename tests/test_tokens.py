"""API tokens: create, list, get, revoke, scopes, expiry."""

import time

from sqlalchemy import create_engine, text


def test_token_value_is_returned_once(api):
    api.post("/users", json={"usernames": ["alice"]})
    r = api.post("/users/alice/tokens", json={"note": "for my script"})
    assert r.status_code == 201
    created = r.json()
    assert len(created["token"]) == 32
    assert created["note"] == "for my script" and created["user"] == "alice"
    assert created["oauth_client"] == "JupyterHub" and created["roles"] == []
    listed = api.get("/users/alice/tokens").json()["api_tokens"]
    assert [t["id"] for t in listed] == [created["id"]]
    assert "token" not in listed[0]
    assert "token" not in api.get(f"/users/alice/tokens/{created['id']}").json()


def test_default_note_says_who_asked(api):
    api.post("/users", json={"usernames": ["alice"]})
    assert api.post("/users/alice/tokens").json()["note"] == "Requested via api by user admin"
    own = api.new_token("alice")
    r = api.post("/users/alice/tokens", token=own)
    assert r.json()["note"] == "Requested via api"


def test_a_new_token_works_and_revoking_it_stops_it_at_once(api):
    api.post("/users", json={"usernames": ["alice"]})
    created = api.post("/users/alice/tokens").json()
    assert api.get("/user", token=created["token"]).status_code == 200
    assert api.delete(f"/users/alice/tokens/{created['id']}").status_code == 204
    assert api.get("/user", token=created["token"]).status_code == 403
    assert api.get(f"/users/alice/tokens/{created['id']}").status_code == 404


def test_token_ids_belong_to_their_user(api):
    api.post("/users", json={"usernames": ["alice", "bob"]})
    created = api.post("/users/alice/tokens").json()
    r = api.get(f"/users/bob/tokens/{created['id']}")
    assert r.status_code == 404
    assert r.json()["message"] == f"No such token {created['id']} for user bob"
    assert api.get("/users/bob/tokens/zzz").status_code == 404


def test_scoped_token_is_narrowed(api):
    api.post("/users", json={"usernames": ["alice"]})
    token = api.new_token("alice", scopes=["read:users:name!user=alice"])
    assert api.get("/users/alice", token=token).json() == {
        "kind": "user",
        "name": "alice",
        "admin": False,
        "user_info": None,
        "groups": [],  # every token may read its owner's name and groups
    }
    assert api.post("/users/alice/tokens", token=token).status_code == 403


def test_token_scopes_must_be_held_by_the_owner(api):
    api.post("/users", json={"usernames": ["alice"]})
    r = api.post("/users/alice/tokens", json={"scopes": ["admin:users"]})
    assert r.status_code == 400
    assert "not held by User alice" in r.json()["message"]
    r = api.post("/users/alice/tokens", json={"scopes": ["no-such-scope"]})
    assert r.status_code == 400
    assert api.get("/users/alice/tokens").json()["api_tokens"] == []


def test_token_from_roles(api):
    api.post("/users", json={"usernames": ["alice"]})
    r = api.post("/users/alice/tokens", json={"roles": ["user"]})
    assert r.status_code == 201
    assert "read:users!user=alice" in r.json()["scopes"]
    r = api.post("/users/alice/tokens", json={"roles": ["nope"]})
    assert r.status_code == 400 and r.json()["message"] == "No such role: nope"
    r = api.post("/users/alice/tokens", json={"roles": ["user"], "scopes": ["self"]})
    assert r.status_code == 400


def test_expiring_token(api):
    api.post("/users", json={"usernames": ["alice"]})
    r = api.post("/users/alice/tokens", json={"expires_in": 1})
    assert r.json()["expires_at"] is not None
    token = r.json()["token"]
    assert api.get("/user", token=token).status_code == 200
    time.sleep(1.2)
    assert api.get("/user", token=token).status_code == 403
    assert api.get("/users/alice/tokens").json()["api_tokens"] == []


def test_expires_in_must_be_an_integer(api):
    api.post("/users", json={"usernames": ["alice"]})
    assert api.post("/users/alice/tokens", json={"expires_in": 60.5}).status_code == 400
    assert api.post("/users/alice/tokens", json={"expires_in": -5}).status_code == 400


def test_token_lifetime_limit(make_hub):
    api = make_hub(lambda c: setattr(c.JupyterHub, "token_expires_in_max_seconds", 600))
    api.post("/users", json={"usernames": ["alice"]})
    r = api.post("/users/alice/tokens", json={"expires_in": 601})
    assert r.status_code == 400 and "must not exceed 600" in r.json()["message"]
    assert api.post("/users/alice/tokens").json()["expires_at"] is not None
    assert api.post("/users/alice/tokens", json={"expires_in": 0}).json()["expires_at"] is not None


def test_losing_a_role_narrows_existing_tokens(api):
    api.post("/users", json={"usernames": ["alice"]})
    api.patch("/users/alice", json={"admin": True})
    token = api.new_token("alice", scopes=["list:users"])
    assert api.get("/users", token=token).status_code == 200
    api.patch("/users/alice", json={"admin": False})
    assert api.get("/users", token=token).status_code == 403


def test_token_last_activity_is_recorded(api):
    api.post("/users", json={"usernames": ["alice"]})
    created = api.post("/users/alice/tokens").json()
    assert created["last_activity"] is None
    api.get("/user", token=created["token"])
    token = api.get(f"/users/alice/tokens/{created['id']}").json()
    assert token["last_activity"] is not None
    assert api.get("/users/alice").json()["last_activity"] is not None


def test_tokens_are_stored_hashed(api, db_url):
    api.post("/users", json={"usernames": ["alice"]})
    value = api.new_token("alice")
    if db_url.startswith("sqlite"):
        path = db_url.removeprefix("sqlite:///")
        data = b""
        for suffix in ("", "-wal"):
            try:
                with open(path + suffix, "rb") as f:
                    data += f.read()
            except FileNotFoundError:
                pass
        assert value.encode() not in data
        engine = create_engine(db_url)
        with engine.connect() as conn:
            hashes = [row[0] for row in conn.execute(text("select hashed from api_tokens"))]
        engine.dispose()
        assert all(h.startswith("sha512:") for h in hashes)
        assert any(h.startswith("sha512:16384:") for h in hashes)  # the config token
        assert any(h.startswith("sha512:1:") for h in hashes)  # the generated one


def test_expired_tokens_are_purged(api):
    from hub.runtime import current

    api.post("/users", json={"usernames": ["alice"]})
    api.post("/users/alice/tokens", json={"expires_in": 1})
    api.post("/users/alice/tokens")
    time.sleep(1.2)
    assert current().purge_expired() == 1
    assert current().purge_expired() == 0
    assert len(api.get("/users/alice/tokens").json()["api_tokens"]) == 1
