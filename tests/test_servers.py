"""Servers: real jupyterhub-singleuser processes behind the real proxy."""

import json
import os
import signal
import sys
import time

import httpx
import pytest

from tests.conftest import free_port

PAGED = {"Accept": "application/jupyterhub-pagination+json"}


def named(c):
    c.JupyterHub.allow_named_servers = True
    c.Spawner.poll_interval = 0.5


def events(api, path):
    r = api.get(path)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/event-stream")
    return [json.loads(line[len("data: ") :]) for line in r.text.splitlines() if line.startswith("data: ")]


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_start_use_and_stop_a_server(make_live_hub, proxy):
    api = make_live_hub(named)
    api.post("/users", json={"usernames": ["alice"]})
    r = api.post("/users/alice/server")
    assert r.status_code == 201, r.text

    user = api.get("/users/alice").json()
    assert user["server"] == "/user/alice/"
    server = user["servers"][""]
    assert server["ready"] is True and server["pending"] is None and server["stopped"] is False
    assert server["started"] is not None and server["user_options"] == {}
    pid = server["state"]["pid"]
    assert pid_alive(pid)

    # through the real proxy, with a token of alice's
    token = api.new_token("alice")
    status = httpx.get(
        f"{proxy.public_url}/user/alice/api/status", headers={"Authorization": f"token {token}"}
    )
    assert status.status_code == 200
    assert "started" in status.json()

    # a client arriving after the start gets the final event at once
    assert events(api, "/users/alice/server/progress") == [
        {
            "progress": 100,
            "ready": True,
            "message": "Server ready at /user/alice/",
            "html_message": 'Server ready at <a href="/user/alice/">/user/alice/</a>',
            "url": "/user/alice/",
        }
    ]
    assert api.get("/users", params={"state": "ready"}).json()[0]["name"] == "alice"
    routes = httpx.get(
        f"{proxy.api_url}/api/routes", headers={"Authorization": f"token {proxy.token}"}
    ).json()
    assert routes["/user/alice"]["target"] == f"http://127.0.0.1:{server['state']['port']}"
    assert routes["/user/alice"]["user"] == "alice" and routes["/user/alice"]["jupyterhub"] is True

    r = api.post("/users/alice/server")
    assert r.status_code == 400 and r.json()["message"] == "alice is already running"

    assert api.delete("/users/alice/server").status_code == 204
    assert not pid_alive(pid)
    after = api.get("/users/alice").json()
    assert after["server"] is None and after["servers"] == {}
    # no route: the proxy sends it to the hub, which sends it on to its "not running" answer
    gone = httpx.get(f"{proxy.public_url}/user/alice/api/status")
    assert (gone.status_code, gone.headers["location"]) == (302, "/hub/user/alice/api/status")
    # stopping a stopped server is fine
    assert api.delete("/users/alice/server").status_code == 204


def test_named_servers(make_live_hub):
    api = make_live_hub(named)
    api.post("/users", json={"usernames": ["alice"]})
    assert api.post("/users/alice/servers/Bad_Name").status_code == 400
    assert api.post("/users/alice/servers/" + "x" * 31).status_code == 400
    r = api.put("/users/alice/servers/gpu", json={"display_name": "GPU", "user_options": {"profile": "gpu"}})
    assert r.status_code == 201
    assert r.json()["display_name"] == "GPU" and r.json()["stopped"] is True
    assert api.put("/users/alice/servers/gpu").status_code == 409
    assert api.put("/users/alice/servers/").status_code in (404, 409)
    r = api.patch("/users/alice/servers/gpu", json={"name": "gpu2"})
    assert r.status_code == 200 and r.json()["name"] == "gpu2"
    r = api.post("/users/alice/servers/gpu2")
    assert r.status_code == 201, r.text
    server = api.get("/users/alice/servers/gpu2").json()
    assert server["url"] == "/user/alice/gpu2/" and server["ready"] is True
    assert server["user_options"] == {"profile": "gpu"}
    assert api.patch("/users/alice/servers/gpu2", json={"display_name": "x"}).status_code == 400
    assert api.delete("/users/alice/servers/gpu2", json={"remove": True}).status_code == 204
    assert api.get("/users/alice/servers/gpu2").status_code == 404
    assert api.delete("/users/alice/server", json={"remove": True}).status_code == 400


