"""The page that accepts a share code: /hub/accept-share?code=...

A logged-in user sees what the code shares and confirms with a form; the
code becomes a share for them and the browser goes to the shared server.
Every unusable code is a 4xx page that says why; nothing is written then.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

import pytest

from tests.test_login_oauth import log_in, xsrf_of
from tests.test_shares import sharing_users


def browser_sharing(c):
    sharing_users(c)
    c.JupyterHub.authenticator_class = "dummy"
    c.DummyAuthenticator.password = "pw"


@pytest.fixture
def hub(make_hub):
    api = make_hub(browser_sharing)
    assert api.post("/users", json={"usernames": ["alice", "bob"]}).status_code == 201
    assert api.put("/users/alice/servers/gpu", json={}).status_code == 201
    api.alice = api.new_token("alice")
    return api


def new_code(hub, server="gpu", **body):
    r = hub.post(f"/share-codes/alice/{server}", json=body, token=hub.alice)
    assert r.status_code == 200, r.text
    return r.json()


def accept(client, code, **extra):
    page = client.get("/hub/accept-share", params={"code": code})
    assert page.status_code == 200, page.text
    form = {"code": code, "_xsrf": xsrf_of(page.text), **extra}
    return client.post("/hub/accept-share", data=form, follow_redirects=False)


def bobs_shares(hub):
    return hub.get("/users/bob/shared").json()["items"]


def code_row(hub, issued):
    listed = hub.get("/share-codes/alice/gpu").json()["items"]
    return next(c for c in listed if c["id"] == issued["id"])


def test_the_page_shows_the_invitation_and_accepting_makes_a_share(hub):
    issued = new_code(hub, scopes=["access:servers", "read:servers"])
    log_in(hub.client, "bob")
    page = hub.client.get(issued["accept_url"])
    assert page.status_code == 200
    assert "alice invites you (bob)" in page.text and "<strong>gpu</strong>" in page.text
    assert "access:servers!server=alice/gpu" in page.text and "read:servers!server=alice/gpu" in page.text
    assert "not running" in page.text
    assert bobs_shares(hub) == [], "showing the page grants nothing"

    r = accept(hub.client, issued["code"])
    assert (r.status_code, r.headers["location"]) == (302, "/user/alice/gpu/")
    [share] = bobs_shares(hub)
    assert share["scopes"] == ["access:servers!server=alice/gpu", "read:servers!server=alice/gpu"]
    assert share["server"]["name"] == "gpu" and share["user"] == {"name": "bob"}
    row = code_row(hub, issued)
    assert row["exchange_count"] == 1 and row["last_exchanged_at"] is not None


def test_accepting_again_merges_and_is_counted_again(hub):
    hub.post("/shares/alice/gpu", json={"user": "bob", "scopes": ["read:servers"]}, token=hub.alice)
    issued = new_code(hub)
    log_in(hub.client, "bob")
    accept(hub.client, issued["code"])
    assert bobs_shares(hub)[0]["scopes"] == [
        "access:servers!server=alice/gpu",
        "read:servers!server=alice/gpu",
    ]
    page = hub.client.get(issued["accept_url"])
    assert "You already hold these permissions" in page.text
    assert accept(hub.client, issued["code"]).status_code == 302
    assert len(bobs_shares(hub)) == 1
    assert code_row(hub, issued)["exchange_count"] == 2


def test_next_is_followed_when_it_stays_on_site(hub):
    code = new_code(hub)["code"]
    log_in(hub.client, "bob")
    r = accept(hub.client, code, next="/user/alice/gpu/lab")
    assert r.headers["location"] == "/user/alice/gpu/lab"
    r = accept(hub.client, code, next="https://evil.example/")
    assert r.headers["location"] == "/user/alice/gpu/"


def test_visitors_not_logged_in_log_in_first_and_come_back(hub):
    issued = new_code(hub)
    r = hub.client.get(issued["accept_url"], follow_redirects=False)
    assert r.status_code == 302
    assert r.headers["location"] == "/hub/login?next=" + quote(issued["accept_url"], safe="")
    r = log_in(hub.client, "bob", next_url=issued["accept_url"])
    assert r.headers["location"] == issued["accept_url"]
    assert hub.client.get(issued["accept_url"]).status_code == 200


def refused(client, code, status_get, status_post, message):
    """GET and POST of the code both refuse it with an HTML page saying why."""
    page = client.get("/hub/accept-share", params={"code": code} if code is not None else None)
    assert page.status_code == status_get, page.text
    assert page.headers["content-type"].startswith("text/html") and message in page.text
    xsrf = client.cookies.get("_xsrf")
    form = {"_xsrf": xsrf, **({"code": code} if code is not None else {})}
    r = client.post("/hub/accept-share", data=form, follow_redirects=False)
    assert r.status_code == status_post, r.text
    assert r.headers["content-type"].startswith("text/html") and message in r.text


@pytest.mark.parametrize(
    "code",
    [None, "", "not-a-code", "x" * 300, "a%00b", "é", "\x00", "a b"],
    ids=["absent", "empty", "unknown", "long", "percent", "non-ascii", "nul", "space"],
)
def test_unknown_or_malformed_codes_are_refused(hub, code):
    log_in(hub.client, "bob")
    if not code:
        refused(hub.client, code, 400, 400, "This link has no share code")
    else:
        refused(hub.client, code, 404, 400, "No share code matches this link")
    assert bobs_shares(hub) == []


def test_a_revoked_code_or_one_of_a_removed_server_is_refused(hub):
    revoked, of_removed = new_code(hub), new_code(hub, server="gpu")
    log_in(hub.client, "bob")
    hub.delete("/share-codes/alice/gpu", params={"code": revoked["code"]}, token=hub.alice)
    refused(hub.client, revoked["code"], 404, 400, "revoked by its owner")
    hub.delete("/users/alice/servers/gpu", json={"remove": True}, token=hub.alice)
    refused(hub.client, of_removed["code"], 404, 400, "its server was removed")
    assert bobs_shares(hub) == []


def test_an_expired_code_is_refused_and_says_so(hub):
    from sqlalchemy import update

    from hub.db.models import ShareCode
    from hub.runtime import current
    from hub.timeutil import utcnow

    issued = new_code(hub)
    log_in(hub.client, "bob")
    page = hub.client.get(issued["accept_url"])
    with current().db.session() as session:
        session.execute(update(ShareCode).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert "This share code expired on" in hub.client.get(issued["accept_url"]).text
    refused(hub.client, issued["code"], 404, 400, "This share code expired on")
    # a form shown before the expiry is refused as well
    form = {"code": issued["code"], "_xsrf": xsrf_of(page.text)}
    assert hub.client.post("/hub/accept-share", data=form).status_code == 400
    assert bobs_shares(hub) == []


def test_the_owner_cannot_accept_their_own_code(hub):
    issued = new_code(hub)
    log_in(hub.client, "alice")
    refused(hub.client, issued["code"], 403, 400, "you cannot share it with yourself")
    assert hub.get("/shares/alice/gpu").json()["items"] == []
    assert code_row(hub, issued)["exchange_count"] == 0


def test_the_form_needs_its_xsrf_token(hub):
    issued = new_code(hub)
    log_in(hub.client, "bob")
    hub.client.get(issued["accept_url"])
    for xsrf in (None, "forged"):
        form = {"code": issued["code"], **({"_xsrf": xsrf} if xsrf else {})}
        r = hub.client.post("/hub/accept-share", data=form)
        assert r.status_code == 403 and "The form has expired" in r.text
    assert bobs_shares(hub) == [] and code_row(hub, issued)["exchange_count"] == 0


def test_concurrent_acceptances_are_all_counted_and_make_one_share_each(make_live_hub):
    import threading
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    api = make_live_hub(browser_sharing)
    names = ["bob", "carol", "dave", "erin", "frank"]
    api.post("/users", json={"usernames": ["alice", *names]})
    alice = api.new_token("alice")
    issued = api.post("/share-codes/alice/", token=alice).json()
    visitors = names + ["bob"] * 3  # bob accepts in four tabs at once
    barrier = threading.Barrier(len(visitors))

    def accept_at_once(name):
        with httpx.Client(base_url=str(api.client.base_url), timeout=120) as client:
            log_in(client, name)
            page = client.get(issued["accept_url"])
            form = {"code": issued["code"], "_xsrf": xsrf_of(page.text)}
            barrier.wait()
            return client.post("/hub/accept-share", data=form, follow_redirects=False)

    with ThreadPoolExecutor(len(visitors)) as pool:
        responses = list(pool.map(accept_at_once, visitors))
    assert [r.status_code for r in responses] == [302] * len(visitors), [r.text for r in responses]
    shares = api.get("/shares/alice/", token=alice).json()["items"]
    assert sorted(s["user"]["name"] for s in shares) == sorted(names)
    [code] = api.get("/share-codes/alice/", token=alice).json()["items"]
    assert code["exchange_count"] == len(visitors)
