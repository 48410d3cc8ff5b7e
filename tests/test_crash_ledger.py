"""The short crash run with a ledger (tests/reliability/): several hub
processes under eight clients' mixed writes, while processes are killed with
SIGKILL, the proxy is killed, and (on PostgreSQL) the database restarts.
Every acknowledged write is there at the end, none twice, the invariants
hold, and service is back within the goal after every fault.
``make reliability`` runs the long version (50 faults of each kind)."""

from __future__ import annotations

import pytest

from tests.reliability.chaos import DB_RESTART, HUB_KILL, PROXY_KILL, RECOVERY_GOAL, run

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    "database",
    ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def test_acknowledged_writes_survive_crashes_of_every_part(tmp_path, database):
    faults = {HUB_KILL: 2, PROXY_KILL: 1}
    if database == "postgres":
        faults[DB_RESTART] = 1
    report = run(tmp_path, database, faults)
    summary = report.summary()
    assert summary["wrong"] == [], summary
    assert summary["5xx_but_503"] == 0, summary["answers"]
    assert summary["acknowledged_writes"] > 50, summary
    assert {kind: f["count"] for kind, f in summary["faults"].items()} == faults
    # the system served again soon after each fault (the figures for many faults are
    # make reliability's; a loaded test machine gets a margin here)
    for kind, figures in summary["faults"].items():
        assert figures["recovery_max_s"] < 3 * RECOVERY_GOAL, (kind, figures)
    if database == "postgres":
        assert summary["answers"].get("503", 0) > 0, "the restarts were met by requests"