def test_named_servers_disabled_and_limited(make_live_hub):
    api = make_live_hub()
    api.post("/users", json={"usernames": ["alice"]})
    r = api.post("/users/alice/servers/gpu")
    assert r.status_code == 400 and r.json()["message"] == "Named servers are not enabled."

    def limited(c):
        named(c)
        c.JupyterHub.named_server_limit_per_user = 1

    api = make_live_hub(limited)
    assert api.put("/users/alice/servers/one").status_code == 201
    r = api.put("/users/alice/servers/two")
    assert r.status_code == 400 and "maximum of 1 named servers" in r.json()["message"]


def test_a_command_that_exits_at_once_fails_cleanly(make_live_hub):
    def failing(c):
        c.Spawner.cmd = [sys.executable, "-c", "import sys; sys.exit(3)"]

    api = make_live_hub(failing)
    api.post("/users", json={"usernames": ["alice"]})
    r = api.post("/users/alice/server")
    assert r.status_code == 500
    assert r.json()["message"] == "Spawn failed: the server exited with status 3 before it answered"
    user = api.get("/users/alice", params={"include_stopped_servers": "1"}).json()
    assert user["servers"][""]["stopped"] is True and user["server"] is None
    assert events(api, "/users/alice/server/progress")[-1]["failed"] is True
    # a new start is allowed
    assert api.post("/users/alice/server").status_code == 500


def silent_server(pidfile):
    """A server command that writes its pid to ``pidfile`` and never answers HTTP."""
    return [
        sys.executable,
        "-c",
        f"import os,time; open({str(pidfile)!r},'w').write(str(os.getpid())); time.sleep(60)",
    ]


def test_a_server_that_never_answers_times_out_and_is_killed(make_live_hub, tmp_path):
    pidfile = tmp_path / "pid"

    def silent(c):
        c.Spawner.cmd = silent_server(pidfile)
        c.Spawner.http_timeout = 1

    api = make_live_hub(silent)
    api.post("/users", json={"usernames": ["alice"]})
    r = api.post("/users/alice/server")
    assert r.status_code == 500
    assert "did not answer HTTP within 1 seconds" in r.json()["message"]
    assert not pid_alive(int(pidfile.read_text()))
    error = api.get("/users/alice", params={"include_stopped_servers": "1"}).json()["servers"][""][
        "last_error"
    ]
    assert error["reason"] == "timeout" and "did not answer HTTP within 1 seconds" in error["message"]


