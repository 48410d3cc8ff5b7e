"""The hostile corpus (``tests/hostile/``) sent to this hub and to JupyterHub 6.1.1.

    .venv/bin/python -m benchmarks hostile --db sqlite
    .venv/bin/python -m benchmarks hostile --db postgres

Every case of the corpus (``generate()``, about 6,700 requests built from
``spec/rest-api.yml``) and every kept input (``found.json``) is sent, one at a
time, each on a connection of its own, byte for byte (``tests/hostile/wire.py``),
first to this hub, then to JupyterHub 6.1.1. Each hub is one real process on
free loopback ports, seeded first with what the corpus's reads name (the users
alice, bob and mallory, the group staff, alice's named server gpu shared with
bob, the service hostile-svc, a token of alice's, a token of mallory's, the
admin's browser login), as ``tests/test_hostile_corpus.py`` seeds it.
``--db`` picks this hub's database (PostgreSQL: a database of its own,
``bench_hostile``, dropped and made again); JupyterHub runs on SQLite.

Per hub it reports: requests sent, answers by status class, dropped
connections (closed or timed out without a whole answer), p50/p99/max answer
time, answers slower than 100 ms, the hub's resident memory before and after
(and its peak), and the wall time. The first 20 cases are sent once before
the measured run, uncounted, to warm the hub up (as the test does).

JupyterHub has none of this hub's extensions (webhooks, audit, events,
sessions, roles at run time, ...); their cases are sent and counted all the
same, and the figures are given twice: over all cases, and over only the
cases of the operations JupyterHub 6.1.1 routes. Which those are is read from
JupyterHub's own route table (its handler lists, asked from its own Python):
an operation counts as JupyterHub's when its path, with the seeded names in
it, matches one of JupyterHub's routes whose handler implements its method.

JupyterHub is not a dependency: install it outside the repository first::

    python3 -m venv /opt/jh611 && /opt/jh611/bin/pip install jupyterhub==6.1.1 jupyter-server
    mkdir -p /opt/jh611/chp && (cd /opt/jh611/chp && npm install configurable-http-proxy@5)
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from benchmarks.harness import _percentile
from benchmarks.several_processes import fresh_database, machine
from benchmarks.side_by_side import free_port, stop, wait_up
from tests.hostile.corpus import PREFIX, REAL, Case, generate, inert_values, kept, operations, path_of
from tests.hostile.wire import Dropped, credentials, send

ROOT = Path(__file__).resolve().parent.parent
#: the corpus's authorization cases name this token literally (tests/hostile/corpus.py)
ADMIN_TOKEN = "admin-secret-token"
ADMIN = "admin"
PG_URL = "postgresql://postgres@127.0.0.1:5432/bench_hostile"
JUPYTERHUB = "/opt/jh611/bin/jupyterhub"
SLOW_MS = 100
WARM_UP = 20
MiB = 1024 * 1024

#: printed by JupyterHub's own Python: its routes, each with the methods its handler implements
ROUTES_SCRIPT = """
import json, tornado.web
from jupyterhub import apihandlers, handlers
from jupyterhub.auth import DummyAuthenticator
table = DummyAuthenticator().get_handlers(None) + handlers.default_handlers + apihandlers.default_handlers
# Tornado puts the static files' route first, made from JupyterHub's static_url_prefix setting
routes = [["/hub/static/(.*)", "StaticFileHandler", ["GET"]]]
for pattern, cls, *_ in table:
    methods = [m for m in ("GET", "POST", "PUT", "PATCH", "DELETE")
               if getattr(cls, m.lower()) is not getattr(tornado.web.RequestHandler, m.lower())]
    routes.append(["/hub" + pattern, cls.__name__, methods])
print(json.dumps(routes))
"""


def port() -> int:
    """A free loopback port, never one of the hub's defaults (8000, 8081)."""
    while (chosen := free_port()) in (8000, 8001, 8081):
        pass
    return chosen


def find_chp(given: str | None) -> str:
    candidates = [given] if given else []
    candidates += [
        str(ROOT / "node_modules" / ".bin" / "configurable-http-proxy"),
        shutil.which("configurable-http-proxy") or "",
        "/opt/jh611/chp/node_modules/.bin/configurable-http-proxy",
    ]
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            return candidate
    raise SystemExit("configurable-http-proxy not found: give --chp")


# --- the two hubs ------------------------------------------------------------------------------


