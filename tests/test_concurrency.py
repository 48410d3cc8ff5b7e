"""Concurrent writes to one resource: exactly one winner, no lost update.

Each test fires its requests at a live hub all at once (threads released by
one barrier, each with its own connection), on SQLite and on PostgreSQL. The
losers get the answer JupyterHub gives a loser: 404 for a user renamed away,
409 for a name already taken; never a 500, and every write that was
acknowledged is there afterwards.
"""

from __future__ import annotations

import sys
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.conftest import ADMIN_TOKEN
from tests.test_contract import STANDIN

Request = tuple[str, str, dict[str, Any]]


def at_once(api: Any, requests: list[Request]) -> list[httpx.Response]:
    """Send ``requests`` (method, path, httpx keywords) concurrently; their responses in order."""
    base = str(api.client.base_url) + api.prefix
    barrier = threading.Barrier(len(requests))

    def send(request: Request) -> httpx.Response:
        method, path, kwargs = request
        with httpx.Client(base_url=base, timeout=120) as client:
            client.get("/", headers={"Authorization": f"token {ADMIN_TOKEN}"})  # connect first
            barrier.wait()
            return client.request(method, path, headers={"Authorization": f"token {ADMIN_TOKEN}"}, **kwargs)

    with ThreadPoolExecutor(len(requests)) as pool:
        return list(pool.map(send, requests))


def statuses(responses: list[httpx.Response]) -> Counter[int]:
    return Counter(r.status_code for r in responses)


def test_concurrent_renames_of_one_user_have_one_winner(make_live_hub):
    api = make_live_hub()
    api.post("/users/x")
    responses = at_once(api, [("PATCH", "/users/x", {"json": {"name": f"x-new{i}"}}) for i in range(32)])
    assert statuses(responses) == {200: 1, 404: 31}, [r.text for r in responses if r.status_code != 404]
    (winner,) = (r.json()["name"] for r in responses if r.status_code == 200)
    names = [u["name"] for u in api.get("/users").json()]
    assert winner in names
    assert not [n for n in names if n == "x" or (n.startswith("x-new") and n != winner)]


def test_concurrent_creates_of_one_name_have_one_winner(make_live_hub):
    api = make_live_hub()
    assert statuses(at_once(api, [("POST", "/users/x", {})] * 50)) == {201: 1, 409: 49}
    bulk = [("POST", "/users", {"json": {"usernames": ["y"]}})] * 20
    assert statuses(at_once(api, bulk)) == {201: 1, 409: 19}
    assert statuses(at_once(api, [("POST", "/groups/g", {})] * 50)) == {201: 1, 409: 49}
    groups = [("POST", "/groups", {"json": {"groups": ["h"]}})] * 20
    assert statuses(at_once(api, groups)) == {201: 1, 409: 19}
    names = [u["name"] for u in api.get("/users").json()]
    assert names.count("x") == 1 and names.count("y") == 1
    assert sorted(g["name"] for g in api.get("/groups").json()) == ["g", "h"]


def test_concurrent_renames_onto_one_name_have_one_winner(make_live_hub):
    api = make_live_hub()
    sources = [f"s{i}" for i in range(16)]
    api.post("/users", json={"usernames": sources})
    responses = at_once(api, [("PATCH", f"/users/{s}", {"json": {"name": "target"}}) for s in sources])
    assert statuses(responses) == {200: 1, 400: 15}
    assert all("already exists" in r.json()["message"] for r in responses if r.status_code == 400)
    names = {u["name"] for u in api.get("/users").json()}
    assert "target" in names and len(names & set(sources)) == 15


def test_concurrent_additions_to_one_group_are_all_kept(make_live_hub):
    api = make_live_hub()
    members = [f"m{i}" for i in range(24)]
    api.post("/users", json={"usernames": members})
    api.post("/groups/g")
    responses = at_once(api, [("POST", "/groups/g/users", {"json": {"users": [m]}}) for m in members])
    assert statuses(responses) == {200: 24}
    assert sorted(api.get("/groups/g").json()["users"]) == sorted(members)
    # the same member added many times at once is a member once
    same = at_once(api, [("POST", "/groups/g/users", {"json": {"users": ["m0"]}})] * 16)
    assert statuses(same) == {200: 16}
    removals = at_once(api, [("DELETE", "/groups/g/users", {"json": {"users": [m]}}) for m in members[:12]])
    assert statuses(removals) == {200: 12}
    assert sorted(api.get("/groups/g").json()["users"]) == sorted(members[12:])


def test_concurrent_token_creation_and_revocation(make_live_hub):
    api = make_live_hub()
    api.post("/users/alice")
    created = at_once(api, [("POST", "/users/alice/tokens", {"json": {"note": f"t{i}"}}) for i in range(30)])
    assert statuses(created) == {201: 30}
    ids = {r.json()["id"] for r in created}
    assert len(ids) == 30
    listed = api.get("/users/alice/tokens").json()["api_tokens"]
    assert {t["id"] for t in listed} == ids
    victim = sorted(ids)[0]
    revoked = at_once(api, [("DELETE", f"/users/alice/tokens/{victim}", {})] * 20)
    assert statuses(revoked) == {204: 1, 404: 19}
    assert len(api.get("/users/alice/tokens").json()["api_tokens"]) == 29


