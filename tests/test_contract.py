"""schemathesis against a running hub: every operation, all checks.

The run is bounded (``CONTRACT_EXAMPLES`` examples per operation, a fixed
seed) so that ``make test`` stays fast and repeatable; ``make fuzz`` runs the
same thing deeper with a random seed. Any finding fails the test, and the
report printed on failure gives the request that reproduces it.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path
from typing import IO

import pytest

from hub.app import SPEC_PATH

FUZZ_TOKEN = "contract-tests-token"
STANDIN = Path(__file__).parent / "helpers" / "standin_server.py"
CONFIG = Path(__file__).parent / "schemathesis.toml"
EXAMPLES = int(os.environ.get("CONTRACT_EXAMPLES", "8"))
SEED = os.environ.get("CONTRACT_SEED", "20261129")
#: concurrent schemathesis workers (make fuzz uses several, to race the hub's writes)
WORKERS = int(os.environ.get("CONTRACT_WORKERS", "1"))


def fuzz_config(c):
    # an admin service: the fuzzer can delete or demote any user, itself included
    c.JupyterHub.services = [{"name": "contract-tests", "api_token": FUZZ_TOKEN}]
    c.JupyterHub.load_roles = [{"name": "admin", "services": ["contract-tests"]}]
    c.JupyterHub.allow_named_servers = True
    c.Spawner.cmd = [sys.executable, str(STANDIN)]
    c.Spawner.http_timeout = 10


def schemathesis(base_url: str, tmp_path: Path, seed: str, out: IO[str]) -> subprocess.Popen[str]:
    st = str(Path(sys.executable).parent / "st")
    cmd = [st, "--config-file", str(CONFIG), "run", str(SPEC_PATH), "--url", base_url]
    cmd += ["--header", f"Authorization: token {FUZZ_TOKEN}"]
    cmd += ["--max-examples", str(EXAMPLES), "--generation-database", "none", "--no-color"]
    # a request that hangs is a finding, not a stuck build
    cmd += ["--request-timeout", "30"]
    if seed != "random":
        cmd += ["--seed", seed]
    cmd += ["--report", "junit", "--report-dir", str(tmp_path)]
    return subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, text=True, cwd=tmp_path)


def test_every_check_is_on():
    from schemathesis.checks import CHECKS, load_all_checks
    from schemathesis.config import SchemathesisConfig

    load_all_checks()
    checks = SchemathesisConfig.from_path(str(CONFIG)).projects.get_default().checks_config_for()
    names = [check.__name__ for check in CHECKS.get_all()]
    assert "use_after_free" in names and "ignored_auth" in names
    assert [name for name in names if not checks.get_by_name(name=name).enabled] == []


@pytest.mark.slow
def test_every_operation_conforms_to_the_spec(make_live_hub, tmp_path):
    api = make_live_hub(fuzz_config, exit_on_shutdown=False)
    # several workers are separate schemathesis processes on one hub, each with its
    # own seed, so that their writes race (its own --workers threads trip a
    # thread-safety bug of the AST module in Python 3.11)
    runs = []
    with contextlib.ExitStack() as outputs:
        for i in range(WORKERS):
            seed = SEED if SEED == "random" else str(int(SEED) + i)
            run_dir = tmp_path / f"run{i}"
            run_dir.mkdir()
            out = outputs.enter_context((run_dir / "output.txt").open("w"))
            runs.append((run_dir, schemathesis(f"{api.client.base_url}/hub/api", run_dir, seed, out)))
        for _, process in runs:
            process.wait(timeout=1200)
    failed = []
    for run_dir, process in runs:
        if process.returncode != 0:
            print((run_dir / "output.txt").read_text()[-20000:])
            failed.append(run_dir.name)
    assert failed == [], "schemathesis reported findings (see the captured output)"
