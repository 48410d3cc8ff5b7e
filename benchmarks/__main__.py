"""``python -m benchmarks``: run the harness against one hub.

    python -m benchmarks --url http://127.0.0.1:8081/hub/api --token TOKEN

Several hub processes on one PostgreSQL database (throughput with 1, 2 and 3
processes, and the takeover of a dead process's start), see
``benchmarks/several_processes.py``::

    python -m benchmarks processes --duration 10 --processes 1,2,3

The first and the last page of ``GET /users`` at 1,000 and 100,000 users
(``benchmarks/pagination.py``)::

    python -m benchmarks pagination --users 1000,100000

How soon 100 change-stream subscribers receive a change
(``benchmarks/event_stream.py``)::

    python -m benchmarks events --subscribers 100 --changes 50

The hostile corpus (tests/hostile/) sent to this hub and to JupyterHub 6.1.1
(``benchmarks/hostile.py``)::

    python -m benchmarks hostile --db sqlite

One hub process killed with SIGKILL under eight clients' writes, this hub and
JupyterHub 6.1.1 (``benchmarks/crash.py``)::

    python -m benchmarks crash --kills 20

To compare this hub with JupyterHub side by side, see ``benchmarks/side_by_side.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from benchmarks.harness import Bench, report


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["processes"]:
        from benchmarks import several_processes

        several_processes.main(argv[1:])
        return
    if argv[:1] == ["events"]:
        from benchmarks import event_stream

        event_stream.main(argv[1:])
        return
    if argv[:1] == ["pagination"]:
        from benchmarks import pagination

        pagination.main(argv[1:])
        return
    if argv[:1] == ["hostile"]:
        from benchmarks import hostile

        hostile.main(argv[1:])
        return
    if argv[:1] == ["crash"]:
        from benchmarks import crash

        crash.main(argv[1:])
        return
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--url", required=True, help="the hub's API URL, e.g. http://127.0.0.1:8081/hub/api")
    parser.add_argument(
        "--token", required=True, help="an admin token (ideally from the hub's configuration)"
    )
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=2000, help="requests per concurrent phase")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--prefix", default="bench-", help="prefix of the user names created")
    parser.add_argument(
        "--servers", type=int, default=0, help="also start and stop this many servers at once"
    )
    parser.add_argument("--label", default="hub")
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args(argv)
    bench = Bench(
        args.url, args.token, args.users, args.requests, args.concurrency, args.prefix, args.servers
    )
    results = asyncio.run(bench.run())
    print(report(args.label, results))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"label": args.label, "phases": [r.as_dict() for r in results]}, f, indent=2)


if __name__ == "__main__":
    main()
