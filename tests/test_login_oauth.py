"""Logging in with a browser, and the OAuth 2 provider (no browser: an HTTP client with cookies)."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, quote, urlsplit

import pytest

WEB_SECRET = "web-service-secret-token"
CODE_AGE = timedelta(minutes=6)
CALLBACK = "/services/web/oauth_callback"


def with_web_service(no_confirm=True, grant_access=True):
    def configure(c):
        if grant_access:
            # as in JupyterHub, users reach a service only with its access scope
            c.JupyterHub.load_roles = [{"name": "user", "scopes": ["self", "access:services!service=web"]}]
        c.JupyterHub.authenticator_class = "dummy"
        c.DummyAuthenticator.password = "pw"
        c.JupyterHub.services = [
            {
                "name": "web",
                "url": "http://127.0.0.1:10101",
                "api_token": WEB_SECRET,
                "oauth_no_confirm": no_confirm,
            }
        ]

    return configure


def xsrf_of(html):
    return re.search(r'name="_xsrf" value="([^"]+)"', html).group(1)


def log_in(client, name, password="pw", next_url=None):
    page = client.get("/hub/login", params={"next": next_url} if next_url else None)
    assert page.status_code == 200
    form = {"username": name, "password": password, "_xsrf": xsrf_of(page.text)}
    return client.post(page.request.url, data=form, follow_redirects=False)


def authorize_url(state="st4te", **extra):
    params = {"client_id": "service-web", "response_type": "code", "redirect_uri": CALLBACK, "state": state}
    return "/hub/api/oauth2/authorize", {**params, **extra}


def test_login_sets_a_session_and_logout_ends_it(make_hub):
    api = make_hub(with_web_service())
    client = api.client
    assert client.get("/hub/home", follow_redirects=False).headers["location"].startswith("/hub/login?next=")
    refused = log_in(client, "alice", password="wrong")
    assert refused.status_code == 403 and "Invalid user name or password" in refused.text
    r = log_in(client, "Alice", next_url="/hub/home")
    assert (r.status_code, r.headers["location"]) == (302, "/hub/home")
    cookie = r.headers.get_list("set-cookie")
    assert any(
        c.startswith("jupyterhub-hub-login=") and "HttpOnly" in c and "SameSite=lax" in c for c in cookie
    )
    home = client.get("/hub/home")
    assert home.status_code == 200 and "alice" in home.text and "default server" in home.text
    assert api.get("/users/alice").json()["name"] == "alice", "logging in creates the user"
    client.get("/hub/logout")
    assert client.get("/hub/home", follow_redirects=False).status_code == 302


def test_login_form_needs_its_xsrf_token_and_next_stays_on_site(make_hub):
    client = make_hub(with_web_service()).client
    client.get("/hub/login")
    r = client.post("/hub/login", data={"username": "alice", "password": "pw", "_xsrf": "forged"})
    assert r.status_code == 403
    r = log_in(client, "alice", next_url="https://evil.example/")
    # as without a next: the landing (the user's server, started by /hub/spawn)
    assert r.headers["location"] == "/hub/spawn"


def test_a_forged_login_cookie_is_ignored(make_hub):
    client = make_hub(with_web_service()).client
    client.cookies.set("jupyterhub-hub-login", "whatever|1|00", path="/hub/")
    assert client.get("/hub/home", follow_redirects=False).status_code == 302


def test_oauth_code_flow_gives_a_token_with_the_clients_access_scope(make_hub):
    api = make_hub(with_web_service())
    client = api.client
    path, params = authorize_url()
    r = client.get(path, params=params, follow_redirects=False)
    assert r.status_code == 302 and r.headers["location"].startswith("/hub/login?next=")
    r = log_in(client, "alice", next_url=parse_qs(urlsplit(r.headers["location"]).query)["next"][0])
    r = client.get(r.headers["location"], follow_redirects=False)
    assert r.status_code == 302
    back = urlsplit(r.headers["location"])
    assert back.path == CALLBACK
    query = parse_qs(back.query)
    assert query["state"] == ["st4te"] and len(query["code"][0]) == 30

    exchange = {
        "client_id": "service-web",
        "client_secret": WEB_SECRET,
        "grant_type": "authorization_code",
        "code": query["code"][0],
        "redirect_uri": CALLBACK,
    }
    r = client.post("/hub/api/oauth2/token", data=exchange, headers={"Authorization": f"token {WEB_SECRET}"})
    assert r.status_code == 200, r.text
    assert r.headers["cache-control"] == "no-store"
    grant = r.json()
    assert grant["token_type"] == "Bearer" and grant["expires_in"] == 14 * 86400
    assert "access:services!service=web" in grant["scope"].split()
    me = api.get("/user", token=grant["access_token"]).json()
    assert me["name"] == "alice" and "access:services!service=web" in me["scopes"]
    assert me["session_id"]

    again = client.post("/hub/api/oauth2/token", data=exchange)
    assert (again.status_code, again.json()) == (400, {"error": "invalid_grant"})
    wrong = client.post("/hub/api/oauth2/token", data={**exchange, "client_secret": "nope"})
    assert (wrong.status_code, wrong.json()["error"]) == (401, "invalid_client")

    # logging out revokes the tokens of that browser session
    client.get("/hub/logout")
    assert api.get("/user", token=grant["access_token"]).status_code == 403


def test_oauth_refuses_users_without_the_access_scope(make_hub):
    client = make_hub(with_web_service(grant_access=False)).client
    log_in(client, "alice")
    path, params = authorize_url()
    r = client.get(path, params=params, follow_redirects=False)
    assert (r.status_code, r.json()["message"]) == (403, "You do not have permission to access Service web")


def test_oauth_refuses_a_wrong_redirect_uri_and_unknown_clients(make_hub):
    client = make_hub(with_web_service()).client
    log_in(client, "alice")
    path, params = authorize_url(redirect_uri="https://evil.example/cb")
    r = client.get(path, params=params)
    assert (r.status_code, r.json()["message"]) == (400, "Mismatching redirect URI.")
    path, params = authorize_url(client_id="service-nope")
    assert client.get(path, params=params).status_code == 400


def test_oauth_scope_outside_the_clients_allowed_ones_is_an_error_redirect(make_hub):
    client = make_hub(with_web_service()).client
    log_in(client, "alice")
    path, params = authorize_url(scope="admin:users")
    r = client.get(path, params=params, follow_redirects=False)
    query = parse_qs(urlsplit(r.headers["location"]).query)
    assert query["error"] == ["invalid_scope"] and query["state"] == ["st4te"]


def test_a_visitor_who_is_not_logged_in_logs_in_first_whatever_the_parameters(make_hub):
    client = make_hub(with_web_service()).client
    path, good = authorize_url()
    for params in [
        good,
        {},
        {**good, "client_id": "service-nope"},
        {**good, "redirect_uri": "https://evil.example/cb"},
        {**good, "response_type": "token"},
        {"client_id": "service-web"},
    ]:
        r = client.get(path, params=params, follow_redirects=False)
        assert r.status_code == 302, params
        login = urlsplit(r.headers["location"])
        assert login.path == "/hub/login"
        back = parse_qs(login.query)["next"][0]
        assert parse_qs(urlsplit(back).query) == {k: [v] for k, v in params.items()}
    # once logged in, the same requests are checked
    log_in(client, "alice")
    for params, message in [
        ({}, "Missing client_id"),
        ({"client_id": "service-web"}, "Missing response_type"),
        ({**good, "response_type": "token"}, "Unsupported response_type: 'token' (only 'code')"),
        ({**good, "client_id": "service-nope"}, "No such client: service-nope"),
    ]:
        r = client.get(path, params=params, follow_redirects=False)
        assert (r.status_code, r.json()["message"]) == (400, message)


def test_pkce_verifier_must_match(make_hub):
    client = make_hub(with_web_service()).client
    log_in(client, "alice")
    path, params = authorize_url(code_challenge="abc", code_challenge_method="plain")
    code = parse_qs(
        urlsplit(client.get(path, params=params, follow_redirects=False).headers["location"]).query
    )["code"][0]
    form = {"client_id": "service-web", "client_secret": WEB_SECRET, "grant_type": "authorization_code"}
    r = client.post("/hub/api/oauth2/token", data={**form, "code": code, "code_verifier": "xyz"})
    assert r.status_code == 400


@pytest.mark.parametrize("granted", [["read:users:name!user"], []])
def test_a_client_that_needs_consent_shows_a_page_and_issues_the_code_on_confirmation(make_hub, granted):
    api = make_hub(with_web_service(no_confirm=False))
    client = api.client
    log_in(client, "alice")
    path, params = authorize_url()
    page = client.get(path, params=params)
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "access:services!service=web" in page.text
    form = {"_xsrf": xsrf_of(page.text), "scopes": granted}
    r = client.post(path, params=params, data=form, follow_redirects=False)
    assert r.status_code == 302 and parse_qs(urlsplit(r.headers["location"]).query)["code"]
    forged = client.post(path, params=params, data={"_xsrf": "forged"}, follow_redirects=False)
    assert forged.status_code == 403


# --- the API with the browser's cookie, and the token page -------------------------


def logged_in_browser(make_hub):
    api = make_hub(with_web_service())
    client = api.client
    log_in(client, "alice")
    return api, client


def test_the_api_accepts_the_login_cookie_with_the_xsrf_rules(make_hub):
    api, client = logged_in_browser(make_hub)
    me = client.get("/hub/api/user")
    assert me.status_code == 200 and me.json()["name"] == "alice" and me.json()["session_id"]
    assert client.get("/hub/api/users/alice").status_code == 200

    # a request that changes something needs the _xsrf value
    r = client.post("/hub/api/users/alice/tokens", json={"note": "x"})
    assert (r.status_code, r.json()["message"]) == (403, "'_xsrf' argument missing from POST")
    r = client.post("/hub/api/users/alice/tokens", json={"note": "x"}, headers={"X-XSRFToken": "forged"})
    assert (r.status_code, r.json()["message"]) == (403, "XSRF cookie does not match POST argument")
    xsrf = client.cookies["_xsrf"]
    r = client.post("/hub/api/users/alice/tokens", json={"note": "x"}, headers={"X-XSRFToken": xsrf})
    assert r.status_code == 201
    assert [t["note"] for t in api.get("/users/alice/tokens").json()["api_tokens"]] == ["x"]
    # what a cross-site form can send is not authenticated at all
    r = client.post(
        "/hub/api/users/alice/tokens",
        content=b"note=x",
        headers={"X-XSRFToken": xsrf, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert (r.status_code, r.json()["message"]) == (403, "Missing or invalid credentials.")
    # the cookie carries the user's own permissions, no more
    assert client.get("/hub/api/users").status_code == 403
    # the deprecated token lookup takes a token only
    assert client.get("/hub/api/authorizations/token/whatever").status_code == 403


def test_a_forged_cookie_is_not_a_credential(make_hub):
    _, client = logged_in_browser(make_hub)
    cookie = client.cookies["jupyterhub-hub-login"]
    value, issued, mac = cookie.rsplit("|", 2)
    client.cookies.set("jupyterhub-hub-login", f"{value}|{issued}|{'0' * len(mac)}", path="/hub/")
    assert client.get("/hub/api/user").status_code == 403


def test_tokens_from_the_token_page_work_until_revoked(make_hub):
    api, client = logged_in_browser(make_hub)
    page = client.get("/hub/token")
    assert page.status_code == 200
    r = client.post(
        "/hub/token", data={"_xsrf": xsrf_of(page.text), "note": "from the page", "expires_in": "3600"}
    )
    value = re.search(r'<pre id="new-token">([0-9a-f]{32})</pre>', r.text).group(1)
    assert api.get("/user", token=value).json()["name"] == "alice"
    listed = api.get("/users/alice/tokens").json()["api_tokens"]
    (made,) = [t for t in listed if t["note"] == "from the page"]
    assert made["expires_at"] is not None
    assert "from the page" in r.text

    r = client.post(
        f"/hub/token/{made['id']}/revoke", data={"_xsrf": xsrf_of(r.text)}, follow_redirects=False
    )
    assert r.status_code == 302
    assert api.get("/user", token=value).status_code == 403, "revoked at once"
    forged = client.post("/hub/token", data={"_xsrf": "forged", "note": "x"})
    assert forged.status_code == 403


def test_the_deprecated_cookie_lookup_names_the_cookies_user(make_hub):
    api, client = logged_in_browser(make_hub)
    cookie = client.cookies["jupyterhub-hub-login"]
    r = api.get(f"/authorizations/cookie/jupyterhub-hub-login/{quote(cookie, safe='')}")
    assert r.status_code == 200 and r.json()["name"] == "alice"
    assert api.get("/authorizations/cookie/jupyterhub-hub-login/forged").status_code == 404
    assert api.get(f"/authorizations/cookie/other/{quote(cookie, safe='')}").status_code == 404
    assert (
        client.get(
            f"/hub/api/authorizations/cookie/jupyterhub-hub-login/{quote(cookie, safe='')}"
        ).status_code
        == 403
    )


def test_the_spawn_page_starts_only_your_own_server(make_hub):
    _, client = logged_in_browser(make_hub)
    page = client.get("/hub/home")
    assert client.get("/hub/spawn/bob").status_code == 403
    assert client.post("/hub/spawn/bob", data={"_xsrf": xsrf_of(page.text)}).status_code == 403


def test_cookies_are_secure_behind_https(make_hub):
    client = make_hub(with_web_service()).client
    page = client.get("https://testserver/hub/login")
    form = {"username": "alice", "password": "pw", "_xsrf": xsrf_of(page.text)}
    r = client.post("https://testserver/hub/login", data=form, follow_redirects=False)
    login = [c for c in r.headers.get_list("set-cookie") if c.startswith("jupyterhub-hub-login=")]
    assert login and "Secure" in login[0]
    r = log_in(make_hub(with_web_service()).client, "alice")
    assert all("Secure" not in c for c in r.headers.get_list("set-cookie"))


def test_user_redirect_goes_to_your_own_server(make_hub):
    _, client = logged_in_browser(make_hub)
    r = client.get("/hub/user-redirect/lab/tree/notes.ipynb?reset", follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (302, "/user/alice/lab/tree/notes.ipynb?reset")
    anonymous = make_hub(with_web_service()).client
    r = anonymous.get("/hub/user-redirect/lab", follow_redirects=False)
    assert r.headers["location"].startswith("/hub/login?next=%2Fhub%2Fuser-redirect%2Flab")


def test_services_are_oauth_clients_with_their_own_ids_and_redirect_uris(make_hub):
    def custom(c):
        with_web_service()(c)
        c.JupyterHub.services.append(
            {
                "name": "dash",
                "url": "http://127.0.0.1:10102",
                "api_token": "dash-service-secret",
                "oauth_client_id": "service-dashboard",
                "oauth_redirect_uri": "https://dash.example.org/callback",
            }
        )
        c.JupyterHub.load_roles[0]["scopes"].append("access:services!service=dash")

    api = make_hub(custom)
    routes = api.get("/proxy").json()
    assert routes["/services/dash/"]["target"] == "http://127.0.0.1:10102"
    client = api.client
    log_in(client, "alice")
    params = {
        "client_id": "service-dashboard",
        "response_type": "code",
        "redirect_uri": "https://dash.example.org/callback",
    }
    page = client.get("/hub/api/oauth2/authorize", params=params)
    assert page.status_code == 200, "no oauth_no_confirm: the user confirms"
    params["redirect_uri"] = "/services/dash/oauth_callback"
    assert client.get("/hub/api/oauth2/authorize", params=params).status_code == 400


def test_a_nul_in_the_token_form_is_an_oauth_error(make_hub):
    client = make_hub(with_web_service()).client
    r = client.post("/hub/api/oauth2/token", data={"client_id": "a\x00", "grant_type": "authorization_code"})
    assert r.status_code == 400 and r.json()["error"] == "invalid_request"


def test_expired_codes_are_purged_with_expired_tokens(make_hub):
    from sqlalchemy import func, select, update

    from hub.db.models import OAuthCode
    from hub.runtime import current

    client = make_hub(with_web_service()).client
    log_in(client, "alice")
    path, params = authorize_url()
    assert client.get(path, params=params, follow_redirects=False).status_code == 302
    hub = current()
    with hub.db.session() as session:
        session.execute(update(OAuthCode).values(expires_at=OAuthCode.expires_at - CODE_AGE))
    hub.purge_expired()
    with hub.db.session() as session:
        assert session.execute(select(func.count()).select_from(OAuthCode)).scalar() == 0