@dataclass
class Running:
    label: str
    proc: subprocess.Popen[bytes]
    port: int
    log: Path
    kind: str  # "ours" or "jupyterhub"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api(self) -> str:
        return self.base + PREFIX

    def memory(self) -> dict[str, int]:
        """VmRSS and VmHWM (the peak), in bytes; empty once the process is gone."""
        try:
            lines = Path(f"/proc/{self.proc.pid}/status").read_text().splitlines()
        except FileNotFoundError:
            return {}
        found = {}
        for line in lines:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(value.split()[0]) * 1024
        return found


def _common(workdir: Path, hub_port: int, chp: str) -> str:
    return (
        f"c.JupyterHub.hub_port = {hub_port}\n"
        f"c.ConfigurableHTTPProxy.api_url = 'http://127.0.0.1:{port()}'\n"
        f"c.ConfigurableHTTPProxy.command = [{chp!r}]\n"
        f"c.JupyterHub.api_tokens = {{{ADMIN_TOKEN!r}: {ADMIN!r}}}\n"
        f"c.Authenticator.admin_users = {{{ADMIN!r}}}\n"
        "c.JupyterHub.authenticator_class = 'dummy'\n"
        "c.JupyterHub.allow_named_servers = True\n"
        f"c.JupyterHub.cookie_secret_file = {str(workdir / 'cookie_secret')!r}\n"
    )


def start_ours(workdir: Path, db_url: str, chp: str) -> Running:
    hub_port = port()
    config = workdir / "jupyterhub_config.py"
    config.write_text(
        _common(workdir, hub_port, chp)
        + f"c.JupyterHub.db_url = {db_url!r}\n"
        + f"c.JupyterHub.bind_url = 'http://127.0.0.1:{port()}'\n"
    )
    log = workdir / "hub.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "hub.cli", "-f", str(config), "--log-level", "WARNING"],
        cwd=workdir,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    label = "this hub (PostgreSQL)" if db_url.startswith("postgres") else "this hub (SQLite)"
    return Running(label, proc, hub_port, log, "ours")


def start_jupyterhub(workdir: Path, jupyterhub: str, chp: str) -> Running:
    hub_port = port()
    config = workdir / "jupyterhub_config.py"
    singleuser = str(Path(jupyterhub).parent / "jupyterhub-singleuser")
    config.write_text(
        _common(workdir, hub_port, chp)
        + f"c.JupyterHub.db_url = 'sqlite:///{workdir}/jupyterhub.sqlite'\n"
        + "c.JupyterHub.hub_ip = '127.0.0.1'\n"
        + "c.JupyterHub.ip = '127.0.0.1'\n"
        + f"c.JupyterHub.port = {port()}\n"
        + "c.JupyterHub.spawner_class = 'simple'\n"
        + f"c.Spawner.cmd = [{singleuser!r}]\n"
        + "c.Spawner.args = ['--allow-root']\n"
        + "c.Authenticator.allow_all = True\n"
        + "c.JupyterHub.log_level = 'WARN'\n"
    )
    log = workdir / "jupyterhub.log"
    proc = subprocess.Popen(
        [jupyterhub, "-f", str(config)], cwd=workdir, stdout=log.open("wb"), stderr=subprocess.STDOUT
    )
    return Running("JupyterHub 6.1.1", proc, hub_port, log, "jupyterhub")


# --- seeding: what the corpus's reads name -----------------------------------------------------


def _wait_server(session: requests.Session, api: str, user: str, name: str, ready: bool) -> bool:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        model = session.get(f"{api}/users/{user}", timeout=30).json()
        server = (model.get("servers") or {}).get(name)
        if ready and server and server.get("ready") and not server.get("pending"):
            return True
        if not ready and (not server or (not server.get("ready") and not server.get("pending"))):
            return True
        time.sleep(0.2)
    return False


def _log_in(base: str) -> tuple[str, str]:
    """Log in as the admin through the login form: (the Cookie header, the _xsrf value)."""
    with requests.Session() as browser:
        page = browser.get(base + "/hub/login", timeout=30)
        found = re.search(r'name="_xsrf"\s+value="([^"]+)"', page.text)
        xsrf = found.group(1) if found else browser.cookies.get("_xsrf", "")
        answer = browser.post(
            base + "/hub/login",
            data={"username": ADMIN, "password": "x", "_xsrf": xsrf},
            allow_redirects=False,
            timeout=30,
        )
        if answer.status_code >= 400:
            raise SystemExit(f"{base}: logging in answered {answer.status_code}")
        cookies = {cookie.name: cookie.value for cookie in browser.cookies}
    xsrf_cookie = cookies.pop("_xsrf", xsrf)
    header = "; ".join(f"{k}={v}" for k, v in cookies.items()) + f"; _xsrf={xsrf_cookie}"
    return header, xsrf_cookie


