"""The audit log: GET /audit, what is recorded, and what never is."""

import re
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import create_engine, select, update

from hub.core import audit
from hub.db.models import AuditRecord
from hub.timeutil import isoformat, utcnow
from tests.conftest import ADMIN_TOKEN
from tests.test_login_oauth import CALLBACK, WEB_SECRET, authorize_url, log_in, with_web_service, xsrf_of
from tests.test_shares import sharing_users

PASSWORD = "correct-horse-battery-staple"
WRONG_PASSWORD = "not-the-right-one-at-all"
SERVICE_TOKEN = "service-token-given-in-a-body"
STANDIN = Path(__file__).parent / "helpers" / "standin_server.py"


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


# --- changes made from the browser pages -------------------------------------------


def page_record(record):
    """What a page's record says, with where it came from."""
    return (record["type"], record["actor"], record["method"], record["path"], record["outcome"])


def assert_no_secret_recorded(api, db_url, secrets):
    """Neither the API's answer nor the table's rows hold any of ``secrets``."""
    engine = create_engine(db_url)
    with engine.connect() as conn:
        rows = [tuple(row) for row in conn.execute(select(AuditRecord))]
    engine.dispose()
    text = repr(rows) + repr(records(api, limit=200))
    assert [s for s in secrets if s and s in text] == []


def test_tokens_made_and_revoked_on_the_token_page_are_recorded_next_to_the_apis(make_hub, db_url):
    def config(c):
        with_logins(c)
        c.JupyterHub.token_expires_in_max_seconds = 3600

    api = make_hub(config)
    api.post("/users", json={"usernames": ["alice", "bob"]})
    by_api = api.post("/users/alice/tokens", json={"note": "by the api"}).json()
    bobs = api.post("/users/bob/tokens", json={"note": "bob's"}).json()
    client = api.client
    assert log_in(client, "alice", password=PASSWORD).status_code == 302
    page = client.get("/hub/token")
    made = client.post("/hub/token", data={"_xsrf": xsrf_of(page.text), "note": "by the page"})
    assert made.status_code == 200
    value = re.search(r'<pre id="new-token">([0-9a-f]{32})</pre>', made.text).group(1)
    (listed,) = [t for t in api.get("/users/alice/tokens").json()["api_tokens"] if t["note"] == "by the page"]
    xsrf = xsrf_of(made.text)
    revoke = client.post(f"/hub/token/{listed['id']}/revoke", data={"_xsrf": xsrf}, follow_redirects=False)
    assert revoke.status_code == 302
    assert client.post("/hub/token", data={"_xsrf": "forged", "note": "x"}).status_code == 403
    forged = client.post(f"/hub/token/{by_api['id']}/revoke", data={"_xsrf": "forged"})
    assert forged.status_code == 403
    assert api.get(f"/users/alice/tokens/{by_api['id']}").status_code == 200, "nothing was revoked"
    assert client.post(f"/hub/token/{bobs['id']}/revoke", data={"_xsrf": xsrf}).status_code == 404
    too_long = client.post("/hub/token", data={"_xsrf": xsrf, "note": "too long", "expires_in": "7200"})
    assert too_long.status_code == 400
    assert [t["note"] for t in api.get("/users/alice/tokens").json()["api_tokens"]] == ["by the api"]

    found = [r for r in records(api, resource="user:alice", order="oldest") if r["type"] != "login"]
    revoke_path = f"/hub/token/{listed['id']}/revoke"
    assert [page_record(r) for r in found] == [
        ("post-user-tokens", "admin", "POST", "/hub/api/users/alice/tokens", 201),
        ("post-user-tokens", "alice", "POST", "/hub/token", 200),
        ("delete-user-token", "alice", "POST", revoke_path, 302),
        ("post-user-tokens", "alice", "POST", "/hub/token", 403),
        ("delete-user-token", "alice", "POST", f"/hub/token/{by_api['id']}/revoke", 403),
        ("delete-user-token", "alice", "POST", f"/hub/token/{bobs['id']}/revoke", 404),
        ("post-user-tokens", "alice", "POST", "/hub/token", 400),
    ]
    page_made = found[1]
    assert (page_made["actor_kind"], page_made["token_id"], page_made["address"]) == (
        "user",
        None,
        "testclient",
    )
    assert [r["resource"] for r in records(api, resource="user:bob")] == ["user:bob"], (
        "bob's token is untouched"
    )
    secrets = {value, by_api["token"], bobs["token"], PASSWORD, xsrf, *(c.value for c in client.cookies.jar)}
    assert_no_secret_recorded(api, db_url, secrets)


