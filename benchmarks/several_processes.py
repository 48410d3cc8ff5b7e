"""Several hub processes on one PostgreSQL database: read throughput and takeover.

    .venv/bin/python -m benchmarks processes --duration 10 --processes 1,2,3 --leases 30,5 --repeat 5

Every hub process is a real ``hub -f FILE --JupyterHub.hub_port=PORT``, all of
them from one configuration file, on one PostgreSQL database (dropped and made
again for each measurement), with ``c.JupyterHub.cleanup_servers = False`` and
one configurable-http-proxy started apart (``should_start = False``). Ports
are free loopback ports picked at run time.

Throughput: for N = 1, 2, 3 processes, ``GET /hub/api/user`` and ``GET
/hub/api/users/{name}`` with the admin token of ``c.JupyterHub.api_tokens``,
for a fixed time at a fixed concurrency. The requests go round-robin over the
N processes' own hub ports (not through the proxy), from one asyncio/aiohttp
load generator in this process, which shares the machine's cores with the
hubs and PostgreSQL; the CPU seconds each of them used are reported beside the
figures. With ``--pin``, hub process i runs on core i (modulo the cores).

Takeover: a start taken by process A (a stand-in server that answers only
after a few seconds), A killed with SIGKILL while the start is pending, and
the time from the kill until process B reports the server ready (adopted),
for each lease setting.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import psycopg
import requests

from benchmarks.harness import PhaseResult, _percentile
from benchmarks.side_by_side import TOKEN, free_port, wait_up

ROOT = Path(__file__).resolve().parent.parent
CHP = ROOT / "node_modules" / ".bin" / "configurable-http-proxy"
HUB = [sys.executable, "-m", "hub.cli"]
STANDIN = ROOT / "tests" / "helpers" / "standin_server.py"
DB_URL = "postgresql://postgres@127.0.0.1:5432/bench_procs"
ADMIN = "bench-admin"
#: the stand-in server answers only this many seconds after it was started
SLOW = 3
#: users whose ``GET /users/{name}`` is asked for, in turn
USERS = 100


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of process ``pid`` (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def postgres_cpu_seconds() -> float:
    """CPU seconds of every PostgreSQL process on the machine (server and backends)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if (entry / "comm").read_text().strip() == "postgres":
                    total += cpu_seconds(int(entry.name))
    return total


def machine_cpu_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of all the machine's cores since boot, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:8]]
    idle = fields[3] + fields[4]  # idle, iowait
    tick = os.sysconf("SC_CLK_TCK")
    return (sum(fields) - idle) / tick, sum(fields) / tick


def own_cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system


def fresh_database(url: str) -> None:
    """Drop the benchmark's database and make it again, empty."""
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def server_pids(url: str) -> list[int]:
    """The pids of the servers the database knows (its ``servers.state``)."""
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            states = [row[0] for row in conn.execute("SELECT state FROM servers")]
    except psycopg.Error:
        return []
    return [int(s["pid"]) for s in states if isinstance(s, dict) and s.get("pid")]


def is_standin(pid: int) -> bool:
    """Whether ``pid`` is still one of the stand-in servers (not a pid used again since)."""
    try:
        return str(STANDIN).encode() in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