def test_concurrent_activity_reports_keep_the_newest(make_live_hub):
    api = make_live_hub()
    api.post("/users/alice")
    now = datetime.now(UTC).replace(microsecond=0)
    times = [now - timedelta(minutes=i) for i in range(20)]
    reports = [
        ("POST", "/users/alice/activity", {"json": {"last_activity": t.isoformat().replace("+00:00", "Z")}})
        for t in times
    ]
    assert statuses(at_once(api, reports)) == {200: 20}
    stored = api.get("/users/alice").json()["last_activity"]
    assert datetime.fromisoformat(stored.replace("Z", "+00:00")) == now


def test_concurrent_deletes_of_one_user_have_one_winner(make_live_hub):
    api = make_live_hub()
    api.post("/users/x")
    assert statuses(at_once(api, [("DELETE", "/users/x", {})] * 20)) == {204: 1, 404: 19}


def standin(c: Any) -> None:
    c.Spawner.cmd = [sys.executable, str(STANDIN)]
    c.JupyterHub.allow_named_servers = True


def server_tokens(api: Any, user: str) -> list[dict[str, Any]]:
    tokens: list[dict[str, Any]] = api.get(f"/users/{user}/tokens").json()["api_tokens"]
    return [t for t in tokens if t["note"].startswith("Server at")]


def test_concurrent_starts_and_stops_of_one_server_run_once(make_live_hub):
    api = make_live_hub(standin)
    api.post("/users/alice")
    starts = at_once(api, [("POST", "/users/alice/server", {})] * 10)
    assert set(statuses(starts)) <= {201, 202} and 201 in statuses(starts), [r.text for r in starts]
    server = api.get("/users/alice").json()["servers"][""]
    assert server["ready"] is True
    # one start happened: one server token, one process
    assert len(server_tokens(api, "alice")) == 1
    stops = at_once(api, [("DELETE", "/users/alice/server", {})] * 10)
    assert set(statuses(stops)) <= {202, 204} and 204 in statuses(stops), [r.text for r in stops]
    assert api.get("/users/alice").json()["servers"] == {}
    assert server_tokens(api, "alice") == []


def test_concurrent_named_server_creation_respects_the_limit(make_live_hub):
    def limited(c: Any) -> None:
        standin(c)
        c.JupyterHub.named_server_limit_per_user = 3

    api = make_live_hub(limited)
    api.post("/users/alice")
    created = at_once(api, [("PUT", f"/users/alice/servers/s{i}", {}) for i in range(12)])
    assert statuses(created) == {201: 3, 400: 9}, [r.text for r in created]
    listed = api.get("/users/alice", params={"include_stopped_servers": "1"}).json()["servers"]
    assert len([name for name in listed if name]) == 3


def test_renames_racing_deletes_have_one_winner(make_live_hub):
    api = make_live_hub()
    api.post("/users/x")
    mixed: list[Request] = [("DELETE", "/users/x", {})] * 8 + [
        ("PATCH", "/users/x", {"json": {"name": "x2"}})
    ] * 8
    responses = at_once(api, mixed)
    counts = statuses(responses)
    # whichever wins first leaves nothing named x for the others
    assert counts[200] + counts[204] == 1 and counts[404] == 15, [r.text for r in responses]
    names = {u["name"] for u in api.get("/users").json()}
    assert "x" not in names
    assert ("x2" in names) == (counts[200] == 1)


def test_changes_racing_a_delete_never_bring_the_user_back(make_live_hub):
    api = make_live_hub()
    api.post("/users/x")
    mixed: list[Request] = [("DELETE", "/users/x", {})] * 8 + [
        ("PATCH", "/users/x", {"json": {"admin": True}})
    ] * 8
    responses = at_once(api, mixed)
    assert statuses(responses[:8]) == {204: 1, 404: 7}
    assert set(statuses(responses[8:])) <= {200, 404}
    assert api.get("/users/x").status_code == 404


def test_concurrent_starts_respect_the_active_server_limit(make_live_hub):
    def limited(c: Any) -> None:
        standin(c)
        c.JupyterHub.active_server_limit = 3

    api = make_live_hub(limited)
    users = [f"u{i}" for i in range(10)]
    api.post("/users", json={"usernames": users})
    starts = at_once(api, [("POST", f"/users/{u}/server", {}) for u in users])
    counts = statuses(starts)
    assert counts[429] == 7 and counts[201] + counts[202] == 3, [r.text for r in starts]
    assert len(api.get("/users", params={"state": "active"}).json()) == 3