def seed(hub: Running) -> dict[str, Any]:
    """As ``tests/test_hostile_corpus.py``'s ``seed()``; on JupyterHub, which
    cannot create a server without starting it, gpu is started and stopped.
    A step a hub refuses is noted, and the run goes on."""
    notes: list[str] = []
    session = requests.Session()
    session.headers["Authorization"] = f"token {ADMIN_TOKEN}"
    api = hub.api

    def step(method: str, path: str, body: Any = None) -> Any:
        answer = session.request(method, api + path, json=body, timeout=60)
        if answer.status_code >= 300:
            notes.append(f"{method} {path}: {answer.status_code} {answer.text[:200]}")
            return None
        try:
            return answer.json() if answer.content else {}
        except ValueError:
            return {}

    step("POST", "/users", {"usernames": ["alice", "bob", "mallory"]})
    step("POST", "/groups/staff", {"users": ["alice"]})
    if hub.kind == "ours":
        step("PUT", "/users/alice/servers/gpu", {})
    else:
        if step("POST", "/users/alice/servers/gpu", {}) is not None:
            if not _wait_server(session, api, "alice", "gpu", ready=True):
                notes.append("alice's server gpu was not ready within 90 s")
            step("DELETE", "/users/alice/servers/gpu")
            if not _wait_server(session, api, "alice", "gpu", ready=False):
                notes.append("alice's server gpu had not stopped within 90 s")
    step("POST", "/shares/alice/gpu", {"user": "bob"})
    step("POST", "/services/hostile-svc", {"url": "http://127.0.0.1:9/"})
    alice = step("POST", "/users/alice/tokens", {"note": "hostile"}) or {}
    plain = step("POST", "/users/mallory/tokens", {}) or {}
    cookie, xsrf = _log_in(hub.base)
    session_id = REAL["session_id"]
    if hub.kind == "ours":
        sessions = step("GET", f"/users/{ADMIN}/sessions")
        items = sessions["items"] if isinstance(sessions, dict) else sessions or []
        session_id = str(items[0]["id"]) if items else session_id
    session.close()
    return {
        "substitute": {
            "{alice-token-id}": str(alice.get("id", "a1")),
            "{alice-token}": str(alice.get("token", "no-token")),
            "{admin-session-id}": session_id,
            "{plain-token}": str(plain.get("token", "no-token")),
            "{xsrf}": xsrf,
        },
        "plain": str(plain.get("token", "no-token")),
        "cookie": cookie,
        "notes": notes,
    }


def inventory(hub: Running) -> dict[str, Any]:
    """What the hub holds, as its API lists it: compared before and after the run."""
    headers = {"Authorization": f"token {ADMIN_TOKEN}"}

    def get(path: str) -> Any:
        try:
            return requests.get(hub.api + path, headers=headers, timeout=60).json()
        except (requests.RequestException, ValueError) as e:
            return f"unreadable: {e}"

    def names(data: Any) -> Any:
        if isinstance(data, dict):
            data = data.get("items", data.get("api_tokens", data))
        if isinstance(data, dict):
            return sorted(data)
        if isinstance(data, list):
            return sorted(str(item.get("name", item.get("id"))) for item in data if isinstance(item, dict))
        return data

    alice = get("/users/alice")
    return {
        "users": names(get("/users?limit=200")),
        "groups": names(get("/groups?limit=200")),
        "services": names(get("/services")),
        "alice's servers": sorted((alice.get("servers") or {}) if isinstance(alice, dict) else []),
        **{f"{user}'s tokens": names(get(f"/users/{user}/tokens")) for user in ("alice", "mallory", ADMIN)},
    }


# --- which operations JupyterHub has -----------------------------------------------------------


def jupyterhub_routes(jupyterhub: str) -> list[tuple[str, str, list[str]]]:
    python = str(Path(jupyterhub).parent / "python")
    out = subprocess.run([python, "-c", ROUTES_SCRIPT], capture_output=True, text=True, check=True)
    return [(pattern, name, methods) for pattern, name, methods in json.loads(out.stdout.splitlines()[-1])]


