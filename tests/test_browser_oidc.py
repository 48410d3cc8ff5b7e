"""A real browser logs in through GenericOAuthenticator and opens its server.

Headless Chromium goes from /hub/login to the OIDC provider
(``oidc-provider-mock``), back to the plugin's /hub/oauth_callback, starts its
server (the landing after a login) and lands in ``jupyterhub-singleuser``, which lets it in
through the hub's own OAuth provider. Everything goes through
configurable-http-proxy, as in a deployment.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.test_browser import hub_for_browsers
from tests.test_plugin_oauthenticator import oidc_config, provider  # noqa: F401  (the OIDC provider)
from tests.test_swagger_ui import browser  # noqa: F401  (the Chromium fixture)

pytest.importorskip("oauthenticator")


@pytest.mark.slow
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_an_oidc_login_in_the_browser_opens_the_users_server(
    make_live_hub,
    proxy,
    browser,  # noqa: F811
    provider,  # noqa: F811
    tmp_path,
):
    def configure(c):
        hub_for_browsers(tmp_path)(c)
        oidc_config(provider, allowed_users={"alice"})(c)

    api = make_live_hub(configure)
    base = proxy.public_url
    page = browser.new_context().new_page()
    page.goto(f"{base}/hub/login")
    page.click("#login-service")
    page.wait_for_url(f"{provider}/oauth2/authorize*")
    page.fill("input[name=sub]", "alice")
    page.click("button:has-text('Authorize')")
    # the login lands in the server, started for it; the server sends the browser through the hub's OAuth and back
    page.wait_for_url(f"{base}/user/alice/files/hello.txt", timeout=60000)
    expect(page.locator("body")).to_contain_text("hello from alice's server")
    issued = api.get("/users/alice/tokens").json()["api_tokens"]
    assert [t["oauth_client"] for t in issued if t["session_id"]] == ["jupyterhub-user-alice"]
    assert api.delete("/users/alice/server").status_code == 204
