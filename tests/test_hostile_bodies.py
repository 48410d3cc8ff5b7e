"""Hostile request bodies and headers: each a clear 4xx, and nothing changes.

The limits are the ones the spec's description documents (hub/api/bodies.py):
bodies up to ``JupyterHub.max_body_size`` (1 MiB by default), JSON nested up
to 64 deep, numbers up to 100 characters and finite, no NaN or Infinity, no
lone surrogates, and request headers up to 64 KiB.
"""

from __future__ import annotations

import json
from types import SimpleNamespace

import httpx
import pytest

from hub.api import bodies
from tests import test_bad_input as bad_input
from tests.conftest import ADMIN_TOKEN
from tests.test_bad_input import snapshot

RAW = {"Content-Type": "application/json"}
MiB = 1024 * 1024


def raw(text: str) -> dict[str, object]:
    return {"content": text.encode(), "headers": RAW}


def nested(depth: int, kind: str = "array") -> str:
    if kind == "array":
        return "[" * depth + "]" * depth
    return '{"a":' * depth + "1" + "}" * depth


CASES = [
    ("array nested 10,000 deep", "POST", "/users", raw(nested(10_000)), 400),
    ("object nested 10,000 deep", "PUT", "/groups/staff/properties", raw(nested(10_000, "object")), 400),
    ("object nested 100,000 deep", "PUT", "/groups/staff/properties", raw(nested(100_000, "object")), 400),
    ("object nested 65 deep", "PUT", "/groups/staff/properties", raw(nested(65, "object")), 400),
    (
        "integer of 5,000 digits",
        "POST",
        "/users/alice/tokens",
        raw('{"expires_in": ' + "9" * 5000 + "}"),
        400,
    ),
    ("integer of 101 digits", "PUT", "/groups/staff/properties", raw('{"n": ' + "1" * 101 + "}"), 400),
    ("integer past 2^63", "POST", "/users/alice/tokens", raw('{"expires_in": 9223372036854775808}'), 400),
    ("NaN", "PUT", "/groups/staff/properties", raw('{"x": NaN}'), 400),
    ("Infinity", "PUT", "/groups/staff/properties", raw('{"x": Infinity}'), 400),
    ("-Infinity", "PUT", "/groups/staff/properties", raw('{"x": -Infinity}'), 400),
    ("1e400", "PUT", "/groups/staff/properties", raw('{"x": 1e400}'), 400),
    ("lone surrogate in a member list", "POST", "/groups/staff/users", raw('{"users": ["x\\ud800"]}'), 400),
    ("lone low surrogate", "POST", "/groups/staff/users", raw('{"users": ["\\udc00x"]}'), 400),
    ("lone surrogate as a key", "PUT", "/groups/staff/properties", raw('{"\\ud83d": 1}'), 400),
    ("lone surrogate in a user name", "POST", "/users", raw('{"usernames": ["a\\ud800"]}'), 400),
    (
        "byte-order mark",
        "POST",
        "/users",
        {"content": b'\xef\xbb\xbf{"usernames": ["x"]}', "headers": RAW},
        400,
    ),
    ("truncated UTF-8", "POST", "/users", {"content": b'{"usernames": ["\xe2\x82"]}', "headers": RAW}, 400),
    (
        "not JSON as text/plain",
        "POST",
        "/users",
        {"content": b"usernames=x", "headers": {"Content-Type": "text/plain"}},
        400,
    ),
    ("body over 1 MiB", "PUT", "/groups/staff/properties", raw('{"x": "' + "a" * MiB + '"}'), 413),
    ("body of 10 MB", "PUT", "/groups/staff/properties", raw('{"x": "' + "a" * 10_000_000 + '"}'), 413),
    ("headers over 64 KiB", "GET", "/users", {"headers": {"X-Padding": "a" * (65 * 1024)}}, 431),
    (
        "a 70 KB cookie",
        "POST",
        "/users",
        {"json": {"usernames": ["x"]}, "headers": {"Cookie": "c=" + "a" * 70_000}},
        431,
    ),
]


def seed(api):
    """The bad-input table's users and group, the group with a property."""
    bad_input.seed(api)
    api.put("/groups/staff/properties", json={"course": "101"})
    return api


@pytest.fixture(scope="module")
def refusing(make_module_hub):
    """One hub for the whole table: each case checks that it changed nothing."""
    return seed(make_module_hub())


@pytest.fixture
def seeded(api):
    return seed(api)


@pytest.mark.parametrize(("name", "method", "path", "kwargs", "status"), CASES, ids=[c[0] for c in CASES])
def test_hostile_input_is_refused_cleanly(refusing, name, method, path, kwargs, status):
    before = snapshot(refusing)
    r = refusing(method, path, **kwargs)
    assert r.status_code == status, r.text
    assert r.json() == {"status": status, "message": r.json()["message"]} and r.json()["message"]
    assert snapshot(refusing) == before


def test_the_refusals_say_what_is_wrong(refusing):
    def message(method, path, text):
        return refusing(method, path, **raw(text)).json()["message"]

    props = "/groups/staff/properties"
    assert message("PUT", props, nested(100, "object")) == "Request body nests more than 64 levels deep"
    assert message("PUT", props, '{"x": NaN}').startswith("Request body is not valid JSON: NaN")
    assert message("PUT", props, '{"x": 1e400}') == "Request body holds a number out of range: 1e400"
    assert message("PUT", props, '{"n": ' + "1" * 101 + "}") == (
        "Request body holds a number longer than 100 characters"
    )
    assert message("POST", "/groups/staff/users", '{"users": ["x\\ud800"]}') == (
        "Request body holds a lone UTF-16 surrogate"
    )
    big = refusing.put(props, **raw('{"x": "' + "a" * MiB + '"}')).json()["message"]
    assert big == "Request body is larger than 1048576 bytes"


