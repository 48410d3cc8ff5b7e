"""The same sharing and share-code requests to a hub; prints one line per answer.

    python sharing_probe.py BASE_URL SQLITE_FILE [PROXY_PID]

BASE_URL is the hub's own address (not the proxy's: the hub keeps answering
when its proxy is stopped), of a hub started with ``sharing_config.py``
beside this file, in a directory of its own (admin token ``admin-secret``, the dummy authenticator,
users may share their own servers, group ``staff`` holding bob);
SQLITE_FILE its database, where the probe makes a share code expire.
PROXY_PID, when given, is the pid of the hub's configurable-http-proxy: the
probe ends by stopping it and asking ``GET /proxy``.

Run it once against JupyterHub and once against this hub, then compare the
two outputs (``diff``). Each line is ``label  status  body``; in bodies,
timestamps keep their format with digits shown as ``D``, share-code values
are ``<code:LENGTH>``, code ids are ``sc_N`` and the hub's own address is
``BASE``, so that the two outputs differ only where the answers do.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import sys
import time

import httpx

base = sys.argv[1].rstrip("/")
db_file = sys.argv[2]
proxy_pid = int(sys.argv[3]) if len(sys.argv) > 3 else None
PAGE = {"Accept": "application/jupyterhub-pagination+json"}
PAGED = {"headers": PAGE}
admin = httpx.Client(base_url=base + "/hub/api", headers={"Authorization": "token admin-secret"}, timeout=60)
codes: set[str] = set()
TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")


def norm(value):
    """The body with what differs between any two runs replaced by its shape."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key == "code" and isinstance(item, str):
                codes.add(item)
                out[key] = f"<code:{len(item)}>"
            else:
                out[key] = norm(item)
        return out
    if isinstance(value, list):
        return [norm(v) for v in value]
    if isinstance(value, str):
        if TS.match(value):
            return re.sub(r"\d", "D", value)
        for code in codes:
            value = value.replace(code, f"<code:{len(code)}>")
        value = re.sub(r"\bsc_\d+\b", "sc_N", value)
        return value.replace(base, "BASE")
    return value


def show(label, r):
    try:
        body = json.dumps(norm(r.json()), sort_keys=True)
    except ValueError:
        body = repr(r.text[:120])
    print(f"{label:58s} {r.status_code} {body}", flush=True)
    return r


def show_all(*rows):
    """show() the answers, in order, to the requests of ``rows``: ``(client, method, path, note)``,
    then optionally the JSON body and a dict of further options of ``client.request``;
    the label is the method, the path and the note."""
    for client, method, path, note, *rest in rows:
        body = rest[0] if rest else None
        options = rest[1] if len(rest) > 1 else {}
        show(f"{method} {path} {note}".rstrip(), client.request(method, path, json=body, **options))


def token_for(name, scopes=None):
    body = {} if scopes is None else {"scopes": scopes}
    return admin.post(f"/users/{name}/tokens", json=body).json()["token"]


def as_(token):
    return httpx.Client(base_url=base + "/hub/api", headers={"Authorization": f"token {token}"}, timeout=60)


def wait_ready(user, server):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        servers = admin.get(f"/users/{user}").json().get("servers", {})
        if servers.get(server, {}).get("ready"):
            return
        time.sleep(0.5)
    raise SystemExit(f"{user}/{server} did not start")


def wait_stopped(user, server):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        model = admin.get(f"/users/{user}/servers/{server}")
        if model.status_code != 200 or not model.json().get("pending"):
            return
        time.sleep(0.5)


# --- set-up: alice's servers in each state ------------------------------------------
admin.post("/users", json={"usernames": ["alice", "bob", "carol", "dave"]})
admin.post("/groups/empty")
alice = as_(token_for("alice"))
bob = as_(token_for("bob"))
carol = as_(token_for("carol"))
# a token of bob's that may name users but holds no sharing scope
narrow = as_(token_for("bob", ["read:users:name"]))
show(
    "set-up PUT /users/alice/servers/gpu (created, never started)",
    admin.put("/users/alice/servers/gpu", json={}),
)
show("set-up POST /users/alice/servers/run (started)", admin.post("/users/alice/servers/run", json={}))
wait_ready("alice", "run")
admin.post("/users/alice/servers/stopped", json={})
wait_ready("alice", "stopped")
show("set-up DELETE /users/alice/servers/stopped (stopped)", admin.delete("/users/alice/servers/stopped"))
wait_stopped("alice", "stopped")
show("set-up GET /users/alice (servers)", admin.get("/users/alice"))