@dataclass
class Group:
    """One proxy and the hub processes of one hub, on one database."""

    workdir: Path
    db_url: str
    extra: str = ""
    #: run hub process i on core i modulo the number of cores
    pin: bool = False
    proxy: subprocess.Popen[bytes] | None = None
    hubs: dict[int, subprocess.Popen[bytes]] = field(default_factory=dict)
    #: every server pid seen, killed at the end whatever the database says by then
    seen_pids: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.proxy_token = secrets.token_hex(16)
        self.proxy_api = f"http://127.0.0.1:{free_port()}"
        self.public_url = f"http://127.0.0.1:{free_port()}"
        self.config = self.workdir / "jupyterhub_config.py"

    def start(self, count: int) -> list[int]:
        fresh_database(self.db_url)
        self._start_proxy()
        self.config.write_text(
            f"c.JupyterHub.db_url = {self.db_url!r}\n"
            f"c.JupyterHub.bind_url = {self.public_url!r}\n"
            f"c.JupyterHub.api_tokens = {{{TOKEN!r}: {ADMIN!r}}}\n"
            f"c.Authenticator.admin_users = {{{ADMIN!r}}}\n"
            f"c.JupyterHub.cookie_secret = {secrets.token_hex(32)!r}\n"
            "c.JupyterHub.cleanup_servers = False\n"
            "c.ConfigurableHTTPProxy.should_start = False\n"
            f"c.ConfigurableHTTPProxy.api_url = {self.proxy_api!r}\n"
            f"c.ConfigurableHTTPProxy.auth_token = {self.proxy_token!r}\n"
            "c.JupyterHub.slow_spawn_timeout = 0\n"
            f"c.Spawner.cmd = ['sh', '-c', 'sleep {SLOW}; exec \"$0\" \"$1\"', {sys.executable!r}, "
            f"{str(STANDIN)!r}]\n" + self.extra
        )
        # the first process alone makes the schema; the others start together
        ports = [self.start_hub()]
        ports += self.start_hubs(count - 1)
        return ports

    def _start_proxy(self) -> None:
        api_port = int(self.proxy_api.rsplit(":", 1)[1])
        public_port = int(self.public_url.rsplit(":", 1)[1])
        cmd = [str(CHP), "--ip", "127.0.0.1", "--port", str(public_port)]
        cmd += ["--api-ip", "127.0.0.1", "--api-port", str(api_port), "--log-level", "warn"]
        with open(self.workdir / "proxy.log", "wb") as log:
            self.proxy = subprocess.Popen(
                cmd,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, "CONFIGPROXY_AUTH_TOKEN": self.proxy_token},
            )
        headers = {"Authorization": f"token {self.proxy_token}"}
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                requests.get(self.proxy_api + "/api/routes", headers=headers, timeout=1)
                return
            except requests.ConnectionError:
                time.sleep(0.05)
        raise SystemExit("configurable-http-proxy did not come up")

    def _spawn_hub(self) -> tuple[int, subprocess.Popen[bytes]]:
        port = free_port()
        while port in self.hubs:
            port = free_port()
        with open(self.workdir / f"hub-{port}.log", "ab") as log:
            proc = subprocess.Popen(
                [*HUB, "-f", str(self.config), f"--JupyterHub.hub_port={port}", "--log-level", "WARNING"],
                cwd=self.workdir,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
            )
        if self.pin:
            # at once, while the new process has one thread: the threads it makes later inherit it
            os.sched_setaffinity(proc.pid, {len(self.hubs) % (os.cpu_count() or 1)})
        self.hubs[port] = proc
        return port, proc

    def start_hub(self) -> int:
        return self.start_hubs(1)[0]

    def start_hubs(self, count: int) -> list[int]:
        started = [self._spawn_hub() for _ in range(count)]
        for port, proc in started:
            wait_up(self.api(port) + "/", proc, self.workdir / f"hub-{port}.log")
        return [port for port, _ in started]

    def api(self, port: int) -> str:
        return f"http://127.0.0.1:{port}/hub/api"

    def kill(self, port: int) -> None:
        proc = self.hubs[port]
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)

    def stop(self) -> None:
        """Stop every process this group started: the hubs, the servers, the proxy."""
        self.seen_pids.update(server_pids(self.db_url))
        for proc in self.hubs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.hubs.values():
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
        for pid in self.seen_pids:  # each server runs in a process group of its own
            if is_standin(pid):
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(pid, signal.SIGKILL)
        if self.proxy is not None and self.proxy.poll() is None:
            self.proxy.terminate()
            try:
                self.proxy.wait(10)
            except subprocess.TimeoutExpired:
                self.proxy.kill()
                self.proxy.wait(10)

    def cpu(self) -> float:
        return sum(cpu_seconds(proc.pid) for proc in self.hubs.values() if proc.poll() is None)


