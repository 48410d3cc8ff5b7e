"""Users: list, create, get, modify, delete, activity."""

from datetime import UTC, datetime, timedelta

import pytest

PAGED = {"Accept": "application/jupyterhub-pagination+json"}


def names(users):
    return [u["name"] for u in users]


def test_list_users_returns_models_in_id_order(api):
    api.post("/users", json={"usernames": ["bob", "alice"]})
    users = api.get("/users").json()
    assert names(users) == ["admin", "bob", "alice"]
    alice = users[2]
    assert alice["kind"] == "user" and alice["admin"] is False
    assert alice["roles"] == ["user"] and alice["groups"] == []
    assert alice["server"] is None and alice["pending"] is None
    assert alice["servers"] == {}
    assert alice["created"].endswith("Z")


def test_bulk_create_normalizes_names_and_skips_existing(api):
    r = api.post("/users", json={"usernames": ["Alice", "bob"]})
    assert r.status_code == 201
    assert names(r.json()) == ["alice", "bob"]
    r = api.post("/users", json={"usernames": ["alice", "carol"]})
    assert r.status_code == 201
    assert names(r.json()) == ["carol"]


def test_bulk_create_of_only_existing_names_is_409(api):
    api.post("/users", json={"usernames": ["alice", "bob"]})
    r = api.post("/users", json={"usernames": ["alice", "bob"]})
    assert r.status_code == 409
    assert r.json()["message"] == "All 2 users already exist"


def test_bulk_create_with_admin_flag(api):
    r = api.post("/users", json={"usernames": ["root2"], "admin": True})
    assert r.json()[0]["admin"] is True
    assert "admin" in r.json()[0]["roles"]


def test_create_one_user_keeps_the_name_as_given(api):
    r = api.post("/users/Dave")
    assert r.status_code == 201
    assert r.json()["name"] == "Dave"
    assert api.post("/users/Dave").status_code == 409


def test_get_user_and_missing_user(api):
    api.post("/users", json={"usernames": ["alice"]})
    assert api.get("/users/alice").json()["name"] == "alice"
    r = api.get("/users/nobody")
    assert r.status_code == 404
    assert r.json() == {"status": 404, "message": None}


def test_include_stopped_servers_shows_the_default_server(api):
    api.post("/users", json={"usernames": ["alice"]})
    assert api.get("/users/alice").json()["servers"] == {}
    servers = api.get("/users/alice", params={"include_stopped_servers": ""}).json()["servers"]
    assert list(servers) == [""]
    default = servers[""]
    assert default["stopped"] is True and default["ready"] is False
    assert default["url"] == "/user/alice/"
    assert default["progress_url"] == "/hub/api/users/alice/server/progress"
    assert "state" in default  # admin holds admin:server_state
    flag_off = api.get("/users/alice", params={"include_stopped_servers": "false"}).json()
    assert flag_off["servers"] == {}


def test_rename_user(api):
    api.post("/users", json={"usernames": ["alice"]})
    token = api.new_token("alice")
    r = api.patch("/users/alice", json={"name": "alicia"})
    assert r.status_code == 200 and r.json()["name"] == "alicia"
    assert api.get("/users/alice").status_code == 404
    # the user's tokens follow the user
    assert api.get("/user", token=token).json()["name"] == "alicia"


def test_an_empty_patch_changes_nothing(api):
    api.post("/users", json={"usernames": ["alice"]})
    before = api.get("/users/alice").json()
    r = api.patch("/users/alice", json={})
    assert r.status_code == 200 and r.json() == before
    assert api.patch("/users/nobody", json={}).status_code == 404


def test_make_and_unmake_admin(api):
    api.post("/users", json={"usernames": ["alice"]})
    token = api.new_token("alice")
    assert api.get("/users", token=token).status_code == 403
    assert api.patch("/users/alice", json={"admin": True}).json()["admin"] is True
    assert api.get("/users", token=token).status_code == 200
    assert api.patch("/users/alice", json={"admin": False}).json()["roles"] == ["user"]
    assert api.get("/users", token=token).status_code == 403


def test_delete_user_removes_the_user_and_their_tokens(api):
    api.post("/users", json={"usernames": ["alice"]})
    token = api.new_token("alice")
    assert api.delete("/users/alice").status_code == 204
    assert api.get("/users/alice").status_code == 404
    assert api.get("/user", token=token).status_code == 403
    assert api.delete("/users/alice").status_code == 404


