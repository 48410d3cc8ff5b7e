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
show("POST /shares/alice/gpu user=bob (never started)", alice.post("/shares/alice/gpu", json={"user": "bob"}))
show("POST /shares/alice/run user=bob (running)", alice.post("/shares/alice/run", json={"user": "bob"}))
show(
    "POST /shares/alice/stopped user=bob (stopped)", alice.post("/shares/alice/stopped", json={"user": "bob"})
)
show(
    "POST /shares/alice/ user=bob (default, never started)",
    alice.post("/shares/alice/", json={"user": "bob"}),
)
show("POST /shares/alice user=bob (no server part)", alice.post("/shares/alice", json={"user": "bob"}))
show("POST /shares/alice/nope user=bob", alice.post("/shares/alice/nope", json={"user": "bob"}))
show("POST /shares/nobody/ user=bob (admin)", admin.post("/shares/nobody/", json={"user": "bob"}))
show("POST /shares/alice/gpu user=nobody", alice.post("/shares/alice/gpu", json={"user": "nobody"}))
show("POST /shares/alice/gpu group=nogroup", alice.post("/shares/alice/gpu", json={"group": "nogroup"}))
show("POST /shares/alice/gpu group=staff", alice.post("/shares/alice/gpu", json={"group": "staff"}))
show("POST /shares/alice/gpu group=empty", alice.post("/shares/alice/gpu", json={"group": "empty"}))
show("POST /shares/alice/gpu user=alice (herself)", alice.post("/shares/alice/gpu", json={"user": "alice"}))
show(
    "POST /shares/alice/gpu scopes=[nonsense]",
    alice.post("/shares/alice/gpu", json={"user": "bob", "scopes": ["nonsense"]}),
)
show(
    "POST /shares/alice/gpu scopes=[all]",
    alice.post("/shares/alice/gpu", json={"user": "bob", "scopes": ["all"]}),
)
show(
    "POST /shares/alice/gpu scopes=[admin:users] (not held)",
    alice.post("/shares/alice/gpu", json={"user": "bob", "scopes": ["admin:users"]}),
)
show(
    "POST /shares/alice/gpu scopes=[admin:servers]",
    alice.post("/shares/alice/gpu", json={"user": "bob", "scopes": ["admin:servers"]}),
)
show(
    "POST /shares/alice/gpu scopes=[read:servers]",
    alice.post("/shares/alice/gpu", json={"user": "bob", "scopes": ["read:servers"]}),
)
show(
    "POST /shares/alice/gpu again, same scopes",
    alice.post("/shares/alice/gpu", json={"user": "bob", "scopes": ["read:servers"]}),
)
show(
    "POST /shares/alice/gpu scopes=[access:servers!user=alice]",
    alice.post("/shares/alice/gpu", json={"user": "bob", "scopes": ["access:servers!user=alice"]}),
)
show(
    "POST /shares/alice/gpu scopes=[...!server=alice/gpu]",
    alice.post("/shares/alice/gpu", json={"user": "carol", "scopes": ["access:servers!server=alice/gpu"]}),
)
show(
    "POST /shares/alice/gpu scopes=[] user=dave",
    alice.post("/shares/alice/gpu", json={"user": "dave", "scopes": []}),
)
show("POST /shares/alice/gpu {}", alice.post("/shares/alice/gpu", json={}))
show(
    "POST /shares/alice/gpu user and group",
    alice.post("/shares/alice/gpu", json={"user": "bob", "group": "staff"}),
)
show("POST /shares/alice/gpu unknown key", alice.post("/shares/alice/gpu", json={"user": "bob", "extra": 1}))
show(
    "POST /shares/alice/gpu scopes as a string",
    alice.post("/shares/alice/gpu", json={"user": "bob", "scopes": "access:servers"}),
)
show("POST /shares/alice/gpu user=5", alice.post("/shares/alice/gpu", json={"user": 5}))
show("POST /shares/alice/gpu not JSON", alice.post("/shares/alice/gpu", content=b"nope"))
show("POST /shares/alice/gpu no body", alice.post("/shares/alice/gpu"))
show(
    "POST /shares/alice/nope scopes=[admin:users]",
    alice.post("/shares/alice/nope", json={"user": "bob", "scopes": ["admin:users"]}),
)
show(
    "POST /shares/alice/gpu by carol (shares on herself only)",
    carol.post("/shares/alice/gpu", json={"user": "carol"}),
)
show(
    "POST /shares/alice/gpu by a token without shares", narrow.post("/shares/alice/gpu", json={"user": "bob"})
)
show("GET /user by bob: scopes", bob.get("/user"))