@contextlib.contextmanager
def group(db_url: str, extra: str = "", keep: bool = False, pin: bool = False) -> Any:
    workdir = Path(tempfile.mkdtemp(prefix="bench-procs-"))
    made = Group(workdir, db_url, extra, pin)
    try:
        yield made
    finally:
        made.stop()
        if keep:
            print(f"logs kept in {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


# --- throughput -------------------------------------------------------------------------------


@dataclass
class Load:
    result: PhaseResult
    processes: int
    cpu_load_generator: float
    cpu_hubs: float
    cpu_postgres: float
    #: CPU seconds of the whole machine (every process), and what its cores could give
    cpu_machine: float
    cpu_available: float

    @property
    def cpu_other(self) -> float:
        return max(0.0, self.cpu_machine - self.cpu_load_generator - self.cpu_hubs - self.cpu_postgres)

    def per_request_ms(self, seconds: float) -> float:
        return seconds / self.result.requests * 1000 if self.result.requests else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "processes": self.processes,
            **self.result.as_dict(),
            "cpu_seconds": {
                "load_generator": round(self.cpu_load_generator, 2),
                "hubs": round(self.cpu_hubs, 2),
                "postgres": round(self.cpu_postgres, 2),
                "other": round(self.cpu_other, 2),
                "machine": round(self.cpu_machine, 2),
                "available": round(self.cpu_available, 2),
            },
        }


async def timed_load(
    session: aiohttp.ClientSession,
    url: Callable[[int], str],
    headers: dict[str, str],
    seconds: float,
    concurrency: int,
) -> tuple[int, int, float, list[float]]:
    """``concurrency`` workers send requests for ``seconds``, request i to
    ``url(i)``. Returns (requests, errors, elapsed, latencies)."""
    latencies: list[float] = []
    errors = 0
    sent = 0

    async def worker(deadline: float) -> None:
        nonlocal errors, sent
        while time.perf_counter() < deadline:
            target = url(sent)
            sent += 1
            start = time.perf_counter()
            try:
                async with session.get(target, headers=headers) as response:
                    await response.read()
                    ok = response.status == 200
            except aiohttp.ClientError:
                ok = False
            latencies.append(time.perf_counter() - start)
            if not ok:
                errors += 1

    start = time.perf_counter()
    await asyncio.gather(*(worker(start + seconds) for _ in range(concurrency)))
    return sent, errors, time.perf_counter() - start, latencies


async def measure_load(made: Group, ports: list[int], name: str, path: str, args: argparse.Namespace) -> Load:
    headers = {"Authorization": f"token {TOKEN}"}
    connector = aiohttp.TCPConnector(limit=args.concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        apis = [made.api(port) for port in ports]

        def url(i: int) -> str:
            # round-robin over the processes; the users in turn
            return apis[i % len(apis)] + path.format(name=f"bench-{i // len(apis) % USERS:03d}")

        # warm up: connections opened, each process has checked the token once
        await timed_load(session, url, headers, args.warmup, args.concurrency)
        before = own_cpu_seconds(), made.cpu(), postgres_cpu_seconds(), *machine_cpu_seconds()
        sent, errors, elapsed, latencies = await timed_load(
            session, url, headers, args.duration, args.concurrency
        )
        after = own_cpu_seconds(), made.cpu(), postgres_cpu_seconds(), *machine_cpu_seconds()
    result = PhaseResult(
        name, sent, elapsed, errors, _percentile(latencies, 0.5), _percentile(latencies, 0.99)
    )
    used = [b - a for a, b in zip(before, after, strict=True)]
    return Load(result, len(ports), *used)


def throughput(args: argparse.Namespace) -> list[Load]:
    loads: list[Load] = []
    for count in args.processes:
        with group(args.db_url, keep=args.keep_logs, pin=args.pin) as made:
            ports = made.start(count)
            created = requests.post(
                made.api(ports[0]) + "/users",
                json={"usernames": [f"bench-{i:03d}" for i in range(USERS)]},
                headers={"Authorization": f"token {TOKEN}"},
                timeout=60,
            )
            assert created.status_code == 201, created.text
            time.sleep(1)  # let start-up work (duties, routes) settle
            for name, path in (("GET /user", "/user"), ("GET /users/{name}", "/users/{name}")):
                load = asyncio.run(measure_load(made, ports, name, path, args))
                loads.append(load)
                print(json.dumps(load.as_dict()), flush=True)
    return loads


# --- takeover ---------------------------------------------------------------------------------


def server_model(api: str, user: str) -> dict[str, Any]:
    response = requests.get(
        f"{api}/users/{user}",
        params={"include_stopped_servers": "1"},
        headers={"Authorization": f"token {TOKEN}"},
        timeout=30,
    )
    response.raise_for_status()
    servers: dict[str, Any] = response.json().get("servers") or {}
    return servers.get("", {})


def wait(predicate: Any, timeout: float, what: str, interval: float = 0.05) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise SystemExit(f"timed out after {timeout} s waiting for {what}")


@dataclass
class Takeover:
    lease: float
    seconds: list[float]
    failures: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "lease_seconds": self.lease,
            "seconds": [round(s, 2) for s in self.seconds],
            "median": round(statistics.median(self.seconds), 2) if self.seconds else None,
            "max": round(max(self.seconds), 2) if self.seconds else None,
            "failures": self.failures,
        }


