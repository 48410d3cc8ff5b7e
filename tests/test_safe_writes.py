"""Safe writes and retries: ETags, If-None-Match, If-Match and Idempotency-Key."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import pytest
import yaml
from sqlalchemy import select

from hub.app import SPEC_PATH
from hub.core import login_sessions
from hub.db.models import User

SPEC = yaml.safe_load(SPEC_PATH.read_text())


def key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


def populated(api: Any) -> None:
    """A user with a token, a named server and a share; a group; a role; a service."""
    assert api.post("/users", json={"usernames": ["alice", "bob"]}).status_code == 201
    assert api.post("/groups/staff", json={"users": ["alice"]}).status_code == 201
    assert api.post("/roles", json={"name": "viewer", "scopes": ["list:users"]}).status_code == 201
    assert api.put("/users/alice/servers/gpu", json={}).status_code == 201
    r = api.post("/shares/alice/gpu", json={"user": "bob", "scopes": ["access:servers"]})
    assert r.status_code == 200, r.text
    r = api.post("/shares/alice/gpu", json={"group": "staff", "scopes": ["access:servers"]})
    assert r.status_code == 200, r.text
    assert api.post("/webhooks", json={"url": "http://127.0.0.1:9/hook", "events": ["*"]}).status_code == 201
    with api.hub.db.session() as s:
        user_id = s.execute(select(User.id).where(User.name == "alice")).scalar_one()
        login_sessions.start(s, user_id, "a browser", "127.0.0.1")


def single_gets(api: Any) -> dict[str, str]:
    token_id = api.get("/users/alice/tokens").json()["api_tokens"][0]["id"]
    session_id = api.get("/users/alice/sessions").json()["items"][0]["id"]
    return {
        "get-current-user": "/user",
        "get-user": "/users/alice",
        "get-user-server": "/users/alice/server",
        "get-user-server-name": "/users/alice/servers/gpu",
        "get-user-token": f"/users/alice/tokens/{token_id}",
        "get-user-shared-server": "/users/bob/shared/alice/gpu",
        "get-group": "/groups/staff",
        "get-group-shared-server": "/groups/staff/shared/alice/gpu",
        "get-service": "/services/culler",
        "get-role": "/roles/viewer",
        "get-webhook": f"/webhooks/{api.get('/webhooks').json()['items'][0]['id']}",
        "get-user-session": f"/users/alice/sessions/{session_id}",
    }


def configure(c: Any) -> None:
    c.JupyterHub.allow_named_servers = True
    c.JupyterHub.services = [{"name": "culler", "api_token": "culler-token-1234"}]


def test_every_single_resource_get_sends_an_etag_and_answers_304(make_hub):
    api = make_hub(configure)
    populated(api)
    api.new_token("alice")
    paths = single_gets(api)
    declared = {
        op["operationId"]
        for item in SPEC["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "operationId" in op and "304" in op["responses"]
    }
    assert declared == set(paths)
    for operation, path in paths.items():
        r = api.get(path)
        assert r.status_code == 200, (operation, r.text)
        tag = r.headers["ETag"]
        assert tag.startswith('"') and tag.endswith('"') and len(tag) == 34, operation
        again = api.get(path, headers={"If-None-Match": tag})
        assert again.status_code == 304, operation
        assert again.headers["ETag"] == tag and again.content == b""
        # weak comparison, lists and *
        assert api.get(path, headers={"If-None-Match": f'"nope", W/{tag}'}).status_code == 304
        assert api.get(path, headers={"If-None-Match": "*"}).status_code == 304
        assert api.get(path, headers={"If-None-Match": '"nope"'}).status_code == 200


def test_the_etag_changes_with_what_the_model_shows(make_hub):
    api = make_hub()
    api.post("/users/alice")
    first = api.get("/users/alice").headers["ETag"]
    assert api.get("/users/alice").headers["ETag"] == first, "stable while nothing changes"
    assert api.patch("/users/alice", json={"admin": True}).status_code == 200
    second = api.get("/users/alice").headers["ETag"]
    assert second != first
    assert api.get("/users/alice", headers={"If-None-Match": first}).status_code == 200
    # a change elsewhere that the model shows (a group membership) changes it too
    api.post("/groups/staff", json={"users": ["alice"]})
    assert api.get("/users/alice").headers["ETag"] != second
    # another requester shown fewer fields sees another tag
    bob_sees = api.new_token("alice", scopes=["read:users:name!user=alice"])
    assert api.get("/users/alice", token=bob_sees).headers["ETag"] != api.get("/users/alice").headers["ETag"]


def test_if_match_applies_a_change_only_to_the_version_named(make_hub):
    api = make_hub()
    api.post("/users/alice")
    stale = api.get("/users/alice").headers["ETag"]
    assert api.patch("/users/alice", json={"admin": True}).status_code == 200
    current = api.get("/users/alice").headers["ETag"]

    r = api.patch("/users/alice", json={"admin": False}, headers={"If-Match": stale})
    assert r.status_code == 412
    assert r.json() == {
        "status": 412,
        "message": f"The resource has changed: its ETag is now {current}, not one If-Match names",
    }
    assert r.headers["ETag"] == current
    assert api.get("/users/alice").json()["admin"] is True, "nothing changed"

    # a weak tag never matches strongly
    assert (
        api.patch("/users/alice", json={"admin": False}, headers={"If-Match": f"W/{current}"}).status_code
        == 412
    )
    r = api.patch("/users/alice", json={"admin": False}, headers={"If-Match": f"{stale}, {current}"})
    assert r.status_code == 200 and r.json()["admin"] is False
    assert api.patch("/users/alice", json={"admin": True}, headers={"If-Match": "*"}).status_code == 200
    # an unknown resource is still 404, whatever the condition
    assert api.patch("/users/nobody", json={"admin": True}, headers={"If-Match": "*"}).status_code == 404


@pytest.mark.parametrize(
    ("method", "path", "body", "get"),
    [
        ("PATCH", "/roles/viewer", {"description": "x"}, "/roles/viewer"),
        ("DELETE", "/roles/viewer", None, "/roles/viewer"),
        ("DELETE", "/groups/staff", None, "/groups/staff"),
        ("PUT", "/groups/staff/properties", {"a": 1}, "/groups/staff"),
        ("POST", "/groups/staff/users", {"users": ["bob"]}, "/groups/staff"),
        ("DELETE", "/groups/staff/users", {"users": ["alice"]}, "/groups/staff"),
        ("PATCH", "/users/alice/servers/gpu", {"display_name": "GPU"}, "/users/alice/servers/gpu"),
        ("DELETE", "/users/bob/shared/alice/gpu", None, "/users/bob/shared/alice/gpu"),
        ("DELETE", "/groups/staff/shared/alice/gpu", None, "/groups/staff/shared/alice/gpu"),
        ("DELETE", "/users/bob", None, "/users/bob"),
    ],
)
def test_if_match_guards_each_kind_of_change(make_hub, method, path, body, get):
    api = make_hub(configure)
    populated(api)
    kwargs = {"json": body} if body is not None else {}
    r = api(method, path, headers={"If-Match": '"0123456789abcdef0123456789abcdef"'}, **kwargs)
    assert r.status_code == 412, r.text
    assert api.get(get).headers["ETag"] == r.headers["ETag"], "nothing changed"
    r = api(method, path, headers={"If-Match": api.get(get).headers["ETag"]}, **kwargs)
    assert r.status_code in (200, 204), r.text


def test_if_match_on_a_token(make_hub):
    api = make_hub()
    api.post("/users/alice")
    api.new_token("alice")
    token_id = api.get("/users/alice/tokens").json()["api_tokens"][0]["id"]
    path = f"/users/alice/tokens/{token_id}"
    assert api.delete(path, headers={"If-Match": '"stale"'}).status_code == 412
    assert api.delete(path, headers={"If-Match": api.get(path).headers["ETag"]}).status_code == 204


@pytest.mark.parametrize("header", ["If-Match", "If-None-Match"])
@pytest.mark.parametrize("value", ["abc", '"a"b', "W/abc", '"a", b', '"a" "b"', "**"])
def test_a_malformed_entity_tag_is_400(make_module_hub, header, value):
    api = make_module_hub()
    method = "PATCH" if header == "If-Match" else "GET"
    r = api(method, "/users/admin", json={} if method == "PATCH" else None, headers={header: value})
    assert r.status_code == 400
    assert r.json()["message"] == (
        f'{header} must be * or a comma-separated list of entity tags, each "..." or W/"..."'
    )


# --- Idempotency-Key -------------------------------------------------------------------

CREATES = [
    ("POST", "/users", {"usernames": ["carol", "dave"]}, {"usernames": ["carol"]}),
    ("POST", "/users/erin", {"admin": False}, {"admin": True}),
    ("POST", "/groups", {"groups": ["g1", "g2"]}, {"groups": ["g1"]}),
    ("POST", "/groups/g3", {"users": []}, {"users": ["bob"]}),
    ("POST", "/roles", {"name": "lister", "scopes": ["list:users"]}, {"name": "lister", "scopes": []}),
    ("POST", "/users/admin/tokens", {"note": "retried"}, {"note": "other"}),
    ("POST", "/shares/alice/gpu", {"user": "bob", "scopes": ["access:servers"]}, {"user": "bob"}),
    ("POST", "/share-codes/alice/gpu", {"expires_in": 3600}, {"expires_in": 60}),
    ("PUT", "/users/alice/servers/cpu", {}, {"user_options": {"a": 1}}),
]


def counts(api: Any) -> dict[str, int]:
    return {
        "users": len(api.get("/users").json()),
        "groups": len(api.get("/groups").json()),
        "roles": api.get("/roles").json()["_pagination"]["total"],
        "tokens": len(api.get("/users/admin/tokens").json()["api_tokens"]),
        "codes": api.get("/share-codes/alice/gpu").json()["_pagination"]["total"],
    }


def crypt_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUPYTERHUB_CRYPT_KEY", "00" * 32)


@pytest.mark.parametrize(("method", "path", "body", "other"), CREATES, ids=[c[1] for c in CREATES])
def test_a_retried_create_returns_the_first_answer_and_acts_once(
    make_hub, monkeypatch, method, path, body, other
):
    crypt_key(monkeypatch)
    api = make_hub(configure)
    populated(api)
    headers = key()
    first = api(method, path, json=body, headers=headers)
    assert 200 <= first.status_code < 300, first.text
    before = counts(api)
    retry = api(method, path, json=body, headers=headers)
    assert (retry.status_code, retry.json()) == (first.status_code, first.json())
    assert counts(api) == before, "not done again"

    again = api(method, path, json=other, headers=headers)
    assert again.status_code == 422, again.text
    assert again.json()["message"] == (
        "This Idempotency-Key was first sent with another request (operation, path or body); "
        "send a new key for a new request"
    )
    # the same key on another path is another request too
    assert api.post("/users/zed", headers=headers).status_code == 422
    assert counts(api) == before


def test_the_same_key_from_two_requesters_are_two_keys(make_hub):
    api = make_hub()
    api.post("/users", json={"usernames": ["alice", "bob"]})
    alice = api.new_token("alice")
    bob = api.new_token("bob")
    headers = {"Idempotency-Key": "same"}
    a = api.post("/users/alice/tokens", json={}, headers=headers, token=alice)
    b = api.post("/users/bob/tokens", json={}, headers=headers, token=bob)
    assert a.status_code == b.status_code == 201
    assert a.json()["token"] != b.json()["token"]


def test_a_failed_create_is_not_recorded(make_hub):
    api = make_hub()
    headers = key()
    assert api.post("/groups/staff", json={"users": ["nobody"]}, headers=headers).status_code == 400
    api.post("/users/nobody")
    # the state was fixed: the same request with the same key now acts
    r = api.post("/groups/staff", json={"users": ["nobody"]}, headers=headers)
    assert r.status_code == 201 and r.json()["users"] == ["nobody"]


def test_a_key_over_255_characters_or_not_printable_ascii_is_400(make_module_hub):
    api = make_module_hub()
    for bad in [b"k" * 256, "caf\u00e9".encode(), b"a\tb"]:
        r = api.post("/users/zed", headers={"Idempotency-Key": bad})
        assert r.status_code == 400
        assert r.json()["message"] == "Idempotency-Key must be 1 to 255 printable ASCII characters"
    assert api.get("/users/zed").status_code == 404


def test_a_secret_answer_is_kept_only_encrypted(make_hub, monkeypatch):
    monkeypatch.delenv("JUPYTERHUB_CRYPT_KEY", raising=False)
    api = make_hub()
    headers = key()
    first = api.post("/users/admin/tokens", json={}, headers=headers)
    assert first.status_code == 201
    made = len(api.get("/users/admin/tokens").json()["api_tokens"])
    # without JUPYTERHUB_CRYPT_KEY, the answer is kept encrypted with a key
    # derived from the cookie secret: the retry gets the same token back
    retry = api.post("/users/admin/tokens", json={}, headers=headers)
    assert (retry.status_code, retry.json()) == (201, first.json())
    assert len(api.get("/users/admin/tokens").json()["api_tokens"]) == made, "not done again"
    assert first.json()["token"].encode() not in stored_bodies(api)
    # an answer without a secret is kept as it is
    headers = key()
    first = api.post("/users/alice", headers=headers)
    assert api.post("/users/alice", headers=headers).json() == first.json()

    # with a key set, the token's value is stored encrypted: it is nowhere in the database
    crypt_key(monkeypatch)
    api = make_hub()
    headers = key()
    value = api.post("/users/admin/tokens", json={}, headers=headers).json()["token"]
    assert api.post("/users/admin/tokens", json={}, headers=headers).json()["token"] == value
    assert value.encode() not in stored_bodies(api)


def stored_bodies(api: Any) -> bytes:
    from sqlalchemy import select

    from hub.db.models import IdempotencyKey

    with api.hub.db.session(write=False) as session:
        return b"".join(b or b"" for b in session.execute(select(IdempotencyKey.body)).scalars())


def test_a_retry_after_a_restart_gets_the_first_answer(make_hub, monkeypatch):
    crypt_key(monkeypatch)
    api = make_hub()
    headers = key()
    first = api.post("/users/admin/tokens", json={"note": "once"}, headers=headers)
    assert first.status_code == 201
    made = len(api.get("/users/admin/tokens").json()["api_tokens"])
    again = make_hub()  # another hub on the same database
    retry = again.post("/users/admin/tokens", json={"note": "once"}, headers=headers)
    assert (retry.status_code, retry.json()) == (201, first.json())
    assert len(again.get("/users/admin/tokens").json()["api_tokens"]) == made


def test_a_record_older_than_a_day_counts_for_nothing(make_hub):
    from datetime import timedelta

    from sqlalchemy import update

    from hub.db.models import IdempotencyKey
    from hub.timeutil import utcnow

    api = make_hub()
    headers = key()
    api.post("/users/alice", headers=headers)
    api.delete("/users/alice")
    with api.hub.db.session() as session:
        session.execute(update(IdempotencyKey).values(created=utcnow() - timedelta(hours=25)))
    assert api.post("/users/alice", headers=headers).status_code == 201, "acted afresh"
    with api.hub.db.session() as session:
        session.execute(update(IdempotencyKey).values(created=utcnow() - timedelta(hours=25)))
    api.hub.purge_expired()
    assert stored_bodies(api) == b""


def test_two_processes_sent_one_key_at_once_create_once(hub_process, proxy, monkeypatch):
    """Requests at once with one key, to two hub processes on one database: one
    acts, the others get its answer (on PostgreSQL the losers meet the unique
    constraint and run again; on SQLite write transactions take turns)."""
    crypt_key(monkeypatch)  # inherited by the processes
    first = hub_process(
        "c.ConfigurableHTTPProxy.should_start = False\n"
        f"c.ConfigurableHTTPProxy.api_url = {proxy.api_url!r}\n"
        f"c.ConfigurableHTTPProxy.auth_token = {proxy.token!r}\n"
    )
    second = first.sibling()
    for process in (first, second):
        process.start()
    headers = key()
    answers: list[Any] = []
    ready = threading.Barrier(8)

    def send(process: Any) -> None:
        ready.wait()
        r = process.api.post("/users/admin/tokens", json={"note": "race"}, headers=headers)
        answers.append((r.status_code, r.json()))

    threads = [threading.Thread(target=send, args=(p,)) for p in [first, second] * 4]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    try:
        assert len(answers) == 8
        assert all(a == answers[0] for a in answers), answers
        assert answers[0][0] == 201
        notes = [t["note"] for t in first.api.get("/users/admin/tokens").json()["api_tokens"]]
        assert notes.count("race") == 1
    finally:
        second.stop()


def test_a_server_start_is_claimed_while_it_runs(make_hub):
    """A coroutine handler: the key is claimed in its first transaction and
    answered when the start returns (tests/test_servers.py starts real servers;
    here the start fails fast, and a failed start gives the key up)."""

    def config(c: Any) -> None:
        c.Spawner.cmd = ["false"]

    api = make_hub(config)
    headers = key()
    r = api.post("/users/admin/server", headers=headers)
    assert r.status_code >= 400
    assert stored_bodies(api) == b""


def test_a_coroutine_create_is_claimed_then_answered(make_hub, monkeypatch):
    """A service is made by a coroutine handler: the key is claimed in the
    request's first transaction and answered once the handler returns."""
    crypt_key(monkeypatch)
    api = make_hub()
    headers = key()
    first = api.post("/services/bot", json={"display": False}, headers=headers)
    assert first.status_code == 201 and "api_token" in first.json()
    retry = api.post("/services/bot", json={"display": False}, headers=headers)
    assert (retry.status_code, retry.json()) == (201, first.json())
    assert api.post("/services/bot", json={"display": True}, headers=headers).status_code == 422


def test_a_retry_while_the_first_request_runs_is_409(make_hub):
    from sqlalchemy import select, update

    from hub.db.models import IdempotencyKey

    api = make_hub()
    headers = key()
    api.post("/users/alice", headers=headers)
    with api.hub.db.session() as session:
        assert session.execute(select(IdempotencyKey.requester)).scalar() == "user:1"
        # as a coroutine handler's claim looks while it runs
        session.execute(update(IdempotencyKey).values(status=None))
    r = api.post("/users/alice", headers=headers)
    assert r.status_code == 409 and r.headers["Retry-After"] == "1"
    assert r.json()["message"] == "The first request with this Idempotency-Key is still running; retry later"
