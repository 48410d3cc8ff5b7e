"""The system under test, its write load with a ledger, the faults, the checks.

A write is *acknowledged* when the hub answered it with its success status;
it is then in the ledger as a fact the hub must hold at the end (unless a
later acknowledged write undid it). A write that got no answer (the process
died, the connection dropped) or a ``503`` (the database went away: its
commit may or may not have happened) is sent again, to any process, with the
same ``Idempotency-Key`` where the operation takes one; if no attempt is
answered before the client gives up, the write is *unacknowledged* and may
or may not have happened, but never twice.

What :func:`check` finds wrong is a list of sentences; an empty list is a
pass. The figures of a run (requests, answers by status, acknowledged
writes, recovery time after each fault) are in :class:`Report`.
"""

from __future__ import annotations

import bisect
import contextlib
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy

from tests.conftest import ADMIN_TOKEN, free_port
from tests.helpers.hub_process import HubProcess
from tests.helpers.private_postgres import PrivatePostgres

ROOT = Path(__file__).resolve().parents[2]
CHP = ROOT / "node_modules" / ".bin" / "configurable-http-proxy"
STANDIN = ROOT / "tests" / "helpers" / "standin_server.py"

#: the users every client's tokens, memberships and shares name (never renamed or deleted)
MEMBERS = [f"m{i}" for i in range(12)]
#: the longest a fault may leave the system without service (the issue's goal)
RECOVERY_GOAL = 5.0
#: how long a client keeps sending one write again before it counts it unacknowledged
GIVE_UP = 30.0

HUB_KILL, PROXY_KILL, DB_RESTART = "hub-kill", "proxy-kill", "db-restart"


# --- the system ----------------------------------------------------------------------------


