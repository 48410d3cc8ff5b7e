"""A one-node Slurm cluster on this machine, for tests of batch spawners.

:func:`slurm_cluster` (a session fixture) starts ``munged``, ``slurmctld``
and ``slurmd`` in the foreground as root's children (``munged`` as the
``munge`` account, ``slurmctld`` dropping to ``slurm``), with everything they
write (key, socket, state, spool, logs, ``slurm.conf``) under
``/tmp/hub-test-slurm/cluster`` (``HUB_TEST_SLURM_DIR`` moves it), on free
ports, and waits until ``sinfo`` reports the node ``localhost`` idle in the
default partition ``debug``. The Slurm commands find the cluster through
``SLURM_CONF``, which the fixture sets in ``os.environ`` for the session
(so hub processes and spawners started by tests inherit it) and also
returns in :attr:`SlurmCluster.env`.

One cluster per machine, shared: under pytest-xdist the first worker that
asks starts it and the others join it; the last one to leave stops it.
Two ``fcntl`` locks make that safe without a counter that a crash could
leave wrong:

* ``setup.lock``, held exclusively while a worker starts, joins or leaves;
* ``users.lock``, held *shared* by every worker using the cluster for as
  long as it does. A worker that can take it exclusively is alone: when
  joining, whatever Slurm or munge daemons are found are left over from a
  crashed run and are killed (by their pid files, then by any process whose
  command line or environment names this cluster's directory) before a
  fresh start; when leaving, it cancels every job and stops the daemons.

The kernel drops both locks when a worker dies, so a killed run never
blocks the next one. Jobs of different workers share the node: the
partition oversubscribes its CPUs (``OverSubscribe=FORCE:8``) and memory is
not a consumable resource, so a test's job does not wait for another's.

Running batchspawner's ``SlurmSpawner`` against this cluster (see
tests/test_slurm.py, which does it with a stand-in for the one hub
endpoint it needs) takes this configuration::

    c.SlurmSpawner.exec_prefix = "runuser -u {username} --"   # no sudo here
    c.SlurmSpawner.env_keep = [..., "SLURM_CONF"]   # sbatch/squeue/scancel run with get_env() only
    c.SlurmSpawner.batchspawner_singleuser_cmd = "<venv>/bin/batchspawner-singleuser"
    c.SlurmSpawner.cmd = ["<venv>/bin/jupyterhub-singleuser"]
    c.SlurmSpawner.req_partition = "debug"
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pwd
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pytest

from tests.helpers.processes import running

ROOT = Path(os.environ.get("HUB_TEST_SLURM_DIR", "/tmp/hub-test-slurm"))
DAEMONS = ("munged", "slurmctld", "slurmd")
COMMANDS = ("munge", "unmunge", "sinfo", "sbatch", "squeue", "scancel")
NODE = "localhost"
PARTITION = "debug"
START_TIMEOUT = 60.0


class SlurmError(RuntimeError):
    """The cluster did not start or answer; the message ends with its logs."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class SlurmCluster:
    """A running cluster: where its files are and how to reach it."""

    dir: Path
    hostname: str
    node: str = NODE
    partition: str = PARTITION
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def conf(self) -> Path:
        return self.dir / "slurm.conf"

    @property
    def munge_socket(self) -> Path:
        return self.dir / "munge" / "munge.socket"

    @property
    def log_dir(self) -> Path:
        return self.dir / "log"

    @property
    def env(self) -> dict[str, str]:
        """``os.environ`` plus ``SLURM_CONF``: the environment for Slurm commands."""
        return {**os.environ, "SLURM_CONF": str(self.conf)}

    def run(self, *command: str, check: bool = True, timeout: float = 30) -> subprocess.CompletedProcess[str]:
        """Run a Slurm command (as root) against this cluster."""
        return subprocess.run(
            command, env=self.env, capture_output=True, text=True, check=check, timeout=timeout, cwd="/"
        )

    def job_ids(self, user: str | None = None) -> list[str]:
        """The ids of the jobs ``squeue`` lists (all users', or one user's)."""
        command = ["squeue", "-h", "-o", "%i"] + (["-u", user] if user else [])
        return self.run(*command).stdout.split()

    def node_state(self) -> str:
        result = self.run("sinfo", "-h", "-N", "-n", self.node, "-o", "%t", check=False, timeout=10)
        return result.stdout.strip() if result.returncode == 0 else ""

    def logs(self, lines: int = 30) -> str:
        parts = []
        for path in sorted(self.log_dir.glob("*.log")) + sorted((self.dir / "munge").glob("*.log")):
            try:
                tail = path.read_text(errors="replace").splitlines()[-lines:]
            except OSError:
                continue
            parts.append(f"--- {path.name}\n" + "\n".join(tail))
        return "\n".join(parts)


