"""Single-user servers that other OS accounts can run, and those accounts.

Spawners that switch users (batchspawner's jobs, sudo, systemd units) run
``jupyterhub-singleuser`` as the user's own account, which cannot read the
project's interpreter (it lives under ``/root/.pyenv``) nor its ``.venv``.
:func:`singleuser_venv` builds, once per machine, a virtualenv from the
system's ``/usr/bin/python3`` in a world-readable directory and returns the
commands in it; :func:`create_os_user` makes a throw-away account
(``useradd -m``) that :func:`remove_os_user` deletes with its home.

The virtualenv is cached in ``/tmp/hub-test-singleuser-venv/<key>``
(``HUB_TEST_SINGLEUSER_VENV_ROOT`` moves it), the key naming the packages
and the interpreter, so a later run, or the second pytest-xdist worker,
finds it built. An ``fcntl`` lock on ``<root>/.lock`` makes the worker that
comes second wait for the first instead of building it twice; the file
``.complete`` is written last, so a build killed half-way is redone.

Both need root (``useradd``, ``runuser``); callers skip otherwise.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

#: what the servers need: JupyterHub's single-user entry point on jupyter-server,
#: and batchspawner's wrapper that reports the port its job picked
PACKAGES = ("jupyterhub==6.1.1", "jupyter-server", "batchspawner==1.3.0")
VENV_ROOT = Path(os.environ.get("HUB_TEST_SINGLEUSER_VENV_ROOT", "/tmp/hub-test-singleuser-venv"))
#: interpreters another account can usually execute, best first
PYTHON_CANDIDATES = ("/usr/bin/python3", "/usr/local/bin/python3")
WHEELS = Path("/opt/wheels")
USER_PREFIX = "hubt-"


@dataclass(frozen=True)
class SingleuserVenv:
    root: Path
    python: Path
    jupyterhub_singleuser: Path
    batchspawner_singleuser: Path

    @property
    def bin(self) -> Path:
        return self.root / "bin"


@dataclass(frozen=True)
class OsUser:
    name: str
    uid: int
    gid: int
    home: Path


def require_root() -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root: creates OS accounts and runs commands as them")


def _runs_as_nobody(python: str) -> bool:
    """Whether an account without privileges can execute ``python``."""
    if not os.access(python, os.X_OK) or shutil.which("runuser") is None:
        return False
    result = subprocess.run(
        ["runuser", "-u", "nobody", "--", python, "-c", "import venv, ensurepip"],
        capture_output=True,
        cwd="/",
    )
    return result.returncode == 0


def world_usable_python() -> str:
    """A ``python3`` that accounts other than root can run and make venvs with."""
    for candidate in PYTHON_CANDIDATES:
        if _runs_as_nobody(candidate):
            return candidate
    pytest.skip(f"no python3 with venv and ensurepip that other accounts can run (tried {PYTHON_CANDIDATES})")


def _python_version(python: str) -> str:
    out = subprocess.run(
        [python, "-c", "import sys; print(sys.version)"], capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


def venv_key(python: str) -> str:
    digest = hashlib.sha256("\n".join([python, _python_version(python), *PACKAGES]).encode()).hexdigest()
    return digest[:16]


def _venv_paths(root: Path) -> SingleuserVenv:
    return SingleuserVenv(
        root=root,
        python=root / "bin" / "python",
        jupyterhub_singleuser=root / "bin" / "jupyterhub-singleuser",
        batchspawner_singleuser=root / "bin" / "batchspawner-singleuser",
    )


def _make_world_readable(path: Path) -> None:
    """``chmod -R a+rX``: every file readable, every directory and executable
    enterable, by everyone (the owner is root, so nobody else can write)."""
    for directory, _subdirs, filenames in os.walk(path):
        os.chmod(directory, os.stat(directory).st_mode | 0o555)
        for name in filenames:
            file = os.path.join(directory, name)
            if os.path.islink(file):
                continue
            mode = os.stat(file).st_mode
            os.chmod(file, mode | 0o444 | (0o111 if mode & 0o100 else 0))


def _build(target: Path, python: str) -> None:
    subprocess.run([python, "-m", "venv", str(target)], check=True, capture_output=True)
    pip = [str(target / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    if WHEELS.is_dir():
        pip += ["--find-links", str(WHEELS)]
    result = subprocess.run([*pip, *PACKAGES], capture_output=True, text=True)
    if result.returncode != 0:
        shutil.rmtree(target, ignore_errors=True)
        raise RuntimeError(f"pip install {' '.join(PACKAGES)} failed:\n{result.stderr[-3000:]}")
    _make_world_readable(target)


def singleuser_venv(root: Path = VENV_ROOT) -> SingleuserVenv:
    """The world-readable single-user virtualenv, built on first use (minutes),
    then found in the cache (milliseconds)."""
    python = world_usable_python()
    root.mkdir(parents=True, exist_ok=True)
    os.chmod(root, 0o755)
    target = root / venv_key(python)
    complete = target / ".complete"
    with open(root / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not complete.exists():
            shutil.rmtree(target, ignore_errors=True)
            _build(target, python)
            complete.write_text("\n".join(PACKAGES) + "\n")
            os.chmod(complete, 0o644)
    venv = _venv_paths(target)
    for path in (venv.python, venv.jupyterhub_singleuser, venv.batchspawner_singleuser):
        assert path.exists(), f"{path} missing from the single-user venv"
    return venv


def create_os_user(prefix: str = USER_PREFIX) -> OsUser:
    """A new OS account with a home directory, under a name no other test uses."""
    require_root()
    name = f"{prefix}{secrets.token_hex(4)}"
    subprocess.run(["useradd", "-m", "-s", "/bin/bash", name], check=True, capture_output=True)
    entry = pwd.getpwnam(name)
    return OsUser(name=name, uid=entry.pw_uid, gid=entry.pw_gid, home=Path(entry.pw_dir))


def _pids_of(uid: int) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    pids.append(int(entry))
            except FileNotFoundError:
                pass
    return pids


def remove_os_user(user: OsUser) -> None:
    """Delete the account and its home; processes still running as it (a
    server a test left behind) are killed first, or ``userdel`` refuses."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in _pids_of(user.uid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        deadline = time.monotonic() + 5
        while _pids_of(user.uid) and time.monotonic() < deadline:
            time.sleep(0.05)
    subprocess.run(["userdel", "-r", user.name], capture_output=True)


def run_as(user: OsUser | str, *command: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """Run ``command`` as ``user`` (``runuser -u NAME --``), capturing text output."""
    name = user.name if isinstance(user, OsUser) else user
    kwargs.setdefault("capture_output", True)
    kwargs.setdefault("text", True)
    kwargs.setdefault("cwd", "/")
    return subprocess.run(["runuser", "-u", name, "--", *command], **kwargs)  # type: ignore[call-overload, no-any-return]


@pytest.fixture(scope="session")
def singleuser_env() -> SingleuserVenv:
    """The world-readable venv with ``jupyterhub-singleuser`` and ``batchspawner-singleuser``."""
    require_root()
    return singleuser_venv()


@pytest.fixture
def os_user() -> Iterator[OsUser]:
    """A real OS account for one test, removed (with its home) afterwards."""
    user = create_os_user()
    try:
        yield user
    finally:
        remove_os_user(user)
