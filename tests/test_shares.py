"""Sharing servers: granting, listing, revoking, leaving, and share codes.

A share gives a user (or the members of a group) scopes on one server of
another user, ``access:servers`` by default. The receiver's permissions are
read from the database on every request, so a grant or a revocation counts
on the receiver's very next request, with any of their credentials.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

PAGE = {"Accept": "application/jupyterhub-pagination+json"}


def sharing_users(c):
    """Users may share their own servers and name other users and groups, as
    JupyterHub's documentation suggests enabling sharing."""
    c.JupyterHub.load_roles = [
        {"name": "user", "scopes": ["self", "shares!user", "read:users:name", "read:groups:name"]}
    ]
    c.JupyterHub.load_groups = {"staff": {"users": ["bob"]}, "other": {"users": ["carol"]}}
    c.JupyterHub.allow_named_servers = True


@pytest.fixture
def hub(make_hub):
    api = make_hub(sharing_users)
    assert api.post("/users", json={"usernames": ["alice", "bob", "carol", "dave"]}).status_code == 201
    assert api.put("/users/alice/servers/gpu", json={}).status_code == 201
    api.tokens = {name: api.new_token(name) for name in ("alice", "bob", "carol", "dave")}
    return api


def test_granting_defaults_to_access_on_the_server(hub):
    r = hub.post("/shares/alice/gpu", json={"user": "bob"}, token=hub.tokens["alice"])
    assert r.status_code == 200, r.text
    share = r.json()
    assert share["scopes"] == ["access:servers!server=alice/gpu"]
    assert share["user"] == {"name": "bob"} and share["group"] is None and share["kind"] == "user"
    assert share["server"] == {
        "user": {"name": "alice"},
        "name": "gpu",
        "url": "/user/alice/gpu/",
        "full_url": None,
        "ready": False,
    }
    me = hub.get("/user", token=hub.tokens["bob"]).json()
    assert "access:servers!server=alice/gpu" in me["scopes"]


def test_the_default_server_is_shared_at_an_empty_server_name(hub):
    r = hub.post("/shares/alice/", json={"user": "bob"}, token=hub.tokens["alice"])
    assert r.status_code == 200, r.text
    assert r.json()["scopes"] == ["access:servers!server=alice/"]
    listed = hub.get("/shares/alice/", token=hub.tokens["alice"]).json()
    assert [s["user"]["name"] for s in listed["items"]] == ["bob"]


def test_granting_again_adds_scopes_to_the_share(hub):
    alice = hub.tokens["alice"]
    hub.post("/shares/alice/gpu", json={"user": "bob"}, token=alice)
    r = hub.post(
        "/shares/alice/gpu", json={"user": "bob", "scopes": ["read:servers!server=alice/gpu"]}, token=alice
    )
    assert r.json()["scopes"] == ["access:servers!server=alice/gpu", "read:servers!server=alice/gpu"]
    assert hub.get("/shares/alice/gpu", token=alice).json()["_pagination"]["total"] == 1


def test_a_share_lets_the_receiver_read_what_it_grants(hub):
    bob = hub.tokens["bob"]
    assert hub.get("/users/alice/servers/gpu", token=bob).status_code == 404
    hub.post("/shares/alice/gpu", json={"user": "bob", "scopes": ["read:servers"]}, token=hub.tokens["alice"])
    r = hub.get("/users/alice/servers/gpu", token=bob)
    assert r.status_code == 200 and r.json()["name"] == "gpu"
    # the share reaches that server only
    assert hub.get("/users/alice/server", token=bob).status_code == 404


def test_revoking_takes_effect_on_the_next_request(hub):
    bob = hub.tokens["bob"]
    hub.post("/shares/alice/", json={"user": "bob"}, token=hub.tokens["alice"])
    assert "access:servers!server=alice/" in hub.get("/user", token=bob).json()["scopes"]
    r = hub.delete("/shares/alice/", token=hub.tokens["alice"])
    assert r.status_code == 204
    assert "access:servers!server=alice/" not in hub.get("/user", token=bob).json()["scopes"]