# --- granting ------------------------------------------------------------------------
show_all(
    (alice, "POST", "/shares/alice/gpu", "user=bob (never started)", {"user": "bob"}),
    (alice, "POST", "/shares/alice/run", "user=bob (running)", {"user": "bob"}),
    (alice, "POST", "/shares/alice/stopped", "user=bob (stopped)", {"user": "bob"}),
    (alice, "POST", "/shares/alice/", "user=bob (default, never started)", {"user": "bob"}),
    (alice, "POST", "/shares/alice", "user=bob (no server part)", {"user": "bob"}),
    (alice, "POST", "/shares/alice/nope", "user=bob", {"user": "bob"}),
    (admin, "POST", "/shares/nobody/", "user=bob (admin)", {"user": "bob"}),
    (alice, "POST", "/shares/alice/gpu", "user=nobody", {"user": "nobody"}),
    (alice, "POST", "/shares/alice/gpu", "group=nogroup", {"group": "nogroup"}),
    (alice, "POST", "/shares/alice/gpu", "group=staff", {"group": "staff"}),
    (alice, "POST", "/shares/alice/gpu", "group=empty", {"group": "empty"}),
    (alice, "POST", "/shares/alice/gpu", "user=alice (herself)", {"user": "alice"}),
    (alice, "POST", "/shares/alice/gpu", "scopes=[nonsense]", {"user": "bob", "scopes": ["nonsense"]}),
    (alice, "POST", "/shares/alice/gpu", "scopes=[all]", {"user": "bob", "scopes": ["all"]}),
    (
        alice,
        "POST",
        "/shares/alice/gpu",
        "scopes=[admin:users] (not held)",
        {"user": "bob", "scopes": ["admin:users"]},
    ),
    (
        alice,
        "POST",
        "/shares/alice/gpu",
        "scopes=[admin:servers]",
        {"user": "bob", "scopes": ["admin:servers"]},
    ),
    (
        alice,
        "POST",
        "/shares/alice/gpu",
        "scopes=[read:servers]",
        {"user": "bob", "scopes": ["read:servers"]},
    ),
    (alice, "POST", "/shares/alice/gpu", "again, same scopes", {"user": "bob", "scopes": ["read:servers"]}),
    (
        alice,
        "POST",
        "/shares/alice/gpu",
        "scopes=[access:servers!user=alice]",
        {"user": "bob", "scopes": ["access:servers!user=alice"]},
    ),
    (
        alice,
        "POST",
        "/shares/alice/gpu",
        "scopes=[...!server=alice/gpu]",
        {"user": "carol", "scopes": ["access:servers!server=alice/gpu"]},
    ),
    (alice, "POST", "/shares/alice/gpu", "scopes=[] user=dave", {"user": "dave", "scopes": []}),
    (alice, "POST", "/shares/alice/gpu", "{}", {}),
    (alice, "POST", "/shares/alice/gpu", "user and group", {"user": "bob", "group": "staff"}),
    (alice, "POST", "/shares/alice/gpu", "unknown key", {"user": "bob", "extra": 1}),
    (alice, "POST", "/shares/alice/gpu", "scopes as a string", {"user": "bob", "scopes": "access:servers"}),
    (alice, "POST", "/shares/alice/gpu", "user=5", {"user": 5}),
    (alice, "POST", "/shares/alice/gpu", "not JSON", None, {"content": b"nope"}),
    (alice, "POST", "/shares/alice/gpu", "no body"),
    (alice, "POST", "/shares/alice/nope", "scopes=[admin:users]", {"user": "bob", "scopes": ["admin:users"]}),
    (carol, "POST", "/shares/alice/gpu", "by carol (shares on herself only)", {"user": "carol"}),
    (narrow, "POST", "/shares/alice/gpu", "by a token without shares", {"user": "bob"}),
    (bob, "GET", "/user", "by bob: scopes"),
)

