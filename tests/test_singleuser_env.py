"""The single-user venv and the throw-away OS accounts that spawners switching
users run servers with (tests/helpers/singleuser_env.py)."""

from __future__ import annotations

import os
import pwd
import stat

from tests.helpers.singleuser_env import OsUser, SingleuserVenv, create_os_user, remove_os_user, run_as


def test_venv_python_is_not_the_projects_own(singleuser_env: SingleuserVenv) -> None:
    # the project's interpreter is under /root, which other accounts cannot enter
    cfg = (singleuser_env.root / "pyvenv.cfg").read_text()
    assert "/root/" not in cfg
    mode = os.stat(singleuser_env.root).st_mode
    assert mode & stat.S_IROTH and mode & stat.S_IXOTH


def test_os_user_runs_the_venvs_singleuser(os_user: OsUser, singleuser_env: SingleuserVenv) -> None:
    assert pwd.getpwnam(os_user.name).pw_uid == os_user.uid
    assert os_user.home.is_dir() and os_user.home.stat().st_uid == os_user.uid
    result = run_as(os_user, str(singleuser_env.jupyterhub_singleuser), "--version", timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip(), "no version printed"
    identity = run_as(os_user, "id", "-un")
    assert identity.stdout.strip() == os_user.name


def test_os_user_can_import_batchspawner(os_user: OsUser, singleuser_env: SingleuserVenv) -> None:
    result = run_as(os_user, str(singleuser_env.python), "-c", "import batchspawner.singleuser, jupyterhub")
    assert result.returncode == 0, result.stderr


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_removing_an_account_takes_its_home_and_processes() -> None:
    user = create_os_user()
    sleeper = run_as(user, "sh", "-c", "sleep 300 >/dev/null 2>&1 & echo $!")
    pid = int(sleeper.stdout.strip())
    remove_os_user(user)
    assert not user.home.exists()
    assert not _running(pid)
    try:
        pwd.getpwnam(user.name)
    except KeyError:
        pass
    else:
        raise AssertionError(f"{user.name} still exists")