def with_servers(c):
    """Logins, and servers that start (the stand-in server; the hub listens for it)."""
    with_logins(c)
    c.Spawner.cmd = [sys.executable, str(STANDIN)]


def test_servers_started_and_stopped_from_the_pages_are_recorded_next_to_the_apis(make_live_hub, db_url):
    api = make_live_hub(with_servers)
    api.post("/users", json={"usernames": ["alice", "bob"]})
    assert api.post("/users/alice/server").status_code == 201
    assert api.delete("/users/alice/server").status_code == 204
    client = api.client
    assert log_in(client, "alice", password=PASSWORD).status_code == 302
    xsrf = xsrf_of(client.get("/hub/home").text)
    started = client.post("/hub/spawn/alice", data={"_xsrf": xsrf}, follow_redirects=False)
    assert started.status_code == 302
    assert api.get("/users/alice").json()["servers"][""]["ready"]
    stopped = client.post("/hub/stop/alice", data={"_xsrf": xsrf}, follow_redirects=False)
    assert stopped.status_code == 302
    assert client.post("/hub/spawn/alice", data={"_xsrf": "forged"}).status_code == 403
    # the restart link: a GET that starts the server, and then only opens it
    assert client.get("/hub/spawn/alice/gpu", follow_redirects=False).status_code == 302
    assert client.get("/hub/spawn/alice/gpu", follow_redirects=False).status_code == 302
    assert client.post("/hub/stop/alice/gpu", data={"_xsrf": "forged"}).status_code == 403
    assert api.get("/users/alice").json()["servers"]["gpu"]["ready"], "still running"
    assert client.post("/hub/stop/alice/gpu", data={"_xsrf": xsrf}, follow_redirects=False).status_code == 302
    assert client.post("/hub/spawn/bob", data={"_xsrf": xsrf}).status_code == 403
    assert client.get("/hub/spawn/bob/gpu").status_code == 403

    assert [page_record(r) for r in records(api, resource="server:alice/", order="oldest")] == [
        ("post-user-server", "admin", "POST", "/hub/api/users/alice/server", 201),
        ("delete-user-server", "admin", "DELETE", "/hub/api/users/alice/server", 204),
        ("post-user-server", "alice", "POST", "/hub/spawn/alice", 302),
        ("delete-user-server", "alice", "POST", "/hub/stop/alice", 302),
        ("post-user-server", "alice", "POST", "/hub/spawn/alice", 403),
    ]
    assert [page_record(r) for r in records(api, resource="server:alice/gpu", order="oldest")] == [
        ("post-user-server-name", "alice", "GET", "/hub/spawn/alice/gpu", 302),
        ("delete-user-server-name", "alice", "POST", "/hub/stop/alice/gpu", 403),
        ("delete-user-server-name", "alice", "POST", "/hub/stop/alice/gpu", 302),
    ]
    assert [page_record(r) for r in records(api, actor="alice", resource="server:bob/", order="oldest")] == [
        ("post-user-server", "alice", "POST", "/hub/spawn/bob", 403),
    ]
    assert [page_record(r) for r in records(api, resource="server:bob/gpu")] == [
        ("post-user-server-name", "alice", "GET", "/hub/spawn/bob/gpu", 403),
    ]
    assert_no_secret_recorded(api, db_url, {PASSWORD, xsrf, *(c.value for c in client.cookies.jar)})


def test_a_spawn_form_the_spawner_refuses_is_recorded_as_refused(make_hub, monkeypatch):
    api = make_hub(with_logins)

    async def options_form(user, server_name):
        return '<input name="size">'

    async def options_from_form(user, server_name, form):
        if form.get("size") != ["small"]:
            raise ValueError("only small servers")
        return {"size": "small"}

    # a spawner with an options form, as a plugin spawner has one
    monkeypatch.setattr(api.hub.spawner, "options_form", options_form)
    monkeypatch.setattr(api.hub.spawner, "options_from_form", options_from_form)
    client = api.client
    assert log_in(client, "alice", password=PASSWORD).status_code == 302
    form = client.get("/hub/spawn")
    assert form.status_code == 200 and 'name="size"' in form.text
    assert records(api, resource="server:alice/") == [], "showing the form changes nothing"
    xsrf = xsrf_of(form.text)
    refused = client.post("/hub/spawn/alice", data={"_xsrf": xsrf, "size": "huge"})
    assert refused.status_code == 400 and "only small servers" in refused.text
    assert client.post("/hub/spawn/alice", data={"_xsrf": "forged", "size": "small"}).status_code == 403
    assert api.get("/users/alice").json()["servers"] == {}, "nothing started"
    assert [page_record(r) for r in records(api, resource="server:alice/", order="oldest")] == [
        ("post-user-server", "alice", "POST", "/hub/spawn/alice", 400),
        ("post-user-server", "alice", "POST", "/hub/spawn/alice", 403),
    ]