def test_a_group_share_reaches_every_member_and_their_tokens(hub):
    hub.post("/shares/alice/gpu", json={"group": "staff"}, token=hub.tokens["alice"])
    # bob is in staff; his token (not only a browser session) carries the access
    assert "access:servers!server=alice/gpu" in hub.get("/user", token=hub.tokens["bob"]).json()["scopes"]
    assert (
        "access:servers!server=alice/gpu" not in hub.get("/user", token=hub.tokens["carol"]).json()["scopes"]
    )
    listed = hub.get("/users/bob/shared", token=hub.tokens["bob"]).json()
    assert [(s["kind"], s["group"]) for s in listed["items"]] == [("group", {"name": "staff"})]
    hub.post("/groups/staff/users", json={"users": ["carol"]})
    assert "access:servers!server=alice/gpu" in hub.get("/user", token=hub.tokens["carol"]).json()["scopes"]


def test_patch_revokes_some_scopes_then_the_share(hub):
    alice = hub.tokens["alice"]
    hub.post(
        "/shares/alice/gpu", json={"user": "bob", "scopes": ["access:servers", "read:servers"]}, token=alice
    )
    r = hub.patch("/shares/alice/gpu", json={"user": "bob", "scopes": ["read:servers"]}, token=alice)
    assert r.status_code == 200 and r.json()["scopes"] == ["access:servers!server=alice/gpu"]
    # the filtered spelling names the same scope
    r = hub.patch(
        "/shares/alice/gpu", json={"user": "bob", "scopes": ["access:servers!server=alice/gpu"]}, token=alice
    )
    assert r.status_code == 200 and r.json() == {}
    assert hub.get("/shares/alice/gpu", token=alice).json()["items"] == []


def test_patch_without_scopes_revokes_the_whole_share(hub):
    alice = hub.tokens["alice"]
    hub.post("/shares/alice/gpu", json={"group": "staff"}, token=alice)
    assert hub.patch("/shares/alice/gpu", json={"group": "staff"}, token=alice).json() == {}
    # an unknown receiver has nothing to revoke
    assert hub.patch("/shares/alice/gpu", json={"user": "nobody"}, token=alice).json() == {}


def test_receivers_list_and_leave_what_they_were_given(hub):
    bob = hub.tokens["bob"]
    hub.post("/shares/alice/gpu", json={"user": "bob"}, token=hub.tokens["alice"])
    r = hub.get("/users/bob/shared/alice/gpu", token=bob)
    assert r.status_code == 200 and r.json()["user"] == {"name": "bob"}
    assert hub.delete("/users/bob/shared/alice/gpu", token=bob).status_code == 204
    r = hub.get("/users/bob/shared/alice/gpu", token=bob)
    assert r.status_code == 404
    assert r.json()["message"] == "No such share for user bob on alice/gpu"
    assert "access:servers!server=alice/gpu" not in hub.get("/user", token=bob).json()["scopes"]


def test_group_shares_are_listed_and_removed_by_group(hub):
    hub.post("/shares/alice/gpu", json={"group": "staff"}, token=hub.tokens["alice"])
    listed = hub.get("/groups/staff/shared").json()
    assert [s["server"]["name"] for s in listed["items"]] == ["gpu"]
    assert hub.get("/groups/staff/shared/alice/gpu").json()["group"] == {"name": "staff"}
    assert hub.delete("/groups/staff/shared/alice/gpu").status_code == 204
    r = hub.get("/groups/staff/shared/alice/gpu")
    assert r.status_code == 404 and r.json()["message"] == "No such share for group staff on alice/gpu"
    assert hub.get("/groups/nope/shared").json()["message"] == "No such group: nope"


