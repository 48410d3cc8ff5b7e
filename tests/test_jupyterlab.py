"""JupyterLab, the default interface of a user's server, in a real browser.

With the default configuration (``c.Spawner.default_url`` empty) and
``jupyterlab`` installed, ``jupyterhub-singleuser`` opens JupyterLab. Headless
Chromium logs in, starts its server, lands in JupyterLab at
``/user/NAME/lab``, runs a cell (the kernel's websocket goes through
configurable-http-proxy) and uses JupyterLab's Hub menu: the control panel and
logging out of both the hub and the server. When the server stops while
JupyterLab is open, its requests to ``/user/NAME/api/...`` reach the hub,
which sends them on to ``/hub/user/NAME/...`` and answers ``424``; JupyterLab
then offers to restart the server, which opens ``/hub/spawn`` in a new tab.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.test_swagger_ui import browser  # noqa: F401  (the Chromium fixture)

#: JupyterLab loads a lot of JavaScript; a loaded machine needs time
SLOW = 60000


def lab_hub(homes):
    def configure(c):
        c.JupyterHub.authenticator_class = "dummy"
        c.Spawner.args = []  # (the suite's other servers leave JupyterLab out)
        c.NativeSpawner.home_dir_template = str(homes / "{username}")

    return configure


def log_in(page: Page, base: str, name: str) -> None:
    page.goto(f"{base}/hub/login")
    page.fill("#username", name)
    page.click("#login")
    page.wait_for_url(lambda url: "/hub/login" not in url, timeout=SLOW)


def follow_spawn(page: Page, base: str, name: str) -> None:
    """From /hub/spawn (what JupyterLab's "restart" opens too), which starts the
    default server or shows a Start button first, on to JupyterLab."""
    page.wait_for_load_state()
    lab = re.compile(re.escape(f"{base}/user/{name}/lab"))
    start = page.locator("#start")
    if not lab.match(page.url) and "/spawn-pending/" not in page.url and start.count():
        start.click()
    page.wait_for_url(lab, timeout=SLOW)
    # the application shell is up and has drawn its menu bar
    expect(page.locator("#jp-MainMenu")).to_be_visible(timeout=SLOW)


def menu_item(page: Page, menu: str, command: str):
    page.locator("#jp-MainMenu").get_by_role("menuitem", name=menu, exact=True).click()
    item = page.locator(f'.lm-Menu-item[data-command="{command}"]')
    expect(item).to_be_visible(timeout=SLOW)
    return item


def kernel_idle(page: Page):
    """The status bar's kernel item, once the current notebook's kernel is idle."""
    return page.locator(".jp-StatusBar-Widget").get_by_role("button", name=re.compile(r"\| Idle$"))


def run_in_new_notebook(page: Page, code: str):
    """Open a Python notebook from the launcher, run ``code``, return the output locator."""
    page.locator('.jp-LauncherCard[data-category="Notebook"]').first.click(timeout=SLOW)
    panel = page.locator(".jp-NotebookPanel:visible")
    expect(panel).to_have_count(1, timeout=SLOW)
    # the kernel has started and its websocket is connected
    expect(kernel_idle(page)).to_be_visible(timeout=SLOW)
    editor = panel.locator(".jp-Cell .cm-content").first
    editor.click(timeout=SLOW)
    page.keyboard.type(code)
    expect(editor).to_have_text(code)
    page.keyboard.press("Shift+Enter")
    return panel.locator(".jp-OutputArea-output").first


@pytest.mark.slow
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_jupyterlab_is_the_default_interface(make_live_hub, proxy, browser, tmp_path):  # noqa: F811
    api = make_live_hub(lab_hub(tmp_path))
    base = proxy.public_url
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    # a plain login goes to the user's server, starting it, and lands in JupyterLab
    log_in(page, base, "alice")
    follow_spawn(page, base, "alice")
    assert api.get("/users/alice").json()["servers"][""]["ready"] is True

    # a notebook runs code in a kernel whose websocket goes through the proxy
    output = run_in_new_notebook(page, "1+1")
    expect(output).to_have_text("2", timeout=SLOW)

    # File > Hub Control Panel opens the hub's home page in a new tab
    item = menu_item(page, "File", "hub:control-panel")
    with context.expect_page() as opened:
        item.click()
    home = opened.value
    home.wait_for_url(f"{base}/hub/home", timeout=SLOW)
    expect(home.locator("#open-default")).to_have_attribute("href", "/user/alice/")
    home.close()

    # the server stops behind JupyterLab's back: its polls of the server's API
    # now reach the hub, which answers 424, and JupyterLab offers a restart
    assert api.delete("/users/alice/server").status_code in (202, 204)
    dialog = page.locator(".jp-Dialog")
    expect(dialog).to_contain_text("Server unavailable or unreachable", timeout=SLOW)
    with context.expect_page() as opened:
        dialog.get_by_role("button", name="Restart").click()
    page.close()
    page = opened.value
    follow_spawn(page, base, "alice")
    assert api.get("/users/alice").json()["servers"][""]["ready"] is True
    # the notebook left open is reopened; JupyterLab may ask which kernel it gets
    choose = page.locator(".jp-Dialog").filter(has_text="Select Kernel")
    expect(choose.or_(kernel_idle(page)).first).to_be_visible(timeout=SLOW)
    if choose.is_visible():
        choose.locator(".jp-mod-accept").click()
    menu_item(page, "File", "launcher:create").click()
    output = run_in_new_notebook(page, "6*7")
    expect(output).to_have_text("42", timeout=SLOW)

    # File > Log Out ends the server's session and the hub's
    menu_item(page, "File", "hub:logout").click()
    page.wait_for_url(re.compile(re.escape(f"{base}/hub/login")), timeout=SLOW)
    page.goto(f"{base}/hub/home")
    assert page.url.startswith(f"{base}/hub/login"), "logged out of the hub"
    page.goto(f"{base}/user/alice/lab")
    assert page.url.startswith(f"{base}/hub/login"), "logged out of the server"
    context.close()