def test_a_share_accepted_on_its_page_is_recorded_with_its_server_never_its_code(make_hub, db_url):
    def config(c):
        with_logins(c)
        sharing_users(c)

    api = make_hub(config)
    api.post("/users", json={"usernames": ["alice", "bob"]})
    assert api.put("/users/alice/servers/gpu").status_code == 201
    alice = api.new_token("alice")
    issued = api.post("/share-codes/alice/gpu", json={}, token=alice).json()
    client = api.client
    assert log_in(client, "bob", password=PASSWORD).status_code == 302
    page = client.get(issued["accept_url"])
    assert page.status_code == 200
    xsrf = xsrf_of(page.text)
    forged = client.post("/hub/accept-share", data={"code": issued["code"], "_xsrf": "forged"})
    assert forged.status_code == 403
    wrong = client.post("/hub/accept-share", data={"code": issued["code"] + "x", "_xsrf": xsrf})
    assert wrong.status_code == 400
    assert api.get("/users/bob/shared").json()["items"] == [], "no share yet"
    accepted = client.post(
        "/hub/accept-share", data={"code": issued["code"], "_xsrf": xsrf}, follow_redirects=False
    )
    assert accepted.status_code == 302
    assert [s["server"]["name"] for s in api.get("/users/bob/shared").json()["items"]] == ["gpu"]

    assert [page_record(r) for r in records(api, resource="server:alice/gpu", order="oldest")] == [
        ("put-user-server-name", "admin", "PUT", "/hub/api/users/alice/servers/gpu", 201),
        ("post-share-code", "alice", "POST", "/hub/api/share-codes/alice/gpu", 200),
        (audit.ACCEPT_SHARE, "bob", "POST", "/hub/accept-share", 302),
    ]
    # a refused code names no server: which one it was is not known
    assert [(r["resource"], r["outcome"]) for r in records(api, type=audit.ACCEPT_SHARE, order="oldest")] == [
        (None, 403),
        (None, 400),
        ("server:alice/gpu", 302),
    ]
    secrets = {issued["code"], issued["accept_url"], alice, xsrf, *(c.value for c in client.cookies.jar)}
    assert_no_secret_recorded(api, db_url, secrets)


def test_an_oauth_confirmation_is_recorded_as_the_browsers_user(make_hub, db_url):
    api = make_hub(with_web_service(no_confirm=False))
    client = api.client
    log_in(client, "alice")
    path, params = authorize_url()
    page = client.get(path, params=params)
    assert page.status_code == 200
    assert records(api, type="get-oauth-authorize") == [], "showing the confirmation grants nothing"
    form = {"_xsrf": xsrf_of(page.text), "scopes": ["read:users:name!user"]}
    granted = client.post(path, params=params, data=form, follow_redirects=False)
    assert granted.status_code == 302
    code = parse_qs(urlsplit(granted.headers["location"]).query)["code"][0]
    forged = client.post(path, params=params, data={"_xsrf": "forged"}, follow_redirects=False)
    assert forged.status_code == 403

    found = records(api, resource="user:alice", type="post-oauth-authorize", order="oldest")
    assert [page_record(r) for r in found] == [
        ("post-oauth-authorize", "alice", "POST", "/hub/api/oauth2/authorize", 302),
        ("post-oauth-authorize", "alice", "POST", "/hub/api/oauth2/authorize", 403),
    ]
    assert {(r["actor_kind"], r["token_id"]) for r in found} == {("user", None)}
    exchange = {
        "client_id": "service-web",
        "client_secret": WEB_SECRET,
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": CALLBACK,
    }
    token = client.post("/hub/api/oauth2/token", data=exchange).json()["access_token"]
    secrets = {code, token, WEB_SECRET, form["_xsrf"], *(c.value for c in client.cookies.jar)}
    assert_no_secret_recorded(api, db_url, secrets)


def test_a_code_issued_without_confirmation_is_recorded(make_hub, db_url):
    api = make_hub(with_web_service(no_confirm=True))
    client = api.client
    log_in(client, "alice")
    path, params = authorize_url()
    r = client.get(path, params=params, follow_redirects=False)
    assert r.status_code == 302
    code = parse_qs(urlsplit(r.headers["location"]).query)["code"][0]
    assert [page_record(r) for r in records(api, resource="user:alice", type="get-oauth-authorize")] == [
        ("get-oauth-authorize", "alice", "GET", "/hub/api/oauth2/authorize", 302),
    ]
    assert_no_secret_recorded(api, db_url, {code, WEB_SECRET, *(c.value for c in client.cookies.jar)})
