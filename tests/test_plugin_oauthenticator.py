"""OAuthenticator's GenericOAuthenticator, unchanged, against a real OIDC provider.

The provider is ``oidc-provider-mock`` (a separate process on a free port);
its authorize page is a form taking the subject (``sub``). The hub serves the
plugin's own ``/hub/oauth_login``, ``/hub/oauth_callback`` and ``/hub/logout``.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
import sqlalchemy

from tests.conftest import free_port

pytest.importorskip("oauthenticator")

CRYPT_KEY = "0b" * 32


#: users the provider knows with claims (others get only ``sub``)
USER_CLAIMS = [
    {"sub": "erin", "groups": ["staff", "physics"]},
    {"sub": "frank", "groups": ["physics"]},
    {"sub": "grace", "groups": ["visitors"]},
]


@contextmanager
def running_provider(*options: str) -> Iterator[str]:
    """An ``oidc-provider-mock`` process on a free port, with ``options``."""
    exe = Path(sys.executable).parent / "oidc-provider-mock"
    if not exe.exists() and shutil.which("oidc-provider-mock") is None:
        pytest.fail("oidc-provider-mock is not installed (make install)")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    claims = [arg for user in USER_CLAIMS for arg in ("--user-claims", json.dumps(user))]
    proc = subprocess.Popen(
        [str(exe), "-H", "127.0.0.1", "-p", str(port), *claims, *options],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            try:
                if httpx.get(url + "/.well-known/openid-configuration").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.05)
        else:
            pytest.fail("the OIDC provider did not start")
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    with running_provider() as url:
        yield url


def oidc_config(provider_url: str, **extra):
    def configure(c):
        c.JupyterHub.authenticator_class = "generic-oauth"
        g = c.GenericOAuthenticator
        g.client_id = "hub-client"
        g.client_secret = "hub-client-secret"
        g.authorize_url = f"{provider_url}/oauth2/authorize"
        g.token_url = f"{provider_url}/oauth2/token"
        g.userdata_url = f"{provider_url}/userinfo"
        g.username_claim = "sub"
        g.scope = ["openid"]
        g.login_service = "Test OIDC"
        for key, value in extra.items():
            setattr(g, key, value)

    return configure


@pytest.fixture
def crypt_key(monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_CRYPT_KEY", CRYPT_KEY)


def browser(api) -> httpx.Client:
    return httpx.Client(base_url=str(api.client.base_url), follow_redirects=True, timeout=30)


def oidc_login(client: httpx.Client, sub: str, next_url: str = "/hub/home") -> httpx.Response:
    """The hub's login page → the provider's form → the hub's callback."""
    page = client.get(f"/hub/login?next={next_url}")
    assert page.status_code == 200
    assert "Sign in with Test OIDC" in page.text
    form = client.get(f"/hub/oauth_login?next={next_url}")
    assert form.status_code == 200 and 'name="sub"' in form.text, form.text[:300]
    return client.post(str(form.url), data={"sub": sub})


def test_oidc_login_sets_the_hub_cookie_and_logout_ends_the_session(make_live_hub, provider, crypt_key):
    api = make_live_hub(oidc_config(provider, allowed_users={"alice"}, enable_auth_state=True))
    with browser(api) as client:
        landed = oidc_login(client, "alice")
        assert landed.status_code == 200, landed.text
        assert landed.url.path == "/hub/home"
        me = client.get("/hub/api/user")
        assert me.status_code == 200
        assert me.json()["name"] == "alice"

        # the plugin's /hub/logout ends the hub session
        out = client.get("/hub/logout")
        assert out.status_code == 200 and out.url.path == "/hub/login"
        assert client.get("/hub/api/user").status_code == 403
    info = api.get("/info").json()
    assert info["authenticator"]["class"] == "oauthenticator.generic.GenericOAuthenticator"
    # the callback's login and the plugin's logout are in the audit log
    found = api.get("/audit", params={"resource": "user:alice", "order": "oldest"}).json()["items"]
    assert [(r["type"], r["actor"], r["path"], r["address"]) for r in found] == [
        ("login", "alice", "/hub/oauth_callback", "127.0.0.1"),
        ("logout", "alice", "/hub/logout", "127.0.0.1"),
    ]


def test_auth_state_is_encrypted_at_rest_and_shown_with_admin_auth_state(
    make_live_hub, provider, crypt_key, db_url
):
    api = make_live_hub(oidc_config(provider, allow_all=True, enable_auth_state=True))
    with browser(api) as client:
        assert oidc_login(client, "carol").status_code == 200
    engine = sqlalchemy.create_engine(db_url)
    try:
        with engine.connect() as conn:
            raw = conn.execute(
                sqlalchemy.text("SELECT encrypted_auth_state FROM users WHERE name = 'carol'")
            ).scalar()
    finally:
        engine.dispose()
    assert raw, "auth_state is stored"
    model = api.get("/users/carol").json()
    state = model["auth_state"]
    assert state["access_token"]
    assert state["access_token"].encode() not in bytes(raw), "stored encrypted, not in clear"
    assert state["oauth_user"]["sub"] == "carol"

    own = api.new_token("carol")
    assert "auth_state" not in api.get("/users/carol", token=own).json(), "needs admin:auth_state"
    assert state["access_token"] not in api.get("/audit").text, "auth_state never reaches the audit log"