def test_a_start_that_a_stop_cancels_answers_409(make_live_hub, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    pidfile = tmp_path / "pid"

    def silent(c):
        c.Spawner.cmd = silent_server(pidfile)
        c.Spawner.http_timeout = 30
        c.JupyterHub.slow_spawn_timeout = 30

    api = make_live_hub(silent)
    api.post("/users", json={"usernames": ["alice"]})
    with ThreadPoolExecutor(1) as pool:
        start = pool.submit(api.post, "/users/alice/server")
        for _ in range(100):
            if pidfile.exists():
                break
            time.sleep(0.1)
        assert api.delete("/users/alice/server").status_code in (202, 204)
        r = start.result(timeout=30)
    assert (r.status_code, r.json()["message"]) == (409, "The start of alice was cancelled by a stop request")
    assert not pid_alive(int(pidfile.read_text()))
    assert api.get("/users/alice").json()["server"] is None
    error = api.get("/users/alice", params={"include_stopped_servers": "1"}).json()["servers"][""][
        "last_error"
    ]
    assert error["reason"] == "cancelled"


def test_a_server_killed_behind_the_hubs_back_is_reported_stopped(make_live_hub, proxy):
    api = make_live_hub(named)
    api.post("/users", json={"usernames": ["alice"]})
    assert api.post("/users/alice/server").status_code == 201
    pid = api.get("/users/alice").json()["servers"][""]["state"]["pid"]
    os.killpg(pid, signal.SIGKILL)
    for _ in range(100):
        if api.get("/users/alice").json()["server"] is None:
            break
        time.sleep(0.1)
    assert api.get("/users/alice").json()["servers"] == {}
    routes = httpx.get(
        f"{proxy.api_url}/api/routes", headers={"Authorization": f"token {proxy.token}"}
    ).json()
    assert "/user/alice" not in routes


def test_ten_servers_start_at_once(make_live_hub):
    """Ten starts in flight together all end ready. The servers are the light
    stand-in (tests/helpers/standin_server.py): what is tested is the hub's side
    of concurrent starts; the real jupyterhub-singleuser's lifecycle is tested
    above, one server at a time."""
    from tests.test_contract import STANDIN

    def quick(c):
        named(c)
        c.JupyterHub.slow_spawn_timeout = 0
        c.Spawner.cmd = [sys.executable, str(STANDIN)]

    api = make_live_hub(quick)
    names = [f"u{i}" for i in range(10)]
    api.post("/users", json={"usernames": names})
    for name in names:
        assert api.post(f"/users/{name}/server").status_code == 202
    for name in names:
        stream = events(api, f"/users/{name}/server/progress")
        assert stream[-1]["ready"] is True, stream
    ready = api.get("/users", params={"state": "ready"}).json()
    assert sorted(u["name"] for u in ready) == names
    routes = api.get("/proxy").json()
    assert all(f"/user/{name}/" in routes for name in names)


def test_deleting_a_user_stops_their_servers(make_live_hub):
    api = make_live_hub(named)
    api.post("/users", json={"usernames": ["alice"]})
    assert api.post("/users/alice/server").status_code == 201
    pid = api.get("/users/alice").json()["servers"][""]["state"]["pid"]
    assert api.delete("/users/alice").status_code == 204
    assert not pid_alive(pid)


@pytest.mark.parametrize("delay", [0])
def test_progress_while_starting_ends_with_ready(make_live_hub, delay):
    def quick(c):
        c.JupyterHub.slow_spawn_timeout = delay

    api = make_live_hub(quick)
    api.post("/users", json={"usernames": ["alice"]})
    assert api.post("/users/alice/server").status_code == 202
    stream = events(api, "/users/alice/server/progress")
    assert stream[0] == {"progress": 0, "message": "Server requested"}
    assert stream[-1]["ready"] is True and stream[-1]["url"] == "/user/alice/"
    assert api.post("/users/alice/server").status_code == 400


def test_proxy_table_and_sync(make_live_hub, proxy):
    api = make_live_hub()
    api.post("/users", json={"usernames": ["alice"]})
    assert api.post("/users/alice/server").status_code == 201
    table = api.get("/proxy").json()
    assert table["/"]["data"]["hub"] is True
    assert table["/user/alice/"]["data"]["user"] == "alice"
    page = api.get("/proxy", params={"limit": 1}, headers=PAGED).json()
    assert len(page["items"]) == 1 and page["_pagination"]["total"] == len(table)

    # a route lost behind the hub's back comes back on POST /proxy
    headers = {"Authorization": f"token {proxy.token}"}
    httpx.delete(f"{proxy.api_url}/api/routes/user/alice", headers=headers)
    assert "/user/alice/" not in api.get("/proxy").json()
    assert api.post("/proxy").status_code == 200
    assert "/user/alice/" in api.get("/proxy").json()
    assert api.patch("/proxy", json=[1]).status_code == 400
    assert api.patch("/proxy", json={"auth_token": proxy.token}).status_code == 200


def test_the_proxy_table_pages_by_position(make_live_hub, proxy):
    api = make_live_hub()
    headers = {"Authorization": f"token {proxy.token}"}
    mine = [f"/paging-{c}" for c in "bdfh"]
    route = {"target": "http://127.0.0.1:9", "jupyterhub": True}  # in the hub's table
    for path in mine:
        httpx.post(f"{proxy.api_url}/api/routes{path}", json=route, headers=headers)
    try:
        table = sorted(api.get("/proxy").json())
        first = api.get("/proxy", params={"limit": 2}, headers=PAGED).json()
        nxt = first["_pagination"]["next"]
        assert list(first["items"]) == table[:2] and "after=" in nxt["url"]
        # a route that sorts before the position is added between pages: with
        # offsets alone the next page would repeat the first page's last route
        httpx.post(f"{proxy.api_url}/api/routes/!first", json=route, headers=headers)
        seen, url = list(first["items"]), nxt["url"]
        while url:
            page = api.client.get(url, headers={**PAGED, "Authorization": "token admin-secret-token"}).json()
            seen += list(page["items"])
            url = (page["_pagination"]["next"] or {}).get("url")
        assert seen == table
    finally:
        for path in [*mine, "/!first"]:
            httpx.delete(f"{proxy.api_url}/api/routes{path}", headers=headers)


def test_switching_to_a_proxy_that_does_not_answer_is_refused(api, proxy):
    nowhere = f"http://127.0.0.1:{free_port()}"
    r = api.patch("/proxy", json={"api_url": nowhere})
    assert r.status_code == 400
    assert r.json()["message"] == f"Not switching proxies: no proxy answers at {nowhere!r} (ConnectError)"
    lone_surrogate = b'{"api_url": "http://\\ud844x:1"}'
    r = api.patch("/proxy", content=lone_surrogate, headers={"Content-Type": "application/json"})
    assert (r.status_code, r.json()["message"]) == (400, "Request body holds a lone UTF-16 surrogate")
    r = api.patch("/proxy", json={"auth_token": "wrong"})
    assert r.json()["message"] == f"Not switching proxies: the proxy at {proxy.api_url} answered 403"
    # the hub still uses the proxy it had
    assert api.get("/proxy").json()["/"]["data"]["hub"] is True


def own_proxy(tmp_path, interval=3600):
    """The hub starts a proxy of its own (not the suite's shared one), checked every ``interval`` s."""

    def configure(c):
        c.JupyterHub.bind_url = f"http://127.0.0.1:{free_port()}"
        c.ConfigurableHTTPProxy.should_start = True
        c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{free_port()}"
        c.ConfigurableHTTPProxy.pid_file = str(tmp_path / "proxy.pid")
        c.ConfigurableHTTPProxy.check_running_interval = interval

    return configure


def kill(process):
    process.kill()
    process.wait(10)


def test_a_proxy_that_exited_is_started_again_before_the_table_is_answered(make_hub, tmp_path):
    from hub.runtime import current

    api = make_hub(own_proxy(tmp_path))
    proxy = current().proxy
    first = proxy.process
    kill(first)
    # as JupyterHub answers (after its retries): the table of the proxy started again
    r = api.get("/proxy")
    assert r.status_code == 200 and r.json()["/"]["data"]["hub"] is True
    assert proxy.process is not first and proxy.process.poll() is None
    kill(proxy.process)
    assert api.post("/proxy").status_code == 200
    assert api.get("/proxy").json()["/"]["data"]["hub"] is True


def test_a_proxy_that_exited_is_started_again_by_the_hub_on_its_own(make_hub, tmp_path):
    from hub.runtime import current

    make_hub(own_proxy(tmp_path, interval=1))
    proxy = current().proxy
    first = proxy.process
    kill(first)
    deadline = time.monotonic() + 30
    while proxy.process is first or proxy.process.poll() is not None:
        assert time.monotonic() < deadline, "the proxy was not started again"
        time.sleep(0.1)
    headers = {"Authorization": f"token {proxy.token}"}
    while True:
        try:
            routes = httpx.get(f"{proxy.api_url}/api/routes", headers=headers).json()
            if "/" in routes:
                break
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, "the hub's route was not added again"
        time.sleep(0.1)
    assert routes["/"]["hub"] is True


def test_a_proxy_that_cannot_be_reached_is_a_503(make_hub, tmp_path):
    from hub.runtime import current

    api = make_hub(own_proxy(tmp_path))
    proxy = current().proxy
    proxy.command = [str(tmp_path / "no-such-proxy")]
    kill(proxy.process)
    # JupyterHub retries for 30 s, then answers 500
    for r in (api.get("/proxy"), api.post("/proxy")):
        assert r.status_code == 503
        assert r.json()["message"].startswith(
            "The proxy exited and could not be started again: could not run"
        )


def test_a_proxy_the_hub_did_not_start_is_not_started_when_it_cannot_be_reached(make_hub, tmp_path):
    from hub.runtime import current

    api = make_hub(own_proxy(tmp_path))
    proxy = current().proxy
    proxy.should_start = False  # as for a proxy the hub connected to
    kill(proxy.process)
    r = api.get("/proxy")
    assert r.status_code == 503
    message = f"The proxy is not available: cannot reach the proxy's API at {proxy.api_url}"
    assert r.json()["message"].startswith(message)


def test_switching_proxies_while_others_read_the_routes_is_never_a_500(make_live_hub):
    from concurrent.futures import ThreadPoolExecutor

    api = make_live_hub()

    def call(i: int) -> int:
        if i % 2:
            return api.patch("/proxy", json={}).status_code
        return api.get("/proxy").status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(call, range(60)))
    assert set(statuses) == {200}, statuses