def test_lists_are_paginated_always(hub):
    alice = hub.tokens["alice"]
    for name in ("bob", "carol", "dave"):
        hub.post("/shares/alice/gpu", json={"user": name}, token=alice)
    plain = hub.get("/shares/alice", token=alice).json()
    assert plain["_pagination"] == {"offset": 0, "limit": 200, "total": 3, "next": None}
    page = hub.get("/shares/alice/gpu?limit=2", token=alice, headers=PAGE).json()
    assert [s["user"]["name"] for s in page["items"]] == ["bob", "carol"]
    nxt = page["_pagination"]["next"]
    assert nxt["offset"] == 2 and nxt["limit"] == 2 and "offset=2" in nxt["url"]
    assert hub.get("/shares/alice", token=alice, headers=PAGE).json()["_pagination"]["limit"] == 50


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({}, 400, "Specify exactly one of `user` or `group`"),
        ({"scopes": ["access:servers"]}, 400, "Specify exactly one of `user` or `group`"),
        ({"user": "bob", "group": "staff"}, 400, "Expected exactly one of `user` or `group`, not both."),
        ({"user": "bob", "scopes": ["nonsense"]}, 400, "Scope 'nonsense' for share does not exist"),
        (
            {"user": "bob", "scopes": ["access:servers!user=alice"]},
            400,
            "!user=alice not allowed on sharing access:servers!user=alice, only !server=alice/gpu",
        ),
        ({"user": "nobody"}, 400, "No such user: nobody"),
        ({"group": "nogroup"}, 400, "No such group: nogroup"),
        (
            {"user": "bob", "scopes": ["admin:users"]},
            403,
            "Do not have permission to grant share with scope admin:users!server=alice/gpu",
        ),
    ],
)
def test_bad_grants_are_refused_and_change_nothing(hub, body, status, message):
    r = hub.post("/shares/alice/gpu", json=body, token=hub.tokens["alice"])
    assert (r.status_code, r.json()["message"]) == (status, message)
    assert hub.get("/shares/alice").json()["items"] == []


def test_sharing_a_server_that_does_not_exist_is_404(hub):
    r = hub.post("/shares/alice/nope", json={"user": "bob"})
    assert (r.status_code, r.json()["message"]) == (404, "No such server: alice/nope")
    assert hub.get("/shares/nobody").status_code == 404
    assert hub.get("/shares/alice/nope").status_code == 404


def test_sharing_with_a_user_needs_their_name(make_hub):
    # the default user role may not share at all; with shares!user but no
    # read:users:name, users cannot be named
    api = make_hub(
        lambda c: setattr(c.JupyterHub, "load_roles", [{"name": "user", "scopes": ["self", "shares!user"]}])
    )
    api.post("/users", json={"usernames": ["alice", "bob"]})
    r = api.post("/shares/alice/", json={"user": "bob"}, token=api.new_token("alice"))
    assert (r.status_code, r.json()["message"]) == (
        403,
        "Need scope 'read:users:name' to share with users by name",
    )


def test_by_default_users_cannot_share(make_hub):
    api = make_hub()
    api.post("/users", json={"usernames": ["alice", "bob"]})
    alice = api.new_token("alice")
    r = api.post("/shares/alice/", json={"user": "bob"}, token=alice)
    assert r.status_code == 403 and "requires any of [shares]" in r.json()["message"]
    # but they see who has access to their servers, and what they were given
    assert api.get("/shares/alice", token=alice).status_code == 200
    assert api.get("/users/alice/shared", token=alice).status_code == 200
    # and an admin shares for them
    assert api.post("/shares/alice/", json={"user": "bob"}).status_code == 200


def test_other_users_shares_are_invisible(hub):
    hub.post("/shares/alice/gpu", json={"user": "bob"}, token=hub.tokens["alice"])
    carol = hub.tokens["carol"]
    for path in ("/shares/alice", "/shares/alice/gpu", "/users/bob/shared", "/users/bob/shared/alice/gpu"):
        r = hub.get(path, token=carol)
        assert r.status_code == 404, path
        assert r.json()["message"] == "No access to resources or resources not found"
    r = hub.post("/shares/alice/gpu", json={"user": "carol"}, token=carol)
    assert r.status_code == 404
    assert hub.delete("/users/bob/shared/alice/gpu", token=carol).status_code == 404


def test_a_renamed_owner_keeps_the_shares(hub):
    hub.post("/shares/alice/gpu", json={"user": "bob"}, token=hub.tokens["alice"])
    assert hub.patch("/users/alice", json={"name": "alicia"}).status_code == 200
    assert "access:servers!server=alicia/gpu" in hub.get("/user", token=hub.tokens["bob"]).json()["scopes"]
    share = hub.get("/shares/alicia/gpu").json()["items"][0]
    assert share["scopes"] == ["access:servers!server=alicia/gpu"]