def takeover(lease: float, args: argparse.Namespace) -> Takeover:
    """Process B, kept for every repetition; a new process A for each one, killed
    as soon as the server's process is launched (its lease fresh: nearly all of
    it left)."""
    extra = "" if lease == 30 else f"c.JupyterHub.lease_seconds = {lease!r}\n"
    headers = {"Authorization": f"token {TOKEN}"}
    seconds: list[float] = []
    failures: list[str] = []
    with group(args.db_url, extra, keep=args.keep_logs) as made:
        (b,) = made.start(1)
        b_api = made.api(b)
        rng = random.Random(args.seed)
        for rep in range(args.repeat):
            a = made.start_hub()
            a_api = made.api(a)
            # B looks for expired leases every third of a lease, from its own start: a random
            # pause keeps the repetitions from all landing at the same point of that cycle
            time.sleep(rng.uniform(0, lease / 3))
            user = f"takeover-{rep}"
            requests.post(f"{a_api}/users/{user}", headers=headers, timeout=30).raise_for_status()
            started = requests.post(f"{a_api}/users/{user}/server", headers=headers, timeout=30)
            assert started.status_code == 202, (started.status_code, started.text)
            pid = wait(lambda u=user: server_model(b_api, u).get("state", {}).get("pid"), 30, "the launch")
            made.seen_pids.add(int(pid))
            made.kill(a)
            began = time.monotonic()

            def settled(u: str = user) -> dict[str, Any] | None:
                model = server_model(b_api, u)
                return model if model.get("ready") or model.get("stopped") else None

            model = wait(settled, lease * 2 + SLOW + 30, f"process B to settle {user}'s start")
            took = time.monotonic() - began
            if model.get("ready"):
                seconds.append(took)
            else:
                failures.append(f"{took:.1f} s: {model.get('last_error')}")
            print(
                json.dumps({"lease_seconds": lease, "repetition": rep + 1, "seconds": round(took, 2)})
                + ("" if model.get("ready") else f"  (failed: {model.get('last_error')})"),
                flush=True,
            )
            stopped = requests.delete(f"{b_api}/users/{user}/server", headers=headers, timeout=30)
            assert stopped.status_code in (202, 204), (stopped.status_code, stopped.text)
            wait(lambda u=user: not server_model(b_api, u).get("pending"), 60, f"{user}'s stop", 0.1)
    return Takeover(lease, seconds, failures)


# --- report -----------------------------------------------------------------------------------


def machine() -> str:
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return (
        f"{os.cpu_count()} cores ({model}), Python {sys.version.split()[0]}, load average {os.getloadavg()}"
    )


