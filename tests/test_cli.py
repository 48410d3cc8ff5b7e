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


def test_the_command_line_speaks_jupyterhubs_options_and_key_overrides():
    from hub.cli import _parser, command_line_config, split_overrides

    argv = [
        "-f",
        "c.py",
        "--JupyterHub.hub_port=8082",
        "--ip",
        "0.0.0.0",
        "--KubeSpawner.image",
        "x:1",
        "--debug",
    ]
    rest, overrides = split_overrides(argv)
    assert rest == ["-f", "c.py", "--ip", "0.0.0.0", "--debug"]
    assert overrides == ["--JupyterHub.hub_port=8082", "--KubeSpawner.image=x:1"]
    args = _parser().parse_args(rest)
    config = command_line_config(args, overrides)
    assert config.JupyterHub.ip == "0.0.0.0"
    assert str(config.JupyterHub.hub_port) == "8082" and str(config.KubeSpawner.image) == "x:1"


def test_overrides_win_over_the_file_and_take_the_keys_types(tmp_path):
    from hub.cli import _parser, command_line_config, split_overrides
    from hub.config import JupyterHub, load_config

    path = write_config(tmp_path / "c.py", "sqlite://", 8081, "c.JupyterHub.allow_named_servers = False\n")
    rest, overrides = split_overrides(
        ["--JupyterHub.hub_port=8093", "--JupyterHub.allow_named_servers=True", "--port", "9001"]
    )
    config = load_config(str(path), command_line_config(_parser().parse_args(rest), overrides))
    settings = JupyterHub(config=config)
    assert settings.hub_port == 8093 and settings.allow_named_servers is True
    assert settings.bind_url.endswith(":9001")
    # the hub's own reading of the spawner's class sees a value, not a string to parse later
    assert config.JupyterHub.allow_named_servers is True


def test_a_bad_override_is_a_configuration_error_and_an_unknown_key_warns(tmp_path):
    config = write_config(tmp_path / "c.py", f"sqlite:///{tmp_path}/hub.sqlite", free_port())
    bad = run("-f", str(config), "--JupyterHub.hub_port=many", "upgrade-db", cwd=tmp_path)
    assert bad.returncode == 1 and "configuration error: --JupyterHub.hub_port:" in bad.stderr
    unknown = run("-f", str(config), "--JupyterHub.no_such_key=1", "upgrade-db", cwd=tmp_path)
    assert unknown.returncode == 0
    assert "Config option JupyterHub.no_such_key is not recognized" in unknown.stderr


@pytest.mark.slow
def test_two_hubs_from_one_file_each_with_its_port_and_log_level(tmp_path):
    """One configuration file, the port of each process on its command line."""
    config = write_config(tmp_path / "jupyterhub_config.py", f"sqlite:///{tmp_path}/hub.sqlite", 1)
    config.write_text(config.read_text() + "c.JupyterHub.log_level = 'WARN'\n")
    assert run("-f", str(config), "upgrade-db", cwd=tmp_path).returncode == 0

    def serve_once(*options: str) -> str:
        port = free_port()
        log = tmp_path / f"hub-{port}.log"
        with log.open("w") as out:
            args = [*HUB, "-f", str(config), *options[:-1], options[-1].format(port=port)]
            proc = subprocess.Popen([*args, "--port", str(free_port())], cwd=tmp_path, stderr=out)
            try:
                wait_up(f"http://127.0.0.1:{port}/hub/api/", proc)
                requests.get(f"http://127.0.0.1:{port}/hub/api/")
            finally:
                proc.terminate()
                proc.wait(timeout=20)
        return log.read_text()

    # the file's log_level: no access log at INFO
    assert "GET /hub/api/" not in serve_once("--JupyterHub.hub_port={port}")
    # --debug wins over it (and the override's value may follow as the next argument)
    assert "200 GET /hub/api/ (127.0.0.1)" in serve_once("--debug", "--JupyterHub.hub_port", "{port}")