def missing_programs() -> list[str]:
    return [name for name in DAEMONS + COMMANDS + ("setpriv",) if shutil.which(name) is None]


def _slurmd_hardware() -> tuple[int, int]:
    """CPUs and RealMemory (MB) as ``slurmd -C`` finds them."""
    out = subprocess.run(["slurmd", "-C"], capture_output=True, text=True, check=True).stdout
    fields = dict(item.split("=", 1) for item in out.split() if "=" in item)
    return int(fields["CPUs"]), int(fields["RealMemory"])


def slurm_conf(cluster: SlurmCluster, ctld_port: int, slurmd_port: int, cpus: int, memory: int) -> str:
    d = cluster.dir
    return f"""\
ClusterName=hubtest
SlurmctldHost={cluster.hostname}(127.0.0.1)
SlurmctldPort={ctld_port}
SlurmdPort={slurmd_port}
SlurmUser=slurm
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={cluster.munge_socket}
StateSaveLocation={d}/state
SlurmdSpoolDir={d}/spool
SlurmctldPidFile={d}/run/slurmctld.pid
SlurmdPidFile={d}/run/slurmd.pid
SlurmctldLogFile={d}/log/slurmctld.log
SlurmdLogFile={d}/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
PropagateResourceLimits=NONE
MailProg=/bin/true
KillWait=2
MinJobAge=10
InactiveLimit=0
SlurmdTimeout=300
NodeName={cluster.node} NodeHostname={cluster.hostname} NodeAddr=127.0.0.1 CPUs={cpus} RealMemory={memory} State=UNKNOWN
PartitionName={cluster.partition} Nodes=ALL Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:8
"""


# --- processes -------------------------------------------------------------


def _pids_naming(path: Path) -> list[int]:
    """Processes whose command line or environment mentions ``path``: this
    cluster's daemons, and the job steps and jobs they started."""
    needle = str(path).encode()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        for part in ("cmdline", "environ"):
            try:
                if needle in Path(f"/proc/{entry}/{part}").read_bytes():
                    found.append(int(entry))
                    break
            except OSError:
                pass
    return found


def _pid_files(cluster_dir: Path) -> list[int]:
    pids = []
    for path in [*(cluster_dir / "run").glob("*.pid"), cluster_dir / "munge" / "munged.pid"]:
        with contextlib.suppress(OSError, ValueError, IndexError):
            pids.append(int(path.read_text().split()[0]))
    return pids