def test_removing_the_server_or_the_receiver_removes_the_share(hub):
    hub.post("/shares/alice/gpu", json={"user": "bob"}, token=hub.tokens["alice"])
    hub.post("/shares/alice/", json={"group": "staff"}, token=hub.tokens["alice"])
    assert hub.delete("/users/alice/servers/gpu", json={"remove": True}).status_code == 204
    assert hub.delete("/groups/staff").status_code == 204
    assert hub.get("/shares/alice").json()["items"] == []


# --- opening a shared server through the hub's OAuth -------------------------------


SERVER_SECRET = "alice-server-secret"
CALLBACK = "/user/alice/oauth_callback"


def browser_sharing(c):
    sharing_users(c)
    c.JupyterHub.authenticator_class = "dummy"
    c.DummyAuthenticator.password = "pw"


def register_alices_server():
    """The OAuth client the hub registers when alice's default server starts."""
    from hub.core import oauth
    from hub.runtime import current

    with current().db.session() as session:
        oauth.register(
            session,
            oauth.server_client_id("alice", ""),
            SERVER_SECRET,
            CALLBACK,
            "Server at /user/alice/",
            ["access:servers!server=alice/"],
        )


def oauth_login(client):
    """bob's browser logs in to alice's server: a token, or the refusal."""
    from tests.test_login_oauth import xsrf_of

    path = "/hub/api/oauth2/authorize"
    params = {"client_id": "jupyterhub-user-alice", "response_type": "code", "redirect_uri": CALLBACK}
    page = client.get(path, params=params)
    if page.status_code != 200:
        return page
    # not bob's own server: he confirms, as in JupyterHub
    r = client.post(path, params=params, data={"_xsrf": xsrf_of(page.text)}, follow_redirects=False)
    code = parse_qs(urlsplit(r.headers["location"]).query)["code"][0]
    form = {"client_id": "jupyterhub-user-alice", "client_secret": SERVER_SECRET}
    form |= {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK}
    return client.post("/hub/api/oauth2/token", data=form)


@pytest.mark.parametrize("receiver", [{"user": "bob"}, {"group": "staff"}])
def test_the_receiver_logs_in_to_the_shared_server_until_revoked(make_hub, receiver):
    from tests.test_login_oauth import log_in

    api = make_hub(browser_sharing)
    api.post("/users", json={"usernames": ["alice", "bob"]})
    register_alices_server()
    log_in(api.client, "bob")
    refused = oauth_login(api.client)
    assert (refused.status_code, refused.json()["message"]) == (
        403,
        "You do not have permission to access Server at /user/alice/",
    )
    alice = api.new_token("alice")
    assert api.post("/shares/alice/", json=receiver, token=alice).status_code == 200
    r = oauth_login(api.client)
    assert r.status_code == 200, r.text
    token = r.json()["access_token"]
    # what jupyterhub-singleuser checks: the token's owner and its access scope
    me = api.get("/user", token=token).json()
    assert me["name"] == "bob" and "access:servers!server=alice/" in me["scopes"]

    assert api.delete("/shares/alice/", token=alice).status_code == 204
    assert "access:servers!server=alice/" not in api.get("/user", token=token).json()["scopes"]
    assert oauth_login(api.client).status_code == 403


# --- share codes --------------------------------------------------------------------


def test_a_share_code_is_shown_once_and_listed_without_its_value(hub):
    alice = hub.tokens["alice"]
    r = hub.post("/share-codes/alice/gpu", json={"expires_in": 3600}, token=alice)
    assert r.status_code == 200, r.text
    issued = r.json()
    code = issued["code"]
    assert len(code) == 43 and issued["id"].startswith("sc_")
    assert issued["accept_url"] == f"/hub/accept-share?code={code}" and issued["full_accept_url"] is None
    assert issued["scopes"] == ["access:servers!server=alice/gpu"]
    assert issued["exchange_count"] == 0 and issued["last_exchanged_at"] is None
    listed = hub.get("/share-codes/alice/gpu", token=alice).json()["items"]
    assert [c["id"] for c in listed] == [issued["id"]]
    assert "code" not in listed[0]
    assert code not in hub.get("/share-codes/alice", token=alice).text