# --- listing -------------------------------------------------------------------------
show_all(
    (alice, "GET", "/shares/alice", ""),
    (alice, "GET", "/shares/alice", "(pagination Accept)", None, PAGED),
    (alice, "GET", "/shares/alice?limit=2", "(pagination Accept)", None, PAGED),
    (alice, "GET", "/shares/alice?offset=2&limit=2", "", None, PAGED),
    (alice, "GET", "/shares/alice?offset=100", ""),
    (alice, "GET", "/shares/alice?limit=0", ""),
    (alice, "GET", "/shares/alice?limit=-1", ""),
    (alice, "GET", "/shares/alice?offset=-1", ""),
    (alice, "GET", "/shares/alice?limit=1000", ""),
    (alice, "GET", "/shares/alice?limit=abc", ""),
    (alice, "GET", "/shares/alice/gpu", ""),
    (alice, "GET", "/shares/alice/run", ""),
    (alice, "GET", "/shares/alice/", ""),
    (alice, "GET", "/shares/alice/nope", ""),
    (admin, "GET", "/shares/nobody", "(admin)"),
    (admin, "GET", "/shares/nobody/", "(admin)"),
    (carol, "GET", "/shares/alice", "by carol"),
    (carol, "GET", "/shares/alice/gpu", "by carol"),
    (narrow, "GET", "/shares/alice", "by a token without read:shares"),
    (bob, "GET", "/users/bob/shared", ""),
    (bob, "GET", "/users/bob/shared?limit=1", "(pagination Accept)", None, PAGED),
    (bob, "GET", "/users/bob/shared/alice/gpu", ""),
    (bob, "GET", "/users/bob/shared/alice/", ""),
    (bob, "GET", "/users/bob/shared/alice/nope", ""),
    (bob, "GET", "/users/bob/shared/nobody/gpu", ""),
    (admin, "GET", "/users/nobody/shared", "(admin)"),
    (admin, "GET", "/users/nobody/shared/alice/gpu", "(admin)"),
    (carol, "GET", "/users/bob/shared", "by carol"),
    (carol, "GET", "/users/bob/shared/alice/gpu", "by carol"),
    (narrow, "GET", "/users/bob/shared", "by a token without read:users:shares"),
    (admin, "GET", "/groups/staff/shared", "(admin)"),
    (admin, "GET", "/groups/staff/shared", "(pagination Accept)", None, PAGED),
    (bob, "GET", "/groups/staff/shared", "by bob (a member)"),
    (admin, "GET", "/groups/staff/shared/alice/gpu", "(admin)"),
    (admin, "GET", "/groups/staff/shared/alice/nope", "(admin)"),
    (admin, "GET", "/groups/staff/shared/alice/", "(admin)"),
    (admin, "GET", "/groups/nogroup/shared", "(admin)"),
    (admin, "GET", "/groups/nogroup/shared/alice/gpu", "(admin)"),
)

