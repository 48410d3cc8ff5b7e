"""Database work of a hosted spawner (a JupyterHub ``Spawner`` class): the
periodic check reads every running server's record at once, not one server at
a time; a class whose ``progress()`` is JupyterHub's own writes its one event
before ``start()``, without a task beside the start, and the progress stream
is the same either way."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, ClassVar

import pytest
from jupyterhub.spawner import SimpleLocalProcessSpawner
from jupyterhub.spawner import Spawner as JupyterHubSpawner
from sqlalchemy import event

from hub.db.models import Group, Server, User, user_group_map
from hub.runtime import Hub
from hub.spawners.base import ServerRef
from tests.conftest import base_config
from tests.test_plugin_spawners import STANDIN


class Steady(JupyterHubSpawner):
    """Servers that are always running (their state, a pid, kept as it is);
    records what each poll saw."""

    seen: ClassVar[list[tuple[str, str, str | None, tuple[str, ...], dict[str, Any]]]] = []

    pid = 0

    def load_state(self, state: dict[str, Any]) -> None:
        super().load_state(state)
        self.pid = state.get("pid", 0)

    def get_state(self) -> dict[str, Any]:
        state: dict[str, Any] = super().get_state()
        if self.pid:
            state["pid"] = self.pid
        return state

    async def start(self) -> tuple[str, int]:
        raise AssertionError("not started in these tests")

    async def poll(self) -> int | None:
        groups = tuple(sorted(g.name for g in self.user.groups))
        server = self.server
        url = None if server is None else f"{server.ip}:{server.port}"
        Steady.seen.append((self.user.name, self.name, url, groups, dict(self.user_options)))
        return None

    async def stop(self) -> None:
        pass


def _hub(db_url: str, cls: type[Any] = Steady) -> Hub:
    config = base_config(db_url)
    config.JupyterHub.spawner_class = cls
    config.JupyterHub.allow_named_servers = True
    return Hub(config)


def _add_running(hub: Hub, first: int, count: int) -> None:
    """``count`` users, each with a running default server and a stopped named one."""
    now = datetime.now(UTC).replace(tzinfo=None)
    with hub.db.session() as s:
        group = s.query(Group).filter_by(name="staff").one_or_none()
        if group is None:
            group = Group(name="staff", properties={})
            s.add(group)
            s.flush()
        for i in range(first, first + count):
            user = User(name=f"u{i}", created=now, cookie_id=f"cookie-{i}")
            s.add(user)
            s.flush()
            if i % 2:
                s.execute(user_group_map.insert().values(user_id=user.id, group_id=group.id))
            s.add(
                Server(
                    user_id=user.id,
                    name="",
                    url=f"http://127.0.0.{i % 250 + 1}:{20000 + i}",
                    started=now,
                    state={"pid": 100000 + i},
                    user_options={"n": i},
                )
            )
            s.add(Server(user_id=user.id, name="spare"))


@contextmanager
def _statements(hub: Hub) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(hub.db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(hub.db.engine, "before_cursor_execute", count)


def _check(hub: Hub) -> list[str]:
    Steady.seen = []
    with _statements(hub) as seen:
        asyncio.run(hub.lifecycle.check_all())
    return seen


def test_the_periodic_check_reads_all_servers_at_once(db_url: str) -> None:
    hub = _hub(db_url)
    try:
        _add_running(hub, 0, 3)
        few = _check(hub)
        assert len(Steady.seen) == 3
        _add_running(hub, 3, 17)
        many = _check(hub)
        assert len(Steady.seen) == 20
        assert len(many) == len(few), (len(few), len(many), many)

        # each poll saw its own server as the database has it
        seen = {user: (name, url, groups, options) for user, name, url, groups, options in Steady.seen}
        assert seen["u7"] == ("", "127.0.0.8:20007", ("staff",), {"n": 7})
        assert seen["u12"] == ("", "127.0.0.13:20012", (), {"n": 12})
        with hub.db.session(write=False) as s:
            running = s.query(Server).filter(Server.url.is_not(None)).count()
        assert running == 20
    finally:
        hub.db.dispose()


def test_one_server_is_still_polled_on_its_own(db_url: str) -> None:
    hub = _hub(db_url)
    try:
        _add_running(hub, 0, 2)
        with hub.db.session(write=False) as s:
            row = s.query(Server).join(User).filter(User.name == "u1", Server.name == "").one()
            ref = ServerRef(row.id, "u1", "", dict(row.state or {}), row.url)
        Steady.seen = []
        assert asyncio.run(hub.spawner.poll(ref)) is None
        assert Steady.seen == [("u1", "", "127.0.0.2:20001", ("staff",), {"n": 1})]
    finally:
        hub.db.dispose()


@pytest.mark.parametrize("gone", [True, False])
def test_a_server_removed_between_the_listing_and_its_poll_is_still_polled(db_url: str, gone: bool) -> None:
    """What the caller knew is enough to poll a server whose row went meanwhile."""
    hub = _hub(db_url)
    try:
        _add_running(hub, 0, 1)
        with hub.db.session(write=False) as s:
            row = s.query(Server).filter(Server.url.is_not(None)).one()
            ref = ServerRef(row.id, "u0", "", dict(row.state or {}), row.url)
        if gone:
            with hub.db.session() as s:
                s.query(Server).filter(Server.id == ref.id).delete()
        records = asyncio.run(hub.spawner.records_for_poll([ref]))
        Steady.seen = []
        assert asyncio.run(hub.spawner.poll_with_record(ref, records.get(ref.id))) is None
        assert [(user, url) for user, _name, url, _groups, _options in Steady.seen] == [
            ("u0", "127.0.0.1:20000")
        ]
    finally:
        hub.db.dispose()


# --- the progress stream of a start ---------------------------------------------------


def _stream(api: Any) -> list[dict[str, Any]]:
    r = api.get("/users/alice/server/progress")
    assert r.status_code == 200, r.text
    return [json.loads(line[len("data: ") :]) for line in r.text.splitlines() if line.startswith("data: ")]


READY = {
    "progress": 100,
    "ready": True,
    "message": "Server ready at /user/alice/",
    "html_message": 'Server ready at <a href="/user/alice/">/user/alice/</a>',
    "url": "/user/alice/",
}


class Stepping(SimpleLocalProcessSpawner):
    """A progress() of its own: two steps while the server starts (the start
    returns once both were told, so the server cannot be ready before them)."""

    def _told(self) -> asyncio.Event:
        told: asyncio.Event = self.__dict__.setdefault("_told_event", asyncio.Event())
        return told

    async def start(self) -> Any:
        started = await super().start()
        await asyncio.wait_for(self._told().wait(), 30)
        return started

    async def progress(self) -> AsyncIterator[dict[str, Any]]:
        yield {"progress": 20, "message": "first step"}
        await asyncio.sleep(0.05)
        yield {"progress": 60, "message": "second step", "html_message": "<b>second</b> step"}
        self._told().set()


@pytest.mark.parametrize(
    ("cls", "between"),
    [
        ("simple", [{"progress": 50, "message": "Spawning server..."}]),
        (
            Stepping,
            [
                {"progress": 20, "message": "first step"},
                {"progress": 60, "message": "second step", "html_message": "<b>second</b> step"},
            ],
        ),
    ],
    ids=["base-progress", "own-progress"],
)
def test_the_progress_stream_of_a_start(make_live_hub: Any, cls: Any, between: list[dict[str, Any]]) -> None:
    def configure(c: Any) -> None:
        c.JupyterHub.spawner_class = cls
        c.Spawner.cmd = [sys.executable, str(STANDIN)]
        c.Spawner.args = []
        c.JupyterHub.slow_spawn_timeout = 0

    api = make_live_hub(configure)
    api.post("/users", json={"usernames": ["alice"]})
    assert api.post("/users/alice/server").status_code == 202
    assert _stream(api) == [{"progress": 0, "message": "Server requested"}, *between, READY]
    assert api.delete("/users/alice/server").status_code in (202, 204)


def test_only_jupyterhubs_own_progress_runs_before_the_start(db_url: str) -> None:
    from kubespawner import KubeSpawner

    def base_progress(cls: type[Any]) -> bool:
        hub = _hub(db_url, cls)
        try:
            flag: bool = getattr(hub.spawner, "base_progress")  # noqa: B009 (a HostedSpawner's)
            return flag
        finally:
            hub.db.dispose()

    assert base_progress(SimpleLocalProcessSpawner) and base_progress(Steady)
    assert not base_progress(Stepping) and not base_progress(KubeSpawner)
