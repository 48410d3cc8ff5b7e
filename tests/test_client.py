"""The client generated from the spec (generated_client/) drives the hub.

A spec change that breaks the generated client breaks these tests.
"""

import asyncio
import subprocess
from pathlib import Path

from hub_client import AuthenticatedClient
from hub_client.api.hub import get_api, get_current_user
from hub_client.api.servers import delete_user_server, post_user_server
from hub_client.api.tokens import get_user_tokens, post_user_tokens
from hub_client.api.users import delete_user, get_user, get_users, post_users
from hub_client.models import Error, PendingAction, Server, TokenCreateRequest, UsersCreateRequest

from tests.conftest import ADMIN_TOKEN
from tests.test_spec import SPEC

SERVER_EXAMPLE = SPEC["components"]["schemas"]["Server"]["example"]


def client_for(api, token=ADMIN_TOKEN):
    return AuthenticatedClient(base_url=f"{api.client.base_url}/hub/api", token=token, prefix="token")


def test_sync_client(make_live_hub):
    api = make_live_hub()
    with client_for(api) as client:
        assert get_api.sync(client=client).version == "6.1.1"
        created = post_users.sync(client=client, body=UsersCreateRequest(usernames=["alice", "bob"]))
        assert [u.name for u in created] == ["alice", "bob"]
        assert [u.name for u in get_users.sync(client=client)] == ["admin", "alice", "bob"]
        missing = get_user.sync(client=client, name="nobody")
        assert isinstance(missing, Error) and missing.status == 404

        new = post_user_tokens.sync(
            client=client, name="alice", body=TokenCreateRequest(note="from the client")
        )
        assert new.note == "from the client" and len(new.token) == 32
        assert [t.id for t in get_user_tokens.sync(client=client, name="alice").api_tokens] == [new.id]
        with client_for(api, new.token) as alice:
            me = get_current_user.sync(client=alice)
            assert me.name == "alice" and me.token_id == new.id

        assert post_user_server.sync_detailed(client=client, name="alice").status_code == 201
        alice = get_user.sync(client=client, name="alice")
        assert alice.server == "/user/alice/"
        assert alice.servers.additional_properties[""].ready is True
        assert alice.pending is None and alice.servers.additional_properties[""].pending is None
        assert delete_user_server.sync_detailed(client=client, name="alice").status_code == 204
        assert delete_user.sync_detailed(client=client, name="bob").status_code == 204


def test_async_client(make_live_hub):
    api = make_live_hub()

    async def scenario():
        async with client_for(api) as client:
            await post_users.asyncio(client=client, body=UsersCreateRequest(usernames=["carol"]))
            users = await asyncio.gather(
                *(get_user.asyncio(client=client, name=n) for n in ("admin", "carol"))
            )
            return [u.name for u in users]

    assert asyncio.run(scenario()) == ["admin", "carol"]


def test_pending_is_one_enum_or_none():
    """A nullable enum in the spec gives one clean Python type, ``PendingAction | None``."""
    example = Server.from_dict({**Server.from_dict(SERVER_EXAMPLE).to_dict(), "pending": "spawn"})
    assert example.pending is PendingAction.SPAWN
    assert sorted(PendingAction) == ["check", "rename", "spawn", "stop"]
    assert Server.from_dict(SERVER_EXAMPLE).pending is None


GO_PROGRAM = Path(__file__).parents[1] / "clients" / "go" / "go-client-check"


def test_go_client(make_live_hub):
    """A Go program built on the Go client generated from the spec (``make go-check``)."""
    assert GO_PROGRAM.exists(), "build it first: make go-check"
    api = make_live_hub()
    result = subprocess.run(
        [str(GO_PROGRAM), f"{api.client.base_url}/hub/api", ADMIN_TOKEN],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "version 6.1.1",
        "created gopher",
        "whoami gopher token true",
        "users admin,gopher",
        "missing 404",
        "deleted 204",
    ]
    assert api.get("/users/gopher").status_code == 404
