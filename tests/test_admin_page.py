"""The admin page at /hub/admin, in a real browser, on the hub's own API.

Headless Chromium logs in as the admin, finds a user among 10,000, adds
users, makes one an admin, renames one, starts and stops servers (the light
stand-in, tests/helpers/standin_server.py), sees why a start failed, acts on
several users at once and deletes users; each step is checked through the
API. A user without ``admin-ui`` gets a 403 page. The screenshot lands in the
test's temporary folder, or in ``$HUB_SCREENSHOT_DIR`` (``make screenshots``
refreshes docs/admin-page.png).
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.helpers.waiting import wait_for
from tests.test_contract import STANDIN
from tests.test_swagger_ui import browser  # noqa: F401  (the Chromium fixture)

SEEDED = 10_000
#: the stand-in answers at once; the user "broken"'s server exits before it answers
COMMAND = [
    sys.executable,
    "-c",
    "import os, runpy, sys\n"
    "if os.environ['JUPYTERHUB_USER'] == 'broken':\n"
    "    sys.exit('no home for broken')\n"
    f"runpy.run_path({str(STANDIN)!r}, run_name='__main__')",
]


def configure(c):
    c.JupyterHub.authenticator_class = "dummy"
    # logins land on /hub/home (no server started for the admin)
    c.JupyterHub.redirect_to_server = False
    c.JupyterHub.slow_spawn_timeout = 0
    c.JupyterHub.allow_named_servers = True
    c.Spawner.cmd = COMMAND


def log_in(page: Page, base: str, name: str) -> None:
    page.goto(f"{base}/hub/login")
    page.fill("#username", name)
    page.click("#login")
    expect(page).to_have_url(f"{base}/hub/home")


def shown(first: int, last: int, total: str) -> str:
    """The pager's text: which users of how many are shown."""
    return f"{first}\N{EN DASH}{last} of {total}"


def row(page: Page, name: str):
    return page.locator(f'#users-body tr[data-user="{name}"]')


def search(page: Page, text: str) -> None:
    page.fill("#search", text)
    expect(page.locator("#page-info")).to_contain_text(" of ")
    if text:
        expect(page.locator("#users-body tr[data-user]").first).to_contain_text(text)


def server_of(api, name: str, server_name: str = "") -> dict:
    user = api.get(f"/users/{name}", params={"include_stopped_servers": "1"}).json()
    return user["servers"].get(server_name, {})


def test_a_failed_start_is_explained_and_counted(make_live_hub):
    """The API side of the page: a server's last error, and the counts of the overview."""

    def answer_when_done(c):
        configure(c)
        c.JupyterHub.slow_spawn_timeout = 60

    api = make_live_hub(answer_when_done)
    api.post("/users", json={"usernames": ["broken", "fine"]})
    assert api.get("/server-counts").json() == {
        "active": 0,
        "ready": 0,
        "starting": 0,
        "stopping": 0,
        "failed_last_hour": 0,
    }
    assert api.post("/users/broken/server").status_code == 500
    assert api.post("/users/fine/server").status_code == 201
    error = server_of(api, "broken")["last_error"]
    assert error["reason"] == "error" and "exited with status 1" in error["message"]
    assert server_of(api, "fine")["last_error"] is None
    counts = api.get("/server-counts").json()
    assert (counts["active"], counts["ready"], counts["failed_last_hour"]) == (1, 1, 1)
    # the error stays until a start succeeds: another failure replaces it
    assert api.post("/users/broken/server").status_code == 500
    again = server_of(api, "broken")["last_error"]
    assert again["at"] >= error["at"] and again["reason"] == "error"
    assert api.get("/server-counts").json()["failed_last_hour"] == 1
    # (renamed, the user's server starts: the command fails only for "broken")
    assert api.patch("/users/broken", json={"name": "mended"}).status_code == 200
    assert api.post("/users/mended/server").status_code == 201
    assert server_of(api, "mended")["last_error"] is None
    assert api.delete("/users/mended/server").status_code == 204
    assert api.delete("/users/fine/server").status_code == 204
    assert api.get("/server-counts").json()["active"] == 0