def test_what_is_within_the_limits_is_accepted(seeded):
    props = "/groups/staff/properties"
    deepest = json.loads(nested(64, "object"))
    assert seeded.put(props, json=deepest).json()["properties"] == deepest
    pair = seeded.put(props, **raw('{"face": "\\ud83d\\ude00", "n": 1e300, "i": ' + "9" * 100 + "}"))
    assert pair.status_code == 200
    assert pair.json()["properties"] == {"face": "\U0001f600", "n": 1e300, "i": int("9" * 100)}
    # brackets inside strings are not nesting
    brackets = {"s": "[" * 1000 + "{" * 1000}
    assert seeded.put(props, json=brackets).json()["properties"] == brackets
    almost = '{"x": "' + "a" * (MiB - 20) + '"}'
    assert seeded.put(props, **raw(almost)).status_code == 200


@pytest.mark.parametrize(
    "content_type", ["Application/JSON", "APPLICATION/JSON; charset=UTF-8", "text/plain", ""]
)
def test_media_types_are_read_case_insensitively(api, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    r = api.post("/users", content=b'{"usernames": ["ann"]}', headers=headers)
    assert r.status_code == 201 and [u["name"] for u in r.json()] == ["ann"]
    r = api.post("/groups/g", content=b'{"users": ["ann"]}', headers=headers)
    assert r.status_code == 201 and r.json()["users"] == ["ann"]


def test_a_bad_body_without_a_credential_is_a_403(refusing):
    # as in JupyterHub: a request without credentials is refused before its body is read
    r = refusing.post("/users", token=None, **raw('{"x": NaN}'))
    assert (r.status_code, r.json()["message"]) == (403, "Missing or invalid credentials.")


def test_a_bad_token_is_a_403_before_its_body_is_read(refusing):
    # as in JupyterHub: the credential is refused first, whatever the body
    for kwargs in ({}, raw('{"x": NaN}'), raw('{"usernames": 1}')):
        r = refusing.post("/users", token="not-a-token-anyone-holds", **kwargs)
        assert (r.status_code, r.json()["message"]) == (403, "Missing or invalid credentials."), kwargs
    r = refusing.client.post("/hub/api/users", headers={"Authorization": "Bearer not-a-token"}, json={})
    assert r.status_code == 403
    # with a good token, the same bodies are what is wrong
    assert refusing.post("/users").status_code == 400
    assert refusing.post("/users", **raw('{"usernames": 1}')).status_code == 400


def test_the_body_limit_is_configurable(make_hub):
    api = make_hub(lambda c: setattr(c.JupyterHub, "max_body_size", 4096))
    api.post("/groups/g")
    assert api.put("/groups/g/properties", json={"x": "a" * 5000}).status_code == 413
    assert api.put("/groups/g/properties", json={"x": "a" * 4000}).status_code == 200


def test_a_streamed_body_is_cut_off_at_the_limit(make_live_hub):
    api = make_live_hub()
    api.post("/groups/g")

    def chunks():
        yield b'{"x": "'
        for _ in range(2 * 1024):
            yield b"a" * 1024
        yield b'"}'

    url = str(api.client.base_url) + "/hub/api/groups/g/properties"
    headers = {"Authorization": f"token {ADMIN_TOKEN}", "Content-Type": "application/json"}
    r = httpx.put(url, content=chunks(), headers=headers)  # chunked: no Content-Length
    assert r.status_code == 413 and r.json()["status"] == 413
    assert api.get("/groups/g").json()["properties"] == {}


def test_a_page_over_the_limits_gets_a_page(refusing):
    r = refusing.client.post("/hub/login", content=b"x" * (2 * MiB), headers={"Content-Type": "text/plain"})
    assert r.status_code == 413 and r.headers["content-type"].startswith("text/html")
    r = refusing.client.get("/hub/login", headers={"X-Padding": "a" * (65 * 1024)})
    assert r.status_code == 431 and "431" in r.text


def test_the_body_is_parsed_once(api, monkeypatch):
    calls = []
    real = bodies.parse
    monkeypatch.setattr(bodies, "parse", lambda raw: calls.append(raw) or real(raw))
    monkeypatch.setattr("starlette.requests.json", SimpleNamespace(loads=_refuse_second_parse))
    r = api.post("/users", json={"usernames": ["once"]})
    assert r.status_code == 201 and len(calls) == 1


def _refuse_second_parse(*_args, **_kwargs):
    raise AssertionError("the body was parsed a second time")


def test_hostile_input_leaves_memory_bounded(hub_process):
    """One hub process, the hostile table sent three times: its memory stays put."""
    hub = hub_process()
    hub.start()
    hub.api.post("/users", json={"usernames": ["alice", "bob"]})
    hub.api.post("/groups/staff", json={"users": ["alice"]})

    def corpus():
        for _name, method, path, kwargs, status in CASES:
            r = hub.api.request(method, path, **kwargs)
            assert r.status_code == status, (path, r.text)

    corpus()  # warm-up: imports, caches, pools
    before = hub.rss()
    for _ in range(3):
        corpus()
    growth = hub.rss() - before
    assert growth < 32 * MiB, f"the hub grew by {growth / MiB:.0f} MiB"


def test_form_media_types_are_read_case_insensitively_too(refusing):
    form = b"grant_type=authorization_code&code=nope&client_id=x&client_secret=y&redirect_uri=/x"
    answers = [
        refusing.post("/oauth2/token", token=None, content=form, headers={"Content-Type": ct})
        for ct in ("application/x-www-form-urlencoded", "Application/X-WWW-Form-URLEncoded")
    ]
    assert [(r.status_code, r.json()) for r in answers] == [(401, {"error": "invalid_client"})] * 2
