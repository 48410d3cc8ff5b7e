"""The change stream, GET /hub/api/events: every change an event, in commit
order, resumable without loss, shown as the requester may see it."""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from hub.db.models import Event
from tests.conftest import ADMIN_TOKEN

STREAM = {"Accept": "text/event-stream"}


def events(api: Any, token: str = ADMIN_TOKEN, **params: Any) -> dict[str, Any]:
    r = api.get("/events", token=token, params=params)
    assert r.status_code == 200, r.text
    page: dict[str, Any] = r.json()
    return page


def types_after(api: Any, after: int) -> list[tuple[str, str]]:
    """(type, resource name) of the events after ``after``."""
    page = events(api, after=after)
    return [(e["type"], e["resource"].get("name", e["resource"].get("id"))) for e in page["events"]]


def newest(api: Any) -> int:
    last = 0
    while True:
        page = events(api, after=last)
        if not page["events"]:
            return last
        last = page["last_id"]


def test_each_change_is_one_event_in_order(api):
    start = newest(api)
    assert api.post("/users", json={"usernames": ["ann", "ben"]}).status_code == 201
    assert api.post("/groups/crew", json={"users": ["ann"]}).status_code == 201
    assert api.patch("/users/ben", json={"name": "bea"}).status_code == 200
    assert api.put("/groups/crew/properties", json={"team": "a"}).status_code == 200
    token = api.post("/users/ann/tokens", json={"note": "ci"}).json()
    assert api.delete(f"/users/ann/tokens/{token['id']}").status_code == 204
    assert (
        api.post("/roles", json={"name": "viewer", "scopes": ["read:users"], "users": ["ann"]}).status_code
        == 201
    )
    assert api.delete("/groups/crew").status_code == 204
    assert api.delete("/users/bea").status_code == 204
    # a refused request changes nothing, and says nothing
    assert api.post("/users/ann").status_code == 409
    got = types_after(api, start)
    assert got == [
        ("user.created", "ann"),
        ("user.created", "ben"),
        ("group.created", "crew"),
        ("user.updated", "ann"),  # her groups
        ("user.updated", "bea"),  # renamed
        ("group.updated", "crew"),
        ("token.created", token["id"]),
        ("token.deleted", token["id"]),
        ("role.created", "viewer"),
        ("user.updated", "ann"),  # her roles
        ("group.deleted", "crew"),
        ("user.updated", "ann"),
        ("user.deleted", "bea"),
    ]
    page = events(api, after=start)
    by_type = {(e["type"], e["resource"].get("name")): e for e in page["events"]}
    # the resource as GET shows it: after the change, and a deleted one as it was
    assert by_type[("user.updated", "bea")]["resource"]["kind"] == "user"
    assert by_type[("user.deleted", "bea")]["resource"]["name"] == "bea"
    assert by_type[("group.deleted", "crew")]["resource"]["properties"] == {"team": "a"}
    assert by_type[("role.created", "viewer")]["resource"]["users"] == ["ann"]
    ids = [e["id"] for e in page["events"]]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert all(e["at"].endswith("Z") for e in page["events"])
    # never the token's value
    assert token["token"] not in json.dumps(page)
    assert api.get("/users/ann").json()["roles"] == by_type[("user.updated", "ann")]["resource"]["roles"]


def test_server_lifecycle_events(make_live_hub):
    api = make_live_hub()
    start = newest(api)
    assert api.post("/users/sam").status_code == 201
    assert api.post("/users/sam/server").status_code == 201
    assert api.delete("/users/sam/server").status_code == 204
    got = [t for t in types_after(api, start) if t[0].startswith("server.")]
    assert got == [
        ("server.starting", ""),
        ("server.ready", ""),
        ("server.stopping", ""),
        ("server.stopped", ""),
    ]
    ready = next(e for e in events(api, after=start)["events"] if e["type"] == "server.ready")
    assert ready["resource"]["full_name"] == "sam/" and ready["resource"]["ready"] is True