@pytest.mark.slow
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_admin_page_manages_users_and_servers(make_live_hub, proxy, browser, tmp_path):  # noqa: F811
    api = make_live_hub(configure)
    base = api.client.base_url
    names = [f"user{i:05d}" for i in range(SEEDED)]
    assert api.post("/users", json={"usernames": names}).status_code == 201

    page = browser.new_page(viewport={"width": 1280, "height": 1000}, locale="en-US")
    log_in(page, base, "admin")
    # the home page links administrators to the admin page
    page.click("#admin-link")
    expect(page).to_have_url(f"{base}/hub/admin")
    # the first page of 10,001 users (with the admin), and the overview
    expect(page.locator("#page-info")).to_have_text(shown(1, 50, "10,001"))
    expect(page.locator("#users-body tr[data-user]")).to_have_count(50)
    expect(page.locator("#overview-users")).to_have_text("10,001")
    page.click("#next-page")
    expect(page.locator("#page-info")).to_have_text(shown(51, 100, "10,001"))

    # search: one user among them
    search(page, "user09876")
    expect(page.locator("#users-body tr[data-user]")).to_have_count(1)
    expect(page.locator("#page-info")).to_have_text(shown(1, 1, "1"))

    # add two users at once (with the keyboard), make one an admin, rename the other
    page.focus("#new-users")
    page.keyboard.type("ann ben")
    page.keyboard.press("Tab")  # the admin checkbox, left unchecked
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#admin-status")).to_have_text("Added ann, ben")
    assert api.get("/users/ann").json()["admin"] is False
    assert api.get("/users/ben").status_code == 200

    search(page, "ann")
    row(page, "ann").locator("[data-action=edit]").click()
    page.check("#edit-admin")
    page.click("#dialog-confirm")
    expect(row(page, "ann").locator("[data-role=admin]")).to_be_visible()
    assert api.get("/users/ann").json()["admin"] is True

    search(page, "ben")
    row(page, "ben").locator("[data-action=edit]").click()
    page.fill("#edit-name", "benedict")
    page.click("#dialog-confirm")
    expect(page.locator("#admin-status")).to_have_text("Saved benedict")
    assert api.get("/users/ben").status_code == 404
    assert api.get("/users/benedict").status_code == 200

    # start and stop ann's default server, and a named one
    api.put("/users/ann/servers/gpu")
    search(page, "ann")
    default = row(page, "ann").locator('li[data-server=""]')
    default.locator("[data-action=start]").click()
    expect(default.locator("[data-role=server-status]")).to_have_text("running", timeout=30000)
    expect(default.locator("[data-action=open]")).to_have_attribute("href", "/user/ann/")
    assert server_of(api, "ann")["ready"] is True
    expect(page.locator("#overview-active")).to_have_text("1")
    gpu = row(page, "ann").locator('li[data-server="gpu"]')
    gpu.locator("[data-action=start]").click()
    expect(gpu.locator("[data-role=server-status]")).to_have_text("running", timeout=30000)
    assert server_of(api, "ann", "gpu")["ready"] is True
    default.locator("[data-action=stop]").click()
    expect(default.locator("[data-role=server-status]")).to_have_text("stopped", timeout=30000)
    assert server_of(api, "ann")["stopped"] is True
    assert server_of(api, "ann", "gpu")["ready"] is True

    # a start that fails: its reason is shown, and counted
    api.post("/users", json={"usernames": ["broken"]})
    search(page, "broken")
    row(page, "broken").locator("[data-action=start]").click()
    reason = row(page, "broken").locator("[data-role=last-error]")
    expect(reason).to_contain_text("Last start failed (just now): ", timeout=30000)
    expect(reason).to_contain_text("exited with status 1")
    assert server_of(api, "broken")["last_error"]["message"] in reason.inner_text()
    expect(page.locator("#overview-failed")).to_have_text("1")

    # a group: add it, its members, its properties
    page.fill("#new-group", "staff")
    page.get_by_role("button", name="Add group").click()
    staff = page.locator('#groups-body tr[data-group="staff"]')
    staff.get_by_label("Add a member to staff").fill("ann broken")
    staff.get_by_role("button", name="Add").click()
    expect(staff.locator(".members")).to_contain_text("broken")
    staff.get_by_role("button", name="Properties of staff").click()
    page.fill("#group-properties", '{"course": "101"}')
    page.click("#dialog-confirm")
    expect(staff.locator(".properties")).to_contain_text('"course": "101"')
    group = api.get("/groups/staff").json()
    assert (sorted(group["users"]), group["properties"]) == (["ann", "broken"], {"course": "101"})

    # shares: who has access to ann's servers, and revoking it
    assert api.post("/shares/ann/gpu", json={"user": "broken"}).status_code == 200
    search(page, "ann")
    row(page, "ann").locator("[data-action=shares]").click()
    shares = page.locator("#shares-list")
    expect(shares).to_contain_text("broken on gpu server")
    shares.get_by_role("button", name="Revoke").click()
    expect(shares).to_contain_text("No one has access to ann's servers.")
    page.click("#dialog-confirm")
    assert api.get("/shares/ann").json()["items"] == []

    # the screenshot: the users with activity first
    search(page, "")
    expect(page.locator("#page-info")).to_have_text(shown(1, 50, "10,004"))
    # broken is the latest active (a few minutes ahead: the admin's own requests
    # keep moving the admin's activity while the test runs)
    soon = (datetime.now(UTC) + timedelta(minutes=5)).isoformat().replace("+00:00", "Z")
    assert api.post("/users/broken/activity", json={"last_activity": soon}).status_code == 200
    page.select_option("#sort", "-last_activity")
    expect(page.locator("#users-body tr[data-user]").first).to_have_attribute("data-user", "broken")
    page.evaluate("window.scrollTo(0, 0)")
    folder = Path(os.environ.get("HUB_SCREENSHOT_DIR") or tmp_path)
    shot = folder / "admin-page.png"
    page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 10_000

    # several users at once: start their default servers, stop all their servers, delete them
    search(page, "n")
    for name in ("ann", "benedict"):
        row(page, name).locator('input[type="checkbox"]').check()
    expect(page.locator("#selected-count")).to_have_text("2 selected")
    page.click("#bulk-start")
    expect(page.locator("#bulk-status")).to_have_text("Starting servers: 2 of 2 done", timeout=30000)
    wait_for(
        lambda: server_of(api, "benedict").get("ready") and server_of(api, "ann").get("ready"),
        30,
        message="both default servers ready",
    )
    page.click("#bulk-stop")
    expect(page.locator("#bulk-status")).to_have_text("Stopping servers: 2 of 2 done", timeout=30000)
    wait_for(
        lambda: all(
            server_of(api, *s).get("stopped") for s in [("ann", ""), ("ann", "gpu"), ("benedict", "")]
        ),
        30,
        message="all their servers stopped",
    )
    page.click("#bulk-delete")
    expect(page.locator("#admin-dialog")).to_contain_text("Delete 2 users?")
    page.click("#dialog-confirm")
    expect(page.locator("#bulk-status")).to_have_text("Deleting users: 2 of 2 done", timeout=30000)
    assert api.get("/users/ann").status_code == 404
    assert api.get("/users/benedict").status_code == 404

    # delete one user from its row
    row(page, "broken").locator("[data-action=delete]").click()
    page.click("#dialog-confirm")
    expect(row(page, "broken")).to_have_count(0)
    assert api.get("/users/broken").status_code == 404
    expect(page.locator("#overview-users")).to_have_text("10,001")

    # without a login: the login page first, then back here
    anonymous = browser.new_page()
    anonymous.goto(f"{base}/hub/admin")
    expect(anonymous).to_have_url(f"{base}/hub/login?next=%2Fhub%2Fadmin")

    # a user without admin-ui gets a 403 page
    other = browser.new_page()
    log_in(other, base, "alice")
    expect(other.locator("#admin-link")).to_have_count(0)
    response = other.goto(f"{base}/hub/admin")
    assert response is not None and response.status == 403
    expect(other.locator("main")).to_contain_text("The admin page is for administrators")
    assert "admin-config" not in other.content()