def test_cannot_delete_yourself(api):
    r = api.delete("/users/admin")
    assert r.status_code == 400
    assert r.json()["message"] == "Cannot delete yourself!"


def test_pagination_envelope_and_next_url(api):
    api.post("/users", json={"usernames": [f"user{i}" for i in range(5)]})
    r = api.get("/users", params={"limit": 2, "foo": "bar"}, headers=PAGED)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/jupyterhub-pagination+json")
    body = r.json()
    assert names(body["items"]) == ["admin", "user0"]
    page = body["_pagination"]
    assert page["offset"] == 0 and page["limit"] == 2 and page["total"] == 6
    nxt = page["next"]
    assert nxt["offset"] == 2 and "foo=bar" in nxt["url"] and "offset=2" in nxt["url"]
    # the next URL can be followed verbatim until next is null
    seen = names(body["items"])
    url = nxt["url"]
    while url:
        r = api.client.get(url, headers={**PAGED, "Authorization": "token admin-secret-token"})
        seen += names(r.json()["items"])
        url = (r.json()["_pagination"]["next"] or {}).get("url")
    assert seen == ["admin"] + [f"user{i}" for i in range(5)]


def follow(api, url):
    """Every page of a listing, following next.url verbatim; yields each page's names."""
    while url:
        r = api.client.get(url, headers={**PAGED, "Authorization": "token admin-secret-token"})
        assert r.status_code == 200, r.text
        yield names(r.json()["items"])
        url = (r.json()["_pagination"]["next"] or {}).get("url")


@pytest.mark.parametrize("sort", ["id", "-id", "name", "-name", "last_activity", "-last_activity"])
def test_next_url_seeks_after_the_last_item_and_skips_no_one(api, sort):
    everyone = [f"user{i:02d}" for i in range(12)]
    api.post("/users", json={"usernames": everyone})
    for i, name in enumerate(everyone[:6]):  # half of them active, some at the same moment
        api.post(f"/users/{name}/activity", json={"last_activity": f"2026-11-0{1 + i % 3}T10:00:00Z"})
    full = names(api.get("/users", params={"sort": sort}).json())
    first = api.get("/users", params={"sort": sort, "limit": 5}, headers=PAGED).json()
    assert names(first["items"]) == full[:5]
    nxt = first["_pagination"]["next"]
    assert nxt["offset"] == 5 and "after=" in nxt["url"], "the next URL carries its position"

    # a user of the first page is deleted before the next page is read: with
    # offsets alone, the next page would start one user late and skip one
    gone = next(n for n in full[:5] if n != "admin")
    assert api.delete(f"/users/{gone}").status_code == 204
    rest = [n for page in follow(api, nxt["url"]) for n in page]
    assert rest == full[5:]


def test_an_after_that_names_no_one_falls_back_to_the_offset(api):
    api.post("/users", json={"usernames": [f"user{i}" for i in range(5)]})
    r = api.get("/users", params={"offset": 2, "limit": 2, "after": 999999}, headers=PAGED).json()
    assert names(r["items"]) == ["user1", "user2"]
    groups = [f"g{i}" for i in range(5)]
    api.post("/groups", json={"groups": groups})
    page = api.get("/groups", params={"limit": 2}, headers=PAGED).json()
    assert "after=" in page["_pagination"]["next"]["url"]
    assert [g["name"] for g in page["items"]] == ["g0", "g1"]
    api.delete("/groups/g0")
    seen = []
    url = page["_pagination"]["next"]["url"]
    while url:
        r = api.client.get(url, headers={**PAGED, "Authorization": "token admin-secret-token"}).json()
        seen += [g["name"] for g in r["items"]]
        url = (r["_pagination"]["next"] or {}).get("url")
    assert seen == ["g2", "g3", "g4"]


