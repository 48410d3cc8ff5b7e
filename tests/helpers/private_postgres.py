"""A PostgreSQL server of one test's own, which it may stop and start.

The suite's shared server (127.0.0.1:5432) serves every worker at once; a test
that takes its database away uses one of these instead: Debian's PostgreSQL
binaries, a data directory in /tmp, a free port, trust authentication, fsync
off. As root the server runs as the ``postgres`` account (PostgreSQL refuses
to run as root).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.conftest import free_port


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError(f"PostgreSQL's {name} is not installed (make postgres)")
    return found[-1]


class PrivatePostgres:
    def __init__(self) -> None:
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="hub-test-pg-"))
        self.data = self.dir / "data"
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self._as: list[str] = []
        if os.geteuid() == 0:
            account = pwd.getpwnam("postgres")
            os.chown(self.dir, account.pw_uid, account.pw_gid)
            self._as = ["runuser", "-u", "postgres", "--"]
        self._run(_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")

    def _run(self, *args: str) -> None:
        subprocess.run([*self._as, *args], check=True, capture_output=True, timeout=60)

    def _ctl(self, *args: str) -> None:
        self._run(_bin("pg_ctl"), "-D", str(self.data), "-w", "-t", "30", *args)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._ctl("-o", options, "-l", str(self.dir / "server.log"), "start")

    def stop(self, mode: str = "fast") -> None:
        """``fast`` ends every session (as a restart does); ``immediate`` is a crash."""
        self._ctl("-m", mode, "stop")

    def close(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # not running
            self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)
