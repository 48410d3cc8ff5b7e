"""The long crash run: ``python -m tests.reliability --db sqlite --faults 50``.

Prints the run's figures as JSON (and writes them to ``--out``); exits 1 when
anything acknowledged was lost, a check failed, or a fault left the system
without service for longer than the goal.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from tests.reliability.chaos import DB_RESTART, HUB_KILL, PROXY_KILL, RECOVERY_GOAL, run


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.reliability", description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--faults", type=int, default=50, help="faults of each kind (default 50)")
    parser.add_argument("--processes", type=int, default=3)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, help="write the figures here as JSON too")
    parser.add_argument("--dir", type=Path, help="run here and keep the logs (default: a temporary folder)")
    args = parser.parse_args()

    kinds = [HUB_KILL, PROXY_KILL] + ([DB_RESTART] if args.db == "postgres" else [])
    with tempfile.TemporaryDirectory(prefix="hub-chaos-") as temporary:
        directory = args.dir or Path(temporary)
        directory.mkdir(parents=True, exist_ok=True)
        report = run(
            directory,
            args.db,
            {kind: args.faults for kind in kinds},
            processes=args.processes,
            clients=args.clients,
            seed=args.seed,
        )
    summary = report.summary()
    text = json.dumps(summary, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")
    late = sum(kind["over_goal"] for kind in summary["faults"].values())
    failed = bool(summary["wrong"]) or summary["5xx_but_503"] or late
    if late:
        print(f"{late} faults left the system without service for over {RECOVERY_GOAL} s", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