def test_a_user_the_config_does_not_allow_gets_a_clear_page_and_no_account(make_live_hub, provider):
    api = make_live_hub(oidc_config(provider, allowed_users={"alice"}))
    with browser(api) as client:
        refused = oidc_login(client, "mallory")
        assert refused.status_code == 403
        assert refused.headers["content-type"].startswith("text/html")
        assert "<html" in refused.text
        assert client.get("/hub/api/user").status_code == 403
    assert api.get("/users/mallory").status_code == 404
    refusals = api.get("/audit", params={"type": "login.failed"}).json()["items"]
    assert [(r["actor_kind"], r["path"], r["outcome"]) for r in refusals] == [
        ("none", "/hub/oauth_callback", 403)
    ]


def test_a_callback_with_a_forged_state_or_no_code_is_a_400_page(make_live_hub, provider):
    api = make_live_hub(oidc_config(provider, allow_all=True))
    with browser(api) as client:
        forged = client.get("/hub/oauth_callback?code=abc&state=forged")
        assert forged.status_code == 400
        assert "OAuth state missing from cookies" in forged.text
        # a real state cookie, but the URL's state differs
        start = client.get("/hub/oauth_login", follow_redirects=False)
        assert start.status_code == 302
        mismatch = client.get("/hub/oauth_callback?code=abc&state=eyJzdGF0ZV9pZCI6ICJ4In0=")
        assert mismatch.status_code == 400 and "state mismatch" in mismatch.text
        no_code = client.get("/hub/oauth_callback?state=x")
        assert no_code.status_code == 400 and "without a code" in no_code.text
    assert [u["name"] for u in api.get("/users").json()] == ["admin"], "no user was created"


# the refused connection to the provider leaves a socket for the collector to close
@pytest.mark.filterwarnings("ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning")
def test_the_provider_down_is_a_clear_page_not_a_500(make_live_hub):
    dead = f"http://127.0.0.1:{free_port()}"
    api = make_live_hub(oidc_config(dead, allow_all=True))
    with browser(api) as client:
        start = client.get("/hub/oauth_login", follow_redirects=False)
        assert start.status_code == 302
        state = parse_qs(urlparse(start.headers["location"]).query)["state"][0]
        failed = client.get(f"/hub/oauth_callback?code=abc&state={state}")
        assert failed.status_code == 502
        assert "login service" in failed.text
        assert "<html" in failed.text
        # the hub keeps serving
        assert client.get("/hub/login").status_code == 200


def test_groups_from_a_claim_decide_access_admin_and_membership(make_live_hub, provider):
    api = make_live_hub(
        oidc_config(
            provider,
            claim_groups_key="groups",
            allowed_groups={"physics"},
            admin_groups={"staff"},
            manage_groups=True,
        )
    )
    with browser(api) as client:
        assert oidc_login(client, "erin").status_code == 200
    with browser(api) as client:
        assert oidc_login(client, "frank").status_code == 200
    with browser(api) as client:
        refused = oidc_login(client, "grace")
        assert refused.status_code == 403, "not in an allowed group"
    erin, frank = api.get("/users/erin").json(), api.get("/users/frank").json()
    assert erin["admin"] is True and frank["admin"] is False
    assert erin["groups"] == ["physics", "staff"], "manage_groups syncs the claim's groups"
    assert frank["groups"] == ["physics"]
    assert api.get("/users/grace").status_code == 404


def test_logging_out_through_the_plugin_revokes_the_tokens_the_session_gave_the_users_server(
    make_live_hub, provider, tmp_path
):
    """The server's OAuth login (the hub as provider) during an OIDC session gives
    a token; the plugin's own /hub/logout ends the session and that token with it."""
    from tests.test_plugin_spawners import standin, wait_for_record

    record = tmp_path / "server.json"

    def configure(c):
        oidc_config(provider, allow_all=True, logout_redirect_url="/hub/login?goodbye=1")(c)
        standin(c, record)

    api = make_live_hub(configure)
    with browser(api) as client:
        assert oidc_login(client, "alice").url.path == "/hub/home"
        assert api.post("/users/alice/server").status_code == 201
        env = wait_for_record(record)["env"]
        client_id, secret = env["JUPYTERHUB_CLIENT_ID"], env["JUPYTERHUB_API_TOKEN"]
        callback = env["JUPYTERHUB_OAUTH_CALLBACK_URL"]
        assert (client_id, callback) == ("jupyterhub-user-alice", "/user/alice/oauth_callback")

        # what the user's server does when the browser first opens it
        authorize = {"client_id": client_id, "response_type": "code", "redirect_uri": callback, "state": "s"}
        sent = client.get("/hub/api/oauth2/authorize", params=authorize, follow_redirects=False)
        assert sent.status_code == 302 and sent.headers["location"].startswith(callback)
        code = parse_qs(urlparse(sent.headers["location"]).query)["code"][0]
        exchange = {"client_id": client_id, "client_secret": secret, "grant_type": "authorization_code"}
        grant = httpx.post(
            f"{api.client.base_url}/hub/api/oauth2/token",
            data={**exchange, "code": code, "redirect_uri": callback},
        )
        assert grant.status_code == 200, grant.text
        session_token = grant.json()["access_token"]
        assert api.get("/user", token=session_token).json()["name"] == "alice"
        own_token = api.new_token("alice")  # not from the session: stays

        out = client.get("/hub/logout")
        assert out.status_code == 200
        assert (out.url.path, out.url.query) == ("/hub/login", b"goodbye=1"), "the plugin's logout handler"
        assert client.get("/hub/api/user").status_code == 403, "the hub session is over"
    assert api.get("/user", token=session_token).status_code == 403, "the session's token is revoked"
    assert api.get("/user", token=own_token).status_code == 200
    assert api.get("/users/alice").json()["servers"][""]["ready"] is True, "the server keeps running"
    assert api.delete("/users/alice/server").status_code == 204


