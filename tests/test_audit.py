"""The audit log: GET /audit, what is recorded, and what never is."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from hub.core import audit
from hub.db.models import AuditRecord
from hub.timeutil import isoformat, utcnow
from tests.conftest import ADMIN_TOKEN
from tests.test_login_oauth import log_in

PASSWORD = "correct-horse-battery-staple"
WRONG_PASSWORD = "not-the-right-one-at-all"
SERVICE_TOKEN = "service-token-given-in-a-body"


def with_logins(c):
    c.JupyterHub.authenticator_class = "dummy"
    c.DummyAuthenticator.password = PASSWORD
    c.JupyterHub.allow_named_servers = True


def records(api, **params):
    r = api.get("/audit", params=params)
    assert r.status_code == 200, r.text
    return r.json()["items"]


def summary(record):
    return (record["type"], record["actor"], record["resource"], record["outcome"])


def admin_token_id(api):
    return api.get("/user").json()["token_id"]


def test_a_sequence_of_changes_logins_and_refusals_is_recorded_in_order(make_hub):
    api = make_hub(with_logins)
    assert api.post("/users/alice").status_code == 201
    assert api.patch("/users/alice", json={"name": "alicia"}).status_code == 200
    assert api.post("/groups/staff").status_code == 201
    assert api.post("/groups/staff/users", json={"users": ["alicia"]}).status_code == 200
    token = api.post("/users/alicia/tokens", json={"note": "for a script"}).json()
    assert api.delete(f"/users/alicia/tokens/{token['id']}").status_code == 204
    assert api.post("/groups/staff/users", json={"users": ["ghost"]}).status_code == 400
    assert api.delete("/users/nobody").status_code == 404
    assert api.post("/users/alicia").status_code == 409
    assert api.get("/users/alicia").status_code == 200, "reads are not recorded"
    client = api.client
    assert log_in(client, "bob", password=WRONG_PASSWORD).status_code == 403
    assert log_in(client, "bob", password=PASSWORD).status_code == 302
    assert client.get("/hub/logout", follow_redirects=False).status_code == 302
    assert api.delete("/users/alicia").status_code == 204  # a coroutine operation

    found = records(api, order="oldest")
    assert [summary(r) for r in found] == [
        ("post-user", "admin", "user:alice", 201),
        ("patch-user", "admin", "user:alice", 200),
        ("post-group", "admin", "group:staff", 201),
        ("post-group-users", "admin", "group:staff", 200),
        ("post-user-tokens", "admin", "user:alicia", 201),
        ("delete-user-token", "admin", "user:alicia", 204),
        ("post-group-users", "admin", "group:staff", 400),
        ("delete-user", "admin", "user:nobody", 404),
        ("post-user", "admin", "user:alicia", 409),
        (audit.LOGIN_FAILED, None, "user:bob", 403),
        (audit.LOGIN, "bob", "user:bob", 302),
        (audit.LOGOUT, "bob", "user:bob", 302),
        ("delete-user", "admin", "user:alicia", 204),
    ]
    first = found[0]
    assert first == {
        "id": first["id"],
        "at": first["at"],
        "actor_kind": "user",
        "actor": "admin",
        "token_id": admin_token_id(api),
        "type": "post-user",
        "method": "POST",
        "path": "/hub/api/users/alice",
        "resource": "user:alice",
        "address": "testclient",
        "outcome": 201,
    }
    assert [r["id"] for r in found] == sorted(r["id"] for r in found)
    failed, login, logout = found[9:12]
    assert (failed["actor_kind"], failed["method"], failed["path"]) == ("none", "POST", "/hub/login")
    assert (login["actor_kind"], login["token_id"], login["address"]) == ("user", None, "testclient")
    assert (logout["method"], logout["path"], logout["token_id"]) == ("GET", "/hub/logout", None)
    # newest first unless asked otherwise
    assert [r["id"] for r in records(api)] == [r["id"] for r in reversed(found)]


def test_each_filter_narrows_the_log(make_hub):
    api = make_hub(with_logins)
    api.post("/users", json={"usernames": ["alice", "bob"]})
    alice = api.new_token("alice")
    api.post("/users/alice/activity", token=alice, json={"last_activity": isoformat(utcnow())})  # routine
    api.post("/users/alice/tokens", token=alice, json={})
    api.post("/groups/staff", json={"users": ["bob"]})
    assert api.post("/users/carol", token=alice).status_code == 403
    assert api.post("/users/dave", token="no-such-token").status_code == 403

    assert {r["type"] for r in records(api, actor="alice")} == {"post-user-tokens", "post-user"}
    assert all(r["actor"] == "alice" for r in records(api, actor="alice"))
    assert [summary(r) for r in records(api, actor_kind="none")] == [("post-user", None, "user:dave", 403)]
    assert [summary(r) for r in records(api, resource="group:staff")] == [
        ("post-group", "admin", "group:staff", 201)
    ]
    assert [r["resource"] for r in records(api, type="post-users")] == [None]
    assert [r["resource"] for r in records(api, type="post-user", actor_kind="user")] == ["user:carol"]
    assert records(api, actor="nobody-at-all") == []

    everything = records(api, order="oldest")
    middle = everything[2]["at"]
    assert records(api, since=middle, order="oldest")[0]["at"] >= middle
    assert all(r["at"] < middle for r in records(api, until=middle))
    later = isoformat(utcnow() + timedelta(hours=1))
    assert records(api, since=later) == []
    assert len(records(api, until=later)) == len(everything)
    # a time with its own offset is read as such
    assert len(records(api, until=(utcnow() + timedelta(hours=1)).isoformat() + "+00:00")) == len(everything)


def test_pages_follow_one_another_with_next_url(make_hub):
    api = make_hub()
    names = [f"user{i}" for i in range(7)]
    for name in names:
        api.post(f"/users/{name}")
    page = api.get("/audit", params={"limit": 3}).json()
    assert page["_pagination"]["total"] == 7 and page["_pagination"]["limit"] == 3
    seen = [r["resource"] for r in page["items"]]
    while page["_pagination"]["next"] is not None:
        # a record made meanwhile does not shift the pages being read (they seek by id)
        api.post(f"/users/later{len(seen)}")
        url = page["_pagination"]["next"]["url"]
        page = api.client.get(url, headers={"Authorization": f"token {ADMIN_TOKEN}"}).json()
        seen += [r["resource"] for r in page["items"]]
    assert seen == [f"user:{name}" for name in reversed(names)]
    oldest = api.get("/audit", params={"limit": 2, "offset": 1, "order": "oldest"}).json()
    assert [r["resource"] for r in oldest["items"]] == ["user:user1", "user:user2"]
    assert oldest["_pagination"]["next"]["offset"] == 3


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"since": "2026-02-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"},
            "since (2026-02-01T00:00:00Z) is later than until (2026-01-01T00:00:00Z): no record can match",
        ),
        ({"since": "2026-02-01T00:00:00+05:00", "until": "2026-01-31T20:00:00Z"}, None),
    ],
)
def test_an_impossible_time_range_is_400(api, params, message):
    r = api.get("/audit", params=params)
    if message is None:
        assert r.status_code == 200, "the same instant, written two ways: an empty range"
        return
    assert r.status_code == 400
    assert r.json() == {"status": 400, "message": message}


def test_a_time_that_is_no_time_is_400(api):
    r = api.get("/audit", params={"since": "not-a-time"})
    assert r.status_code == 400


def test_only_holders_of_read_audit_read_the_log(make_hub):
    def config(c):
        c.JupyterHub.load_roles = [{"name": "auditor", "scopes": ["read:audit"], "users": ["eve"]}]

    api = make_hub(config)
    api.post("/users", json={"usernames": ["alice", "eve"]})
    r = api.get("/audit", token=api.new_token("alice"))
    assert r.status_code == 403
    assert "read:audit" in r.json()["message"]
    assert api.get("/audit", token=api.new_token("eve")).status_code == 200
    assert "read:audit" in api.get("/roles/admin").json()["scopes"]


def test_the_log_cannot_be_changed_over_the_api(api):
    api.post("/users/alice")
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        assert api(method, "/audit").status_code == 405
    assert len(records(api)) == 1


def test_a_refused_change_leaves_its_record_and_nothing_else(make_hub):
    api = make_hub()
    api.post("/users/alice")
    alice = api.new_token("alice")
    r = api.post("/groups", json={"groups": ["staff"], "users": ["alice", "ghost"]})
    assert r.status_code == 400
    assert api.get("/groups/staff").status_code == 404, "the transaction was rolled back"
    assert api.delete("/users/admin", token=alice).status_code == 403
    assert api.get("/users/admin").status_code == 200
    newest = records(api)
    assert [summary(r) for r in newest[:2]] == [
        ("delete-user", "alice", "user:admin", 403),
        ("post-groups", "admin", None, 400),
    ]
    assert newest[0]["token_id"] is not None
    # a body the spec refuses never reaches the hub: nothing to record
    assert api.post("/groups", json={"groups": "staff"}).status_code == 400
    assert records(api)[0]["id"] == newest[0]["id"]


def test_refusals_without_a_known_requester_are_recorded_up_to_a_bound(make_hub, monkeypatch):
    monkeypatch.setattr(audit, "REFUSALS_PER_MINUTE", 3)
    api = make_hub(with_logins)
    for i in range(3):
        assert api.post(f"/users/u{i}", token=f"unknown-token-{i}").status_code == 403
    for i in range(2):
        assert log_in(api.client, f"guess{i}", password=WRONG_PASSWORD).status_code == 403
    assert api.post("/users/x", token=None).status_code == 403  # no credential: refused before the hub
    refused = records(api, actor_kind="none")
    assert [summary(r) for r in refused] == [("post-user", None, f"user:u{i}", 403) for i in (2, 1, 0)]
    # an identified requester's refusals are always recorded
    api.post("/users/alice")
    alice = api.new_token("alice")
    for _ in range(4):
        assert api.post("/users/y", token=alice).status_code == 403
    assert len(records(api, actor="alice")) == 4


def test_no_secret_ever_reaches_the_log(make_hub):
    def config(c):
        with_logins(c)
        c.JupyterHub.allow_token_in_url = True

    api = make_hub(config)
    api.post("/users", json={"usernames": ["alice", "bob"]})
    secrets = {PASSWORD, WRONG_PASSWORD, SERVICE_TOKEN, ADMIN_TOKEN}
    issued = api.post("/users/alice/tokens", json={"note": "issued"}).json()
    secrets.add(issued["token"])
    bob = api.new_token("bob")
    secrets.add(bob)
    # a token in the URL reaches neither the path nor anything else
    r = api.client.post(f"/hub/api/users/bob/tokens?token={bob}", json={})
    assert r.status_code == 201
    secrets.add(r.json()["token"])
    assert api.put("/users/alice/servers/gpu").status_code in (200, 201)
    code = api.post("/share-codes/alice/gpu").json()
    secrets.add(code["code"])
    assert api.post("/services/svc", json={"api_token": SERVICE_TOKEN}).status_code == 201
    role = {"name": "secretive", "description": "a role whose body names " + SERVICE_TOKEN}
    assert api.post("/roles", json=role).status_code == 201
    assert log_in(api.client, "alice", password=WRONG_PASSWORD).status_code == 403
    assert log_in(api.client, "alice", password=PASSWORD).status_code == 302
    secrets |= {c.value for c in api.client.cookies.jar}
    api.client.get("/hub/logout")
    assert api.post("/users/carol", token=bob + "-tampered").status_code == 403
    secrets.add(bob + "-tampered")

    found = records(api)
    assert {r["type"] for r in found} >= {"post-share-code", "post-service", "post-roles", "login", "logout"}
    assert any(r["path"] == "/hub/api/users/bob/tokens" for r in found)
    hub = api.hub
    with hub.db.engine.connect() as conn:
        rows = [tuple(row) for row in conn.execute(select(AuditRecord))]
    assert len(rows) == len(found)
    text = repr(rows) + repr(found)
    leaked = [s for s in secrets if s and s in text]
    assert leaked == []


def test_records_older_than_the_retention_are_purged(make_hub):
    api = make_hub(lambda c: setattr(c.JupyterHub, "audit_retention_days", 30))
    api.post("/users/old")
    api.post("/users/new")
    hub = api.hub
    with hub.db.engine.begin() as conn:
        conn.execute(
            update(AuditRecord)
            .where(AuditRecord.resource == "user:old")
            .values(at=utcnow() - timedelta(days=31))
        )
    hub.purge_expired()
    assert [r["resource"] for r in records(api)] == ["user:new"]


def test_a_retention_of_zero_keeps_every_record(make_hub):
    api = make_hub(lambda c: setattr(c.JupyterHub, "audit_retention_days", 0))
    api.post("/users/ancient")
    with api.hub.db.engine.begin() as conn:
        conn.execute(update(AuditRecord).values(at=utcnow() - timedelta(days=3650)))
    api.hub.purge_expired()
    assert len(records(api)) == 1