def report(loads: list[Load], takeovers: list[Takeover], args: argparse.Namespace) -> str:
    lines = [f"machine (at the end): {machine()}", ""]
    if loads:
        lines += [
            f"throughput: {args.duration:g} s per figure, {args.concurrency} requests at a time, "
            "round-robin over the processes' hub ports"
            + (", hub process i on core i (mod the cores)" if args.pin else ""),
            "",
            "| request | processes | requests | req/s | p50 ms | p99 ms | errors |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        ordered = sorted(loads, key=lambda x: (x.result.name, x.processes))
        for load in ordered:
            r = load.result
            lines.append(
                f"| {r.name} | {load.processes} | {r.requests} | {r.throughput:.0f} | {r.p50_ms:.1f} "
                f"| {r.p99_ms:.1f} | {r.errors} |"
            )
        lines += [
            "",
            "CPU time per request, ms (cores busy: all the machine's CPU time over what its cores could give)",
            "",
            "| request | processes | hubs | PostgreSQL | load generator | other | cores busy |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for load in ordered:
            busy = load.cpu_machine / load.cpu_available * 100 if load.cpu_available else 0.0
            lines.append(
                f"| {load.result.name} | {load.processes} | {load.per_request_ms(load.cpu_hubs):.2f} "
                f"| {load.per_request_ms(load.cpu_postgres):.2f} "
                f"| {load.per_request_ms(load.cpu_load_generator):.2f} "
                f"| {load.per_request_ms(load.cpu_other):.2f} | {busy:.0f}% |"
            )
        lines.append("")
    if takeovers:
        lines += [
            f"takeover: seconds from SIGKILL of process A until process B reports the server ready "
            f"({args.repeat} repetitions; the server answers {SLOW} s after its launch)",
            "",
            "| lease_seconds | median s | max s | min s | all | failed |",
            "|---:|---:|---:|---:|---|---:|",
        ]
        for t in takeovers:
            runs = ", ".join(f"{s:.1f}" for s in t.seconds)
            if t.seconds:
                lines.append(
                    f"| {t.lease:g} | {statistics.median(t.seconds):.1f} | {max(t.seconds):.1f} "
                    f"| {min(t.seconds):.1f} | {runs} | {len(t.failures)} |"
                )
            else:
                lines.append(f"| {t.lease:g} | - | - | - | - | {len(t.failures)} |")
    return "\n".join(lines)


def numbers(kind: type) -> Any:
    return lambda text: [kind(part) for part in text.split(",") if part]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--duration", type=float, default=10, help="seconds of load per figure")
    parser.add_argument("--warmup", type=float, default=1, help="seconds of load before each figure")
    parser.add_argument(
        "--processes", type=numbers(int), default=[1, 2, 3], help="numbers of hub processes (1,2,3)"
    )
    parser.add_argument("--concurrency", type=int, default=16, help="requests at a time")
    parser.add_argument(
        "--pin", action="store_true", help="throughput: run hub process i on core i (mod the cores)"
    )
    parser.add_argument(
        "--leases", type=numbers(float), default=[30.0, 5.0], help="lease_seconds settings (30,5)"
    )
    parser.add_argument("--repeat", type=int, default=5, help="takeovers per lease setting")
    parser.add_argument("--seed", type=int, default=1, help="seed of the pauses between takeovers")
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--skip-takeover", action="store_true")
    parser.add_argument("--db-url", default=DB_URL, help="a PostgreSQL database, dropped and made again")
    parser.add_argument(
        "--keep-logs", action="store_true", help="keep the hubs' logs (a temporary directory)"
    )
    parser.add_argument("--json", default="benchmarks/results/several_processes.json")


def run(args: argparse.Namespace) -> None:
    # SIGTERM ends the run like Ctrl-C does: every process started is stopped
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    at_start = machine()
    print(f"machine: {at_start}", flush=True)
    loads = [] if args.skip_throughput else throughput(args)
    takeovers = [] if args.skip_takeover else [takeover(lease, args) for lease in args.leases]
    print()
    print(report(loads, takeovers, args))
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "machine_at_start": at_start,
                "machine_at_end": machine(),
                "duration": args.duration,
                "concurrency": args.concurrency,
                "pinned": args.pin,
                "throughput": [load.as_dict() for load in loads],
                "takeover": [t.as_dict() for t in takeovers],
            },
            indent=2,
        )
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks processes",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_arguments(parser)
    run(parser.parse_args(argv))


if __name__ == "__main__":
    main()
