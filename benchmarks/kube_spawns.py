"""Many KubeSpawner servers started at once, this hub beside JupyterHub 6.1.1.

Both hubs run the same jupyterhub-kubespawner against the Kubernetes stand-in
of tests/helpers/kube_standin.py (a fresh one for each hub), whose pods run a
tiny HTTP server (tests/helpers/standin_server.py) rather than jupyter-server,
so the figures are the hubs' own work: creating the pods, following their
events, waiting for them to answer, adding the routes. Measured: the wall time
from the first start request until every server is ready, and the CPU seconds
of the hub process (not the proxy, not the stand-in) per spawn.

JupyterHub is not a dependency of this project: install it outside the
repository first::

    python3 -m venv /tmp/jhbench && /tmp/jhbench/bin/pip install jupyterhub==6.1.1 \\
        jupyterhub-kubespawner==7.1.0

then::

    .venv/bin/python -m benchmarks.kube_spawns --jupyterhub /tmp/jhbench/bin/jupyterhub
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from benchmarks.side_by_side import TOKEN, common_config, free_port, stop, wait_up
from tests.helpers.hub_process import config_lines
from tests.helpers.kube_standin import KubeCluster, start_kube_standin

ROOT = Path(__file__).resolve().parent.parent
CHP = ROOT / "node_modules" / ".bin" / "configurable-http-proxy"


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def kube_config(cluster: KubeCluster) -> str:
    config = cluster.spawner_config(start_timeout=300)
    cluster.map_image(config.KubeSpawner.image, ["/usr/bin/env", "--"])
    return (
        config_lines(config)
        + "c.JupyterHub.spawner_class = 'kubespawner.KubeSpawner'\n"
        + "c.Spawner.http_timeout = 120\n"
        + "c.JupyterHub.concurrent_spawn_limit = 0\n"
        + "c.JupyterHub.active_server_limit = 0\n"
    )


def start_hub(
    workdir: Path, cluster: KubeCluster, jupyterhub: str | None
) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    text = common_config(workdir, port) + kube_config(cluster)
    text += f"c.ConfigurableHTTPProxy.api_url = 'http://127.0.0.1:{free_port()}'\n"
    if jupyterhub is None:
        text += f"c.JupyterHub.bind_url = 'http://127.0.0.1:{free_port()}'\n"
        command = [sys.executable, "-m", "hub.cli", "-f", "jupyterhub_config.py", "--log-level", "WARNING"]
    else:
        text += (
            f"c.JupyterHub.port = {free_port()}\n"
            f"c.ConfigurableHTTPProxy.command = [{str(CHP)!r}]\n"
            "c.JupyterHub.log_level = 'WARN'\n"
            "c.JupyterHub.authenticator_class = 'dummy'\n"
            "c.Authenticator.allow_all = True\n"
            f"c.JupyterHub.cookie_secret_file = {str(workdir / 'cookie_secret')!r}\n"
        )
        command = [jupyterhub, "-f", "jupyterhub_config.py"]
    (workdir / "jupyterhub_config.py").write_text(text)
    log = open(workdir / "hub.log", "wb")  # noqa: SIM115 (lives as long as the process)
    env = {**os.environ, "KUBECONFIG": str(cluster.kubeconfig), "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(command, cwd=workdir, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}/hub/api"
    wait_up(url + "/", proc, workdir / "hub.log")
    return proc, url


def run(label: str, servers: int, jupyterhub: str | None) -> dict[str, float | str]:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        cluster = start_kube_standin(workdir / "kube")
        proc, url = start_hub(workdir, cluster, jupyterhub)
        api = requests.Session()
        api.headers["Authorization"] = f"token {TOKEN}"
        names = [f"k{i}" for i in range(servers)]
        try:
            created = api.post(f"{url}/users", json={"usernames": names})
            assert created.status_code == 201, created.text
            time.sleep(1)  # let start-up work settle before measuring
            cpu0, t0 = cpu_seconds(proc.pid), time.monotonic()
            with ThreadPoolExecutor(servers) as pool:
                codes = list(pool.map(lambda n: api.post(f"{url}/users/{n}/server").status_code, names))
            assert all(code in (201, 202) for code in codes), codes
            while True:
                users = api.get(f"{url}/users", params={"state": "ready"}).json()
                if len(users) == len(names):
                    break
                if time.monotonic() - t0 > 600:
                    raise SystemExit(f"{label}: only {len(users)} of {servers} servers were ready")
                time.sleep(0.2)
            seconds, cpu = time.monotonic() - t0, cpu_seconds(proc.pid) - cpu0
            with ThreadPoolExecutor(servers) as pool:
                list(pool.map(lambda n: api.delete(f"{url}/users/{n}/server"), names))
        finally:
            stop(proc, timeout=60)
            cluster.stop()
    result = {
        "hub": label,
        "servers": servers,
        "seconds_until_all_ready": round(seconds, 2),
        "hub_cpu_seconds_per_spawn": round(cpu / servers, 4),
    }
    print(json.dumps(result), flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--jupyterhub", help="path of the jupyterhub command (6.1.1) to compare with")
    parser.add_argument("--servers", type=int, default=50)
    parser.add_argument("--json", default="benchmarks/results/kube_spawns.json")
    args = parser.parse_args()
    results = [run("this hub", args.servers, None)]
    if args.jupyterhub:
        version = subprocess.run([args.jupyterhub, "--version"], capture_output=True, text=True).stdout
        results.append(run(f"JupyterHub {version.strip()}", args.servers, args.jupyterhub))
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
