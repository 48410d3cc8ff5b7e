"""Jobs on the test Slurm cluster (tests/helpers/slurm.py), as OS accounts,
and batchspawner's SlurmSpawner driven through start/poll/stop against it
with a stand-in for the one hub endpoint it needs
(tests/helpers/batchspawner_hub.py)."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import time
from pathlib import Path

import httpx
import pytest
from traitlets.config import Config

from tests.helpers.batchspawner_hub import StandinHub, make_spawner
from tests.helpers.hub_process import config_lines
from tests.helpers.singleuser_env import OsUser, SingleuserVenv, run_as
from tests.helpers.slurm import SlurmCluster, free_port
from tests.helpers.waiting import wait_for


def _answers(url: str) -> bool:
    try:
        httpx.get(url, timeout=2)
    except httpx.HTTPError:
        return False
    return True


def _processes_of(uid: int, needle: str) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if os.stat(f"/proc/{entry}").st_uid != uid:
                continue
            if needle.encode() in Path(f"/proc/{entry}/cmdline").read_bytes():
                found.append(int(entry))
        except OSError:
            pass
    return found


def _job_state(cluster: SlurmCluster, job_id: str) -> str:
    return cluster.run("squeue", "-h", "-j", job_id, "-o", "%T", check=False).stdout.strip()


def test_cluster_has_an_idle_node_and_the_conf_in_the_environment(slurm_cluster: SlurmCluster) -> None:
    assert os.environ["SLURM_CONF"] == str(slurm_cluster.conf)
    assert slurm_cluster.env["SLURM_CONF"] == str(slurm_cluster.conf)
    assert slurm_cluster.node_state() in ("idle", "mix")
    conf = slurm_cluster.conf.read_text()
    assert "SlurmctldPort=6817\n" not in conf and "SlurmdPort=6818\n" not in conf


def test_os_user_job_serves_http_until_cancelled(
    slurm_cluster: SlurmCluster, os_user: OsUser, singleuser_env: SingleuserVenv
) -> None:
    port = free_port()
    script = f"#!/bin/bash\nexec {singleuser_env.python} -m http.server --bind 127.0.0.1 {port}\n"
    submitted = run_as(
        os_user,
        "sbatch",
        "--parsable",
        "--job-name=http",
        input=script,
        cwd=os_user.home,
        env=slurm_cluster.env,
    )
    assert submitted.returncode == 0, submitted.stderr
    job_id = submitted.stdout.strip().split(";")[0]
    assert slurm_cluster.job_ids(os_user.name) == [job_id]

    wait_for(lambda: _job_state(slurm_cluster, job_id) == "RUNNING", 60, message="the job to run")
    wait_for(lambda: _answers(f"http://127.0.0.1:{port}/"), 60, message="the job's server to answer")
    [pid] = _processes_of(os_user.uid, "http.server")

    cancelled = run_as(os_user, "scancel", job_id, env=slurm_cluster.env)
    assert cancelled.returncode == 0, cancelled.stderr
    wait_for(lambda: not slurm_cluster.job_ids(os_user.name), 60, message="squeue to forget the job")
    wait_for(
        lambda: not _processes_of(os_user.uid, "http.server"), 60, message=f"the server (pid {pid}) to end"
    )
    assert not _answers(f"http://127.0.0.1:{port}/")


def slurm_spawner_config(cluster: SlurmCluster, venv: SingleuserVenv) -> Config:
    """What SlurmSpawner needs on this machine (no sudo, no shared PATH)."""
    c = Config()
    # runuser is in /usr/sbin, which is not on the PATH the submission runs with
    c.SlurmSpawner.exec_prefix = f"{shutil.which('runuser')} -u {{username}} --"
    # sbatch, squeue and scancel run with get_env() only, and the job gets the same
    c.SlurmSpawner.env_keep = ["LANG", "SLURM_CONF"]
    c.SlurmSpawner.environment = {"PATH": f"{venv.bin}:/usr/local/bin:/usr/bin:/bin"}
    c.SlurmSpawner.batchspawner_singleuser_cmd = str(venv.batchspawner_singleuser)
    c.SlurmSpawner.cmd = [str(venv.jupyterhub_singleuser)]
    c.SlurmSpawner.req_partition = cluster.partition
    c.SlurmSpawner.req_runtime = "00:30:00"
    c.SlurmSpawner.startup_poll_interval = 0.2
    return c


async def test_slurm_spawner_starts_polls_and_stops_a_real_job(
    slurm_cluster: SlurmCluster, os_user: OsUser, singleuser_env: SingleuserVenv
) -> None:
    from batchspawner import SlurmSpawner

    with StandinHub() as hub:
        spawner = make_spawner(
            SlurmSpawner, os_user.name, hub, slurm_spawner_config(slurm_cluster, singleuser_env)
        )
        hub.register(spawner)
        started = time.monotonic()
        try:
            host, port = await asyncio.wait_for(spawner.start(), 120)
        except BaseException:
            logs = "\n".join(
                p.read_text(errors="replace") for p in os_user.home.glob("jupyterhub_slurmspawner_*.log")
            )
            pytest.fail(f"start() did not complete; job output:\n{logs}\n{slurm_cluster.logs()}")
        print(f"SlurmSpawner.start() took {time.monotonic() - started:.1f} s")
        job_id = spawner.job_id
        assert (host, port) == ("localhost", spawner.port) and port > 0
        # what the job's batchspawner-singleuser sent to the hub
        [post] = hub.posts
        assert post.authorization == f"token {spawner.api_token}"
        assert post.body == {"port": port}
        assert spawner.db.commits == 1
        assert spawner.get_state()["job_id"] == job_id
        assert slurm_cluster.job_ids(os_user.name) == [job_id]

        # the job's server answers on that port, as the account
        await asyncio.to_thread(
            wait_for,
            lambda: _answers(f"http://127.0.0.1:{port}/user/{os_user.name}/api"),
            60,
            message="the server",
        )
        status = httpx.get(f"http://127.0.0.1:{port}/user/{os_user.name}/api", timeout=5)
        assert status.status_code == 200 and "version" in status.json()
        assert _processes_of(os_user.uid, "jupyterhub-singleuser")

        assert await spawner.poll() is None
        await spawner.stop()
        assert await spawner.poll() == 1
        assert spawner.get_state() == {}
        await asyncio.to_thread(
            wait_for, lambda: not slurm_cluster.job_ids(os_user.name), 60, message="squeue to forget the job"
        )
        await asyncio.to_thread(
            wait_for,
            lambda: not _processes_of(os_user.uid, "jupyterhub-singleuser"),
            60,
            message="the server to end",
        )
        output = (os_user.home / f"jupyterhub_slurmspawner_{job_id}.log").read_text(errors="replace")
        # the batch script's trap saw scancel's SIGTERM; the server logged its start
        assert "SIGTERM received" in output
        assert f"http://0.0.0.0:{port}/user/{os_user.name}/" in output


def _wait_ready(api: httpx.Client, user: str, timeout: float = 150) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        server = api.get(f"/users/{user}").json()["servers"].get("")
        if server and server["ready"]:
            return dict(server)
        assert server is None or server["pending"] == "spawn", f"the start ended: {server}"
        time.sleep(0.2)
    raise AssertionError("the server was not ready in time")


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_slurm_spawner_through_the_hub_survives_a_hub_restart(
    slurm_cluster: SlurmCluster, os_user: OsUser, singleuser_env: SingleuserVenv, hub_process
) -> None:
    """SlurmSpawner, unchanged, hosted by the hub: the job reports its port to
    ``POST /hub/api/batchspawner``, the server answers through the proxy, a new hub
    process finds the job from the database, a job cancelled outside the hub is
    reported stopped and can be started again, and stopping cancels it."""
    name = os_user.name
    config = slurm_spawner_config(slurm_cluster, singleuser_env)
    extra = (
        "c.JupyterHub.spawner_class = 'batchspawner.SlurmSpawner'\n"
        "c.Spawner.start_timeout = 120\n"
        "c.Spawner.http_timeout = 60\n"
        "c.Spawner.poll_interval = 1\n"
        # the second hub process takes over the running job
        "c.JupyterHub.cleanup_servers = False\n" + config_lines(config)
    )
    hub = hub_process(extra)
    hub.start()
    hub.api.post(f"/users/{name}")
    token = hub.api.post(f"/users/{name}/tokens", json={}).json()["token"]
    r = hub.api.post(f"/users/{name}/server")
    assert r.status_code in (201, 202), r.text
    server = _wait_ready(hub.api, name)
    job_id = server["state"]["job_id"]
    assert slurm_cluster.job_ids(name) == [job_id]
    public = httpx.Client(base_url=hub.public_url, headers={"Authorization": f"token {token}"}, timeout=10)
    assert public.get(f"/user/{name}/api/status").status_code == 200

    hub.stop()
    assert slurm_cluster.job_ids(name) == [job_id], "the job outlives the hub process"
    again = hub_process(extra)
    again.start()
    server = again.api.get(f"/users/{name}").json()["servers"][""]
    assert server["ready"] is True and server["state"]["job_id"] == job_id
    time.sleep(2.5)  # a few polls (poll_interval 1): the job is found running, not forgotten
    assert again.api.get(f"/users/{name}").json()["servers"][""]["ready"] is True
    # the new hub process has its own proxy, and put the server's route back in it
    headers = {"Authorization": f"token {token}"}
    r = httpx.get(f"{again.public_url}/user/{name}/api/status", headers=headers, timeout=10)
    assert r.status_code == 200

    # an administrator cancels the job behind the hub's back: the hub's periodic poll
    # (squeue, through SlurmSpawner.poll) finds it gone, drops the route and the server
    slurm_cluster.run("scancel", job_id)
    wait_for(lambda: not slurm_cluster.job_ids(name), 60, message="squeue to forget the cancelled job")
    wait_for(
        lambda: again.api.get(f"/users/{name}").json()["servers"] == {},
        30,
        message="the hub to report the cancelled job's server stopped",
    )
    stopped = again.api.get(f"/users/{name}", params={"include_stopped_servers": "1"}).json()
    assert stopped["servers"][""]["ready"] is False and stopped["servers"][""]["pending"] is None
    assert stopped["servers"][""]["state"] == {}, "SlurmSpawner cleared its state when the job ended"
    assert f"/user/{name}/" not in again.api.get("/proxy").json()
    r = httpx.get(f"{again.public_url}/user/{name}/api/status", headers=headers, timeout=10)
    assert r.status_code != 200
    # and a new start submits a new job, which answers through the proxy
    r = again.api.post(f"/users/{name}/server")
    assert r.status_code in (201, 202), r.text
    server = _wait_ready(again.api, name)
    assert server["state"]["job_id"] != job_id
    job_id = server["state"]["job_id"]
    assert slurm_cluster.job_ids(name) == [job_id]
    r = httpx.get(f"{again.public_url}/user/{name}/api/status", headers=headers, timeout=10)
    assert r.status_code == 200

    assert again.api.delete(f"/users/{name}/server").status_code in (202, 204)
    wait_for(lambda: not slurm_cluster.job_ids(name), 60, message="squeue to forget the job")
    wait_for(
        lambda: again.api.get(f"/users/{name}").json()["servers"] == {},
        60,
        message="the hub to report it stopped",
    )
    assert f"/user/{name}/" not in again.api.get("/proxy").json()
    public.close()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_slurm_unreachable_is_a_clear_spawn_error(
    os_user: OsUser, singleuser_env: SingleuserVenv, hub_process, request
) -> None:
    """sbatch cannot reach a controller (its configuration names one that is
    down): the start fails with a clear message, and nothing is left behind."""
    name = os_user.name
    # where the user's sbatch can read it (the suite's own temporary folders are root's alone)
    down = Path(tempfile.mkdtemp(prefix="slurm-down-")) / "slurm.conf"
    down.parent.chmod(0o755)
    down.write_text(f"ClusterName=down\nSlurmctldHost=localhost(127.0.0.1)\nSlurmctldPort={free_port()}\n")
    down.chmod(0o644)
    request.addfinalizer(lambda: shutil.rmtree(down.parent, ignore_errors=True))
    environment = {"PATH": f"{singleuser_env.bin}:/usr/local/bin:/usr/bin:/bin", "SLURM_CONF": str(down)}
    hub = hub_process(
        "c.JupyterHub.spawner_class = 'batchspawner.SlurmSpawner'\n"
        "c.Spawner.poll_interval = 1\n"
        f"c.SlurmSpawner.exec_prefix = {shutil.which('runuser') + ' -u {username} --'!r}\n"
        "c.SlurmSpawner.env_keep = ['LANG']\n"
        f"c.SlurmSpawner.environment = {environment!r}\n"
        f"c.SlurmSpawner.cmd = [{str(singleuser_env.jupyterhub_singleuser)!r}]\n"
        "c.SlurmSpawner.start_timeout = 30\n"
    )
    hub.start()
    hub.api.post(f"/users/{name}")
    r = hub.api.post(f"/users/{name}/server")
    assert r.status_code == 500, r.text
    assert r.json()["message"] == (
        "Spawn failed: sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)"
    )
    assert hub.api.get(f"/users/{name}").json()["servers"] == {}
    assert f"/user/{name}/" not in hub.api.get("/proxy").json()