def test_share_codes_default_to_one_day_and_refuse_other_lifetimes(hub):
    from datetime import datetime

    issued = hub.post("/share-codes/alice/", token=hub.tokens["alice"]).json()
    lifetime = datetime.fromisoformat(issued["expires_at"][:-1]) - datetime.fromisoformat(
        issued["created_at"][:-1]
    )
    assert lifetime.total_seconds() == 86400
    for bad in (59, 31536001):
        assert hub.post("/share-codes/alice/", json={"expires_in": bad}).status_code == 400
    r = hub.post("/share-codes/alice/", json={"scopes": ["admin:users"]}, token=hub.tokens["alice"])
    assert r.status_code == 403


def test_share_codes_are_revoked_by_value_by_id_or_all(hub):
    alice = hub.tokens["alice"]
    codes = [hub.post("/share-codes/alice/gpu", token=alice).json() for _ in range(3)]
    assert (
        hub.delete("/share-codes/alice/gpu", params={"code": codes[0]["code"]}, token=alice).status_code
        == 204
    )
    assert hub.delete("/share-codes/alice/gpu", params={"id": codes[1]["id"]}, token=alice).status_code == 204
    left = hub.get("/share-codes/alice/gpu", token=alice).json()["items"]
    assert [c["id"] for c in left] == [codes[2]["id"]]
    r = hub.delete("/share-codes/alice/gpu", params={"code": codes[0]["code"]}, token=alice)
    assert (r.status_code, r.json()["message"]) == (404, "No matching code found")
    for bad in (codes[1]["id"], "sc_99999999999", "a17"):
        r = hub.delete("/share-codes/alice/gpu", params={"id": bad}, token=alice)
        assert (r.status_code, r.json()["message"]) == (404, f"No code found matching id={bad}")
    assert hub.delete("/share-codes/alice/gpu", token=alice).status_code == 204
    assert hub.get("/share-codes/alice/gpu", token=alice).json()["items"] == []


def test_other_users_share_codes_are_invisible(hub):
    hub.post("/share-codes/alice/gpu", token=hub.tokens["alice"])
    carol = hub.tokens["carol"]
    assert hub.get("/share-codes/alice", token=carol).status_code == 404
    assert hub.get("/share-codes/alice/gpu", token=carol).status_code == 404
    assert hub.post("/share-codes/alice/gpu", token=carol).status_code == 404
    assert hub.delete("/share-codes/alice/gpu", token=carol).status_code == 404
    assert hub.get("/share-codes/nobody").status_code == 404
    assert hub.get("/share-codes/alice/nope").json()["message"] == "No such server: alice/nope"


# --- checked side by side with JupyterHub 6.1.1 (docs/sharing-vs-jupyterhub.md) ------


def test_a_user_may_share_a_server_with_themselves(hub):
    # JupyterHub grants it (the share adds nothing to what the owner holds)
    r = hub.post("/shares/alice/gpu", json={"user": "alice"}, token=hub.tokens["alice"])
    assert r.status_code == 200 and r.json()["user"] == {"name": "alice"}


def test_a_stopped_or_never_started_server_is_shared_like_a_running_one(hub):
    alice = hub.tokens["alice"]
    for path in ("/shares/alice/", "/shares/alice/gpu"):
        r = hub.post(path, json={"user": "bob"}, token=alice)
        assert r.status_code == 200 and r.json()["server"]["ready"] is False
    assert hub.get("/users/bob/shared", token=hub.tokens["bob"]).json()["_pagination"]["total"] == 2


def test_the_shares_of_a_missing_group_are_a_404_naming_the_group(hub):
    for r in (hub.get("/groups/nogroup/shared/alice/gpu"), hub.delete("/groups/nogroup/shared/alice/gpu")):
        assert (r.status_code, r.json()["message"]) == (404, "No such group: nogroup")


def test_owner_paths_without_a_server_take_only_get(hub):
    alice = hub.tokens["alice"]
    for method in ("POST", "PATCH", "DELETE"):
        for path in ("/shares/alice", "/share-codes/alice"):
            assert hub(method, path, json={"user": "bob"}, token=alice).status_code == 405


