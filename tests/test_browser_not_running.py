"""A server that dies behind the hub's back, seen in a real browser.

The hub starts its own configurable-http-proxy (so with ``--error-target``
pointing at the hub). The single-user server is the light stand-in, run by a
shell that outlives it: killing the server leaves the process the hub polls
alive, so the proxy still routes to a dead port and shows the hub's error
page; killing the shell too lets the hub notice, remove the route, and the
same address answers with the 424 page, whose Launch button starts the server
again. With ``$HUB_SCREENSHOT_DIR`` set (``make screenshots``), both pages are
saved there.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.helpers.waiting import wait_for
from tests.test_servers import own_proxy
from tests.test_swagger_ui import browser  # noqa: F401  (the Chromium fixture)

WRAPPER = 'python=$1; shift; "$python" "$@" & wait $!; exec sleep 3600'


def parent_of(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("PPid:")))


@pytest.mark.slow
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_killed_server_shows_the_error_page_then_the_424_page_and_starts_again(
    make_live_hub,
    browser,  # noqa: F811
    tmp_path,
):
    from tests.test_contract import STANDIN

    record = tmp_path / "server.json"
    public_port: list[str] = []

    def configure(c):
        own_proxy(tmp_path)(c)
        public_port.append(c.JupyterHub.bind_url)
        c.JupyterHub.authenticator_class = "dummy"
        c.JupyterHub.redirect_to_server = False
        c.Spawner.cmd = ["sh", "-c", WRAPPER, "wrapper", sys.executable, str(STANDIN)]
        c.Spawner.environment = {"HUB_TEST_RECORD": str(record)}
        c.Spawner.poll_interval = 1

    api = make_live_hub(configure)
    base = public_port[0]
    page = browser.new_context().new_page()
    page.goto(f"{base}/hub/login")
    page.fill("#username", "alice")
    page.click("#login")
    expect(page).to_have_url(f"{base}/hub/home")
    assert api.post("/users/alice/server").status_code == 201
    assert page.goto(f"{base}/user/alice/").status == 200

    server = json.loads(wait_for(lambda: record.exists() and record.read_text(), 30, message="the record"))
    wrapper = parent_of(server["pid"])
    os.kill(server["pid"], signal.SIGKILL)
    # the proxy cannot reach it: its error target, the hub's page
    response = page.goto(f"{base}/user/alice/lab")
    assert response.status == 503
    expect(page.locator("#message")).to_contain_text("is not answering")
    expect(page.locator("#url")).to_have_text("/user/alice/lab")
    shots = Path(os.environ.get("HUB_SCREENSHOT_DIR") or tmp_path)
    page.screenshot(path=str(shots / "error-page.png"))

    os.kill(wrapper, signal.SIGKILL)
    wait_for(lambda: not api.get("/users/alice").json()["servers"], 30, message="the hub to notice")
    response = page.goto(f"{base}/user/alice/lab")
    assert response.status == 424
    expect(page).to_have_url(f"{base}/hub/user/alice/lab")
    expect(page.locator("#headline")).to_have_text("Your server is not running")
    page.screenshot(path=str(shots / "not-running.png"))

    record.unlink()
    page.click("#start")
    page.wait_for_url(f"{base}/user/alice/lab", timeout=60000)
    expect(page.locator("body")).to_contain_text('"ok": true')
    assert api.get("/users/alice").json()["servers"][""]["ready"] is True
    assert api.delete("/users/alice/server").status_code == 204
