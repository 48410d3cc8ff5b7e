"""The interactive API page works in a real browser.

Headless Chromium (Debian's package, driven by Playwright) opens Swagger UI,
authorizes with a token, runs ``GET /users`` and sees the users. The
screenshot lands in the test's temporary folder, or in ``$HUB_SCREENSHOT_DIR``
(``make screenshots`` refreshes the one in docs/).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.conftest import ADMIN_TOKEN

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture
def browser():
    assert Path(CHROMIUM).exists(), "Chromium is missing: make system-tools installs it"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield browser
        browser.close()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_swagger_ui_authorizes_and_lists_users(make_live_hub, browser, tmp_path):
    api = make_live_hub()
    api.post("/users", json={"usernames": ["alice", "bob"]})
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{api.client.base_url}/hub/api/docs/")
    expect(page.locator(".info .title")).to_contain_text("Hub REST API")

    # authorize with the bearer scheme
    page.locator(".auth-wrapper .authorize").click()
    bearer = page.locator(".modal-ux .auth-container").filter(has=page.locator("h4 code", has_text="bearer"))
    bearer.locator("input").fill(ADMIN_TOKEN)
    bearer.locator("button.authorize").click()
    expect(bearer.locator("h6")).to_have_text("Authorized")
    bearer.locator("button.btn-done").click()

    # GET /users: try it out, execute
    operation = page.locator("#operations-users-get-users")
    operation.locator(".opblock-summary").click()
    operation.locator("button.try-out__btn").click()
    operation.locator("button.execute").click()
    response = operation.locator(".live-responses-table .response").first
    expect(response.locator(".response-col_status")).to_have_text("200", timeout=15000)
    body = response.locator(".response-col_description pre").first.inner_text()
    assert '"name": "alice"' in body and '"name": "bob"' in body

    folder = Path(os.environ.get("HUB_SCREENSHOT_DIR") or tmp_path)
    shot = folder / "swagger-ui.png"
    page.locator(".live-responses-table").first.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.evaluate("window.scrollBy(0, -220)")
    page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 10_000