def _terminate(pids: Sequence[int], grace: float = 10.0) -> None:
    """SIGTERM, then SIGKILL after ``grace`` seconds for those still running."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        living = [pid for pid in pids if running(pid)]
        for pid in living:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        deadline = time.monotonic() + wait
        while any(running(pid) for pid in living) and time.monotonic() < deadline:
            time.sleep(0.05)


def kill_leftovers(cluster_dir: Path) -> None:
    """Stop whatever an earlier run of this cluster left running."""
    _terminate(_pid_files(cluster_dir))
    _terminate(_pids_naming(cluster_dir), grace=3.0)


def _spawn(cluster: SlurmCluster, name: str, command: list[str]) -> None:
    with open(cluster.log_dir / f"{name}.out", "ab") as log:
        cluster.processes[name] = subprocess.Popen(
            command,
            env=cluster.env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd="/",
            # its own session: the daemons outlive this worker if another still uses them
            start_new_session=True,
        )


def _wait(cluster: SlurmCluster, what: str, ready: object, timeout: float = START_TIMEOUT) -> None:
    assert callable(ready)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        for name, process in cluster.processes.items():
            if process.poll() is not None:
                raise SlurmError(f"{name} exited ({process.returncode}) before {what}\n{cluster.logs()}")
        time.sleep(0.1)
    raise SlurmError(f"timed out after {timeout:.0f} s waiting for {what}\n{cluster.logs()}")


def _owned(path: Path, account: str, mode: int = 0o755) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    entry = pwd.getpwnam(account)
    os.chown(path, entry.pw_uid, entry.pw_gid)
    os.chmod(path, mode)
    return path


def _start_munge(cluster: SlurmCluster) -> None:
    munge_dir = _owned(cluster.dir / "munge", "munge")
    key = munge_dir / "munge.key"
    key.write_bytes(os.urandom(1024))
    entry = pwd.getpwnam("munge")
    os.chown(key, entry.pw_uid, entry.pw_gid)
    os.chmod(key, 0o400)
    command = ["setpriv", "--reuid", "munge", "--regid", "munge", "--init-groups", "munged", "--foreground"]
    command += [f"--socket={cluster.munge_socket}", f"--key-file={key}", f"--pid-file={munge_dir}/munged.pid"]
    command += [f"--seed-file={munge_dir}/munged.seed", f"--log-file={munge_dir}/munged.log"]
    _spawn(cluster, "munged", command)
    _wait(cluster, "munged's socket", cluster.munge_socket.exists, timeout=15)
    credential = subprocess.run(
        ["munge", "-n", f"--socket={cluster.munge_socket}"], capture_output=True, check=True, timeout=10
    ).stdout
    decoded = subprocess.run(
        ["unmunge", f"--socket={cluster.munge_socket}"], input=credential, capture_output=True, timeout=10
    )
    if decoded.returncode != 0:
        raise SlurmError(f"munge -n | unmunge failed: {decoded.stderr.decode()}\n{cluster.logs()}")


def start_cluster(cluster_dir: Path = ROOT / "cluster") -> SlurmCluster:
    """Start munged, slurmctld and slurmd afresh in ``cluster_dir`` (emptied first)."""
    kill_leftovers(cluster_dir)
    shutil.rmtree(cluster_dir, ignore_errors=True)
    cluster_dir.mkdir(parents=True)
    os.chmod(cluster_dir, 0o755)
    cluster = SlurmCluster(dir=cluster_dir, hostname=socket.gethostname().split(".")[0])
    for name in ("state", "spool", "log", "run"):
        _owned(cluster_dir / name, "slurm")
    try:
        _start_munge(cluster)
        cpus, memory = _slurmd_hardware()
        cluster.conf.write_text(slurm_conf(cluster, free_port(), free_port(), cpus, memory))
        os.chmod(cluster.conf, 0o644)
        _spawn(cluster, "slurmctld", ["slurmctld", "-D", "-i", "-f", str(cluster.conf)])
        _spawn(cluster, "slurmd", ["slurmd", "-D", "-N", cluster.node, "-f", str(cluster.conf)])
        _wait(cluster, f"sinfo to show {cluster.node} idle", lambda: cluster.node_state() == "idle")
    except BaseException:
        stop_cluster(cluster)
        raise
    return cluster


def stop_cluster(cluster: SlurmCluster) -> None:
    """Cancel every job, stop the daemons (started by this process or
    another), and remove the cluster's files."""
    if cluster.conf.exists() and cluster.node_state():
        cluster.run("scancel", "--partition", cluster.partition, check=False, timeout=15)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            ids = cluster.run("squeue", "-h", "-o", "%i", check=False, timeout=10)
            if ids.returncode != 0 or not ids.stdout.strip():
                break
            time.sleep(0.2)
    pids = [p.pid for p in cluster.processes.values()] + _pid_files(cluster.dir)
    # slurmd first (it ends the job steps), the controller, then munge that both use
    order = {name: i for i, name in enumerate(("slurmd", "slurmctld", "munged"))}
    for name in sorted(cluster.processes, key=lambda n: order.get(n, 0)):
        _terminate([cluster.processes[name].pid])
    _terminate(pids)
    for process in cluster.processes.values():
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=1)
    _terminate(_pids_naming(cluster.dir), grace=3.0)
    shutil.rmtree(cluster.dir, ignore_errors=True)