def test_shutdown_stops_the_servers(make_live_hub):
    api = make_live_hub()
    api.post("/users", json={"usernames": ["alice"]})
    assert api.post("/users/alice/server").status_code == 201
    pid = api.get("/users/alice").json()["servers"][""]["state"]["pid"]
    assert api.post("/shutdown", json={"servers": "yes"}).status_code == 400
    r = api.post("/shutdown")
    assert r.status_code == 202 and r.json() == {"message": "Shutting down Hub"}
    for _ in range(100):
        if not pid_alive(pid):
            break
        time.sleep(0.1)
    assert not pid_alive(pid)


def test_spawn_throttling(make_live_hub):
    def throttled(c):
        c.JupyterHub.concurrent_spawn_limit = 1
        c.JupyterHub.slow_spawn_timeout = 0

    api = make_live_hub(throttled)
    api.post("/users", json={"usernames": ["alice", "bob"]})
    assert api.post("/users/alice/server").status_code == 202
    r = api.post("/users/bob/server")
    assert r.status_code == 429
    assert 30 <= int(r.headers["retry-after"]) <= 60
    assert "Too many users trying to log in" in r.json()["message"]


def test_active_server_limit(make_live_hub):
    def limited(c):
        c.JupyterHub.active_server_limit = 1

    api = make_live_hub(limited)
    api.post("/users", json={"usernames": ["alice", "bob"]})
    assert api.post("/users/alice/server").status_code == 201
    r = api.post("/users/bob/server")
    assert (
        r.status_code == 429
        and r.json()["message"] == "Active user limit exceeded. Try again in a few minutes."
    )
    assert api.get("/users", params={"state": "active"}).json()[0]["name"] == "alice"
    assert api.delete("/users/alice/server").status_code == 204
    assert api.post("/users/bob/server").status_code == 201


