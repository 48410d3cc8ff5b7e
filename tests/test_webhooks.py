"""Webhooks: every event of the types asked for, POSTed signed, retried until
delivered, in order, with a delivery log."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.conftest import free_port


class Receiver:
    """An HTTP endpoint that answers 500 to its first ``fail_first`` requests."""

    def __init__(self, fail_first: int = 0) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/hook"
        self.fail_first = fail_first
        self.attempts = 0
        self.received: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.attempts += 1
                if receiver.attempts <= receiver.fail_first:
                    self.send_response(500)
                else:
                    receiver.received.append((dict(self.headers), body))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, count: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(self.received) >= count, f"{len(self.received)} of {count} deliveries arrived"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receivers() -> Iterator[Any]:
    made: list[Receiver] = []

    def make(fail_first: int = 0) -> Receiver:
        r = Receiver(fail_first)
        made.append(r)
        return r

    yield make
    for r in made:
        r.close()


def fast_retries(c: Any) -> None:
    c.JupyterHub.webhook_retry_seconds = 0.05
    c.JupyterHub.webhook_max_attempts = 6


def verify(secret: str, headers: dict[str, str], body: bytes) -> None:
    fields = dict(part.split("=", 1) for part in headers["X-Hub-Signature"].split(","))
    expected = hmac.new(secret.encode(), f"{fields['t']}.".encode() + body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(fields["sha256"], expected)
    assert abs(int(fields["t"]) - time.time()) < 60


def test_a_receiver_gets_every_event_signed_after_failed_attempts(make_hub, receivers):
    api = make_hub(fast_retries)
    receiver = receivers(fail_first=3)
    secret = "s3cret-s3cret-s3cret"
    r = api.post(
        "/webhooks", json={"url": receiver.url, "events": ["user.*", "group.created"], "secret": secret}
    )
    assert r.status_code == 201, r.text
    hook = r.json()
    assert hook["secret"] == secret and hook["created_by"] == "user:admin"
    assert "secret" not in api.get(f"/webhooks/{hook['id']}").json()
    # the scripted sequence
    api.post("/users", json={"usernames": ["wes", "xia"]})
    api.post("/groups/team", json={"users": ["wes"]})
    api.patch("/users/xia", json={"name": "yan"})
    api.post("/users/wes/tokens", json={})  # not asked for
    api.delete("/users/yan")
    expected = [
        ("user.created", "wes"),
        ("user.created", "xia"),
        ("group.created", "team"),
        ("user.updated", "wes"),
        ("user.updated", "yan"),
        ("user.deleted", "yan"),
    ]
    receiver.wait_for(len(expected))
    time.sleep(0.3)  # nothing more comes
    got = []
    for headers, body in receiver.received:
        verify(secret, headers, body)
        event = json.loads(body)
        assert headers["X-Hub-Event"] == event["type"]
        got.append((event["type"], event["resource"]["name"]))
    assert got == expected
    assert receiver.attempts == len(expected) + 3
    log = api.get(f"/webhooks/{hook['id']}/deliveries").json()["items"]
    assert [d["status"] for d in log] == ["delivered"] * len(expected)
    first = log[-1]
    assert first["attempts"] == 4 and first["last_status"] == 204 and first["last_error"] is None
    assert [d["event_id"] for d in log] == sorted((d["event_id"] for d in log), reverse=True)
    # a tampered body does not verify
    headers, body = receiver.received[0]
    with pytest.raises(AssertionError):
        verify(secret, headers, body + b" ")


def test_a_delivery_is_given_up_after_the_last_attempt(make_hub, receivers):
    api = make_hub(fast_retries)
    receiver = receivers(fail_first=1000)
    hook = api.post("/webhooks", json={"url": receiver.url, "events": ["*"]}).json()
    assert len(hook["secret"]) >= 32  # made by the hub
    api.post("/users/zed")
    deadline = time.monotonic() + 30
    log: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        log = api.get(f"/webhooks/{hook['id']}/deliveries").json()["items"]
        if log and log[0]["status"] == "failed":
            break
        time.sleep(0.1)
    (delivery,) = log
    assert delivery["status"] == "failed" and delivery["attempts"] == 6
    assert delivery["last_status"] == 500 and delivery["last_error"] == "answered 500"
    # deleting the webhook ends its deliveries and log
    assert api.delete(f"/webhooks/{hook['id']}").status_code == 204
    assert api.get(f"/webhooks/{hook['id']}/deliveries").status_code == 404
    assert api.get(f"/webhooks/{hook['id']}").status_code == 404


def test_webhooks_refuse_bad_input(make_hub):
    api = make_hub(lambda c: setattr(c.JupyterHub, "hub_port", 18081))
    bad = [
        {"url": "ftp://example.org/x", "events": ["*"]},
        {"url": "not a url", "events": ["*"]},
        {"url": "http://127.0.0.1:18081/hub/api/users", "events": ["*"]},  # the hub itself
        {"url": "http://localhost:18081/", "events": ["*"]},
        {"url": "http://example.org/x", "events": ["user.exploded"]},
        {"url": "http://example.org/x", "events": ["nothing.*"]},
        {"url": "http://example.org/x", "events": []},
        {"url": "http://example.org/x", "events": ["*"], "secret": "short"},
    ]
    for body in bad:
        r = api.post("/webhooks", json=body)
        assert r.status_code == 400, (body, r.text)
        assert r.json()["status"] == 400 and r.json()["message"]
    assert api.get("/webhooks").json()["items"] == []
    assert api.get("/webhooks/123").status_code == 404
    assert api.get("/webhooks/abc").status_code == 404  # no such route


def test_a_webhook_shows_only_what_its_creator_may_read(make_hub, receivers):
    api = make_hub(fast_retries)
    api.post("/users", json={"usernames": ["ops", "amy", "bo"]})
    role = {"name": "hooks", "scopes": ["admin:webhooks", "read:users:name!user=amy"], "users": ["ops"]}
    assert api.post("/roles", json=role).status_code == 201
    ops = api.new_token("ops")
    receiver = receivers()
    r = api.post("/webhooks", token=ops, json={"url": receiver.url, "events": ["user.updated"]})
    assert r.status_code == 201, r.text
    api.post("/groups/g", json={"users": ["amy", "bo"]})
    receiver.wait_for(1)
    time.sleep(0.5)
    names = [json.loads(body)["resource"] for _, body in receiver.received]
    assert names == [{"kind": "user", "name": "amy", "admin": False, "user_info": None}]


def test_a_retried_create_makes_one_webhook(make_hub, monkeypatch):
    body = {"url": "http://127.0.0.1:9/hook", "events": ["*"]}
    key = {"Idempotency-Key": "hook-once"}
    monkeypatch.setenv("JUPYTERHUB_CRYPT_KEY", "11" * 32)  # the answer holds the secret: kept encrypted
    api = make_hub()
    first = api.post("/webhooks", json=body, headers=key)
    again = api.post("/webhooks", json=body, headers=key)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()  # the same webhook, with its secret
    assert len(api.get("/webhooks").json()["items"]) == 1
    assert api.post("/webhooks", json={**body, "events": ["user.*"]}, headers=key).status_code == 422


def test_failed_deliveries_and_sent_events_are_counted(make_hub, receivers):
    api = make_hub(fast_retries)
    receiver = receivers(fail_first=2)
    api.post("/webhooks", json={"url": receiver.url, "events": ["user.created"]})
    api.post("/users/counted")
    receiver.wait_for(1)
    text = api.client.get("/hub/metrics", headers={"Authorization": "token admin-secret-token"}).text
    failures = [line for line in text.splitlines() if line.startswith("hub_webhook_failures_total ")]
    # (counters are per process and the test process's hubs share them: at least this test's two)
    assert failures and float(failures[0].split()[1]) >= 2, failures