# --- sharing one cluster between test processes ------------------------------

_STILL_RUNNING: list[subprocess.Popen[bytes]] = []


class SharedCluster:
    """This process's membership in the machine's one test cluster."""

    def __init__(self, root: Path = ROOT) -> None:
        self.root = root
        self.cluster_dir = root / "cluster"
        self._users: IO[str] | None = None
        self.cluster: SlurmCluster | None = None

    @contextlib.contextmanager
    def _setup_lock(self) -> Iterator[None]:
        with open(self.root / "setup.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    def join(self) -> SlurmCluster:
        self.root.mkdir(parents=True, exist_ok=True)
        os.chmod(self.root, 0o755)
        with self._setup_lock():
            # held (shared) until leave(): open for as long as this process uses the cluster
            users = open(self.root / "users.lock", "w")  # noqa: SIM115
            try:
                fcntl.flock(users, fcntl.LOCK_EX | fcntl.LOCK_NB)
                alone = True
            except BlockingIOError:
                alone = False
            if alone:
                try:
                    self.cluster = start_cluster(self.cluster_dir)
                except BaseException:
                    users.close()
                    raise
                fcntl.flock(users, fcntl.LOCK_SH)
            else:
                fcntl.flock(users, fcntl.LOCK_SH)
                self.cluster = self._running()
            self._users = users
        return self.cluster

    def _running(self) -> SlurmCluster:
        """The cluster another process started (and still uses)."""
        cluster = SlurmCluster(dir=self.cluster_dir, hostname=socket.gethostname().split(".")[0])
        if not cluster.conf.exists() or cluster.node_state() not in ("idle", "mix", "alloc"):
            raise SlurmError(
                f"the shared Slurm cluster in {self.cluster_dir} does not answer\n{cluster.logs()}"
            )
        return cluster

    def leave(self) -> None:
        if self._users is None:
            return
        with self._setup_lock():
            try:
                fcntl.flock(self._users, fcntl.LOCK_EX | fcntl.LOCK_NB)
                last = True
            except BlockingIOError:
                last = False
            if last and self.cluster is not None:
                stop_cluster(self.cluster)
            elif self.cluster is not None:
                # daemons this process started, still used by another: they outlive it
                # (their own session); kept referenced so that no Popen is collected
                # while they run, which warns (and fails a test under -W error)
                _STILL_RUNNING.extend(self.cluster.processes.values())
            self._users.close()
            self._users = None


@pytest.fixture(scope="session")
def slurm_cluster() -> Iterator[SlurmCluster]:
    """The machine's test Slurm cluster, with ``SLURM_CONF`` in ``os.environ``."""
    if os.geteuid() != 0:
        pytest.skip("the Slurm cluster needs root (munged, slurmd and runuser)")
    missing = missing_programs()
    if missing:
        pytest.skip(f"Slurm is not installed (missing {', '.join(missing)}): run `make system-tools`")
    membership = SharedCluster()
    cluster = membership.join()
    previous = os.environ.get("SLURM_CONF")
    os.environ["SLURM_CONF"] = str(cluster.conf)
    try:
        yield cluster
    finally:
        if previous is None:
            os.environ.pop("SLURM_CONF", None)
        else:
            os.environ["SLURM_CONF"] = previous
        membership.leave()