def sample_requests(cases: list[Case]) -> dict[str, tuple[str, str]]:
    """Each operation of the corpus: its method and a path with the seeded names in it."""
    found = {op.id: (op.method, path_of(op, inert_values(op))) for op in operations()}
    for case in cases:
        if case.operation.startswith("page "):
            _, method, pattern = case.operation.split(" ", 2)
            # a name every page's route takes (the error page's is a status code)
            found[case.operation] = (method, pattern.replace("{name}", "404").split("?")[0])
    return found


def jupyterhub_operations(cases: list[Case], routes: list[tuple[str, str, list[str]]]) -> dict[str, str]:
    """The operations JupyterHub routes to a handler that implements the method:
    operation -> the handler's name (the first matching route, as Tornado picks)."""
    have = {}
    for operation, (method, path) in sample_requests(cases).items():
        for pattern, handler, methods in routes:
            if re.fullmatch(pattern, path):
                if method in methods:
                    have[operation] = handler
                break
    return have


# --- sending -----------------------------------------------------------------------------------


@dataclass
class Outcome:
    case: Case
    status: int | None
    seconds: float
    dropped: str = ""


@dataclass
class Run:
    hub: str
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0
    memory_before: dict[str, int] = field(default_factory=dict)
    memory_after: dict[str, int] = field(default_factory=dict)
    seed_notes: list[str] = field(default_factory=list)
    exited: str = ""
    not_sent: int = 0
    #: what the API lists that differs after the run (users, groups, services, tokens, servers)
    state_changed: dict[str, Any] = field(default_factory=dict)
    #: tracebacks the hub wrote to its log during the whole run (seeding included)
    log_tracebacks: int = 0


def one(hub: Running, case: Case, seeded: dict[str, Any], timeout: float) -> Outcome:
    start = time.perf_counter()
    try:
        answer = send(hub.port, case, credentials(case, seeded, ADMIN_TOKEN), seeded["substitute"], timeout)
    except Dropped as e:
        return Outcome(case, None, time.perf_counter() - start, str(e))
    except OSError as e:  # refused, reset before any byte: no answer either
        return Outcome(case, None, time.perf_counter() - start, f"{type(e).__name__}: {e}")
    return Outcome(case, answer.status, answer.seconds)


def send_all(hub: Running, cases: list[Case], timeout: float) -> Run:
    wait_up(hub.api + "/", hub.proc, hub.log, timeout=120)
    seeded = seed(hub)
    run = Run(hub.label, seed_notes=seeded["notes"])
    for case in cases[:WARM_UP]:
        one(hub, case, seeded, timeout)
    before = inventory(hub)
    run.memory_before = hub.memory()
    began = time.perf_counter()
    for i, case in enumerate(cases):
        outcome = one(hub, case, seeded, timeout)
        run.outcomes.append(outcome)
        if outcome.status is None and hub.proc.poll() is not None:
            run.exited = f"the hub exited ({hub.proc.returncode}) at case {i}: {case.id}"
            run.not_sent = len(cases) - i - 1
            break
        if i % 500 == 499:
            print(f"  {hub.label}: {i + 1}/{len(cases)}", file=sys.stderr, flush=True)
    run.seconds = time.perf_counter() - began
    run.memory_after = hub.memory()
    if hub.proc.poll() is None:
        after = inventory(hub)
        run.state_changed = {
            k: {"before": before[k], "after": after[k]} for k in before if before[k] != after[k]
        }
    return run


# --- figures -----------------------------------------------------------------------------------


def summary(run: Run, only: set[str] | None = None) -> dict[str, Any]:
    """The figures over all cases, or over the cases of the operations in
    ``only`` (memory and wall time are the whole run's: shown as "-" then)."""
    outcomes = [o for o in run.outcomes if only is None or o.case.operation in only]
    classes = Counter(f"{o.status // 100}xx" for o in outcomes if o.status is not None)
    times = [o.seconds for o in outcomes if o.status is not None]
    before, after = run.memory_before.get("VmRSS", 0), run.memory_after.get("VmRSS", 0)
    whole = only is None
    return {
        "requests": len(outcomes),
        **{f"{n}xx": classes.get(f"{n}xx", 0) for n in (1, 2, 3, 4, 5)},
        "dropped": sum(o.status is None for o in outcomes),
        "p50_ms": round(_percentile(times, 0.5), 1),
        "p99_ms": round(_percentile(times, 0.99), 1),
        "max_ms": round(max(times, default=0) * 1000, 1),
        "over_100_ms": sum(t * 1000 > SLOW_MS for t in times),
        "rss_before_mib": round(before / MiB, 1) if whole else "-",
        "rss_after_mib": round(after / MiB, 1) if whole else "-",
        "rss_growth_mib": round((after - before) / MiB, 1) if whole else "-",
        "rss_peak_mib": round(run.memory_after.get("VmHWM", 0) / MiB, 1) if whole else "-",
        "wall_s": round(run.seconds, 1) if whole else "-",
    }


