"""Login sessions: listed, ended one at a time or all at once, with the
tokens issued in them; refused at once, in every hub process."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlalchemy import event, select, update

from hub.api import identify
from hub.auth import cookies
from hub.db import raw
from hub.db.models import LoginSession, User
from hub.runtime import current
from hub.timeutil import utcnow
from hub.web.sessions import LOGIN_COOKIE, SESSION_COOKIE
from tests.conftest import Api
from tests.helpers.hub_process import HubProcess
from tests.test_login_oauth import CALLBACK, WEB_SECRET, authorize_url, with_web_service, xsrf_of

SECRET = bytes.fromhex("ab" * 32)  # the tests' cookie secret


class Browser:
    """A browser of its own (its own cookie jar and user agent) on the test hub's client."""

    def __init__(self, api: Api, agent: str) -> None:
        self.api = api
        self.agent = agent
        self.jar = httpx.Cookies()

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        client = self.api.client
        client.cookies = self.jar
        headers = {"User-Agent": self.agent, **kwargs.pop("headers", {})}
        try:
            return client.request(method, url, headers=headers, follow_redirects=False, **kwargs)
        finally:
            self.jar = httpx.Cookies(client.cookies)
            client.cookies = httpx.Cookies()

    def log_in(self, name: str) -> Browser:
        page = self.request("GET", "/hub/login")
        form = {"username": name, "password": "pw", "_xsrf": xsrf_of(page.text)}
        assert self.request("POST", "/hub/login", data=form).status_code == 302
        return self

    def me(self) -> httpx.Response:
        return self.request("GET", "/hub/api/user")

    def home(self) -> httpx.Response:
        return self.request("GET", "/hub/home")

    def session_id(self) -> str:
        value: str = self.me().json()["session_id"]
        return value

    def oauth_token(self) -> str:
        """A token of the service ``web``, through the OAuth code flow in this browser."""
        path, params = authorize_url()
        r = self.request("GET", path, params=params)
        code = parse_qs(urlsplit(r.headers["location"]).query)["code"][0]
        exchange = {
            "client_id": "service-web",
            "client_secret": WEB_SECRET,
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": CALLBACK,
        }
        r = self.api.client.post("/hub/api/oauth2/token", data=exchange)
        assert r.status_code == 200, r.text
        value: str = r.json()["access_token"]
        return value


def logged_out(browser: Browser) -> bool:
    """The API refuses the browser's cookie and the pages send it to the login page."""
    home = browser.home()
    return browser.me().status_code == 403 and (
        home.status_code == 302 and home.headers["location"].startswith("/hub/login?next=")
    )


def identifies(api: Api, token: str) -> bool:
    return api.get("/user", token=token).status_code == 200


def sessions(api: Api, name: str = "alice", **kw: Any) -> list[dict[str, Any]]:
    r = api.get(f"/users/{name}/sessions", **kw)
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return items


def test_a_session_ended_refuses_its_browser_and_tokens_while_the_other_goes_on(make_hub):
    api = make_hub(with_web_service())
    firefox = Browser(api, "Firefox/128.0").log_in("alice")
    chrome = Browser(api, "Chrome/126.0").log_in("alice")
    listed = sessions(api)
    assert [s["user_agent"] for s in listed] == ["Firefox/128.0", "Chrome/126.0"]
    assert all(s["address"] == "testclient" and s["created"] and s["last_activity"] for s in listed)
    assert not any(s["current"] for s in listed), "an admin's token is of no session"
    # a browser sees which session is its own
    own = firefox.request("GET", "/hub/api/users/alice/sessions").json()["items"]
    assert [s["current"] for s in own] == [True, False]
    assert own[0]["id"] == firefox.session_id()

    firefox_token, chrome_token = firefox.oauth_token(), chrome.oauth_token()
    assert identifies(api, firefox_token) and identifies(api, chrome_token)
    assert api.delete(f"/users/alice/sessions/{firefox.session_id()}").status_code == 204
    assert logged_out(firefox)
    assert not identifies(api, firefox_token), "the tokens issued in the session are revoked"
    assert chrome.me().json()["name"] == "alice" and chrome.home().status_code == 200
    assert identifies(api, chrome_token)
    assert [s["user_agent"] for s in sessions(api)] == ["Chrome/126.0"]
    # logging in again is a new session
    assert Browser(api, "Firefox/128.0").log_in("alice").me().status_code == 200