def test_a_share_code_checks_the_scopes_before_the_server(hub):
    # as JupyterHub: 403 for a scope the requester does not hold, even on a server that does not exist
    r = hub.post("/share-codes/alice/nope", json={"scopes": ["admin:users"]}, token=hub.tokens["alice"])
    assert (r.status_code, r.json()["message"]) == (
        403,
        "Do not have permission to grant share with scope admin:users!server=alice/nope",
    )
    assert hub.post("/share-codes/alice/nope", token=hub.tokens["alice"]).status_code == 404


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/shares/alice/gpu", {"user": "bob", "scopes": ["nonsense"]}),
        ("PATCH", "/shares/alice/gpu", {"user": "bob", "scopes": ["nonsense"]}),
        ("POST", "/share-codes/alice/gpu", {"scopes": ["nonsense"]}),
    ],
)
def test_an_unknown_scope_is_a_400_where_jupyterhub_fails(hub, method, path, body):
    # JupyterHub 6.1.1 answers these with a 500 (a deliberate difference)
    r = hub(method, path, json=body, token=hub.tokens["alice"])
    assert (r.status_code, r.json()["message"]) == (400, "Scope 'nonsense' for share does not exist")


def test_patch_with_another_filter_is_a_400(hub):
    # JupyterHub answers 200 and revokes nothing: no scope of a share carries another filter
    alice = hub.tokens["alice"]
    hub.post("/shares/alice/gpu", json={"user": "bob"}, token=alice)
    r = hub.patch(
        "/shares/alice/gpu", json={"user": "bob", "scopes": ["access:servers!user=alice"]}, token=alice
    )
    assert (r.status_code, r.json()["message"]) == (
        400,
        "!user=alice not allowed on sharing access:servers!user=alice, only !server=alice/gpu",
    )
    assert hub.get("/shares/alice/gpu", token=alice).json()["_pagination"]["total"] == 1


def test_a_null_lifetime_is_the_default_one(hub):
    from datetime import datetime

    issued = hub.post("/share-codes/alice/gpu", json={"expires_in": None}, token=hub.tokens["alice"]).json()
    lifetime = datetime.fromisoformat(issued["expires_at"][:-1]) - datetime.fromisoformat(
        issued["created_at"][:-1]
    )
    assert lifetime.total_seconds() == 86400


def test_expired_codes_are_neither_listed_nor_counted(hub):
    from datetime import timedelta

    from sqlalchemy import update

    from hub.db.models import ShareCode
    from hub.runtime import current
    from hub.timeutil import utcnow

    alice = hub.tokens["alice"]
    old = hub.post("/share-codes/alice/gpu", token=alice).json()
    live = hub.post("/share-codes/alice/gpu", token=alice).json()
    with current().db.session() as session:
        session.execute(
            update(ShareCode)
            .where(ShareCode.id == int(old["id"][3:]))
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    page = hub.get("/share-codes/alice/gpu", token=alice).json()
    # JupyterHub counts the expired code in `total` but does not list it
    assert [c["id"] for c in page["items"]] == [live["id"]] and page["_pagination"]["total"] == 1


def test_the_models_have_jupyterhubs_fields_and_formats(hub):
    import re

    stamp = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
    alice = hub.tokens["alice"]
    share = hub.post("/shares/alice/gpu", json={"group": "staff"}, token=alice).json()
    assert set(share) == {"server", "scopes", "user", "group", "kind", "created_at"}
    assert share["kind"] == "group" and share["user"] is None and stamp.match(share["created_at"])
    assert set(share["server"]) == {"user", "name", "url", "full_url", "ready"}
    issued = hub.post("/share-codes/alice/gpu", token=alice).json()
    listed = set(issued) - {"code", "accept_url", "full_accept_url"}
    assert listed == {
        "server",
        "scopes",
        "id",
        "created_at",
        "expires_at",
        "exchange_count",
        "last_exchanged_at",
    }
    assert stamp.match(issued["created_at"]) and stamp.match(issued["expires_at"])
    assert set(hub.get("/share-codes/alice/gpu", token=alice).json()["items"][0]) == listed