def by_kind(run: Run) -> dict[str, dict[str, int]]:
    """Answers by status class (or dropped) for each kind of case."""
    found: dict[str, Counter[str]] = {}
    for o in run.outcomes:
        found.setdefault(o.case.kind, Counter())[f"{o.status // 100}xx" if o.status else "dropped"] += 1
    return {kind: dict(sorted(counts.items())) for kind, counts in sorted(found.items())}


def failures(run: Run, only: set[str] | None = None) -> list[dict[str, Any]]:
    """The operations that gave a 5xx or a drop, most first, with their kinds and an example."""
    bad = [
        o
        for o in run.outcomes
        if (o.status is None or o.status >= 500) and (only is None or o.case.operation in only)
    ]
    by_operation: dict[str, list[Outcome]] = {}
    for o in bad:
        by_operation.setdefault(o.case.operation, []).append(o)
    rows = []
    for operation, items in sorted(by_operation.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        rows.append(
            {
                "operation": operation,
                "count": len(items),
                "answers": dict(Counter(str(o.status or "dropped") for o in items).most_common()),
                "kinds": dict(Counter(o.case.kind for o in items).most_common()),
                "example": items[0].case.id,
                "example_answer": items[0].status or items[0].dropped,
            }
        )
    return rows


def slowest(run: Run, n: int = 10) -> list[dict[str, Any]]:
    answered = sorted((o for o in run.outcomes if o.status is not None), key=lambda o: -o.seconds)
    return [{"ms": round(o.seconds * 1000, 1), "status": o.status, "case": o.case.id} for o in answered[:n]]


COLUMNS = [
    ("requests", "requests"),
    ("2xx", "2xx"),
    ("3xx", "3xx"),
    ("4xx", "4xx"),
    ("5xx", "5xx"),
    ("dropped", "dropped"),
    ("p50 ms", "p50_ms"),
    ("p99 ms", "p99_ms"),
    ("max ms", "max_ms"),
    ("> 100 ms", "over_100_ms"),
    ("RSS before MiB", "rss_before_mib"),
    ("RSS after MiB", "rss_after_mib"),
    ("growth MiB", "rss_growth_mib"),
    ("wall s", "wall_s"),
]


def table(rows: list[tuple[str, str, dict[str, Any]]]) -> str:
    lines = [
        "| hub | cases | " + " | ".join(name for name, _ in COLUMNS) + " |",
        "|---|---|" + "---:|" * len(COLUMNS),
    ]
    for hub, cases, figures in rows:
        lines.append(f"| {hub} | {cases} | " + " | ".join(str(figures[key]) for _, key in COLUMNS) + " |")
    return "\n".join(lines)


def failure_table(rows: list[dict[str, Any]], n: int = 5) -> str:
    lines = ["| operation | 5xx or dropped | answers | kinds | example case |", "|---|---:|---|---|---|"]
    for row in rows[:n]:
        kinds = ", ".join(f"{k} ({v})" for k, v in row["kinds"].items())
        answers = ", ".join(f"{k} x{v}" for k, v in row["answers"].items())
        lines.append(f"| `{row['operation']}` | {row['count']} | {answers} | {kinds} | `{row['example']}` |")
    return "\n".join(lines)


# --- main --------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks hostile",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite", help="this hub's database")
    parser.add_argument("--postgres-url", default=PG_URL, help="dropped and made again (--db postgres)")
    parser.add_argument("--jupyterhub", default=JUPYTERHUB, help="the jupyterhub command (6.1.1)")
    parser.add_argument("--chp", help="configurable-http-proxy (default: the repo's, PATH, /opt/jh611/chp)")
    parser.add_argument("--hubs", default="ours,jupyterhub", help="which hubs, in this order")
    parser.add_argument("--timeout", type=float, default=30, help="seconds before a case counts as dropped")
    parser.add_argument("--limit", type=int, help="send only the first N cases (a quick try)")
    parser.add_argument("--only", help="send only the cases whose id contains this text")
    parser.add_argument("--json", help="default: benchmarks/results/hostile-DB.json")
    args = parser.parse_args(argv)

    chp = find_chp(args.chp)
    cases = generate() + kept()
    if args.only:
        cases = [case for case in cases if args.only in case.id]
    if args.limit:
        cases = cases[: args.limit]
    hubs = [h.strip() for h in args.hubs.split(",") if h.strip()]
    version = ""
    theirs: dict[str, str] = {}
    if "jupyterhub" in hubs:
        version = subprocess.run(
            [args.jupyterhub, "--version"], capture_output=True, text=True, check=True
        ).stdout.strip()
        theirs = jupyterhub_operations(cases, jupyterhub_routes(args.jupyterhub))
    jh_only = set(theirs)
    print(
        f"{len(cases)} cases ({len(cases) - len(kept())} generated, {len(kept())} kept); "
        f"{sum(c.operation in jh_only for c in cases)} of them of the {len(jh_only)} operations "
        "JupyterHub has",
        file=sys.stderr,
        flush=True,
    )

    runs: dict[str, Run] = {}
    for which in hubs:
        with tempfile.TemporaryDirectory(prefix=f"hostile-{which}-") as tmp:
            workdir = Path(tmp)
            if which == "ours":
                db_url = f"sqlite:///{workdir}/hub.sqlite"
                if args.db == "postgres":
                    db_url = args.postgres_url
                    fresh_database(db_url)
                hub = start_ours(workdir, db_url, chp)
            elif which == "jupyterhub":
                hub = start_jupyterhub(workdir, args.jupyterhub, chp)
                hub.label = f"JupyterHub {version}"
            else:
                raise SystemExit(f"unknown hub {which!r} (ours, jupyterhub)")
            print(f"{hub.label}: port {hub.port}", file=sys.stderr, flush=True)
            try:
                runs[which] = send_all(hub, cases, args.timeout)
            finally:
                stop(hub.proc)
                kept_log = ROOT / "benchmarks" / "results" / f"hostile-{args.db}-{which}.log"
                kept_log.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(hub.log, kept_log)
            runs[which].log_tracebacks = hub.log.read_text(errors="replace").count("Traceback (most recent")

    rows: list[tuple[str, str, dict[str, Any]]] = []
    result: dict[str, Any] = {
        "machine": machine(),
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "db": args.db,
        "jupyterhub_version": version,
        "cases": len(cases),
        "kept": len(kept()),
        "jupyterhub_operations": dict(sorted(theirs.items())),
        "hubs": {},
    }
    for which, run in runs.items():
        entry: dict[str, Any] = {
            "label": run.hub,
            "all": summary(run),
            "failures": failures(run),
            "slowest": slowest(run),
            "by_kind": by_kind(run),
            "seconds_in_dropped": round(sum(o.seconds for o in run.outcomes if o.status is None), 1),
            # every case: [id, status (null: dropped), ms, why it was dropped]
            "cases": [[o.case.id, o.status, round(o.seconds * 1000, 1), o.dropped] for o in run.outcomes],
            "state_changed": run.state_changed,
            "seed_notes": run.seed_notes,
            "exited": run.exited,
            "not_sent": run.not_sent,
            "log_tracebacks": run.log_tracebacks,
            "memory_before": run.memory_before,
            "memory_after": run.memory_after,
        }
        rows.append((run.hub, "all", entry["all"]))
        if jh_only:
            entry["jupyterhub_operations_only"] = summary(run, jh_only)
            entry["failures_jupyterhub_operations_only"] = failures(run, jh_only)
            rows.append((run.hub, "JupyterHub's operations", entry["jupyterhub_operations_only"]))
        result["hubs"][which] = entry

    out = Path(args.json or ROOT / "benchmarks" / "results" / f"hostile-{args.db}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))

    print(table(rows))
    for which, run in runs.items():
        entry = result["hubs"][which]
        if run.exited:
            print(f"\n{run.hub}: {run.exited}; {run.not_sent} cases not sent")
        if entry["failures"]:
            print(f"\n{run.hub}: the operations that gave a 5xx or a dropped connection, most first\n")
            print(failure_table(entry["failures"]))
        if run.seed_notes:
            print(f"\n{run.hub}: seeding steps refused: " + "; ".join(run.seed_notes))
        print(f"\n{run.hub}: {run.log_tracebacks} tracebacks in its log")
    print(f"\n(written to {out})")


if __name__ == "__main__":
    main()
