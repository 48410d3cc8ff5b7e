"""Run the harness against this hub and JupyterHub, one after the other, in one run.

JupyterHub is not a dependency of this project: install it in a scratch
environment outside the repository first, for example::

    python3 -m venv /tmp/jhub/venv && /tmp/jhub/venv/bin/pip install jupyterhub==6.1.1 jupyter-server
    (cd /tmp/jhub && npm install configurable-http-proxy@5)

then::

    .venv/bin/python -m benchmarks.side_by_side \\
        --jupyterhub /tmp/jhub/venv/bin/jupyterhub \\
        --chp /tmp/jhub/node_modules/.bin/configurable-http-proxy

Both hubs run as one process each, on SQLite, on free loopback ports, with
the same admin token supplied by configuration (``c.JupyterHub.api_tokens``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from benchmarks.harness import Bench, PhaseResult, report

TOKEN = "benchmark-admin-token-0123456789"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_up(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = "\n".join(log.read_text(errors="replace").splitlines()[-20:])
            raise SystemExit(f"{url}: the hub exited with {proc.returncode}:\n{tail}")
        try:
            requests.get(url, timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise SystemExit(f"{url}: the hub did not come up")


def stop(proc: subprocess.Popen[bytes], timeout: float = 30) -> None:
    """Terminate ``proc``; kill it if it has not exited after ``timeout`` seconds."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()


def common_config(workdir: Path, hub_port: int) -> str:
    return (
        f"c.JupyterHub.db_url = 'sqlite:///{workdir}/hub.sqlite'\n"
        "c.JupyterHub.hub_ip = '127.0.0.1'\n"
        f"c.JupyterHub.hub_port = {hub_port}\n"
        f"c.JupyterHub.api_tokens = {{{TOKEN!r}: 'bench-admin'}}\n"
        "c.Authenticator.admin_users = {'bench-admin'}\n"
    )


def start_ours(workdir: Path) -> tuple[subprocess.Popen[bytes], str, Path]:
    port = free_port()
    config = workdir / "jupyterhub_config.py"
    config.write_text(
        common_config(workdir, port)
        + f"c.JupyterHub.bind_url = 'http://127.0.0.1:{free_port()}'\n"
        + f"c.ConfigurableHTTPProxy.api_url = 'http://127.0.0.1:{free_port()}'\n"
    )
    log = open(workdir / "hub.log", "wb")  # noqa: SIM115 (lives as long as the process)
    proc = subprocess.Popen(
        [sys.executable, "-m", "hub.cli", "-f", str(config), "--log-level", "WARNING"],
        cwd=workdir,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    return proc, f"http://127.0.0.1:{port}/hub/api", workdir / "hub.log"


def start_jupyterhub(workdir: Path, jupyterhub: str, chp: str) -> tuple[subprocess.Popen[bytes], str, Path]:
    port = free_port()
    config = workdir / "jupyterhub_config.py"
    config.write_text(
        common_config(workdir, port)
        + f"c.JupyterHub.port = {free_port()}\n"
        + f"c.ConfigurableHTTPProxy.api_url = 'http://127.0.0.1:{free_port()}'\n"
        + f"c.ConfigurableHTTPProxy.command = [{chp!r}]\n"
        + "c.JupyterHub.authenticator_class = 'dummy'\n"
        + "c.JupyterHub.spawner_class = 'simple'\n"
        + f"c.Spawner.cmd = [{str(Path(jupyterhub).parent / 'jupyterhub-singleuser')!r}]\n"
        + "c.Spawner.args = ['--allow-root']\n"
        + "c.Authenticator.allow_all = True\n"
        + "c.JupyterHub.log_level = 'WARN'\n"
        + "c.JupyterHub.cookie_secret_file = "
        + repr(str(workdir / "cookie_secret"))
        + "\n"
    )
    log = open(workdir / "jupyterhub.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [jupyterhub, "-f", str(config)], cwd=workdir, stdout=log, stderr=subprocess.STDOUT, env={**os.environ}
    )
    return proc, f"http://127.0.0.1:{port}/hub/api", workdir / "jupyterhub.log"


def measure(
    label: str, proc: subprocess.Popen[bytes], url: str, log: Path, args: argparse.Namespace
) -> list[PhaseResult]:
    try:
        wait_up(url + "/", proc, log)
        bench = Bench(url, TOKEN, args.users, args.requests, args.concurrency, "bench-", args.servers)
        results = asyncio.run(bench.run())
    finally:
        stop(proc)
    print(report(label, results), flush=True)
    print()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--jupyterhub", required=True, help="path of the jupyterhub command (6.1.1)")
    parser.add_argument("--chp", required=True, help="path of configurable-http-proxy (npm)")
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--servers", type=int, default=10, help="servers started and stopped at once")
    parser.add_argument("--json", default="benchmarks/results/side_by_side.json")
    args = parser.parse_args()

    version = subprocess.run([args.jupyterhub, "--version"], capture_output=True, text=True).stdout.strip()
    with tempfile.TemporaryDirectory() as ours_dir, tempfile.TemporaryDirectory() as theirs_dir:
        ours = measure("this hub", *start_ours(Path(ours_dir)), args)
        theirs = measure(
            f"JupyterHub {version}", *start_jupyterhub(Path(theirs_dir), args.jupyterhub, args.chp), args
        )

    print("## ratios (this hub / JupyterHub)\n")
    print("| phase | throughput ratio | time ratio (JupyterHub s / ours s) |")
    print("|---|---:|---:|")
    rows = []
    for a, b in zip(ours, theirs, strict=True):
        ratio = a.throughput / b.throughput if b.throughput else float("inf")
        time_ratio = b.seconds / a.seconds if a.seconds else float("inf")
        rows.append(
            {"phase": a.name, "throughput_ratio": round(ratio, 2), "time_ratio": round(time_ratio, 2)}
        )
        print(f"| {a.name} | {ratio:.2f}x | {time_ratio:.2f}x |")
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "jupyterhub_version": version,
                "ours": [r.as_dict() for r in ours],
                "jupyterhub": [r.as_dict() for r in theirs],
                "ratios": rows,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
