# Sends the same requests to a hub and prints status and body: python api_probe.py API_URL TOKEN
# (used for docs/jupyterhub-differences.md; users, servers and names on a hub started
# with allow_named_servers, the dummy authenticator and a service named "bare")
import httpx, json, sys
base = sys.argv[1]
tok = sys.argv[2]
h = {"Authorization": f"token {tok}"}
c = httpx.Client(base_url=base, headers=h)
def show(label, r):
    body = r.text[:200].replace("\n", " ")
    print(f"{label:55s} {r.status_code} {body}")
c.post("/users/pal")
show("PATCH /users/pal {}", c.patch("/users/pal", json={}))
show("PUT /users/pal/server", c.put("/users/pal/server", json={}))
show("PUT /users/pal/servers/e display ''", c.put("/users/pal/servers/e", json={"display_name": ""}))
show("GET /users/pal/servers/e", c.get("/users/pal/servers/e"))
show("PUT long display 300", c.put("/users/pal/servers/l", json={"display_name": "x"*300}))
show("PUT display ctrl", c.put("/users/pal/servers/k", json={"display_name": "a\x01b\nc"}))
show("GET k", c.get("/users/pal/servers/k"))
show("PUT display int", c.put("/users/pal/servers/i", json={"display_name": 5}))
show("PUT display emoji", c.put("/users/pal/servers/m", json={"display_name": "😀 x"}))
show("POST user ctrl a%01b", c.post("/users/a%01b"))
show("POST user ctrl a%C2%85b", c.post("/users/a%C2%85b"))
show("POST users ctrl list", c.post("/users", json={"usernames": ["c\x02d"]}))
show("GET missing ctrl", c.get("/users/zz%01q"))
show("POST group ctrl", c.post("/groups/g%01h"))
show("GET user %0A", c.get("/users/a%0Ab"))
show("POST user %0A", c.post("/users/a%0Ab"))
show("GET group %0A", c.get("/groups/a%0Ab"))
show("GET user %2541", c.get("/users/%2541"))
show("POST user %2541", c.post("/users/%2541"))
show("GET service bare", c.get("/services/bare"))
show("start pal then stop", c.post("/users/pal/server"))
