"""OAuthenticator's GitHubOAuthenticator, unchanged, against a fake GitHub
(``tests/helpers/fake_github.py``, configured as GitHub Enterprise through
``c.GitHubOAuthenticator.github_url``)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import free_port
from tests.helpers.fake_github import Account, FakeGitHub, Running

pytest.importorskip("oauthenticator")

CLIENT_ID, CLIENT_SECRET = "gh-client-id", "gh-client-secret"


@pytest.fixture(scope="module")
def github() -> Iterator[FakeGitHub]:
    fake = FakeGitHub(
        CLIENT_ID,
        CLIENT_SECRET,
        {
            "octocat": Account("octocat", 1, {"jupyter": ["hub-ops"]}),
            "hubber": Account("hubber", 2, {"jupyter": []}),
            "outsider": Account("outsider", 3, {"elsewhere": ["ops"]}),
        },
    )
    port = free_port()
    fake.url = f"http://127.0.0.1:{port}"
    with Running(fake.app(), port):
        yield fake


def github_config(github: FakeGitHub, **extra):
    def configure(c):
        c.JupyterHub.authenticator_class = "github"
        g = c.GitHubOAuthenticator
        g.github_url = github.url
        g.client_id = CLIENT_ID
        g.client_secret = CLIENT_SECRET
        g.scope = ["read:org"]
        for key, value in extra.items():
            setattr(g, key, value)

    return configure


def browser(base_url: str) -> httpx.Client:
    return httpx.Client(base_url=base_url, follow_redirects=True, timeout=30)


def github_login(client: httpx.Client, login: str) -> httpx.Response:
    """The hub's login page → GitHub's authorize form → the hub's callback."""
    page = client.get("/hub/login")
    assert page.status_code == 200 and "Sign in with GitHub" in page.text
    form = client.get("/hub/oauth_login?next=/hub/home")
    assert form.status_code == 200 and 'name="login"' in form.text, form.text[:300]
    return client.post(str(form.url), data={"login": login})


def test_allowed_organizations_let_a_member_in_and_refuse_an_outsider(make_live_hub, github):
    api = make_live_hub(github_config(github, allowed_organizations={"jupyter"}))
    base = str(api.client.base_url)
    github.calls.clear()

    with browser(base) as client:
        landed = github_login(client, "hubber")
        assert landed.status_code == 200, landed.text
        assert landed.url.path == "/hub/home" and "hubber" in landed.text
        assert client.get("/hub/api/user").json()["name"] == "hubber"
    assert ("GET", "/api/v3/user") in github.calls
    assert ("GET", "/api/v3/orgs/jupyter/members/hubber") in github.calls, "membership asked of GitHub"

    with browser(base) as client:
        refused = github_login(client, "outsider")
        assert refused.status_code == 403
        assert refused.headers["content-type"].startswith("text/html")
        assert "not currently authorized to use this hub" in refused.text
        assert client.get("/hub/api/user").status_code == 403, "no session"
    assert ("GET", "/api/v3/orgs/jupyter/members/outsider") in github.calls
    assert api.get("/users/outsider").status_code == 404, "no account created"
    assert api.get("/users/hubber").status_code == 200


def test_an_allowed_team_admits_its_members_only(make_live_hub, github):
    api = make_live_hub(github_config(github, allowed_organizations={"jupyter:hub-ops"}))
    base = str(api.client.base_url)
    with browser(base) as client:
        landed = github_login(client, "octocat")
        assert landed.status_code == 200 and landed.url.path == "/hub/home"
    with browser(base) as client:
        refused = github_login(client, "hubber")
        assert refused.status_code == 403 and "<html" in refused.text
    assert ("GET", "/api/v3/orgs/jupyter/teams/hub-ops/members/hubber") in github.calls
    assert sorted(u["name"] for u in api.get("/users").json()) == ["admin", "octocat"]