def test_names_and_removal_rules_answer_in_jupyterhubs_words(make_hub):
    api = make_hub(named)
    api.post("/users", json={"usernames": ["alice"]})
    r = api.delete("/users/alice/server", json={"remove": True})
    assert (r.status_code, r.json()["message"]) == (400, "Cannot delete the default server")
    assert api.delete("/users/alice/server", json={"remove": False}).status_code == 204
    for bad in ("0", "Gpu", "a--b", "x" * 31):
        for method in ("PUT", "POST"):
            r = api(method, f"/users/alice/servers/{bad}")
            assert (r.status_code, r.json()["message"]) == (400, f"Invalid server_name: {bad!r}")
    assert api.put("/users/alice/servers/gpu").status_code == 201
    for bad in (" GPU", "GPU  box", "tab\there", "bell\x07"):
        r = api.patch("/users/alice/servers/gpu", json={"display_name": bad})
        assert (r.status_code, r.json()["message"]) == (400, f"Invalid display_name: {bad!r}")
    r = api.patch("/users/alice/servers/gpu", json={"display_name": "GPU box, 2 A100s ✓"})
    assert r.status_code == 200 and r.json()["display_name"] == "GPU box, 2 A100s ✓"
    r = api.patch("/users/alice/servers/gpu", json={"name": "Not-Valid"})
    assert r.status_code == 400
    assert api.get("/users/alice/servers/gpu").status_code == 200


def test_a_long_user_name_gets_a_server_and_its_oauth_client(make_live_hub):
    from tests.test_contract import STANDIN

    def standin(c):
        c.Spawner.cmd = [sys.executable, str(STANDIN)]

    api = make_live_hub(standin)
    name = "ü" * 100  # its OAuth client id quotes it to 600 characters
    api.post("/users", json={"usernames": [name]})
    assert api.post(f"/users/{name}/server").status_code == 201
    assert api.delete(f"/users/{name}/server").status_code == 204


def test_the_default_server_answers_put_and_patch_as_jupyterhub(make_hub):
    api = make_hub(named)
    api.post("/users", json={"usernames": ["alice"]})
    r = api.put("/users/alice/server", json={})
    assert (r.status_code, r.json()["message"]) == (409, "User alice already has a default server")
    assert api.put("/users/nobody/server").status_code == 404
    # the stopped default server can be given a display name
    r = api.patch("/users/alice/server", json={"display_name": "Main"})
    assert r.status_code == 200 and (r.json()["name"], r.json()["display_name"]) == ("", "Main")
    assert api.get("/users/alice/server").json()["display_name"] == "Main"


def test_an_empty_display_name_is_none_given(make_hub):
    api = make_hub(named)
    api.post("/users", json={"usernames": ["alice"]})
    r = api.put("/users/alice/servers/gpu", json={"display_name": ""})
    assert r.status_code == 201
    assert (r.json()["display_name"], r.json()["user_options"]) == ("gpu", {})
    api.patch("/users/alice/servers/gpu", json={"display_name": "GPU"})
    r = api.patch("/users/alice/servers/gpu", json={"display_name": ""})
    assert r.status_code == 200 and r.json()["display_name"] == "GPU"
    assert api.put("/users/alice/servers/cpu").json()["user_options"] == {}