class Proxy:
    """configurable-http-proxy on fixed ports, started apart from the hub: a
    supervisor's restart brings it back on the same ports, with no routes."""

    def __init__(self, directory: Path) -> None:
        self.token = uuid.uuid4().hex
        self.api_port, self.public_port = free_port(), free_port()
        self.api_url = f"http://127.0.0.1:{self.api_port}"
        self.public_url = f"http://127.0.0.1:{self.public_port}"
        self.log = directory / "proxy.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        cmd = [str(CHP), "--ip", "127.0.0.1", "--port", str(self.public_port)]
        cmd += ["--api-ip", "127.0.0.1", "--api-port", str(self.api_port), "--log-level", "warn"]
        with self.log.open("a") as out:
            self.proc = subprocess.Popen(
                cmd,
                env={**os.environ, "CONFIGPROXY_AUTH_TOKEN": self.token},
                stdout=out,
                stderr=out,
                start_new_session=True,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                self.routes()
                return
            except httpx.HTTPError:
                time.sleep(0.02)
        raise AssertionError("the proxy did not start within 30 s")

    def routes(self) -> dict[str, Any]:
        r = httpx.get(
            f"{self.api_url}/api/routes", headers={"Authorization": f"token {self.token}"}, timeout=5
        )
        r.raise_for_status()
        routes: dict[str, Any] = r.json()
        return routes

    def kill(self) -> None:
        assert self.proc is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.kill()


class System:
    """Hub processes of one hub (one configuration file), a proxy, a database."""

    def __init__(self, directory: Path, database: str, processes: int = 3) -> None:
        self.dir = directory
        self.database = database
        self.postgres: PrivatePostgres | None = None
        if database == "postgres":
            self.postgres = PrivatePostgres()
            self.db_url = self.postgres.url
        else:
            self.db_url = f"sqlite:///{directory / 'hub.sqlite'}"
        self.proxy = Proxy(directory)
        # a copy of the stand-in server under a name of this run's own, so that its
        # processes can be told from any other run's
        self.standin = directory / f"standin-{uuid.uuid4().hex[:12]}.py"
        shutil.copy(STANDIN, self.standin)
        extra = (
            "c.JupyterHub.lease_seconds = 2\n"
            "c.JupyterHub.slow_spawn_timeout = 1\n"
            "c.JupyterHub.cleanup_servers = False\n"
            f"c.JupyterHub.bind_url = {self.proxy.public_url!r}\n"
            f"c.JupyterHub.cookie_secret = {uuid.uuid4().hex * 2!r}\n"
            "c.ConfigurableHTTPProxy.should_start = False\n"
            f"c.ConfigurableHTTPProxy.api_url = {self.proxy.api_url!r}\n"
            f"c.ConfigurableHTTPProxy.auth_token = {self.proxy.token!r}\n"
            # how soon a process looks at the proxy again (JupyterHub's default is 5 s)
            "c.ConfigurableHTTPProxy.check_running_interval = 1\n"
            f"c.Spawner.cmd = [{sys.executable!r}, {str(self.standin)!r}]\n"
        )
        first = HubProcess(directory, self.db_url, extra)
        self.hubs = [first] + [first.sibling() for _ in range(processes - 1)]
        for hub in self.hubs:
            hub.log_path = directory / f"hub-{hub.port}.log"
        #: the servers' routes the proxy held before it was killed (they must come back)
        self.expected_routes: set[str] = set()

    def start(self) -> None:
        if self.postgres is not None:
            self.postgres.start()
        self.proxy.start()
        for hub in self.hubs:  # one after the other: the first makes the database
            hub.start()

    def stop(self) -> None:
        for hub in self.hubs:
            with contextlib.suppress(Exception):
                hub.stop()
        for pid in self.standin_pids():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
        self.proxy.stop()
        if self.postgres is not None:
            self.postgres.close()

    def standin_pids(self) -> set[int]:
        """The stand-in servers of this run that are alive."""
        found = set()
        marker = str(self.standin).encode()
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            with contextlib.suppress(OSError):
                if marker in (entry / "cmdline").read_bytes():
                    found.add(int(entry.name))
        return found

    def whose(self, pid: int) -> str:
        """The server a stand-in process was started for (from its environment)."""
        try:
            environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        except OSError:
            return "gone"
        found = dict(e.decode(errors="replace").split("=", 1) for e in environ if b"=" in e)
        return f"{found.get('JUPYTERHUB_USER')}/{found.get('JUPYTERHUB_SERVER_NAME', '')}"

    def logs(self) -> str:
        return "".join(hub.log_path.read_text(errors="replace") for hub in self.hubs if hub.log_path)


# --- the ledger and the load ---------------------------------------------------------------


@dataclass
class Ledger:
    """What the clients were told. Values: ``present``/``absent`` (acknowledged),
    ``maybe`` (unacknowledged create or delete), ``either:OTHER`` (an
    unacknowledged rename: exactly one of the two names)."""

    users: dict[str, str] = field(default_factory=dict)
    groups: dict[str, str] = field(default_factory=dict)
    #: (group, member) -> acknowledged
    members: dict[tuple[str, str], bool] = field(default_factory=dict)
    #: token note -> (owner, acknowledged)
    tokens: dict[str, tuple[str, bool]] = field(default_factory=dict)
    #: (owner, receiver) -> acknowledged
    shares: dict[tuple[str, str], bool] = field(default_factory=dict)
    #: server owner -> the last acknowledged act: ready | stopped | uncertain
    servers: dict[str, str] = field(default_factory=dict)
    statuses: Counter[int] = field(default_factory=Counter)
    #: when each answer below 500 came (time.monotonic), in order
    answered_at: list[float] = field(default_factory=list)
    transport_errors: int = 0
    acknowledged: int = 0
    refused: int = 0
    unacknowledged: int = 0
    #: what was wrong with an answer as it came (a 500, a 503 without Retry-After, ...)
    anomalies: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _says_why(r: httpx.Response, status: int) -> bool:
    """The answer is the API's error shape, with a message."""
    try:
        body = r.json()
    except ValueError:
        return False
    return isinstance(body, dict) and body.get("status") == status and bool(body.get("message"))


class Client(threading.Thread):
    """One of the eight clients: its own names, its own random sequence."""

    def __init__(
        self,
        number: int,
        apis: list[str],
        ledger: Ledger,
        stop: threading.Event,
        servers: bool = True,
        token: str = ADMIN_TOKEN,
    ) -> None:
        """``apis``: the hub processes' API URLs; ``servers``: whether to start,
        stop and share servers too."""
        super().__init__(name=f"client-{number}", daemon=True)
        self.number, self.ledger, self.stopping, self.servers = number, ledger, stop, servers
        self.rng = random.Random(number)
        self.apis = [
            httpx.Client(base_url=url, headers={"Authorization": f"token {token}"}, timeout=15)
            for url in apis
        ]
        self.plain: list[str] = []  # users of mine that may be renamed or deleted
        self.groups: list[str] = []
        self.owners = [f"s{number}-{k}" for k in range(2)]  # users of mine with a server
        self.shareable: set[str] = set()  # owners whose server the hub has acknowledged making
        self.i = 0

    # the one way a request is sent
    def send(
        self, method: str, path: str, body: Any = None, key: bool = False
    ) -> tuple[httpx.Response | None, bool]:
        """Send until answered (any process); (answer or None, whether an earlier attempt went unanswered)."""
        headers = {"Idempotency-Key": uuid.uuid4().hex} if key else {}
        unanswered = False
        deadline = time.monotonic() + GIVE_UP
        while time.monotonic() < deadline:
            api = self.rng.choice(self.apis)
            try:
                r = api.request(method, path, json=body, headers=headers)
            except httpx.TransportError:
                with self.ledger.lock:
                    self.ledger.transport_errors += 1
                unanswered = True
                time.sleep(0.05)
                continue
            with self.ledger.lock:
                self.ledger.statuses[r.status_code] += 1
                if r.status_code < 500:
                    self.ledger.answered_at.append(time.monotonic())
            if r.status_code == 503:
                unanswered = True  # its commit may have happened, or not
                retry_after = r.headers.get("Retry-After")
                if not retry_after or not _says_why(r, 503):
                    self._anomaly(f"503 without Retry-After or a message: {method} {path}: {r.text[:200]}")
                time.sleep(min(float(retry_after or 1), 0.25))
                continue
            if r.status_code == 409 and "still running" in r.text:
                time.sleep(0.2)  # the first request with this key is running in a process
                continue
            if r.status_code >= 500:
                self._anomaly(f"{r.status_code}: {method} {path}: {r.text[:300]}")
            return r, unanswered
        return None, True

    def _anomaly(self, what: str) -> None:
        with self.ledger.lock:
            self.ledger.anomalies.append(what)

    def _note(self, r: httpx.Response | None, acknowledged: bool) -> None:
        """Count a write: acknowledged, refused (answered, not done: a state the
        hub rightly refuses), or unacknowledged (no answer before the client gave up)."""
        with self.ledger.lock:
            if r is None:
                self.ledger.unacknowledged += 1
            elif acknowledged:
                self.ledger.acknowledged += 1
            else:
                self.ledger.refused += 1

    def _unexpected(self, what: str, r: httpx.Response) -> None:
        self._anomaly(f"{what}: {r.request.method} {r.request.url.path}: {r.status_code} {r.text[:300]}")

    # the writes
    def _create(self, path: str, book: dict[str, str], mine: list[str], what: str) -> None:
        """Create ``path``'s resource (with an ``Idempotency-Key``: a retry gets the
        first answer, never a 409), noted in ``book`` and, once acknowledged, ``mine``."""
        name = path.rsplit("/", 1)[1]
        r, _ = self.send("POST", path, key=True)
        if r is None:
            book[name] = "maybe"
        elif r.status_code == 201:
            book[name] = "present"
            mine.append(name)
        else:
            self._unexpected(what, r)
        self._note(r, r is not None and r.status_code == 201)

    def create_user(self) -> None:
        self._create(f"/users/u{self.number}-{self.i}", self.ledger.users, self.plain, "create")

    def rename(self) -> None:
        old = self.plain.pop(self.rng.randrange(len(self.plain)))
        new = f"{old}r"
        r, unanswered = self.send("PATCH", f"/users/{old}", {"name": new})
        if r is not None and (r.status_code == 200 or (r.status_code == 404 and unanswered)):
            if r.status_code == 404 and self._exists(f"/users/{new}") is False:
                self._unexpected("rename answered 404, and the new name is not there", r)
            self.ledger.users[old], self.ledger.users[new] = "absent", "present"
            self.plain.append(new)
            self._note(r, True)  # done, by this or an unanswered earlier attempt
        elif r is None:
            self.ledger.users[old], self.ledger.users[new] = f"either:{new}", f"either:{old}"
            self._note(r, False)
        else:
            self._unexpected("rename", r)

    def delete(self) -> None:
        name = self.plain.pop(self.rng.randrange(len(self.plain)))
        r, unanswered = self.send("DELETE", f"/users/{name}")
        if r is not None and (r.status_code == 204 or (r.status_code == 404 and unanswered)):
            self.ledger.users[name] = "absent"
            self._note(r, True)  # done, by this or an unanswered earlier attempt
        elif r is None:
            self.ledger.users[name] = "maybe"
            self._note(r, False)
        else:
            self._unexpected("delete", r)

    def create_group(self) -> None:
        self._create(f"/groups/g{self.number}-{self.i}", self.ledger.groups, self.groups, "create group")

    def add_member(self) -> None:
        group, member = self.rng.choice(self.groups), self.rng.choice(MEMBERS)
        r, _ = self.send("POST", f"/groups/{group}/users", {"users": [member]})
        acknowledged = r is not None and r.status_code == 200
        if r is not None and not acknowledged:
            self._unexpected("join", r)
        previous = self.ledger.members.get((group, member), False)
        self.ledger.members[(group, member)] = previous or acknowledged
        self._note(r, acknowledged)

    def token(self) -> None:
        owner, note = self.rng.choice(MEMBERS), f"t{self.number}-{self.i}"
        r, _ = self.send("POST", f"/users/{owner}/tokens", {"note": note, "expires_in": 3600}, key=True)
        acknowledged = r is not None and r.status_code == 201
        if r is not None and not acknowledged:
            self._unexpected("token", r)
        self.ledger.tokens[note] = (owner, acknowledged)
        self._note(r, acknowledged)

    def start_or_stop(self) -> None:
        owner = self.rng.choice(self.owners)
        state = self.ledger.servers.get(owner, "stopped")
        if state == "stopped" or (state == "uncertain" and self.rng.random() < 0.5):
            r, unanswered = self.send("POST", f"/users/{owner}/server")
            if r is not None and r.status_code in (201, 202):
                self.shareable.add(owner)
            if r is not None and r.status_code == 201:
                self.ledger.servers[owner] = "ready"
            elif r is not None and (r.status_code == 202 or (r.status_code == 400 and unanswered)):
                self.ledger.servers[owner] = "uncertain"  # may yet fail (its process may die)
            elif r is not None and r.status_code == 400 and state == "uncertain":
                pass  # it was running or starting after all
            elif r is not None:
                self._unexpected("start", r)
            else:
                self.ledger.servers[owner] = "uncertain"
            self._note(r, r is not None and r.status_code in (201, 202))
        else:
            r, unanswered = self.send("DELETE", f"/users/{owner}/server")
            if r is not None and r.status_code == 204:
                self.ledger.servers[owner] = "stopped"
            elif r is not None and r.status_code in (202, 400):
                self.ledger.servers[owner] = "uncertain"  # stopping, or already stopped (a failed start)
            elif r is not None:
                self._unexpected("stop", r)
            else:
                self.ledger.servers[owner] = "uncertain"
            self._note(r, r is not None and r.status_code in (202, 204))

    def share(self) -> None:
        owners = sorted(self.shareable)
        if not owners:
            return self.start_or_stop()
        owner, receiver = self.rng.choice(owners), self.rng.choice(MEMBERS)
        r, _ = self.send("POST", f"/shares/{owner}/", {"user": receiver}, key=True)
        acknowledged = r is not None and r.status_code == 200
        if r is not None and not acknowledged:
            self._unexpected("share", r)
        previous = self.ledger.shares.get((owner, receiver), False)
        self.ledger.shares[(owner, receiver)] = previous or acknowledged
        self._note(r, acknowledged)
        return None

    def _exists(self, path: str) -> bool | None:
        r, _ = self.send("GET", path)
        return None if r is None else r.status_code == 200

    def run(self) -> None:
        try:
            while not self.stopping.is_set():
                self.i += 1
                choices: list[Callable[[], None]] = [self.create_user, self.create_group, self.token]
                if self.servers:
                    choices += [self.start_or_stop, self.share]
                if self.plain:
                    choices += [self.rename, self.delete]
                if self.groups:
                    choices += [self.add_member, self.add_member]
                self.rng.choice(choices)()
        except Exception as e:  # a bug of the client itself: make it loud
            self._anomaly(f"client {self.number} stopped: {e!r}")
        finally:
            for api in self.apis:
                api.close()


# --- faults --------------------------------------------------------------------------------


@dataclass
class Fault:
    kind: str
    #: seconds from the fault until service was back (see :func:`inject`)
    recovery: float
    detail: str = ""
    #: a killed hub process: seconds until it answered again
    restart: float | None = None


def _first_answer_after(ledger: Ledger, moment: float, timeout: float = 60) -> float:
    """Seconds from ``moment`` until some client next got an answer (below 500)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with ledger.lock:
            at = ledger.answered_at[bisect.bisect_right(ledger.answered_at, moment) :][:1]
        if at:
            return at[0] - moment
        time.sleep(0.01)
    return float("inf")


def _answers(api: httpx.Client, path: str) -> bool:
    try:
        return api.get(path, timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


def _wait(predicate: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def _routes_restored(system: System) -> bool:
    """The proxy routes the hub, and every server that ran before the fault
    (and still runs: a server may have been stopped meanwhile)."""
    try:
        routes = system.proxy.routes()
    except httpx.HTTPError:
        return False
    if "/" not in routes:
        return False
    api = system.hubs[0].api
    for spec in system.expected_routes - set(routes):
        owner = spec.removeprefix("/user/").split("/")[0]
        try:
            server = api.get(f"/users/{owner}", timeout=5).json()["servers"].get("")
        except httpx.HTTPError:
            return False
        if server and server.get("ready"):
            return False
    return True


def inject(system: System, ledger: Ledger, kind: str, rng: random.Random) -> Fault:
    """One fault; returns once service is back (or after a minute, a failure of its own).

    The recovery is counted: for a killed hub process, until the clients (which
    send to every process) next got an answer; for the proxy, until it routes
    the hub and every running server again; for the database, from the moment
    it was back until every hub process answered a read of it."""
    if kind == HUB_KILL:
        victim = rng.choice(system.hubs)
        began = time.monotonic()
        victim.kill()
        victim.start()  # a supervisor starts it again at once
        restart = time.monotonic() - began
        return Fault(kind, _first_answer_after(ledger, began), f"port {victim.port}", restart)
    if kind == PROXY_KILL:
        system.expected_routes = {spec for spec, route in system.proxy.routes().items() if route.get("user")}
        began = time.monotonic()
        system.proxy.kill()
        system.proxy.start()  # empty: every route is the hub's to give back
        through = httpx.Client(base_url=system.proxy.public_url, timeout=5)
        with through:
            back = _wait(lambda: _answers(through, "/hub/api/") and _routes_restored(system), 60)
        return Fault(kind, time.monotonic() - began if back else float("inf"))
    if kind == DB_RESTART:
        assert system.postgres is not None
        began = time.monotonic()
        system.postgres.stop("fast")  # every session ends, as in a restart
        time.sleep(rng.uniform(0.2, 1.0))  # requests meet a database that is not there
        system.postgres.start()
        up = time.monotonic()
        back = _wait(lambda: all(_answers(hub.api, f"/users/{MEMBERS[0]}") for hub in system.hubs), 60)
        done = time.monotonic()
        # the recovery is counted from the moment the database was back
        return Fault(kind, done - up if back else float("inf"), f"down {up - began:.2f} s")
    raise ValueError(kind)


# --- the checks ----------------------------------------------------------------------------


def _all_users(api: httpx.Client) -> list[dict[str, Any]]:
    users: list[dict[str, Any]] = []
    while True:
        page = api.get("/users", params={"offset": len(users), "limit": 200, "include_stopped_servers": "1"})
        page.raise_for_status()
        found = page.json()
        if not found:
            return users
        users += found


def _foreign_keys(db_url: str) -> list[str]:
    """Rows whose foreign key names a row that is not there, in every table."""
    from hub.db.engine import sync_url
    from hub.db.models import Base

    wrong = []
    engine = sqlalchemy.create_engine(sync_url(db_url))
    try:
        with engine.connect() as conn:
            for table in Base.metadata.sorted_tables:
                for fk in table.foreign_keys:
                    parent = fk.column.table
                    query = (
                        sqlalchemy.select(sqlalchemy.func.count())
                        .select_from(table.outerjoin(parent, fk.parent == fk.column))
                        .where(fk.parent.is_not(None), fk.column.is_(None))
                    )
                    count = conn.execute(query).scalar_one()
                    if count:
                        wrong.append(f"{count} rows of {table.name}.{fk.parent.name} name no {parent.name}")
            orphans = conn.execute(
                sqlalchemy.text(
                    "SELECT count(*) FROM api_tokens WHERE user_id IS NULL AND service_id IS NULL"
                )
            ).scalar_one()
            if orphans:
                wrong.append(f"{orphans} tokens belong to no user and no service")
    finally:
        engine.dispose()
    return wrong


def _listeners(db_url: str) -> int:
    engine = sqlalchemy.create_engine(db_url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            query = "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'LISTEN%'"
            return int(conn.execute(sqlalchemy.text(query)).scalar_one())
    finally:
        engine.dispose()


def check_ledger(api: httpx.Client, ledger: Ledger) -> tuple[list[str], list[dict[str, Any]]]:
    """Everything the ledger says was acknowledged is there and nothing is
    there twice: what is wrong, and every user (with their servers)."""
    wrong = list(ledger.anomalies)

    users = _all_users(api)
    names = [u["name"] for u in users]
    if len(names) != len(set(names)):
        wrong.append(f"duplicate user names: {sorted(n for n, c in Counter(names).items() if c > 1)}")
    present = set(names)
    for name, expected in ledger.users.items():
        if expected == "present" and name not in present:
            wrong.append(f"acknowledged user {name} is missing")
        elif expected == "absent" and name in present:
            wrong.append(f"user {name}, acknowledged as renamed or deleted, is there")
        elif expected.startswith("either:"):
            other = expected.split(":", 1)[1]
            if (name in present) == (other in present) and ledger.users.get(other, "").startswith("either:"):
                wrong.append(f"of the rename {name} <-> {other}, not exactly one name is there")

    groups = {}
    for name, expected in ledger.groups.items():
        r = api.get(f"/groups/{name}")
        if expected == "present" and r.status_code != 200:
            wrong.append(f"acknowledged group {name} is missing")
        if r.status_code == 200:
            groups[name] = set(r.json()["users"])
    for (group, member), acknowledged in ledger.members.items():
        if acknowledged and member not in groups.get(group, set()):
            wrong.append(f"acknowledged member {member} of {group} is missing")

    notes: Counter[str] = Counter()
    for member in MEMBERS:
        for token in api.get(f"/users/{member}/tokens").json()["api_tokens"]:
            notes[token["note"]] += 1
    for note, (owner, acknowledged) in ledger.tokens.items():
        if notes[note] > 1:
            wrong.append(f"token {note!r} of {owner} was made {notes[note]} times")
        elif acknowledged and notes[note] == 0:
            wrong.append(f"acknowledged token {note!r} of {owner} is missing")

    for (owner, receiver), acknowledged in ledger.shares.items():
        if not acknowledged:
            continue
        r = api.get(f"/shares/{owner}/")
        if receiver not in {(s.get("user") or {}).get("name") for s in r.json()["items"]}:
            wrong.append(f"acknowledged share of {owner}'s server with {receiver} is missing")

    return wrong, users


def check(system: System, ledger: Ledger) -> list[str]:
    """The ledger holds (:func:`check_ledger`), and so do the system's
    invariants. A list of what is wrong."""
    api = system.hubs[0].api
    owners = sorted({o for o in ledger.servers})
    wrong: list[str] = []

    # no server stays pending once the faults are over (a start or stop a dead process
    # left is taken over when its lease runs out)
    def settled() -> bool:
        return all(
            not (
                api.get(f"/users/{o}", params={"include_stopped_servers": "1"}).json()["servers"].get("")
                or {}
            ).get("pending")
            for o in owners
        )

    if not _wait(settled, 30):
        wrong.append("a server was still pending 30 s after the last fault")

    found, users = check_ledger(api, ledger)
    wrong += found

    # servers, routes and processes agree
    running: dict[str, dict[str, Any]] = {}
    for user in users:
        for server in user["servers"].values():
            if server.get("ready"):
                running[user["name"]] = server
    for owner, last in ledger.servers.items():
        if last == "ready" and owner not in running:
            wrong.append(f"{owner}'s server, acknowledged as started, is not running")
        if last == "stopped" and owner in running:
            wrong.append(f"{owner}'s server, acknowledged as stopped, is running")
    routes = system.proxy.routes()
    for owner in running:
        spec = f"/user/{owner}"  # the proxy keeps a route without its trailing slash
        if spec not in routes:
            wrong.append(f"running server {owner} has no route")
        r = httpx.get(f"{system.proxy.public_url}{spec}/api/status", timeout=10)
        if r.status_code != 200:
            wrong.append(f"running server {owner} does not answer through the proxy: {r.status_code}")
    for spec, route in routes.items():
        if route.get("user") and route["user"] not in running:
            wrong.append(f"route {spec} names a server that is not running")
    pids = {s["state"]["pid"] for s in running.values() if (s.get("state") or {}).get("pid")}
    # a stopped server's process may take a moment to exit
    _wait(lambda: system.standin_pids() <= pids, 5)
    alive = system.standin_pids()
    for pid in sorted(alive - pids):
        wrong.append(f"server process {pid} ({system.whose(pid)}) runs for no running server")
    if pids - alive:
        wrong.append(f"{len(pids - alive)} running servers have no process")

    wrong += _foreign_keys(system.db_url)
    if system.postgres is not None:
        count = len(system.hubs)
        if not _wait(lambda: _listeners(system.db_url) == count, 20):
            wrong.append(f"{_listeners(system.db_url)} processes listen for changes, not {count}")
    return wrong


# --- a run ---------------------------------------------------------------------------------


@dataclass
class Report:
    database: str
    processes: int
    clients: int
    faults: list[Fault]
    ledger: Ledger
    wrong: list[str]
    seconds: float
    #: tracebacks in the hub processes' logs (a fault may rightly log one: told, not failed)
    tracebacks: int

    def summary(self) -> dict[str, Any]:
        by_kind: dict[str, list[float]] = {}
        restarts = [f.restart for f in self.faults if f.restart is not None]
        for fault in self.faults:
            by_kind.setdefault(fault.kind, []).append(fault.recovery)
        statuses = self.ledger.statuses
        return {
            "database": self.database,
            "processes": self.processes,
            "clients": self.clients,
            "seconds": round(self.seconds, 1),
            "requests": sum(statuses.values()) + self.ledger.transport_errors,
            "answers": {str(k): v for k, v in sorted(statuses.items())},
            "no_answer": self.ledger.transport_errors,
            "5xx_but_503": sum(v for k, v in statuses.items() if k >= 500 and k != 503),
            "acknowledged_writes": self.ledger.acknowledged,
            "refused_writes": self.ledger.refused,
            "unacknowledged_writes": self.ledger.unacknowledged,
            "logged_tracebacks": self.tracebacks,
            "wrong": self.wrong,
            "faults": {
                kind: {
                    "count": len(times),
                    "recovery_median_s": round(statistics.median(times), 2),
                    "recovery_max_s": round(max(times), 2),
                    "over_goal": sum(1 for t in times if t > RECOVERY_GOAL),
                }
                for kind, times in sorted(by_kind.items())
            },
            "killed_process_restart_s": {
                "median": round(statistics.median(restarts), 2) if restarts else None,
                "max": round(max(restarts), 2) if restarts else None,
            },
        }


@contextlib.contextmanager
def running_system(directory: Path, database: str, processes: int = 3) -> Iterator[System]:
    system = System(directory, database, processes)
    try:
        system.start()
        yield system
    finally:
        system.stop()


def run(
    directory: Path,
    database: str,
    faults: dict[str, int],
    processes: int = 3,
    clients: int = 8,
    seed: int = 0,
    pause: tuple[float, float] = (0.2, 1.0),
) -> Report:
    """Start the system, load it, inject ``faults`` (kind -> count) in a random
    order at random instants, stop the load, check."""
    rng = random.Random(seed)
    schedule = [kind for kind, count in faults.items() for _ in range(count)]
    rng.shuffle(schedule)
    began = time.monotonic()
    with running_system(directory, database, processes) as system:
        api = system.hubs[0].api
        assert api.post("/users", json={"usernames": MEMBERS}).status_code == 201
        ledger = Ledger()
        stop = threading.Event()
        apis = [str(hub.api.base_url) for hub in system.hubs]
        load = [Client(n, apis, ledger, stop) for n in range(clients)]
        for n in range(clients):
            assert api.post("/users", json={"usernames": load[n].owners}).status_code == 201
        for client in load:
            client.start()
        done: list[Fault] = []
        try:
            time.sleep(1)
            for kind in schedule:
                time.sleep(rng.uniform(*pause))
                done.append(inject(system, ledger, kind, rng))
            time.sleep(1)
        finally:
            stop.set()
            for client in load:
                client.join(GIVE_UP + 30)
        wrong = check(system, ledger)
        wrong += [f"{f.kind} ({f.detail}): service not back within 60 s" for f in done if f.recovery > 60]
        tracebacks = system.logs().count("Traceback (most recent call last)")
    return Report(database, processes, clients, done, ledger, wrong, time.monotonic() - began, tracebacks)