def test_a_requester_sees_only_what_it_may_read(api):
    start = newest(api)
    api.post("/users", json={"usernames": ["ida", "joe"]})
    ida = api.new_token("ida")
    api.post("/groups/hidden", json={"users": ["joe"]})
    api.post("/groups/hers", json={"users": ["ida"]})
    api.post("/users/ida/tokens", json={"note": "mine"})
    page = events(api, token=ida, after=start)
    seen = [(e["type"], e["resource"].get("name", e["resource"].get("id"))) for e in page["events"]]
    assert all(name in ("ida",) or kind == "token.created" for kind, name in seen), seen
    assert ("user.created", "ida") in seen and ("user.updated", "ida") in seen
    assert [kind for kind, _ in seen].count("token.created") == 2  # ida's own tokens
    assert not any(name == "joe" or kind.startswith("group.") for kind, name in seen)
    # the page still moves past what ida may not see
    assert page["last_id"] == newest(api)
    # a scope narrowed to names shows only the name
    role = {"name": "namer", "scopes": ["read:users:name!user=joe"], "users": ["ida"]}
    assert api.post("/roles", json=role).status_code == 201
    narrow = events(api, token=ida, after=start)["events"]
    created = [e["resource"] for e in narrow if e["type"] == "user.created"]
    assert created[1] == api.get("/users/joe", token=ida).json()  # as GET shows it to ida
    assert "groups" not in created[1] and "created" not in created[1]


def test_resume_points_and_history(make_hub):
    api = make_hub(lambda c: setattr(c.JupyterHub, "event_history_seconds", 60))
    start = newest(api)
    api.post("/users/kim")
    middle = newest(api)
    api.post("/users/lee")
    assert types_after(api, middle) == [("user.created", "lee")]
    # Last-Event-ID wins over after
    r = api.get("/events", params={"after": start}, headers={"Last-Event-ID": str(middle)})
    assert [e["resource"]["name"] for e in r.json()["events"]] == ["lee"]
    # an id never given out, and bad ids
    assert api.get("/events", params={"after": newest(api) + 1000}).status_code == 410
    for bad in ("abc", "-1", "1.5"):
        r = api.get("/events", headers={"Last-Event-ID": bad})
        assert r.status_code == 400, (bad, r.text)
        assert api.get("/events", params={"after": bad}).status_code == 400
    # history older than event_history_seconds is trimmed: resuming before it is 410
    with api.hub.db.session() as s:
        s.execute(
            update(Event)
            .where(Event.id <= middle)
            .values(at=Event.at - __import__("datetime").timedelta(hours=2))
        )
    api.hub.purge_expired()
    r = api.get("/events", params={"after": start})
    assert r.status_code == 410 and "list again" in r.json()["message"]
    assert types_after(api, middle) == [("user.created", "lee")]
    assert api.get("/events", token=None).status_code == 403


# --- the stream -----------------------------------------------------------------------


class Follower:
    """Reads an event stream in a thread; events arrive on ``queue``."""

    def __init__(self, base_url: str, headers: dict[str, str]) -> None:
        self.queue: queue.Queue[Any] = queue.Queue()
        self.connected = threading.Event()
        self.last_id: str | None = None
        self._client = httpx.Client(base_url=base_url, timeout=httpx.Timeout(30, read=60))
        self._thread = threading.Thread(target=self._run, args=(headers,), daemon=True)
        self._thread.start()
        assert self.connected.wait(30), "the stream did not open"

    def _run(self, headers: dict[str, str]) -> None:
        try:
            with self._client.stream("GET", "/hub/api/events", headers={**STREAM, **headers}) as r:
                self.status = r.status_code
                data, event_id = None, None
                for line in r.iter_lines():
                    if line.startswith(": connected"):
                        self.connected.set()
                    elif line.startswith("id: "):
                        event_id = line[4:]
                    elif line.startswith("data: "):
                        data = json.loads(line[6:])
                    elif line == "":  # dispatch, as EventSource does
                        if event_id is not None:
                            self.last_id = event_id
                        if data is not None:
                            self.queue.put(data)
                        data, event_id = None, None
        except (httpx.HTTPError, RuntimeError) as e:
            self.queue.put(e)
        finally:
            self.connected.set()
            self.queue.put(None)

    def take(self, n: int, timeout: float = 30) -> list[dict[str, Any]]:
        out = []
        deadline = time.monotonic() + timeout
        while len(out) < n:
            item = self.queue.get(timeout=max(0.1, deadline - time.monotonic()))
            assert isinstance(item, dict), item
            out.append(item)
        return out

    def until_closed(self, timeout: float = 30) -> list[Any]:
        out = []
        while True:
            item = self.queue.get(timeout=timeout)
            if item is None:
                return out
            out.append(item)

    def close(self) -> None:
        self._client.close()


