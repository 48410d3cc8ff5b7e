"""A shared server in a real browser: bob works in alice's running server.

One hub, one real ``jupyterhub-singleuser`` server of alice's, Chromium and
configurable-http-proxy, as in a deployment. bob reaches alice's server
three ways in turn: a share with him, a share with his group, and a share
code he accepts on /hub/accept-share. Each time he opens the server through
the hub's OAuth and uses its contents API from his browser session and with
his own token; once alice revokes the share, a new OAuth login and his token
are refused.
"""

from __future__ import annotations

import time

import httpx
import pytest
from playwright.sync_api import expect

from tests.helpers.waiting import wait_for
from tests.test_browser import hub_for_browsers, log_in
from tests.test_shares import sharing_users
from tests.test_swagger_ui import browser  # noqa: F401  (the Chromium fixture)

HELLO = "hello from alice's server"
CACHE_SECONDS = 1


def settle():
    """Wait for the single-user server to forget what the hub said before."""
    time.sleep(CACHE_SECONDS + 0.2)


def sharing_hub(homes):
    browsers = hub_for_browsers(homes)

    def configure(c):
        browsers(c)
        sharing_users(c)
        # the single-user server keeps the hub's answers about a token for a
        # second, not five minutes (0 would be for ever): a change shows soon
        c.Spawner.args = [f"--HubOAuth.cache_max_age={CACHE_SECONDS}"]

    return configure


def opens_alices_server(page, base):
    """bob's browser opens alice's server, confirming the hub's OAuth once."""
    page.goto(f"{base}/user/alice/files/hello.txt")
    if "/hub/api/oauth2/authorize" in page.url:
        page.click("#authorize")
    page.wait_for_url(f"{base}/user/alice/files/hello.txt")
    expect(page.locator("body")).to_contain_text(HELLO)
    # and works in it: the contents API answers his browser session
    # (a request of the browser's own, with its cookies: /files/ pages are sandboxed)
    r = page.context.request.get(f"{base}/user/alice/api/contents/")
    assert r.status == 200 and "hello.txt" in [f["name"] for f in r.json()["content"]]


def contents_with(token, base):
    return httpx.get(f"{base}/user/alice/api/contents/hello.txt", headers={"Authorization": f"token {token}"})


def assert_refused(browser, base, bob_token):  # noqa: F811
    """A new OAuth login of bob's to alice's server is refused, and so is his token."""
    page = browser.new_context().new_page()
    log_in(page, base, "bob")
    response = page.goto(f"{base}/user/alice/files/hello.txt")
    assert response.status == 403, page.url
    assert "You do not have permission to access Server at /user/alice/" in page.content()
    assert HELLO not in page.content()
    page.context.close()
    assert contents_with(bob_token, base).status_code == 403


def wait_until_ready(api, user):
    wait_for(
        lambda: api.get(f"/users/{user}").json()["servers"].get("", {}).get("ready"),
        60,
        interval=0.25,
        message=f"{user}'s server to become ready",
    )


@pytest.mark.slow
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_bob_works_in_alices_server_while_it_is_shared(make_live_hub, proxy, browser, tmp_path):  # noqa: F811
    api = make_live_hub(sharing_hub(tmp_path))
    base = proxy.public_url
    api.post("/users", json={"usernames": ["alice", "bob"]})
    alice, bob_token = api.new_token("alice"), api.new_token("bob")
    assert api.post("/users/alice/server", token=alice).status_code in (201, 202)
    wait_until_ready(api, "alice")
    assert contents_with(bob_token, base).status_code == 403, "not shared yet"

    for receiver in ({"user": "bob"}, {"group": "staff"}):
        assert api.post("/shares/alice/", json=receiver, token=alice).status_code == 200
        settle()
        page = browser.new_context().new_page()
        log_in(page, base, "bob")
        opens_alices_server(page, base)
        r = contents_with(bob_token, base)
        assert r.status_code == 200 and r.json()["content"] == HELLO
        assert api.delete("/shares/alice/", token=alice).status_code == 204
        settle()
        # the session he has is refused too: the server asks the hub again
        page.goto(f"{base}/user/alice/files/hello.txt")
        assert HELLO not in page.content()
        page.context.close()
        assert_refused(browser, base, bob_token)

    settle()
    # a share code, sent to bob as a link, accepted on the hub's page
    issued = api.post("/share-codes/alice/", token=alice).json()
    page = browser.new_context().new_page()
    page.goto(base + issued["accept_url"])
    expect(page).to_have_url(f"{base}/hub/login?next=%2Fhub%2Faccept-share%3Fcode%3D{issued['code']}")
    page.fill("#username", "bob")
    page.click("#login")
    expect(page.locator("#invitation")).to_contain_text("alice invites you (bob)")
    expect(page.locator("#scopes")).to_contain_text("access:servers!server=alice/")
    page.click("#accept")
    # to the server, through the hub's OAuth
    page.wait_for_url(f"{base}/**")
    if "/hub/api/oauth2/authorize" in page.url:
        page.click("#authorize")
    page.wait_for_url(f"{base}/user/alice/files/hello.txt")
    opens_alices_server(page, base)
    assert contents_with(bob_token, base).status_code == 200
    [code] = api.get("/share-codes/alice/", token=alice).json()["items"]
    assert code["exchange_count"] == 1
    assert api.delete("/shares/alice/", token=alice).status_code == 204
    settle()
    page.context.close()
    assert_refused(browser, base, bob_token)
