"""PostgreSQL going away under load: requests that reach the hub while the
database is down get a clear 503 with Retry-After (never a 500), every write
that was acknowledged is kept, and the hub processes reconnect by themselves
once the server is back."""

from __future__ import annotations

import threading
import time
from collections import Counter

import httpx
import pytest
import sqlalchemy

from tests.conftest import ADMIN_TOKEN
from tests.helpers.hub_process import HubProcess
from tests.helpers.private_postgres import PrivatePostgres
from tests.helpers.waiting import wait_for

pytestmark = pytest.mark.slow


@pytest.fixture
def database():
    server = PrivatePostgres()
    try:
        server.start()
        yield server
    finally:
        server.close()


def _listeners(url: str) -> int:
    """Connections listening for server changes (one per hub process)."""
    engine = sqlalchemy.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            query = "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'LISTEN%'"
            return int(conn.execute(sqlalchemy.text(query)).scalar_one())
    finally:
        engine.dispose()


def test_a_database_restart_under_load_is_a_clear_503_and_the_hub_reconnects(tmp_path, database, proxy):
    extra = (
        "c.ConfigurableHTTPProxy.should_start = False\n"
        f"c.ConfigurableHTTPProxy.api_url = {proxy.api_url!r}\n"
        f"c.ConfigurableHTTPProxy.auth_token = {proxy.token!r}\n"
        "c.JupyterHub.cleanup_servers = False\n"
    )
    a = HubProcess(tmp_path, database.url, extra)
    b = a.sibling()
    processes = [a, b]
    try:
        for process in processes:
            process.start()
        assert a.api.post("/users", json={"usernames": ["reader"]}).status_code == 201
        wait_for(lambda: _listeners(database.url) == 2, 10, message="both processes to listen")

        acknowledged: list[str] = []
        answers: list[httpx.Response] = []
        stop = threading.Event()

        def client(number: int) -> None:
            api = httpx.Client(
                base_url=processes[number % 2].api.base_url,
                headers={"Authorization": f"token {ADMIN_TOKEN}"},
                timeout=30,
            )
            with api:
                for i in range(100_000):
                    if stop.is_set():
                        return
                    if i % 2:
                        r = api.get("/users/reader")
                    else:
                        name = f"c{number}-{i}"
                        r = api.post(f"/users/{name}")
                        if r.status_code == 201:
                            acknowledged.append(name)
                    answers.append(r)
                    time.sleep(0.01)

        clients = [threading.Thread(target=client, args=(n,)) for n in range(4)]
        for thread in clients:
            thread.start()
        time.sleep(1)
        database.stop("fast")  # every session ends, as in a restart
        time.sleep(2)  # requests meet a database that is not there
        database.start()
        # the clients go on; once the processes have reconnected, everything answers again
        wait_for(
            lambda: all(p.api.get("/users/reader").status_code == 200 for p in processes),
            30,
            message="both processes to reconnect",
        )
        time.sleep(1)
        stop.set()
        for thread in clients:
            thread.join(60)

        statuses = Counter(r.status_code for r in answers)
        assert set(statuses) <= {200, 201, 503}, statuses
        assert statuses[503] > 0, "the restart was met by requests"
        assert statuses[200] > 0 and statuses[201] > 0
        for r in answers:
            if r.status_code == 503:
                assert r.headers.get("Retry-After")
                body = r.json()
                assert body["status"] == 503 and "database" in body["message"]
        # every acknowledged write is there, once
        listed: list[str] = []
        while page := a.api.get("/users", params={"offset": len(listed), "limit": 200}).json():
            listed += [u["name"] for u in page]
        assert set(acknowledged) <= set(listed)
        assert len(listed) == len(set(listed))
        # the listeners for server changes came back too
        wait_for(lambda: _listeners(database.url) == 2, 20, message="both processes to listen again")
    finally:
        for process in processes:
            process.stop()