# --- listing -------------------------------------------------------------------------
show("GET /shares/alice", alice.get("/shares/alice"))
show("GET /shares/alice (pagination Accept)", alice.get("/shares/alice", headers=PAGE))
show("GET /shares/alice?limit=2 (pagination Accept)", alice.get("/shares/alice?limit=2", headers=PAGE))
show("GET /shares/alice?offset=2&limit=2", alice.get("/shares/alice?offset=2&limit=2", headers=PAGE))
show("GET /shares/alice?offset=100", alice.get("/shares/alice?offset=100"))
show("GET /shares/alice?limit=0", alice.get("/shares/alice?limit=0"))
show("GET /shares/alice?limit=-1", alice.get("/shares/alice?limit=-1"))
show("GET /shares/alice?offset=-1", alice.get("/shares/alice?offset=-1"))
show("GET /shares/alice?limit=1000", alice.get("/shares/alice?limit=1000"))
show("GET /shares/alice?limit=abc", alice.get("/shares/alice?limit=abc"))
show("GET /shares/alice/gpu", alice.get("/shares/alice/gpu"))
show("GET /shares/alice/run", alice.get("/shares/alice/run"))
show("GET /shares/alice/", alice.get("/shares/alice/"))
show("GET /shares/alice/nope", alice.get("/shares/alice/nope"))
show("GET /shares/nobody (admin)", admin.get("/shares/nobody"))
show("GET /shares/nobody/ (admin)", admin.get("/shares/nobody/"))
show("GET /shares/alice by carol", carol.get("/shares/alice"))
show("GET /shares/alice/gpu by carol", carol.get("/shares/alice/gpu"))
show("GET /shares/alice by a token without read:shares", narrow.get("/shares/alice"))
show("GET /users/bob/shared", bob.get("/users/bob/shared"))
show("GET /users/bob/shared?limit=1 (pagination Accept)", bob.get("/users/bob/shared?limit=1", headers=PAGE))
show("GET /users/bob/shared/alice/gpu", bob.get("/users/bob/shared/alice/gpu"))
show("GET /users/bob/shared/alice/", bob.get("/users/bob/shared/alice/"))
show("GET /users/bob/shared/alice/nope", bob.get("/users/bob/shared/alice/nope"))
show("GET /users/bob/shared/nobody/gpu", bob.get("/users/bob/shared/nobody/gpu"))
show("GET /users/nobody/shared (admin)", admin.get("/users/nobody/shared"))
show("GET /users/nobody/shared/alice/gpu (admin)", admin.get("/users/nobody/shared/alice/gpu"))
show("GET /users/bob/shared by carol", carol.get("/users/bob/shared"))
show("GET /users/bob/shared/alice/gpu by carol", carol.get("/users/bob/shared/alice/gpu"))
show("GET /users/bob/shared by a token without read:users:shares", narrow.get("/users/bob/shared"))
show("GET /groups/staff/shared (admin)", admin.get("/groups/staff/shared"))
show("GET /groups/staff/shared (pagination Accept)", admin.get("/groups/staff/shared", headers=PAGE))
show("GET /groups/staff/shared by bob (a member)", bob.get("/groups/staff/shared"))
show("GET /groups/staff/shared/alice/gpu (admin)", admin.get("/groups/staff/shared/alice/gpu"))
show("GET /groups/staff/shared/alice/nope (admin)", admin.get("/groups/staff/shared/alice/nope"))
show("GET /groups/staff/shared/alice/ (admin)", admin.get("/groups/staff/shared/alice/"))
show("GET /groups/nogroup/shared (admin)", admin.get("/groups/nogroup/shared"))
show("GET /groups/nogroup/shared/alice/gpu (admin)", admin.get("/groups/nogroup/shared/alice/gpu"))

