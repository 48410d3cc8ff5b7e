"""One hub process killed with SIGKILL under eight clients' writes: this hub and JupyterHub 6.1.1.

    .venv/bin/python -m benchmarks crash --kills 20

JupyterHub runs as one process per database, so the crash run of the whole
system (tests/reliability/, three processes, ``make reliability``) has no
JupyterHub counterpart. This is the part both can run: one hub process on
SQLite, with the proxy it starts itself, under the load of
``tests/reliability/chaos.py`` without servers and shares (users created,
renamed and deleted, groups, members, tokens, eight clients), killed with
SIGKILL at random instants and started again at once. A write that got no
answer is sent again, with the same ``Idempotency-Key`` (which JupyterHub
does not know), until it is answered.

Reported per hub: writes acknowledged, acknowledged writes missing at the
end, writes applied twice (a token made twice by a retry), retried creates
answered 409 (the client cannot tell whether the user or group it asked for
is its own), and the time from each kill until the hub answered again.
Both hubs run from free loopback ports, one after the other.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from benchmarks.hostile import ADMIN_TOKEN, JUPYTERHUB, ROOT, _common, find_chp, port
from tests.reliability.chaos import MEMBERS, Client, Ledger, check_ledger


class Hub:
    """One hub process, started again in the same place after each kill."""

    def __init__(self, label: str, workdir: Path, command: list[str], config: str, hub_port: int) -> None:
        self.label, self.workdir, self.command = label, workdir, command
        self.api = f"http://127.0.0.1:{hub_port}/hub/api"
        (workdir / "jupyterhub_config.py").write_text(config)
        self.log = workdir / "hub.log"
        self.proc: subprocess.Popen[bytes] | None = None
        #: the port of the proxy's API (the hub starts the proxy, and again after a kill)
        self.proxy_api_port = 0

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(self.command, cwd=self.workdir, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"{self.label} exited (see {self.log})"
            try:
                if httpx.get(self.api + "/", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.02)
        raise SystemExit(f"{self.label} did not answer within 120 s")

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        # the proxy each hub started (and started again) goes with it
        subprocess.run(["pkill", "-f", f"--api-port {self.proxy_api_port}"], check=False)


def make_hub(kind: str, workdir: Path, chp: str, jupyterhub: str) -> Hub:
    hub_port = port()
    config = _common(workdir, hub_port, chp)
    proxy_api_port = int(config.split("api_url = 'http://127.0.0.1:")[1].split("'")[0])
    if kind == "ours":
        config += f"c.JupyterHub.db_url = 'sqlite:///{workdir}/hub.sqlite'\n"
        config += f"c.JupyterHub.bind_url = 'http://127.0.0.1:{port()}'\n"
        command = [sys.executable, "-m", "hub.cli", "-f", "jupyterhub_config.py", "--log-level", "WARNING"]
        hub = Hub("this hub", workdir, command, config, hub_port)
    else:
        config += f"c.JupyterHub.db_url = 'sqlite:///{workdir}/jupyterhub.sqlite'\n"
        config += "c.JupyterHub.hub_ip = '127.0.0.1'\nc.JupyterHub.ip = '127.0.0.1'\n"
        config += f"c.JupyterHub.port = {port()}\n"
        config += "c.Authenticator.allow_all = True\nc.JupyterHub.log_level = 'WARN'\n"
        hub = Hub("JupyterHub 6.1.1", workdir, [jupyterhub, "-f", "jupyterhub_config.py"], config, hub_port)
    hub.proxy_api_port = proxy_api_port
    return hub


def run(hub: Hub, kills: int, clients: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    hub.start()
    api = httpx.Client(base_url=hub.api, headers={"Authorization": f"token {ADMIN_TOKEN}"}, timeout=30)
    try:
        assert api.post("/users", json={"usernames": MEMBERS}).status_code == 201
        ledger, stop = Ledger(), threading.Event()
        load = [Client(n, [hub.api], ledger, stop, servers=False, token=ADMIN_TOKEN) for n in range(clients)]
        for client in load:
            client.start()
        recoveries = []
        began = time.monotonic()
        try:
            time.sleep(1)
            for _ in range(kills):
                time.sleep(rng.uniform(0.5, 1.5))
                killed = time.monotonic()
                hub.kill()
                hub.start()  # a supervisor starts it again at once
                recoveries.append(time.monotonic() - killed)
            time.sleep(1)
        finally:
            stop.set()
            for client in load:
                client.join(90)
        seconds = time.monotonic() - began
        wrong, _users = check_ledger(api, ledger)
    finally:
        api.close()
        hub.stop()
    lost = [w for w in wrong if "is missing" in w]
    twice = [w for w in wrong if "times" in w]
    conflicts = [w for w in wrong if ": 409 " in w and w.startswith(("create", "create group"))]
    other = [w for w in wrong if w not in lost and w not in twice and w not in conflicts]
    return {
        "hub": hub.label,
        "kills": kills,
        "clients": clients,
        "seconds": round(seconds, 1),
        "requests": sum(ledger.statuses.values()) + ledger.transport_errors,
        "no_answer": ledger.transport_errors,
        "answers": {str(k): v for k, v in sorted(ledger.statuses.items())},
        "acknowledged_writes": ledger.acknowledged,
        "lost": len(lost),
        "applied_twice": len(twice),
        "retried_creates_answered_409": len(conflicts),
        "other_findings": len(other),
        "examples": (lost[:3] + twice[:3] + conflicts[:3] + other[:5]),
        "answering_again_s": {
            "median": round(statistics.median(recoveries), 2),
            "max": round(max(recoveries), 2),
            "min": round(min(recoveries), 2),
        },
    }


def table(results: list[dict[str, Any]]) -> str:
    rows = [
        "| hub | kills | requests | acknowledged writes | lost | applied twice | retried creates answered 409 "
        "| answering again after a kill (median / max) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        back = r["answering_again_s"]
        rows.append(
            f"| {r['hub']} | {r['kills']} | {r['requests']:,} | {r['acknowledged_writes']:,} | {r['lost']} "
            f"| {r['applied_twice']} | {r['retried_creates_answered_409']} | {back['median']} s / {back['max']} s |"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks crash", description=__doc__)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--hubs", choices=["both", "ours", "jupyterhub"], default="both")
    parser.add_argument("--jupyterhub", default=JUPYTERHUB, help="JupyterHub 6.1.1's jupyterhub command")
    parser.add_argument("--chp", help="configurable-http-proxy to use (default: the repository's)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "crash.json")
    args = parser.parse_args(argv)
    chp = find_chp(args.chp)
    kinds = {"both": ["ours", "jupyterhub"], "ours": ["ours"], "jupyterhub": ["jupyterhub"]}[args.hubs]
    results = []
    for kind in kinds:
        workdir = Path(tempfile.mkdtemp(prefix=f"crash-{kind}-"))
        try:
            results.append(
                run(make_hub(kind, workdir, chp, args.jupyterhub), args.kills, args.clients, args.seed)
            )
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    print()
    print(table(results))


if __name__ == "__main__":
    main()
