"""GET /user's scopes for several kinds of token, and what each token's use does to last_activity.

    python identity_probe.py BASE_URL SQLITE_FILE

BASE_URL is a hub started with ``identity_config.py`` beside this file (admin
token ``admin-secret``, service ``svc`` with token ``svc-secret`` and an OAuth
client that needs no confirmation, ``activity_resolution = 2``); SQLITE_FILE
its database, read for the service token's last_activity (no API shows it).
Run it against JupyterHub and against this hub and ``diff`` the two outputs.
"""

from __future__ import annotations

import re
import sqlite3
import sys
import time
from urllib.parse import parse_qs, urlparse

import httpx

base = sys.argv[1].rstrip("/")
db_file = sys.argv[2]
admin = httpx.Client(base_url=base + "/hub/api", headers={"Authorization": "token admin-secret"}, timeout=30)


def as_(token: str) -> httpx.Client:
    return httpx.Client(base_url=base + "/hub/api", headers={"Authorization": f"token {token}"}, timeout=30)


def show(label: str, value: object) -> None:
    print(f"{label:44s} {value}", flush=True)


admin.post("/users", json={"usernames": ["bob", "carol"]})


def new_token(user: str, **body: object) -> tuple[str, str]:
    model = admin.post(f"/users/{user}/tokens", json=body).json()
    return model["token"], model["id"]


# 1. the scopes GET /user (and the token model) lists
own, _ = new_token("bob")
narrow, _ = new_token("bob", scopes=["read:users:name", "read:users!user=bob", "access:servers!user=bob"])
admin_narrow, _ = new_token("admin", scopes=["read:users:name", "read:users"])
for label, token in [
    ("bob's own token", own),
    ("bob's token with narrower scopes", narrow),
    ("admin's token", "admin-secret"),
    ("admin's token with narrower scopes", admin_narrow),
    ("service token", "svc-secret"),
]:
    show(f"scopes: {label}", as_(token).get("/user").json()["scopes"])
show(
    "token model scopes: bob's own token",
    sorted(admin.get("/users/bob/tokens").json()["api_tokens"][0]["scopes"]),
)

# 2. last_activity after one request with each kind of token


def browser_login(name: str) -> httpx.Client:
    c = httpx.Client(base_url=base, timeout=30)
    page = c.get("/hub/login")
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page.text).group(1)
    c.post("/hub/login", data={"username": name, "password": "x", "_xsrf": xsrf})
    return c


def oauth_token(name: str) -> str:
    browser = browser_login(name)
    query = {
        "client_id": "service-svc",
        "redirect_uri": "http://127.0.0.1:9/callback",
        "response_type": "code",
    }
    r = browser.get("/hub/api/oauth2/authorize", params=query)
    code = parse_qs(urlparse(r.headers["location"]).query)["code"][0]
    r = httpx.post(
        base + "/hub/api/oauth2/token",
        data={
            "client_id": "service-svc",
            "client_secret": "svc-secret",
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": "http://127.0.0.1:9/callback",
        },
    )
    return r.json()["access_token"]


def user_activity(name: str) -> str | None:
    return admin.get(f"/users/{name}").json()["last_activity"]


def token_activity(name: str, token_id: str) -> str | None:
    return admin.get(f"/users/{name}/tokens/{token_id}").json()["last_activity"]


def token_id_of(token: str) -> str:
    return as_(token).get("/user").json()["token_id"]


server_token, server_id = new_token("carol", note="Server at /user/carol/")
own_carol, own_id = new_token("carol")
oauth = oauth_token("carol")
oauth_id = token_id_of(oauth)
show("OAuth token scopes", as_(oauth).get("/user").json()["scopes"])
cases = [
    ("carol's own token", own_carol, own_id),
    ("server token (note 'Server at ')", server_token, server_id),
    ("OAuth token", oauth, oauth_id),
]
for label, token, token_id in cases:
    time.sleep(2.5)
    before_user, before_token = user_activity("carol"), token_activity("carol", token_id)
    time.sleep(2.5)
    status = as_(token).get("/user").status_code
    after_user, after_token = user_activity("carol"), token_activity("carol", token_id)
    show(f"{label}: GET /user", status)
    show("  user last_activity changed", before_user != after_user)
    show("  token last_activity changed", before_token != after_token)

time.sleep(2.5)
as_(own_carol).get("/user")
before_user, before_token = user_activity("carol"), token_activity("carol", own_id)
as_(own_carol).get("/user")
show("own token again within activity_resolution", "")
show("  user last_activity changed", before_user != user_activity("carol"))
show("  token last_activity changed", before_token != token_activity("carol", own_id))

time.sleep(2.5)
before_user = user_activity("carol")
db = sqlite3.connect(db_file)
query = "select t.last_activity from api_tokens t join services s on s.id = t.service_id where s.name = 'svc'"
before_service = db.execute(query).fetchall()
time.sleep(2.5)
r = as_("svc-secret").get("/users/carol")
show("service token: GET /users/carol", r.status_code)
show("  user last_activity changed", before_user != user_activity("carol"))
after_service = db.execute(query).fetchall()
show("  service token last_activity changed", before_service != after_service)

# 3. a share of a server the admin could use anyway
admin.post("/users/alice")
admin.post("/shares/alice/", json={"user": "admin"})
held = admin.get("/user").json()["scopes"]
show("admin with a share: access:servers*", [s for s in held if s.startswith("access:servers")])