# --- revoking and leaving -------------------------------------------------------------
show_all(
    (
        alice,
        "PATCH",
        "/shares/alice/gpu",
        "user=bob scopes=[read:servers]",
        {"user": "bob", "scopes": ["read:servers"]},
    ),
    (
        alice,
        "PATCH",
        "/shares/alice/gpu",
        "scopes=[read:servers!server=..]",
        {"user": "bob", "scopes": ["read:servers!server=alice/gpu"]},
    ),
    (
        alice,
        "PATCH",
        "/shares/alice/gpu",
        "scopes=[a scope not in the share]",
        {"user": "bob", "scopes": ["read:servers!server=alice/gpu"]},
    ),
    (alice, "PATCH", "/shares/alice/gpu", "scopes=[nonsense]", {"user": "bob", "scopes": ["nonsense"]}),
    (
        alice,
        "PATCH",
        "/shares/alice/gpu",
        "scopes=[...!user=alice]",
        {"user": "bob", "scopes": ["access:servers!user=alice"]},
    ),
    (
        alice,
        "PATCH",
        "/shares/alice/gpu",
        "all of bob's scopes",
        {"user": "bob", "scopes": ["access:servers!server=alice/gpu"]},
    ),
    (alice, "PATCH", "/shares/alice/gpu", "user=carol scopes=[]", {"user": "carol", "scopes": []}),
    (alice, "PATCH", "/shares/alice/gpu", "group=staff (no scopes)", {"group": "staff"}),
    (alice, "PATCH", "/shares/alice/gpu", "user=nobody", {"user": "nobody"}),
    (alice, "PATCH", "/shares/alice/gpu", "group=nogroup", {"group": "nogroup"}),
    (alice, "PATCH", "/shares/alice/gpu", "user=carol (no share)", {"user": "carol"}),
    (alice, "PATCH", "/shares/alice/gpu", "{}", {}),
    (alice, "PATCH", "/shares/alice/nope", "user=bob", {"user": "bob"}),
    (alice, "PATCH", "/shares/alice", "user=bob (no server part)", {"user": "bob"}),
    (carol, "PATCH", "/shares/alice/gpu", "by carol", {"user": "dave"}),
    (alice, "GET", "/shares/alice/gpu", "after the PATCHes"),
    (bob, "DELETE", "/users/bob/shared/alice/stopped", "(bob leaves)"),
    (bob, "DELETE", "/users/bob/shared/alice/stopped", "again"),
    (carol, "DELETE", "/users/bob/shared/alice/run", "by carol"),
    (admin, "DELETE", "/users/nobody/shared/alice/run", "(admin)"),
)
alice.post("/shares/alice/run", json={"group": "staff"})
show_all(
    (admin, "DELETE", "/groups/staff/shared/alice/run", "(admin)"),
    (admin, "DELETE", "/groups/staff/shared/alice/run", "again"),
    (bob, "DELETE", "/groups/staff/shared/alice/run", "by bob"),
    (alice, "DELETE", "/shares/alice/run", ""),
    (alice, "DELETE", "/shares/alice/", "(default)"),
    (alice, "DELETE", "/shares/alice/nope", ""),
    (alice, "DELETE", "/shares/alice", "(no server part)"),
    (carol, "DELETE", "/shares/alice/gpu", "by carol"),
    (alice, "GET", "/shares/alice", "after the DELETEs"),
)

# --- share codes ------------------------------------------------------------------------
first = show("POST /share-codes/alice/gpu {}", alice.post("/share-codes/alice/gpu", json={})).json()
show_all(
    (alice, "POST", "/share-codes/alice/", "(no body, default server)"),
    (alice, "POST", "/share-codes/alice/run", "expires_in=3600", {"expires_in": 3600}),
    (alice, "POST", "/share-codes/alice/gpu", "scopes=[read:servers]", {"scopes": ["read:servers"]}),
    (alice, "POST", "/share-codes/alice", "(no server part)"),
    (alice, "POST", "/share-codes/alice/nope", ""),
    (alice, "POST", "/share-codes/alice/gpu", "expires_in=59", {"expires_in": 59}),
    (alice, "POST", "/share-codes/alice/gpu", "expires_in=31536001", {"expires_in": 31536001}),
    (alice, "POST", "/share-codes/alice/gpu", "expires_in=0", {"expires_in": 0}),
    (alice, "POST", "/share-codes/alice/gpu", "expires_in=null", {"expires_in": None}),
    (alice, "POST", "/share-codes/alice/gpu", "scopes=[nonsense]", {"scopes": ["nonsense"]}),
    (alice, "POST", "/share-codes/alice/gpu", "scopes=[admin:users]", {"scopes": ["admin:users"]}),
    (alice, "POST", "/share-codes/alice/nope", "scopes=[admin:users]", {"scopes": ["admin:users"]}),
    (alice, "POST", "/share-codes/alice/gpu", "unknown key", {"user": "bob"}),
    (carol, "POST", "/share-codes/alice/gpu", "by carol"),
    (narrow, "POST", "/share-codes/alice/gpu", "by a token without shares"),
    (alice, "GET", "/share-codes/alice", ""),
    (alice, "GET", "/share-codes/alice?limit=1", "(pagination Accept)", None, PAGED),
    (alice, "GET", "/share-codes/alice/gpu", ""),
    (alice, "GET", "/share-codes/alice/", ""),
    (alice, "GET", "/share-codes/alice/nope", ""),
    (admin, "GET", "/share-codes/nobody", "(admin)"),
    (carol, "GET", "/share-codes/alice", "by carol"),
    (carol, "GET", "/share-codes/alice/gpu", "by carol"),
)


