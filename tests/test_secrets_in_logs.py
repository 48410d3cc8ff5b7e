"""No secret in any log line.

The suite as a whole checks every test's logs and process output for the
secrets its hubs issued (``tests/helpers/secret_ledger.py``, wired in
``tests/conftest.py``), at the log level each test runs with. This module
runs one hub process at DEBUG, the most talkative it gets, through every
way a secret enters or leaves the hub, and reads its whole log.
"""

from __future__ import annotations

import re

import httpx
import pytest

from tests.helpers import secret_ledger

PASSWORD = "a-password-for-the-log-test"
WRONG = "a-wrong-password-for-the-log-test"
SERVICE_TOKEN = "a-service-token-given-in-a-body"
WEBHOOK_SECRET = "a-webhook-secret-given-in-a-body"


def test_the_ledger_finds_a_secret_written_to_a_log():
    value = "0123456789abcdef0123456789abcdef"
    secret_ledger.note(value)
    assert secret_ledger.leaks([f"POST /hub/api/users?token={value} 201"]) == [value]
    assert secret_ledger.leaks([f"POST /hub/api/users?token={value[:-1]}[secret] 201"]) == []


def test_the_ledger_notes_an_answer_showing_a_traceback():
    request = httpx.Request("GET", "http://127.0.0.1/hub/x")
    shown = b"<pre>Traceback (most recent call last):\n  File ...</pre>"
    secret_ledger.note_answer(httpx.Response(500, content=shown, request=request))
    secret_ledger.note_answer(httpx.Response(200, content=b"fine", request=request))
    noted, secret_ledger.TRACEBACKS[:] = list(secret_ledger.TRACEBACKS), []
    assert noted == ["GET http://127.0.0.1/hub/x -> 500"]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_hub_at_debug_writes_no_secret_it_handles(hub_process, tmp_path):
    hub = hub_process(
        "c.JupyterHub.authenticator_class = 'dummy'\n"
        f"c.DummyAuthenticator.password = {PASSWORD!r}\n"
        "c.JupyterHub.allow_token_in_url = True\n"
    )
    hub.args = ["--log-level", "DEBUG"]
    hub.log_path = tmp_path / "hub-debug.log"
    hub.start()
    api = hub.api
    secrets = {PASSWORD, WRONG, SERVICE_TOKEN, WEBHOOK_SECRET}

    assert api.post("/users", json={"usernames": ["alice", "bob"]}).status_code == 201
    issued = api.post("/users/alice/tokens", json={"note": "for the log test"}).json()["token"]
    secrets.add(issued)
    # a token in the URL, in a header, and a wrong one
    by_url = httpx.get(f"http://127.0.0.1:{hub.port}/hub/api/user?token={issued}")
    assert by_url.status_code == 200
    assert httpx.get(f"{api.base_url}user", headers={"Authorization": f"token {issued}x"}).status_code == 403
    secrets.add(issued + "x")
    # a server (its own token, in its environment), a share code, a service, a webhook
    assert api.post("/users/alice/servers/gpu", json={}).status_code in (201, 202)
    code = api.post("/share-codes/alice/gpu").json()
    secrets.add(code["code"])
    assert api.post("/services/svc", json={"api_token": SERVICE_TOKEN}).status_code == 201
    hook = {"url": "http://127.0.0.1:9/hook", "events": ["user.created"], "secret": WEBHOOK_SECRET}
    assert api.post("/webhooks", json=hook).status_code == 201
    # logins, right and wrong, and the cookies they set
    browser = httpx.Client(base_url=f"http://127.0.0.1:{hub.port}", timeout=30)
    for password, status in ((WRONG, 403), (PASSWORD, 302)):
        page = browser.get("/hub/login")
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page.text)
        assert xsrf
        form = {"username": "bob", "password": password, "_xsrf": xsrf.group(1)}
        assert browser.post("/hub/login", data=form, follow_redirects=False).status_code == status
    secrets |= {cookie.value for cookie in browser.cookies.jar if len(cookie.value) >= 16}
    assert browser.get("/hub/home").status_code == 200
    browser.get("/hub/logout")
    browser.close()
    assert api.delete("/users/alice/servers/gpu").status_code in (202, 204)
    hub.stop()

    log = hub.log_path.read_text(errors="replace")
    assert "[D " in log and "/hub/api/user" in log, "the log is the DEBUG log of these requests"
    assert [s for s in secrets if s in log] == []
    assert secret_ledger.leaks([log]) == []
