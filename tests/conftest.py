"""Fixtures: a real hub app per test, on SQLite and on PostgreSQL.

Every response the hub sends in tests is validated against the spec
(connexion's response validation is on): a handler that returns a field the
spec does not declare, or a wrong type, fails the test that caused it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from sqlalchemy.engine import make_url
from traitlets.config import Config

from hub.app import HubServer, create_app
from hub.db.engine import Database
from hub.runtime import Hub, install
from tests.helpers import secret_ledger

# fixtures for spawners that run servers as other OS accounts, on Slurm, and on Kubernetes
from tests.helpers.kube_standin import kube_cluster, make_kube_spawner  # noqa: F401
from tests.helpers.singleuser_env import os_user, singleuser_env  # noqa: F401
from tests.helpers.slurm import slurm_cluster  # noqa: F401

ADMIN_TOKEN = "admin-secret-token"
secret_ledger.install()
secret_ledger.note(ADMIN_TOKEN)


#: the longest tests (a minute or more on these machines, or many real processes):
#: sent to the workers first, so that none is left to run alone at the end
HEAVIEST = (
    "tests/test_contract.py::test_every_operation_conforms_to_the_spec",
    "tests/test_crash_ledger.py",
    "tests/test_jupyterlab.py",
    "tests/test_admin_page.py",
    "tests/test_browser_sharing.py",
    "tests/test_slurm.py",
    "tests/test_several_processes.py",
)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # after pytest-randomly's shuffle; a stable sort keeps the rest in its order
    items.sort(key=lambda item: not item.nodeid.startswith(HEAVIEST))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """A test whose phase wrote a secret the hub issued (a token, a share
    code, ...) into any log or process output fails, naming the secrets; so
    does one that got an answer showing a traceback."""
    report = yield
    leaked = secret_ledger.leaks(text for _, text in report.sections)
    if leaked and report.outcome != "failed":
        report.outcome = "failed"
        where = ", ".join(title for title, text in report.sections if secret_ledger.leaks([text]))
        report.longrepr = f"secrets issued by the hub were written to the log ({where}): {leaked}"
    shown, secret_ledger.TRACEBACKS[:] = list(secret_ledger.TRACEBACKS), []
    if shown and report.outcome != "failed":
        report.outcome = "failed"
        report.longrepr = f"answers showed a traceback: {shown}"
    return report


PG_URL = os.environ.get("HUB_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _migrated(url: str) -> None:
    db = Database(url)
    try:
        db.upgrade()
    finally:
        db.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty database at the newest schema, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "hub.sqlite"
    _migrated(f"sqlite:///{path}")
    return path


def _pg(url: str) -> Any:
    return psycopg.connect(url, autocommit=True)


def _reset_postgres(url: str) -> None:
    """Empty every table, keeping the schema (migrated once per session)."""
    _migrated(url)
    with _pg(url) as conn:
        tables = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename != 'alembic_version'"
        ).fetchall()
        names = ", ".join(f'"{row[0]}"' for row in tables)
        conn.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


def _worker_database(url: str, suffix: str = "") -> str:
    """Under pytest-xdist each worker gets a database of its own, made beside
    the configured one (``test`` -> ``test_gw0``, ...); ``suffix`` names
    another one (``test_gw0_shared``)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker and not suffix:
        return url
    parsed = make_url(url)
    name = "_".join(part for part in (parsed.database, worker, suffix) if part)
    with _pg(url) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')
    return parsed.set(database=name).render_as_string(hide_password=False)


def _empty_schema(url: str) -> str:
    with _pg(url) as conn:
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")
    return url


@pytest.fixture(scope="session")
def postgres_schema() -> str:
    return _empty_schema(_worker_database(PG_URL))