@pytest.fixture
def follow() -> Iterator[Any]:
    followers: list[Follower] = []

    def make(base_url: str, token: str = ADMIN_TOKEN, **headers: str) -> Follower:
        f = Follower(base_url, {"Authorization": f"token {token}", **headers})
        followers.append(f)
        return f

    yield make
    for f in followers:
        f.close()


def test_the_stream_sends_changes_as_they_commit_and_resumes(make_live_hub, follow):
    api = make_live_hub()
    base = str(api.client.base_url)
    f = follow(base)
    api.post("/users", json={"usernames": ["mia", "ned"]})
    got = f.take(2)
    assert [(e["type"], e["resource"]["name"]) for e in got] == [
        ("user.created", "mia"),
        ("user.created", "ned"),
    ]
    f.close()
    # changes made while nobody listens
    api.post("/groups/ops", json={"users": ["mia"]})
    api.delete("/users/ned")
    again = follow(base, **{"Last-Event-ID": str(got[-1]["id"])})
    missed = again.take(3)
    assert [e["type"] for e in missed] == ["group.created", "user.updated", "user.deleted"]
    # then live again, with no duplicate
    api.post("/users/ola")
    (live,) = again.take(1)
    assert live["resource"]["name"] == "ola" and live["id"] > missed[-1]["id"]
    # a follower that may not read a change still moves its Last-Event-ID past it
    mia = api.new_token("mia")
    own = follow(base, token=mia)
    api.post("/users/pia")
    api.patch("/users/mia", json={"admin": True})
    (mine,) = own.take(1)
    assert mine["type"] == "user.updated" and mine["resource"]["name"] == "mia"


def test_a_revoked_token_ends_its_stream(make_live_hub, follow, monkeypatch):
    from hub.api import events as api_events

    monkeypatch.setattr(api_events, "RECHECK_SECONDS", 0.0)
    monkeypatch.setattr(api_events, "KEEPALIVE_SECONDS", 0.2)
    api = make_live_hub()
    api.post("/users/quin")
    token = api.post("/users/quin/tokens", json={}).json()
    f = follow(str(api.client.base_url), token=token["token"])
    assert api.delete(f"/users/quin/tokens/{token['id']}").status_code == 204
    assert f.until_closed() == []


@pytest.mark.slow
def test_a_hub_killed_mid_stream_loses_no_event(hub_process, follow):
    hub = hub_process()
    hub.start()
    base = f"http://127.0.0.1:{hub.port}"
    f = follow(base)
    names = [f"u{i}" for i in range(30)]
    for name in names[:10]:
        assert hub.api.post(f"/users/{name}").status_code == 201
    seen = f.take(3)  # a client part-way through: some events read, others in flight
    for name in names[10:20]:
        assert hub.api.post(f"/users/{name}").status_code == 201
    hub.kill()
    rest = f.until_closed()
    seen += [e for e in rest if isinstance(e, dict)]
    hub.start()
    resumed = follow(base, **{"Last-Event-ID": f.last_id or str(seen[-1]["id"])})
    for name in names[20:]:
        assert hub.api.post(f"/users/{name}").status_code == 201
    received = seen + resumed.take(30 - len(seen))
    assert [e["resource"]["name"] for e in received] == names
    ids = [e["id"] for e in received]
    assert ids == sorted(set(ids))