# --- revoking and leaving -------------------------------------------------------------
show(
    "PATCH /shares/alice/gpu user=bob scopes=[read:servers]",
    alice.patch("/shares/alice/gpu", json={"user": "bob", "scopes": ["read:servers"]}),
)
show(
    "PATCH /shares/alice/gpu scopes=[read:servers!server=..]",
    alice.patch("/shares/alice/gpu", json={"user": "bob", "scopes": ["read:servers!server=alice/gpu"]}),
)
show(
    "PATCH /shares/alice/gpu scopes=[a scope not in the share]",
    alice.patch("/shares/alice/gpu", json={"user": "bob", "scopes": ["read:servers!server=alice/gpu"]}),
)
show(
    "PATCH /shares/alice/gpu scopes=[nonsense]",
    alice.patch("/shares/alice/gpu", json={"user": "bob", "scopes": ["nonsense"]}),
)
show(
    "PATCH /shares/alice/gpu scopes=[...!user=alice]",
    alice.patch("/shares/alice/gpu", json={"user": "bob", "scopes": ["access:servers!user=alice"]}),
)
show(
    "PATCH /shares/alice/gpu all of bob's scopes",
    alice.patch("/shares/alice/gpu", json={"user": "bob", "scopes": ["access:servers!server=alice/gpu"]}),
)
show(
    "PATCH /shares/alice/gpu user=carol scopes=[]",
    alice.patch("/shares/alice/gpu", json={"user": "carol", "scopes": []}),
)
show(
    "PATCH /shares/alice/gpu group=staff (no scopes)",
    alice.patch("/shares/alice/gpu", json={"group": "staff"}),
)
show("PATCH /shares/alice/gpu user=nobody", alice.patch("/shares/alice/gpu", json={"user": "nobody"}))
show("PATCH /shares/alice/gpu group=nogroup", alice.patch("/shares/alice/gpu", json={"group": "nogroup"}))
show(
    "PATCH /shares/alice/gpu user=carol (no share)", alice.patch("/shares/alice/gpu", json={"user": "carol"})
)
show("PATCH /shares/alice/gpu {}", alice.patch("/shares/alice/gpu", json={}))
show("PATCH /shares/alice/nope user=bob", alice.patch("/shares/alice/nope", json={"user": "bob"}))
show("PATCH /shares/alice user=bob (no server part)", alice.patch("/shares/alice", json={"user": "bob"}))
show("PATCH /shares/alice/gpu by carol", carol.patch("/shares/alice/gpu", json={"user": "dave"}))
show("GET /shares/alice/gpu after the PATCHes", alice.get("/shares/alice/gpu"))
show("DELETE /users/bob/shared/alice/stopped (bob leaves)", bob.delete("/users/bob/shared/alice/stopped"))
show("DELETE /users/bob/shared/alice/stopped again", bob.delete("/users/bob/shared/alice/stopped"))
show("DELETE /users/bob/shared/alice/run by carol", carol.delete("/users/bob/shared/alice/run"))
show("DELETE /users/nobody/shared/alice/run (admin)", admin.delete("/users/nobody/shared/alice/run"))
alice.post("/shares/alice/run", json={"group": "staff"})
show("DELETE /groups/staff/shared/alice/run (admin)", admin.delete("/groups/staff/shared/alice/run"))
show("DELETE /groups/staff/shared/alice/run again", admin.delete("/groups/staff/shared/alice/run"))
show("DELETE /groups/staff/shared/alice/run by bob", bob.delete("/groups/staff/shared/alice/run"))
show("DELETE /shares/alice/run", alice.delete("/shares/alice/run"))
show("DELETE /shares/alice/ (default)", alice.delete("/shares/alice/"))
show("DELETE /shares/alice/nope", alice.delete("/shares/alice/nope"))
show("DELETE /shares/alice (no server part)", alice.delete("/shares/alice"))
show("DELETE /shares/alice/gpu by carol", carol.delete("/shares/alice/gpu"))
show("GET /shares/alice after the DELETEs", alice.get("/shares/alice"))

