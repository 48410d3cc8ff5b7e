"""The ``hub`` command, run as a real process."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from hub.db.engine import head_revision

HUB = [sys.executable, "-m", "hub.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_config(path: Path, db_url: str, port: int, extra: str = "") -> Path:
    path.write_text(
        f"c.JupyterHub.db_url = {db_url!r}\n"
        f"c.JupyterHub.hub_ip = '127.0.0.1'\n"
        f"c.JupyterHub.hub_port = {port}\n"
        f"c.JupyterHub.bind_url = 'http://127.0.0.1:{free_port()}'\n"
        f"c.ConfigurableHTTPProxy.api_url = 'http://127.0.0.1:{free_port()}'\n"
        "c.Authenticator.admin_users = {'admin'}\n" + extra
    )
    return path


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*HUB, *args], cwd=cwd, capture_output=True, text=True, timeout=60)


def wait_up(url: str, proc: subprocess.Popen[bytes]) -> None:
    for _ in range(200):
        if proc.poll() is not None:
            raise AssertionError("hub exited early")
        try:
            requests.get(url, timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.05)
    raise AssertionError("hub did not come up")


@pytest.mark.slow
def test_token_command_then_seed_example_against_a_real_server(tmp_path, db_url):
    port = free_port()
    config = write_config(tmp_path / "jupyterhub_config.py", db_url, port)
    created = run("-f", str(config), "token", "admin", cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    assert len(token) == 32

    missing = run("-f", str(config), "token", "nobody", cwd=tmp_path)
    assert missing.returncode == 1 and "No such user: nobody" in missing.stderr

    proc = subprocess.Popen([*HUB, "-f", str(config)], cwd=tmp_path, env={**os.environ})
    try:
        base = f"http://127.0.0.1:{port}/hub/api"
        wait_up(base + "/", proc)
        # the example from the README, verbatim but for the port
        r = requests.get(base + "/users", headers={"Authorization": "token %s" % token})  # noqa: UP031
        assert r.status_code == 200
        assert [u["name"] for u in r.json()] == ["admin"]
        assert (
            requests.get(base + "/user", headers={"Authorization": f"Bearer {token}"}).json()["name"]
            == "admin"
        )
        assert r.headers["content-type"].startswith("application/json")
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    if db_url.startswith("sqlite"):
        db_file = Path(db_url.removeprefix("sqlite:///"))
        assert token.encode() not in db_file.read_bytes()


@pytest.mark.slow
def test_config_token_in_default_config_file(tmp_path, db_url):
    port = free_port()
    write_config(
        tmp_path / "jupyterhub_config.py",
        db_url,
        port,
        "c.JupyterHub.api_tokens = {'secret-token': 'alice'}\n",
    )
    proc = subprocess.Popen(HUB, cwd=tmp_path)  # ./jupyterhub_config.py is read without -f
    try:
        base = f"http://127.0.0.1:{port}/hub/api"
        wait_up(base + "/", proc)
        r = requests.get(base + "/user", headers={"Authorization": "token secret-token"})
        assert r.status_code == 200 and r.json()["name"] == "alice"
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_upgrade_db_command(tmp_path, db_url):
    config = write_config(tmp_path / "c.py", db_url, free_port())
    result = run("-f", str(config), "upgrade-db", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith(f"-> {head_revision()}")


def test_generate_config_documents_every_option(tmp_path):
    out = tmp_path / "generated.py"
    result = run("generate-config", "-o", str(out), cwd=tmp_path)
    assert result.returncode == 0
    text = out.read_text()
    for key in (
        "c.JupyterHub.api_tokens",
        "c.JupyterHub.load_roles",
        "c.Authenticator.admin_users",
        "c.Spawner.cmd",
    ):
        assert key in text
    assert run("generate-config", "-o", str(out), cwd=tmp_path).returncode == 1  # no overwrite


def test_missing_config_file_is_an_error(tmp_path):
    result = run("-f", "nope.py", "upgrade-db", cwd=tmp_path)
    assert result.returncode == 1 and "not found" in result.stderr