def test_every_page_tells_the_same_total(api):
    api.post("/users", json={"usernames": [f"user{i}" for i in range(9)]})
    api.post("/groups", json={"groups": [f"g{i}" for i in range(5)]})
    auth = {**PAGED, "Authorization": "token admin-secret-token"}
    for path, everyone in (("/users", 10), ("/groups", 5)):
        url = str(api.client.base_url) + f"/hub/api{path}?limit=3"
        totals = []
        while url:
            page = api.client.get(url, headers=auth).json()["_pagination"]
            totals.append(page["total"])
            url = (page["next"] or {}).get("url")
        assert totals == [everyone] * len(totals) and len(totals) == -(-everyone // 3)
        # a short first page, and a page past the end
        assert api.get(path, params={"limit": 50}, headers=PAGED).json()["_pagination"]["total"] == everyone
        beyond = api.get(path, params={"offset": 70}, headers=PAGED).json()
        assert beyond["items"] == [] and beyond["_pagination"]["total"] == everyone
    narrowed = api.get(
        "/users", params={"name_filter": "user", "limit": 4, "offset": 7}, headers=PAGED
    ).json()
    assert names(narrowed["items"]) == ["user7", "user8"] and narrowed["_pagination"]["total"] == 9


def test_pagination_defaults(api):
    api.post("/users", json={"usernames": [f"user{i}" for i in range(60)]})
    assert len(api.get("/users").json()) == 61  # no envelope asked: the maximum page
    body = api.get("/users", headers=PAGED).json()
    assert len(body["items"]) == 50 and body["_pagination"]["limit"] == 50
    capped = api.get("/users", params={"limit": 100000}, headers=PAGED).json()
    assert capped["_pagination"]["limit"] == 200


def test_name_filter_is_case_insensitive_substring(api):
    api.post("/users", json={"usernames": ["alice", "malic", "bob"]})
    assert names(api.get("/users", params={"name_filter": "ALI"}).json()) == ["alice", "malic"]
    assert api.get("/users", params={"name_filter": "%"}).json() == []


def test_sort_by_name_descending(api):
    api.post("/users", json={"usernames": ["bob", "alice", "carol"]})
    assert names(api.get("/users", params={"sort": "-name"}).json()) == ["carol", "bob", "alice", "admin"]


def test_state_filter_without_running_servers(api):
    api.post("/users", json={"usernames": ["alice"]})
    assert api.get("/users", params={"state": "active"}).json() == []
    assert api.get("/users", params={"state": "ready"}).json() == []
    assert names(api.get("/users", params={"state": "inactive"}).json()) == ["admin", "alice"]


def _ts(delta=timedelta(0)):
    return (datetime.now(UTC) + delta).isoformat().replace("+00:00", "Z")


def test_activity_moves_last_activity_forward_only(api):
    api.post("/users", json={"usernames": ["alice"]})
    early, late = _ts(timedelta(hours=-2)), _ts(timedelta(hours=-1))
    assert api.post("/users/alice/activity", json={"last_activity": late}).status_code == 200
    first = api.get("/users/alice").json()["last_activity"]
    assert first.startswith(late[:19])
    api.post("/users/alice/activity", json={"last_activity": early})
    assert api.get("/users/alice").json()["last_activity"] == first


def test_activity_for_the_default_server(api):
    api.post("/users", json={"usernames": ["alice"]})
    when = _ts(timedelta(minutes=-5))
    r = api.post("/users/alice/activity", json={"servers": {"": {"last_activity": when}}})
    assert r.status_code == 200
    user = api.get("/users/alice", params={"include_stopped_servers": "1"}).json()
    assert user["servers"][""]["last_activity"].startswith(when[:19])
    assert user["last_activity"].startswith(when[:19])


def test_activity_rejects_the_future_and_unknown_servers(api):
    api.post("/users", json={"usernames": ["alice"]})
    r = api.post("/users/alice/activity", json={"last_activity": _ts(timedelta(hours=2))})
    assert r.status_code == 400 and "future" in r.json()["message"]
    r = api.post("/users/alice/activity", json={"servers": {"gpu": {"last_activity": _ts()}}})
    assert r.status_code == 400 and r.json()["message"] == "No such server 'gpu' for user alice"
    r = api.post("/users/alice/activity", json={"last_activity": "not a time"})
    assert r.status_code == 400


def test_server_token_activity_with_users_activity_scope(api):
    api.post("/users", json={"usernames": ["alice"]})
    token = api.new_token("alice", scopes=["users:activity!user=alice"])
    r = api.post("/users/alice/activity", token=token, json={"last_activity": _ts()})
    assert r.status_code == 200
    api.post("/users", json={"usernames": ["bob"]})
    r = api.post("/users/bob/activity", token=token, json={"last_activity": _ts()})
    assert r.status_code == 404