def test_ending_all_sessions_ends_every_browser_and_their_tokens_only(make_hub):
    api = make_hub(with_web_service())
    one, two = Browser(api, "one").log_in("alice"), Browser(api, "two").log_in("alice")
    issued = two.oauth_token()
    made = api.new_token("alice", note="from the API")
    bob = Browser(api, "bob's").log_in("bob")
    assert api.delete("/users/alice/sessions").status_code == 204
    assert logged_out(one) and logged_out(two)
    assert not identifies(api, issued)
    assert identifies(api, made), "a token not issued in a browser session stays"
    assert sessions(api) == []
    assert bob.me().status_code == 200, "other users' sessions go on"
    assert api.delete("/users/alice/sessions").status_code == 204, "with none left, as well"


def test_users_end_their_own_sessions_and_no_one_elses(make_hub):
    api = make_hub(with_web_service())
    alice, bob = Browser(api, "a").log_in("alice"), Browser(api, "b").log_in("bob")
    bobs = bob.session_id()
    assert api.get("/users/alice/sessions/nope").status_code == 404
    assert api.delete("/users/alice/sessions/nope").status_code == 404
    assert api.get(f"/users/alice/sessions/{bobs}").status_code == 404, "another user's session"
    assert api.delete(f"/users/alice/sessions/{bobs}").status_code == 404
    assert api.get("/users/nobody/sessions").status_code == 404
    assert api.delete("/users/nobody/sessions").status_code == 404
    # alice's own token: her sessions, not bob's (filtered scopes: 404)
    token = api.new_token("alice")
    assert len(sessions(api, token=token)) == 1
    assert api.get(f"/users/alice/sessions/{alice.session_id()}", token=token).json()["current"] is False
    assert api.get("/users/bob/sessions", token=token).status_code == 404
    assert api.delete(f"/users/bob/sessions/{bobs}", token=token).status_code == 404
    narrow = api.new_token("alice", scopes=["read:tokens!user=alice"])
    assert len(sessions(api, token=narrow)) == 1
    assert api.delete("/users/alice/sessions", token=narrow).status_code == 403
    assert bob.me().status_code == 200
    # from her own browser (with the page's XSRF token), she ends her session
    xsrf = alice.jar["_xsrf"]
    r = alice.request(
        "DELETE", f"/hub/api/users/alice/sessions/{alice.session_id()}", headers={"X-XSRFToken": xsrf}
    )
    assert r.status_code == 204 and logged_out(alice)


def test_logout_ends_the_session(make_hub):
    api = make_hub(with_web_service())
    browser = Browser(api, "x").log_in("alice")
    issued = browser.oauth_token()
    cookie = browser.jar[LOGIN_COOKIE]
    assert len(sessions(api)) == 1
    assert browser.request("GET", "/hub/logout").status_code == 302
    assert sessions(api) == [] and not identifies(api, issued)
    # a copy of the cookie taken before the logout no longer counts either
    browser.jar.set(LOGIN_COOKIE, cookie, path="/hub/")
    assert logged_out(browser)


def test_pages_and_the_api_record_activity_at_most_once_per_resolution(make_hub):
    api = make_hub(with_web_service())
    browser = Browser(api, "x").log_in("alice")
    long_ago = utcnow() - timedelta(hours=1)

    def age() -> None:
        with current().db.session() as s:
            s.execute(update(LoginSession).values(last_activity=long_ago))

    def last_activity() -> Any:
        with current().db.session() as s:
            return s.execute(select(LoginSession.last_activity)).scalar_one()

    for visit in (browser.me, browser.home):
        age()
        visit()
        first = last_activity()
        assert first > long_ago
        visit()
        assert last_activity() == first


def _cookie_id(name: str) -> str:
    with current().db.session() as s:
        value: str = s.execute(select(User.cookie_id).where(User.name == name)).scalar_one()
        return value


def legacy_browser(api: Api, name: str, session_id: str) -> Browser:
    """A browser logged in before the hub recorded sessions: the login cookie holds the user's cookie_id."""
    browser = Browser(api, "old")
    browser.jar.set(LOGIN_COOKIE, cookies.sign(SECRET, LOGIN_COOKIE, _cookie_id(name)), path="/hub/")
    browser.jar.set(SESSION_COOKIE, session_id, path="/")
    return browser