# --- refresh_user: OAuthenticator's own, when auth_refresh_age has passed --------------

#: seconds an access token of the short-lived provider is valid
TOKEN_MAX_AGE = 1


@pytest.fixture(scope="module")
def short_lived_provider() -> Iterator[str]:
    """Access tokens that expire after a second (refresh tokens are issued)."""
    with running_provider("--token-max-age", str(TOKEN_MAX_AGE)) as url:
        yield url


@pytest.fixture(scope="module")
def no_refresh_provider() -> Iterator[str]:
    """Access tokens that expire after a second, and no refresh tokens."""
    with running_provider("--token-max-age", str(TOKEN_MAX_AGE), "--no-refresh-token", "true") as url:
        yield url


def _access_token(api, name: str) -> str:
    return api.get(f"/users/{name}").json()["auth_state"]["access_token"]


def test_refresh_user_trades_the_refresh_token_for_a_new_access_token_once_the_age_has_passed(
    make_live_hub, short_lived_provider, crypt_key
):
    # the provider takes refresh tokens only from clients that authenticate with HTTP Basic
    configure = oidc_config(
        short_lived_provider, allow_all=True, enable_auth_state=True, auth_refresh_age=2, basic_auth=True
    )
    api = make_live_hub(configure)
    with browser(api) as client:
        assert oidc_login(client, "alice").status_code == 200
        first = _access_token(api, "alice")
        assert api.get("/users/alice").json()["auth_state"]["refresh_token"]
        time.sleep(TOKEN_MAX_AGE + 0.2)
        assert client.get("/hub/api/user").status_code == 200
        assert _access_token(api, "alice") == first, "expired, but not refreshed before auth_refresh_age"

        time.sleep(2.1 - TOKEN_MAX_AGE)
        # the expired access token fails at the provider's userinfo; the refresh token gets a new one
        assert client.get("/hub/api/user").json()["name"] == "alice"
        second = _access_token(api, "alice")
        assert second != first
        assert client.get("/hub/home", follow_redirects=False).status_code == 200


def test_without_a_refresh_token_an_expired_login_sends_the_browser_back_to_the_provider(
    make_live_hub, no_refresh_provider, crypt_key
):
    configure = oidc_config(no_refresh_provider, allow_all=True, enable_auth_state=True, auth_refresh_age=2)
    api = make_live_hub(configure)
    with browser(api) as client:
        assert oidc_login(client, "alice").status_code == 200
        token = api.new_token("alice")
        time.sleep(2.2)
        home = client.get("/hub/home", follow_redirects=False)
        assert home.status_code == 302 and home.headers["location"].startswith("/hub/login")
        # an API token keeps the stale login, as in JupyterHub 6.1 (auth_refresh_strict = False)
        assert api.get("/user", token=token).json()["name"] == "alice"
        # a new login through the provider confirms the user again
        assert oidc_login(client, "alice").status_code == 200
        assert client.get("/hub/home", follow_redirects=False).status_code == 200


def test_after_an_expired_login_on_a_page_the_providers_login_comes_back_to_that_page(
    make_live_hub, no_refresh_provider, crypt_key
):
    configure = oidc_config(no_refresh_provider, allow_all=True, enable_auth_state=True, auth_refresh_age=2)
    api = make_live_hub(configure)
    with browser(api) as client:
        assert oidc_login(client, "alice").status_code == 200
        time.sleep(2.2)
        page = "/hub/token?from=a%20link"
        sent = client.get(page, follow_redirects=False)
        assert sent.status_code == 302 and sent.headers["location"].startswith("/hub/login?next=")
        login_page = client.get(sent.headers["location"])
        link = re.search(r'id="login-service" href="([^"]+)"', login_page.text)
        assert link, login_page.text[:500]
        form = client.get(html.unescape(link.group(1)))
        assert form.status_code == 200 and 'name="sub"' in form.text, form.text[:300]
        landed = client.post(str(form.url), data={"sub": "alice"})
        assert landed.status_code == 200, landed.text[:300]
        assert landed.url.raw_path.decode() == page, "back on the page the login expired on"