@pytest.fixture(scope="session")
def postgres_shared_schema() -> str:
    """The database of the module-wide hubs (beside the per-test one, which
    tests of the same module empty while a module-wide hub is running)."""
    return _empty_schema(_worker_database(PG_URL, "shared"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        shutil.copy(template, tmp_path / "hub.sqlite")
        return f"sqlite:///{tmp_path}/hub.sqlite"
    url: str = request.getfixturevalue("postgres_schema")
    _reset_postgres(url)
    return url


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def module_db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database for one module's shared hub (see ``make_module_hub``)."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("module") / "hub.sqlite"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("postgres_shared_schema")
    _reset_postgres(url)
    return url


class Api:
    """A test client that speaks to the hub's API with a token."""

    def __init__(self, client: Any, prefix: str = "/hub/api", hub: Hub | None = None) -> None:
        self.client = secret_ledger.hook(client)
        self.prefix = prefix
        #: an in-process hub: made the process's current hub for each request,
        #: so that a module's shared hub and a test's own hub can take turns
        self.hub = hub

    def __call__(
        self,
        method: str,
        path: str,
        token: str | None = ADMIN_TOKEN,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        if self.hub is not None:
            install(self.hub)
        all_headers = dict(headers or {})
        if token is not None:
            all_headers.setdefault("Authorization", f"token {token}")
        response: httpx.Response = self.client.request(
            method, self.prefix + path, headers=all_headers, **kwargs
        )
        return response

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> httpx.Response:
        return self("POST", path, **kw)

    def patch(self, path: str, **kw: Any) -> httpx.Response:
        return self("PATCH", path, **kw)

    def put(self, path: str, **kw: Any) -> httpx.Response:
        return self("PUT", path, **kw)

    def delete(self, path: str, **kw: Any) -> httpx.Response:
        return self("DELETE", path, **kw)

    def new_token(self, user: str, **body: Any) -> str:
        r = self.post(f"/users/{user}/tokens", json=body)
        assert r.status_code == 201, r.text
        value: str = r.json()["token"]
        return value


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class RunningProxy:
    api_url: str
    public_url: str
    token: str


@pytest.fixture(scope="session")
def proxy() -> Iterator[RunningProxy]:
    """One real configurable-http-proxy for the session; test hubs connect to it."""
    from hub.proxy.chp import PROJECT_BIN

    token = "test-proxy-token"
    api_port, public_port = free_port(), free_port()
    cmd = [str(PROJECT_BIN / "configurable-http-proxy"), "--ip", "127.0.0.1", "--port", str(public_port)]
    cmd += ["--api-ip", "127.0.0.1", "--api-port", str(api_port), "--log-level", "warn"]
    proc = subprocess.Popen(cmd, env={**os.environ, "CONFIGPROXY_AUTH_TOKEN": token})
    api_url = f"http://127.0.0.1:{api_port}"
    for _ in range(200):
        try:
            httpx.get(api_url + "/api/routes", headers={"Authorization": f"token {token}"})
            break
        except httpx.HTTPError:
            time.sleep(0.05)
    yield RunningProxy(api_url, f"http://127.0.0.1:{public_port}", token)
    proc.terminate()
    proc.wait(10)


_PROXY: RunningProxy | None = None


@pytest.fixture(autouse=True)
def _use_proxy(proxy: RunningProxy) -> None:
    global _PROXY
    _PROXY = proxy


#: single-user servers of the tests start without JupyterLab and its companions
#: (about 1 s less per start); tests of JupyterLab itself set their own args. One
#: key per argument, with no spaces, braces or quotes: batchspawner writes the
#: command into a shell script
LEAN_SERVER_ARGS = [
    f"--ServerApp.jpserver_extensions={extension}=False"
    for extension in ("jupyterlab", "jupyter_lsp", "notebook_shim", "jupyter_server_terminals")
]


def base_config(db_url: str) -> Config:
    c = Config()
    c.JupyterHub.db_url = db_url
    c.Spawner.args = list(LEAN_SERVER_ARGS)
    c.JupyterHub.api_tokens = {ADMIN_TOKEN: "admin"}
    c.JupyterHub.cookie_secret = "ab" * 32
    c.Authenticator.admin_users = {"admin"}
    # starts answer 201 once ready; a loaded machine (two workers) can take more than 10 s
    c.JupyterHub.slow_spawn_timeout = 60
    if _PROXY is not None:
        c.ConfigurableHTTPProxy.should_start = False
        c.ConfigurableHTTPProxy.api_url = _PROXY.api_url
        c.ConfigurableHTTPProxy.auth_token = _PROXY.token
    return c


HubFactory = Callable[..., Api]


@contextlib.contextmanager
def _hub_factory(db_url: str) -> Iterator[HubFactory]:
    stack: list[Any] = []

    def factory(configure: Callable[[Config], None] | None = None) -> Api:
        config = base_config(db_url)
        if configure is not None:
            configure(config)
        hub = Hub(config, validate_responses=True)
        client = secret_ledger.hook(create_app(hub).test_client())
        client.__enter__()
        stack.append(client)
        return Api(client, hub=hub)

    try:
        yield factory
    finally:
        while stack:
            stack.pop().__exit__(None, None, None)


@pytest.fixture
def make_hub(db_url: str) -> Iterator[HubFactory]:
    """Start a hub with extra config; returns an :class:`Api` client."""
    with _hub_factory(db_url) as factory:
        yield factory


@pytest.fixture(scope="module")
def make_module_hub(module_db_url: str, proxy: RunningProxy) -> Iterator[HubFactory]:
    """Like ``make_hub``, for hubs that a module's tests share: only for tests
    that change nothing (reads, and requests the hub refuses), so that each
    sees the state the module set up."""
    global _PROXY
    _PROXY = proxy
    with _hub_factory(module_db_url) as factory:
        yield factory


@pytest.fixture
def make_live_hub(db_url: str) -> Iterator[HubFactory]:
    """Like ``make_hub``, but the hub listens on a free port (uvicorn in a thread),
    so that single-user servers and the proxy can reach it."""
    running: list[tuple[Any, threading.Thread, httpx.Client]] = []

    def factory(configure: Callable[[Config], None] | None = None, exit_on_shutdown: bool = True) -> Api:
        port = free_port()
        config = base_config(db_url)
        config.JupyterHub.hub_ip = "127.0.0.1"
        config.JupyterHub.hub_port = port
        if configure is not None:
            configure(config)
        hub = Hub(config, validate_responses=True)
        app = create_app(hub)
        server = HubServer(hub, app, "127.0.0.1", port)
        if exit_on_shutdown:
            hub.request_exit = lambda: setattr(server, "should_exit", True)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        for _ in range(400):
            if server.started or not thread.is_alive():
                break
            time.sleep(0.025)
        assert server.started, "the hub did not start"
        client = secret_ledger.hook(httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60))
        running.append((server, thread, client))
        return Api(client)

    yield factory
    for server, thread, client in reversed(running):
        client.close()
        server.should_exit = True
        thread.join(60)


@pytest.fixture
def api(make_hub: HubFactory) -> Api:
    return make_hub()


def assert_start_fails(config: Config) -> None:
    """Starting a hub with ``config`` stops with a configuration error."""
    from hub.core.startup import ConfigError

    hub = Hub(config)
    try:
        with pytest.raises(ConfigError):
            hub.start()
    finally:
        hub.stop()


@pytest.fixture
def hub_process(tmp_path: Path, db_url: str) -> Iterator[Callable[..., Any]]:
    """Start hubs as processes of their own (``hub -f FILE``) on the test's database."""
    from tests.helpers.hub_process import HubProcess

    processes: list[HubProcess] = []

    def make(extra: str = "") -> HubProcess:
        process = HubProcess(tmp_path, db_url, extra)
        processes.append(process)
        return process

    yield make
    for process in processes:
        process.stop()