def browser(name):
    client = httpx.Client(base_url=base, timeout=60)
    page = client.get("/hub/login")
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page.text).group(1)
    client.post("/hub/login", data={"username": name, "password": "x", "_xsrf": xsrf})
    return client


def accept(client, code):
    page = client.get("/hub/accept-share", params={"code": code})
    found = re.search(r'name="_xsrf" value="([^"]+)"', page.text)
    xsrf = found.group(1) if found else client.cookies.get("_xsrf", "")
    return client.post("/hub/accept-share", data={"code": code, "_xsrf": xsrf})


code = first["code"]
dave = browser("dave")
show("accept the gpu code (dave)", accept(dave, code))
show("accept the gpu code again (dave)", accept(dave, code))
show("GET /share-codes/alice/gpu after two exchanges", alice.get("/share-codes/alice/gpu"))
show("GET /users/dave/shared/alice/gpu (admin)", admin.get("/users/dave/shared/alice/gpu"))
# the first gpu code expires (in the database): listed no more, and refused
db = sqlite3.connect(db_file)
db.execute("update share_codes set expires_at='2000-01-01 00:00:00.000000' where exchange_count > 0")
db.commit()
db.close()
show("GET /share-codes/alice/gpu with an expired code", alice.get("/share-codes/alice/gpu"))
show("accept the expired code (dave)", accept(dave, code))
show(
    "DELETE /share-codes/alice/gpu code=<expired or purged>",
    alice.delete("/share-codes/alice/gpu", params={"code": code}),
)
listed = alice.get("/share-codes/alice/gpu").json()["items"]
show_all(
    (
        alice,
        "DELETE",
        "/share-codes/alice/gpu",
        "id=<a live code>",
        None,
        {"params": {"id": listed[0]["id"]}},
    ),
    (alice, "DELETE", "/share-codes/alice/gpu", "id=<the same>", None, {"params": {"id": listed[0]["id"]}}),
    (alice, "DELETE", "/share-codes/alice/gpu", "id=17", None, {"params": {"id": "17"}}),
    (
        alice,
        "DELETE",
        "/share-codes/alice/gpu",
        "id=sc_99999999999",
        None,
        {"params": {"id": "sc_99999999999"}},
    ),
    (alice, "DELETE", "/share-codes/alice/gpu", "code=nope", None, {"params": {"code": "nope"}}),
)
second = alice.post("/share-codes/alice/gpu").json()["code"]
show(
    "DELETE /share-codes/alice/gpu code=<a live code>",
    alice.delete("/share-codes/alice/gpu", params={"code": second}),
)
show("accept the deleted code (dave)", accept(dave, second))
show_all(
    (carol, "DELETE", "/share-codes/alice/gpu", "by carol"),
    (alice, "DELETE", "/share-codes/alice/gpu", "(all)"),
    (alice, "DELETE", "/share-codes/alice", "(no server part)"),
    (alice, "DELETE", "/share-codes/alice/nope", ""),
    (alice, "DELETE", "/share-codes/alice/", "(all of the default server's)"),
    (alice, "GET", "/share-codes/alice", "at the end"),
)

# --- removing a shared server -------------------------------------------------------------
alice.post("/shares/alice/gpu", json={"user": "bob"})
alice.post("/share-codes/alice/gpu")
show_all(
    (admin, "DELETE", "/users/alice/servers/gpu", "remove=true", {"remove": True}),
    (bob, "GET", "/users/bob/shared", "after the removal"),
    (alice, "GET", "/share-codes/alice", "after the removal"),
)

# --- the proxy ------------------------------------------------------------------------------
show("GET /proxy (proxy up)", admin.get("/proxy"))
if proxy_pid is not None:
    os.kill(proxy_pid, signal.SIGTERM)
    time.sleep(1)
    show("GET /proxy (proxy stopped)", admin.get("/proxy"))
    show("GET /proxy (pagination Accept, proxy stopped)", admin.get("/proxy", headers=PAGE))
admin.delete("/users/alice/servers/run")
