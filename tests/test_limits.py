"""Limits against abuse: failed logins per name and per address, caps on
tokens and share codes per user, and the security headers of the pages."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select, update

from hub.auth.authenticators import DummyAuthenticator
from hub.db.models import FailedLogin
from hub.runtime import current
from hub.timeutil import utcnow
from tests.test_login_oauth import xsrf_of

PASSWORD = "correct-horse-battery-staple"
WRONG = "not-the-right-one-at-all"
LIMIT = 3
WINDOW = 300


class CountingAuthenticator(DummyAuthenticator):
    """The dummy authenticator, counting the logins it is asked about."""

    asked: list[str] = []

    async def authenticate(self, data: dict[str, str]) -> str | None:
        CountingAuthenticator.asked.append(data.get("username", ""))
        return await super().authenticate(data)


def limited_logins(c):
    c.JupyterHub.authenticator_class = CountingAuthenticator
    c.DummyAuthenticator.password = PASSWORD
    c.JupyterHub.failed_login_limit = LIMIT
    c.JupyterHub.failed_login_window = WINDOW


@pytest.fixture(autouse=True)
def _fresh_count():
    CountingAuthenticator.asked = []


def log_in(client: httpx.Client, name: str, password: str, address: str | None = None) -> httpx.Response:
    """A login through the form, from ``address`` as the proxy tells it (X-Forwarded-For)."""
    headers = {"X-Forwarded-For": address} if address else {}
    page = client.get("/hub/login", headers=headers)
    form = {"username": name, "password": password, "_xsrf": xsrf_of(page.text)}
    return client.post("/hub/login", data=form, headers=headers, follow_redirects=False)


def retry_after(response: httpx.Response) -> int:
    assert response.status_code == 429, response.text
    return int(response.headers["retry-after"])


def test_failed_logins_of_one_name_are_limited_from_every_address(make_live_hub):
    api = make_live_hub(limited_logins)
    client = api.client
    for i in range(LIMIT):
        assert log_in(client, "alice", WRONG, f"10.0.0.{i}").status_code == 403
    asked = len(CountingAuthenticator.asked)
    # the right password, from an address never seen: still refused, and the authenticator is not asked
    refused = log_in(client, "Alice", PASSWORD, "10.0.1.1")
    assert 0 < retry_after(refused) <= WINDOW
    assert refused.headers["content-type"].startswith("text/html")
    assert "Too many failed logins" in refused.text and 'name="password"' in refused.text
    assert len(CountingAuthenticator.asked) == asked
    # another name from there logs in
    assert log_in(client, "bob", PASSWORD, "10.0.1.1").status_code == 302


def test_failed_logins_from_one_address_are_limited_for_every_name(make_hub):
    api = make_hub(limited_logins)
    client = api.client
    for name in ("alice", "bob", "carol"):
        assert log_in(client, name, WRONG).status_code == 403
    refused = log_in(client, "dave", PASSWORD)
    assert 0 < retry_after(refused) <= WINDOW
    assert CountingAuthenticator.asked == ["alice", "bob", "carol"]
    # an expired form is refused too; the audit log has every refusal, with its status
    expired = client.post("/hub/login", data={"username": "erin", "password": PASSWORD, "_xsrf": "x"})
    assert expired.status_code == 403
    failed = api.get("/audit", params={"type": "login.failed"}).json()["items"]
    assert [(r["resource"], r["outcome"]) for r in reversed(failed)] == [
        ("user:alice", 403),
        ("user:bob", 403),
        ("user:carol", 403),
        ("user:dave", 429),
        (None, 403),
    ]


def test_retry_after_is_the_wait_until_the_oldest_counted_failure_leaves_the_window(make_hub):
    api = make_hub(limited_logins)
    client = api.client
    for _ in range(LIMIT):
        assert log_in(client, "alice", WRONG).status_code == 403
    assert WINDOW - 5 <= retry_after(log_in(client, "alice", PASSWORD)) <= WINDOW

    def age(seconds: float) -> None:
        # as if the failures had happened earlier: the oldest `seconds` ago, the others 10 s later each
        hub = current()

        def shift(s):
            rows = s.execute(select(FailedLogin).order_by(FailedLogin.id)).scalars().all()
            for i, row in enumerate(rows):
                row.at = utcnow() - timedelta(seconds=seconds - 10 * (i // 2))

        hub.db.run(lambda tx: shift(tx.session))

    age(WINDOW - 20)  # the oldest leaves the window in 20 s
    assert 15 <= retry_after(log_in(client, "alice", PASSWORD)) <= 20
    age(WINDOW + 1)  # now it has left: one more attempt goes through
    assert log_in(client, "alice", PASSWORD).status_code == 302


def test_a_successful_login_clears_the_users_count(make_live_hub):
    api = make_live_hub(limited_logins)
    client = api.client
    for i in range(LIMIT - 1):
        assert log_in(client, "alice", WRONG, f"10.0.0.{i}").status_code == 403
    assert log_in(client, "alice", PASSWORD, "10.0.0.9").status_code == 302
    client.cookies.clear()
    for i in range(LIMIT - 1):
        assert log_in(client, "alice", WRONG, f"10.0.2.{i}").status_code == 403
    assert log_in(client, "alice", PASSWORD, "10.0.2.9").status_code == 302


def test_the_limit_is_off_at_zero(make_hub):
    api = make_hub(lambda c: (limited_logins(c), setattr(c.JupyterHub, "failed_login_limit", 0)))
    for _ in range(LIMIT + 2):
        assert log_in(api.client, "alice", WRONG).status_code == 403
    assert log_in(api.client, "alice", PASSWORD).status_code == 302
    with current().db.session() as s:
        assert s.execute(select(func.count(FailedLogin.id))).scalar_one() == 0


def test_old_failures_are_purged(make_hub):
    api = make_hub(limited_logins)
    assert log_in(api.client, "alice", WRONG).status_code == 403
    hub = current()
    stale = utcnow() - timedelta(seconds=WINDOW + 1)
    hub.db.run(lambda tx: tx.conn.execute(update(FailedLogin).values(at=stale)))
    hub.purge_expired()
    with hub.db.session() as s:
        assert s.execute(select(func.count(FailedLogin.id))).scalar_one() == 0


def test_the_limit_holds_across_two_hub_processes(hub_process, proxy):
    a = hub_process(
        "c.JupyterHub.cleanup_servers = False\n"
        "c.ConfigurableHTTPProxy.should_start = False\n"
        f"c.ConfigurableHTTPProxy.api_url = {proxy.api_url!r}\n"
        f"c.ConfigurableHTTPProxy.auth_token = {proxy.token!r}\n"
        "c.JupyterHub.authenticator_class = 'dummy'\n"
        f"c.DummyAuthenticator.password = {PASSWORD!r}\n"
        "c.JupyterHub.failed_login_limit = 2\n"
        f"c.JupyterHub.cookie_secret = {'ab' * 32!r}\n"
    )
    b = a.sibling()  # the fixture stops a; b is stopped here
    try:
        a.start()
        b.start()
        with httpx.Client(base_url=f"http://127.0.0.1:{a.port}") as one:
            assert log_in(one, "alice", WRONG).status_code == 403
            assert log_in(one, "alice", WRONG).status_code == 403
        with httpx.Client(base_url=f"http://127.0.0.1:{b.port}") as other:
            assert 0 < retry_after(log_in(other, "alice", PASSWORD)) <= 300
    finally:
        b.stop()


# --- caps per user ---------------------------------------------------------------------


def capped(c):
    c.JupyterHub.authenticator_class = "dummy"
    c.JupyterHub.allow_named_servers = True
    c.JupyterHub.max_tokens_per_user = 2
    c.JupyterHub.max_share_codes_per_user = 2


def test_a_token_past_the_cap_is_refused_until_one_is_revoked(make_hub):
    api = make_hub(capped)
    assert api.post("/users/alice").status_code == 201
    first = api.post("/users/alice/tokens", json={}).json()
    assert api.post("/users/alice/tokens", json={}).status_code == 201
    r = api.post("/users/alice/tokens", json={"note": "one too many"})
    assert r.status_code == 403
    assert r.json() == {
        "status": 403,
        "message": "User alice already has the maximum of 2 tokens; revoke one before requesting another",
    }
    assert len(api.get("/users/alice/tokens").json()["api_tokens"]) == 2
    assert api.delete(f"/users/alice/tokens/{first['id']}").status_code == 204
    assert api.post("/users/alice/tokens", json={}).status_code == 201


def test_the_token_page_shows_the_cap(make_hub):
    api = make_hub(capped)
    client = api.client
    assert log_in(client, "alice", "").status_code == 302
    for _ in range(2):
        page = client.get("/hub/token")
        assert client.post("/hub/token", data={"_xsrf": xsrf_of(page.text)}).status_code == 200
    page = client.get("/hub/token")
    refused = client.post("/hub/token", data={"_xsrf": xsrf_of(page.text), "note": "third"})
    assert refused.status_code == 403
    assert "already has the maximum of 2 tokens" in refused.text
    assert 'id="new-token"' not in refused.text and 'id="request-token"' in refused.text


def test_a_share_code_past_the_cap_is_refused(make_hub):
    api = make_hub(capped)
    assert api.post("/users/alice").status_code == 201
    for server in ("gpu", "cpu"):
        assert api.put(f"/users/alice/servers/{server}", json={}).status_code == 201
    # the cap counts the codes of all the user's servers
    assert api.post("/share-codes/alice/gpu").status_code == 200
    assert api.post("/share-codes/alice/cpu").status_code == 200
    r = api.post("/share-codes/alice/gpu")
    assert r.status_code == 403
    assert r.json()["message"] == (
        "User alice already has the maximum of 2 share codes; "
        "revoke one (or let one expire) before issuing another"
    )
    assert api.get("/share-codes/alice").json()["_pagination"]["total"] == 2
    assert api.delete("/share-codes/alice/cpu").status_code == 204
    assert api.post("/share-codes/alice/gpu").status_code == 200


# --- security headers --------------------------------------------------------------


def test_pages_say_who_may_frame_them_and_what_they_refer(make_hub):
    api = make_hub(lambda c: setattr(c.JupyterHub, "authenticator_class", "dummy"))
    client = api.client
    html = {"Accept": "text/html"}
    pages = [client.get(path, headers=html) for path in ("/hub/login", "/hub/nowhere", "/hub/api/docs/")]
    assert log_in(client, "alice", "").status_code == 302
    pages += [client.get(path, headers=html) for path in ("/hub/home", "/hub/token")]
    for page in pages:
        assert page.headers["content-type"].startswith("text/html"), page.url
        assert "frame-ancestors 'self'" in page.headers["content-security-policy"], page.url
        assert page.headers["referrer-policy"] == "same-origin"
        assert page.headers["x-content-type-options"] == "nosniff"
    answer = api.get("/users")
    assert answer.headers["content-type"] == "application/json"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" not in answer.headers


def test_configured_headers_replace_the_default_policy(make_hub):
    policy = "frame-ancestors 'self' https://lms.example.org; report-uri /csp"
    api = make_hub(
        lambda c: setattr(
            c.JupyterHub, "tornado_settings", {"headers": {"Content-Security-Policy": policy, "X-Extra": "1"}}
        )
    )
    page = api.client.get("/hub/login")
    assert page.headers["content-security-policy"] == policy
    assert page.headers["x-extra"] == "1" and page.headers["referrer-policy"] == "same-origin"
    assert api.get("/users").headers["content-security-policy"] == policy
