"""A real browser against the real single-user server.

Headless Chromium logs in at /hub/login, which starts its server (the landing),
follows the spawn-pending page and lands in ``jupyterhub-singleuser``
(jupyter-server), which lets it in through the hub's OAuth. Everything goes
through configurable-http-proxy, as in a deployment.
"""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import expect

from tests.test_swagger_ui import browser  # noqa: F401  (the Chromium fixture)


def hub_for_browsers(homes):
    def configure(c):
        c.JupyterHub.authenticator_class = "dummy"
        # answer the start at once, so that the browser goes through spawn-pending
        c.JupyterHub.slow_spawn_timeout = 0
        # jupyter-server alone has no notebook UI: land on a file it serves to
        # logged-in users only
        c.NativeSpawner.home_dir_template = str(homes / "{username}")
        c.Spawner.default_url = "/files/hello.txt"

    for name in ("alice", "bob"):
        (homes / name).mkdir()
        (homes / name / "hello.txt").write_text(f"hello from {name}'s server")
    return configure


def log_in(page, base, name, next_url="/hub/home"):
    """Log in through the form; ``next_url=None`` lands as a plain login does."""
    page.goto(f"{base}/hub/login" + (f"?next={next_url}" if next_url else ""))
    page.fill("#username", name)
    page.click("#login")
    if next_url:
        expect(page).to_have_url(f"{base}{next_url}")


@pytest.mark.slow
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_log_in_start_a_server_and_land_in_it(make_live_hub, proxy, browser, tmp_path):  # noqa: F811
    api = make_live_hub(hub_for_browsers(tmp_path))
    base = proxy.public_url
    alice = browser.new_context().new_page()
    # a plain login goes to the user's server, starting it (as JupyterHub's redirect_to_server)
    log_in(alice, base, "alice", next_url=None)
    expect(alice).to_have_url(f"{base}/hub/spawn-pending/alice")
    expect(alice.locator("#progress")).to_contain_text("Server requested")

    # spawn-pending follows the progress stream (EventSource on the API, with
    # the login cookie; it has no other way on while scripts run), then the
    # server sends the browser through the hub's OAuth and back
    alice.wait_for_url(f"{base}/user/alice/files/hello.txt", timeout=60000)
    expect(alice.locator("body")).to_contain_text("hello from alice's server")
    assert api.get("/users/alice").json()["servers"][""]["ready"] is True
    issued = api.get("/users/alice/tokens").json()["api_tokens"]
    assert [t["oauth_client"] for t in issued if t["session_id"]] == ["jupyterhub-user-alice"]

    # the home page now offers to open it
    alice.goto(f"{base}/hub/home")
    expect(alice.locator("#open-default")).to_have_attribute("href", "/user/alice/")

    # bob, logged in to the hub, cannot open alice's server
    bob = browser.new_context().new_page()
    log_in(bob, base, "bob")
    response = bob.goto(f"{base}/user/alice/files/hello.txt")
    assert response.status == 403
    assert "hello from alice" not in bob.content()
    # nor with a token of his own: the single-user server itself refuses it
    token = api.new_token("bob")
    r = httpx.get(f"{base}/user/alice/files/hello.txt", headers={"Authorization": f"token {token}"})
    assert r.status_code == 403 and "hello from alice" not in r.text

    # logging out of the hub ends alice's session on her server as well
    alice.goto(f"{base}/hub/logout")
    expect(alice).to_have_url(f"{base}/hub/login")
    alice.goto(f"{base}/user/alice/files/hello.txt")
    assert alice.url.startswith(f"{base}/hub/login"), "sent back to log in"