# --- share codes ------------------------------------------------------------------------
first = show("POST /share-codes/alice/gpu {}", alice.post("/share-codes/alice/gpu", json={})).json()
show("POST /share-codes/alice/ (no body, default server)", alice.post("/share-codes/alice/"))
show(
    "POST /share-codes/alice/run expires_in=3600",
    alice.post("/share-codes/alice/run", json={"expires_in": 3600}),
)
show(
    "POST /share-codes/alice/gpu scopes=[read:servers]",
    alice.post("/share-codes/alice/gpu", json={"scopes": ["read:servers"]}),
)
show("POST /share-codes/alice (no server part)", alice.post("/share-codes/alice"))
show("POST /share-codes/alice/nope", alice.post("/share-codes/alice/nope"))
show(
    "POST /share-codes/alice/gpu expires_in=59", alice.post("/share-codes/alice/gpu", json={"expires_in": 59})
)
show(
    "POST /share-codes/alice/gpu expires_in=31536001",
    alice.post("/share-codes/alice/gpu", json={"expires_in": 31536001}),
)
show("POST /share-codes/alice/gpu expires_in=0", alice.post("/share-codes/alice/gpu", json={"expires_in": 0}))
show(
    "POST /share-codes/alice/gpu expires_in=null",
    alice.post("/share-codes/alice/gpu", json={"expires_in": None}),
)
show(
    "POST /share-codes/alice/gpu scopes=[nonsense]",
    alice.post("/share-codes/alice/gpu", json={"scopes": ["nonsense"]}),
)
show(
    "POST /share-codes/alice/gpu scopes=[admin:users]",
    alice.post("/share-codes/alice/gpu", json={"scopes": ["admin:users"]}),
)
show(
    "POST /share-codes/alice/nope scopes=[admin:users]",
    alice.post("/share-codes/alice/nope", json={"scopes": ["admin:users"]}),
)
show("POST /share-codes/alice/gpu unknown key", alice.post("/share-codes/alice/gpu", json={"user": "bob"}))
show("POST /share-codes/alice/gpu by carol", carol.post("/share-codes/alice/gpu"))
show("POST /share-codes/alice/gpu by a token without shares", narrow.post("/share-codes/alice/gpu"))
show("GET /share-codes/alice", alice.get("/share-codes/alice"))
show(
    "GET /share-codes/alice?limit=1 (pagination Accept)",
    alice.get("/share-codes/alice?limit=1", headers=PAGE),
)
show("GET /share-codes/alice/gpu", alice.get("/share-codes/alice/gpu"))
show("GET /share-codes/alice/", alice.get("/share-codes/alice/"))
show("GET /share-codes/alice/nope", alice.get("/share-codes/alice/nope"))
show("GET /share-codes/nobody (admin)", admin.get("/share-codes/nobody"))
show("GET /share-codes/alice by carol", carol.get("/share-codes/alice"))
show("GET /share-codes/alice/gpu by carol", carol.get("/share-codes/alice/gpu"))


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
show(
    "DELETE /share-codes/alice/gpu id=<a live code>",
    alice.delete("/share-codes/alice/gpu", params={"id": listed[0]["id"]}),
)
show(
    "DELETE /share-codes/alice/gpu id=<the same>",
    alice.delete("/share-codes/alice/gpu", params={"id": listed[0]["id"]}),
)
show("DELETE /share-codes/alice/gpu id=17", alice.delete("/share-codes/alice/gpu", params={"id": "17"}))
show(
    "DELETE /share-codes/alice/gpu id=sc_99999999999",
    alice.delete("/share-codes/alice/gpu", params={"id": "sc_99999999999"}),
)
show(
    "DELETE /share-codes/alice/gpu code=nope", alice.delete("/share-codes/alice/gpu", params={"code": "nope"})
)
second = alice.post("/share-codes/alice/gpu").json()["code"]
show(
    "DELETE /share-codes/alice/gpu code=<a live code>",
    alice.delete("/share-codes/alice/gpu", params={"code": second}),
)
show("accept the deleted code (dave)", accept(dave, second))
show("DELETE /share-codes/alice/gpu by carol", carol.delete("/share-codes/alice/gpu"))
show("DELETE /share-codes/alice/gpu (all)", alice.delete("/share-codes/alice/gpu"))
show("DELETE /share-codes/alice (no server part)", alice.delete("/share-codes/alice"))
show("DELETE /share-codes/alice/nope", alice.delete("/share-codes/alice/nope"))
show("DELETE /share-codes/alice/ (all of the default server's)", alice.delete("/share-codes/alice/"))
show("GET /share-codes/alice at the end", alice.get("/share-codes/alice"))

# --- removing a shared server -------------------------------------------------------------
alice.post("/shares/alice/gpu", json={"user": "bob"})
alice.post("/share-codes/alice/gpu")
show(
    "DELETE /users/alice/servers/gpu remove=true",
    admin.request("DELETE", "/users/alice/servers/gpu", json={"remove": True}),
)
show("GET /users/bob/shared after the removal", bob.get("/users/bob/shared"))
show("GET /share-codes/alice after the removal", alice.get("/share-codes/alice"))

# --- the proxy ------------------------------------------------------------------------------
show("GET /proxy (proxy up)", admin.get("/proxy"))
if proxy_pid is not None:
    os.kill(proxy_pid, signal.SIGTERM)
    time.sleep(1)
    show("GET /proxy (proxy stopped)", admin.get("/proxy"))
    show("GET /proxy (pagination Accept, proxy stopped)", admin.get("/proxy", headers=PAGE))
admin.delete("/users/alice/servers/run")