def test_logins_of_before_sessions_were_recorded_count_until_one_is_ended(make_hub):
    api = make_hub(with_web_service())
    new = Browser(api, "new").log_in("alice")
    old = legacy_browser(api, "alice", "0ld5e55i0n")
    assert old.me().json()["session_id"] == "0ld5e55i0n"
    assert old.home().status_code == 200
    assert [s["id"] for s in sessions(api)] == [new.session_id(), "0ld5e55i0n"], "listed once used"
    # a legacy cookie cannot ride another user's session, nor a session made since
    bob = Browser(api, "b").log_in("bob")
    assert legacy_browser(api, "alice", bob.session_id()).me().status_code == 403
    assert legacy_browser(api, "alice", new.session_id()).me().status_code == 403
    other = legacy_browser(api, "alice", "an0ther")
    assert other.me().status_code == 200
    # ending one legacy session ends them all (a copy of such a cookie names no session of its own)
    assert api.delete("/users/alice/sessions/0ld5e55i0n").status_code == 204
    assert logged_out(old) and logged_out(other)
    assert [s["id"] for s in sessions(api)] == [new.session_id()]
    assert new.me().status_code == 200, "sessions made since go on"
    # and ending all refuses even a legacy cookie never used before
    unused = legacy_browser(api, "alice", "unu5ed")
    api.delete("/users/alice/sessions")
    assert logged_out(unused) and logged_out(new)


def test_sessions_whose_cookie_is_too_old_are_purged(make_hub):
    api = make_hub(with_web_service())
    Browser(api, "x").log_in("alice")
    Browser(api, "y" * 2000).log_in("alice")
    hub = current()
    with hub.db.session() as s:
        first = s.execute(select(LoginSession.id).order_by(LoginSession.created)).scalars().first()
        s.execute(
            update(LoginSession).where(LoginSession.id == first).values(created=utcnow() - timedelta(days=30))
        )
    hub.purge_expired()
    assert [s["user_agent"] for s in sessions(api)] == ["y" * 512], "kept, cut to 512 characters"


def test_a_cookie_costs_one_lookup_like_a_token(make_hub, monkeypatch):
    """The session check is the login lookup itself (a primary-key join): a
    login cookie is identified with as many statements as a known token."""
    api = make_hub(with_web_service())
    browser = Browser(api, "x").log_in("alice")
    token = api.new_token("alice")
    assert identifies(api, token)  # (now in the memo of verified tokens)
    hub = current()
    presented = hub.sessions.read(browser.jar[LOGIN_COOKIE])
    assert presented is not None
    seen: list[str] = []
    original = raw.RawQuery.all

    def counted(self: raw.RawQuery, conn: Any, params: dict[str, Any]) -> Any:
        seen.append("raw")
        return original(self, conn, params)

    monkeypatch.setattr(raw.RawQuery, "all", counted)
    listen = lambda *args: seen.append("orm")  # noqa: E731
    event.listen(hub.db.engine, "before_cursor_execute", listen)
    try:
        with hub.db.transaction(False) as tx:
            assert identify.identify_cookie(tx.conn, presented, hub) is not None
            by_cookie, seen[:] = list(seen), []
            assert identify.identify(tx.conn, token, hub) is not None
            by_token = list(seen)
    finally:
        event.remove(hub.db.engine, "before_cursor_execute", listen)
    assert by_cookie == by_token and by_cookie.count("raw") >= 1


# --- several hub processes ------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_a_session_ended_through_one_process_is_refused_by_the_other_at_once(tmp_path, db_url, proxy):
    extra = (
        "c.JupyterHub.cleanup_servers = False\n"
        "c.ConfigurableHTTPProxy.should_start = False\n"
        f"c.ConfigurableHTTPProxy.api_url = {proxy.api_url!r}\n"
        f"c.ConfigurableHTTPProxy.auth_token = {proxy.token!r}\n"
        f"c.JupyterHub.cookie_secret = {'ab' * 32!r}\n"
        "c.JupyterHub.authenticator_class = 'dummy'\n"
    )
    a = HubProcess(tmp_path, db_url, extra)
    b = a.sibling()
    try:
        a.start()
        b.start()
        with httpx.Client(base_url=f"http://127.0.0.1:{a.port}") as browser:
            page = browser.get("/hub/login")
            form = {
                "username": "alice",
                "password": "pw",
                "_xsrf": re.search(r'name="_xsrf" value="([^"]+)"', page.text).group(1),
            }
            assert browser.post("/hub/login", data=form).status_code == 302
            cookie = browser.cookies[LOGIN_COOKIE]
        with httpx.Client(base_url=f"http://127.0.0.1:{b.port}") as other:
            other.cookies.set(LOGIN_COOKIE, cookie)
            me = other.get("/hub/api/user")
            assert me.status_code == 200
            # B has just read the session; A ends it; B refuses the cookie at the next request
            assert a.api.delete(f"/users/alice/sessions/{me.json()['session_id']}").status_code == 204
            assert other.get("/hub/api/user").status_code == 403
            home = other.get("/hub/home", follow_redirects=False)
            assert home.status_code == 302 and home.headers["location"].startswith("/hub/login")
    finally:
        a.stop()
        b.stop()
