"""The same requests to the share-code page of two hubs; prints status and Location of each.

    python accept_share_probe.py BASE_URL SQLITE_FILE

BASE_URL is a hub started with ``jupyterhub_config.py`` beside this file
(admin token ``admin-secret``, the dummy authenticator, users may share);
SQLITE_FILE its database, where the probe makes the code expire.
"""

import re
import sys
import sqlite3
import httpx

base = sys.argv[1]
A = {"Authorization": "token admin-secret"}
api = httpx.Client(base_url=base + "/hub/api", headers=A)
api.post("/users", json={"usernames": ["alice", "bob"]})
alice = api.post("/users/alice/tokens", json={}).json()["token"]
ah = {"Authorization": f"token {alice}"}
r = api.post("/share-codes/alice/", headers=ah)
print("create code", r.status_code, r.text[:150])
code = r.json()["code"]


def browser(name):
    c = httpx.Client(base_url=base)
    p = c.get("/hub/login")
    x = re.search(r'name="_xsrf" value="([^"]+)"', p.text).group(1)
    c.post("/hub/login", data={"username": name, "password": "x", "_xsrf": x})
    return c


anon = httpx.Client(base_url=base)
r = anon.get(f"/hub/accept-share?code={code}")
print("anon GET", r.status_code, r.headers.get("location"))
bob = browser("bob")
for label, q in [("no code", ""), ("unknown", "?code=nope"), ("nul", "?code=%00"), ("good", f"?code={code}")]:
    r = bob.get("/hub/accept-share" + q)
    print("bob GET", label, r.status_code, r.headers.get("content-type"))
page = bob.get(f"/hub/accept-share?code={code}")
x = re.search(r'name="_xsrf" value="([^"]+)"', page.text).group(1)
posts = [
    ("no xsrf", {"code": code}),
    ("unknown", {"code": "nope", "_xsrf": x}),
    ("good", {"code": code, "_xsrf": x}),
    ("again", {"code": code, "_xsrf": x}),
    ("next", {"code": code, "_xsrf": x, "next": "https://evil.example/"}),
]
for label, data in posts:
    r = bob.post("/hub/accept-share", data=data)
    print("bob POST", label, r.status_code, r.headers.get("location"))
print("count", api.get("/share-codes/alice/").json()["items"][0]["exchange_count"])
al = browser("alice")
r = al.get(f"/hub/accept-share?code={code}")
print("owner GET", r.status_code)
x = re.search(r'name="_xsrf" value="([^"]+)"', bob.get(f"/hub/accept-share?code={code}").text).group(1)
r = al.post("/hub/accept-share", data={"code": code, "_xsrf": al.cookies.get("_xsrf") or x})
print("owner POST", r.status_code)
db = sqlite3.connect(sys.argv[2])
db.execute("update share_codes set expires_at='2000-01-01 00:00:00'")
db.commit()
r = bob.get(f"/hub/accept-share?code={code}")
print("expired GET", r.status_code, re.findall(r"Share not found or expired|expired", r.text)[:1])
r = bob.post("/hub/accept-share", data={"code": code, "_xsrf": x})
print("expired POST", r.status_code)
code2 = api.post("/share-codes/alice/", headers=ah).json()["code"]
api.delete("/share-codes/alice/", params={"code": code2}, headers=ah)
print("revoked GET", bob.get(f"/hub/accept-share?code={code2}").status_code)
