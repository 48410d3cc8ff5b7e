"""A small GitHub (Enterprise) for OAuthenticator's GitHubOAuthenticator.

It serves what ``oauthenticator/github.py`` calls, at GitHub Enterprise's
paths (``github_url`` is this server; the API is under ``/api/v3``):

- ``GET /login/oauth/authorize``: a form taking the login (GitHub's consent
  page); submitting it redirects to ``redirect_uri`` with a code and the state;
- ``POST /login/oauth/access_token``: the code (with the configured client id
  and secret) for an access token;
- ``GET /api/v3/user``, ``/api/v3/user/orgs``, ``/api/v3/user/teams``: the token's user;
- ``GET /api/v3/orgs/{org}/members/{user}`` and
  ``/api/v3/orgs/{org}/teams/{team}/members/{user}``: 204 for a member, 404 otherwise.

Every API call must carry a token this server issued; each one is recorded
(method and path) in :attr:`FakeGitHub.calls`.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route


@dataclass
class Account:
    login: str
    id: int
    #: organization -> teams in it the account belongs to
    orgs: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class FakeGitHub:
    client_id: str
    client_secret: str
    accounts: dict[str, Account]
    url: str = ""
    calls: list[tuple[str, str]] = field(default_factory=list)
    _codes: dict[str, tuple[str, str]] = field(default_factory=dict)
    _tokens: dict[str, str] = field(default_factory=dict)

    # --- OAuth -------------------------------------------------------------------

    async def authorize(self, request: Request) -> Response:
        params = dict(request.query_params)
        if request.method == "GET":
            if params.get("client_id") != self.client_id:
                return HTMLResponse("<p>Unknown OAuth application</p>", 404)
            # the form posts back to this URL, with the OAuth parameters in its query
            return HTMLResponse(
                '<form method="post"><input name="login" id="login">'
                '<button type="submit" id="authorize">Authorize</button></form>'
            )
        login = str((await request.form()).get("login") or "")
        if login not in self.accounts:
            return HTMLResponse("<p>Incorrect username or password.</p>", 401)
        code = secrets.token_hex(10)
        redirect_uri = params.get("redirect_uri", "")
        self._codes[code] = (login, redirect_uri)
        query = urlencode({"code": code, "state": params.get("state", "")})
        return RedirectResponse(f"{redirect_uri}?{query}", 302)

    async def access_token(self, request: Request) -> Response:
        form = await request.form()
        if (form.get("client_id"), form.get("client_secret")) != (self.client_id, self.client_secret):
            return JSONResponse({"error": "incorrect_client_credentials"})
        found = self._codes.pop(str(form.get("code") or ""), None)
        if found is None or found[1] != form.get("redirect_uri"):
            # GitHub answers 200 with an error body
            return JSONResponse({"error": "bad_verification_code"})
        token = "gho_" + secrets.token_hex(16)
        self._tokens[token] = found[0]
        return JSONResponse({"access_token": token, "token_type": "bearer", "scope": "read:org"})

    # --- the API -------------------------------------------------------------------

    def _account(self, request: Request) -> Account | None:
        self.calls.append((request.method, request.url.path))
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        login = self._tokens.get(token) if scheme.lower() in ("bearer", "token") else None
        return self.accounts.get(login) if login else None

    @staticmethod
    def _unauthorized() -> Response:
        return JSONResponse({"message": "Requires authentication"}, 401)

    async def user(self, request: Request) -> Response:
        account = self._account(request)
        if account is None:
            return self._unauthorized()
        return JSONResponse(
            {"login": account.login, "id": account.id, "name": account.login.title(), "email": None}
        )

    async def user_orgs(self, request: Request) -> Response:
        account = self._account(request)
        if account is None:
            return self._unauthorized()
        return JSONResponse([{"login": org} for org in sorted(account.orgs)])

    async def user_teams(self, request: Request) -> Response:
        account = self._account(request)
        if account is None:
            return self._unauthorized()
        return JSONResponse(
            [
                {"slug": team, "organization": {"login": org}}
                for org, teams in sorted(account.orgs.items())
                for team in teams
            ]
        )

    async def org_member(self, request: Request) -> Response:
        if self._account(request) is None:
            return self._unauthorized()
        member = self.accounts.get(request.path_params["user"])
        org, team = request.path_params["org"], request.path_params.get("team")
        if member is not None and org in member.orgs and (team is None or team in member.orgs[org]):
            return Response(status_code=204)
        return JSONResponse({"message": "Not Found"}, 404)

    def app(self) -> Starlette:
        api = "/api/v3"
        return Starlette(
            routes=[
                Route("/login/oauth/authorize", self.authorize, methods=["GET", "POST"]),
                Route("/login/oauth/access_token", self.access_token, methods=["POST"]),
                Route(f"{api}/user", self.user),
                Route(f"{api}/user/orgs", self.user_orgs),
                Route(f"{api}/user/teams", self.user_teams),
                Route(api + "/orgs/{org}/members/{user}", self.org_member),
                Route(api + "/orgs/{org}/teams/{team}/members/{user}", self.org_member),
            ]
        )


class Running:
    """A uvicorn server in a thread; ``with Running(app, port): ...``."""

    def __init__(self, app: Any, port: int) -> None:
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Running:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the fake GitHub did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(30)
