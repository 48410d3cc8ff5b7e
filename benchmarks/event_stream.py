"""How soon change-stream subscribers receive a change.

    python -m benchmarks events --subscribers 100 --changes 50 [--postgres URL]

Starts this hub on SQLite (and, with ``--postgres URL``, on PostgreSQL, once
with everything on one hub process and once with the subscribers on a
second process of the same hub, so the change travels by the database's
notice), opens ``--subscribers`` streams of ``GET /hub/api/events``, then
makes ``--changes`` changes one at a time (``POST /users/NAME``). For each
change and subscriber, the delay is from the moment the change's response
arrived (the change is committed) to the moment that subscriber read its
event. Reports the median, p95 and worst delay over all of them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

from benchmarks.pagination import start
from benchmarks.side_by_side import TOKEN, stop

HEADERS = {"Authorization": f"token {TOKEN}"}


async def subscriber(
    url: str, ready: asyncio.Event, arrived: dict[str, list[float]], client: httpx.AsyncClient
) -> None:
    headers = {**HEADERS, "Accept": "text/event-stream"}
    async with client.stream("GET", f"{url}/events", headers=headers) as r:
        r.raise_for_status()
        async for line in r.aiter_lines():
            if line.startswith(": connected"):
                ready.set()
            elif line.startswith("data: "):
                name = json.loads(line[6:])["resource"].get("name", "")
                arrived.setdefault(name, []).append(time.perf_counter())


async def run(write_url: str, read_url: str, subscribers: int, changes: int) -> dict[str, float]:
    arrived: dict[str, list[float]] = {}
    limits = httpx.Limits(max_connections=subscribers + 10)
    async with httpx.AsyncClient(timeout=httpx.Timeout(30, read=None), limits=limits) as client:
        readies = [asyncio.Event() for _ in range(subscribers)]
        tasks = [asyncio.create_task(subscriber(read_url, e, arrived, client)) for e in readies]
        await asyncio.wait_for(asyncio.gather(*(e.wait() for e in readies)), 60)
        committed: dict[str, float] = {}
        stamp = time.time_ns()
        for i in range(changes):
            name = f"ev-{stamp}-{i}"
            r = await client.post(f"{write_url}/users/{name}", headers=HEADERS)
            r.raise_for_status()
            committed[name] = time.perf_counter()
            await asyncio.sleep(0.05)
        deadline = time.perf_counter() + 30
        while time.perf_counter() < deadline and any(
            len(arrived.get(n, [])) < subscribers for n in committed
        ):
            await asyncio.sleep(0.05)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    delays = sorted(max(0.0, t - committed[name]) * 1000 for name in committed for t in arrived.get(name, []))
    missing = subscribers * changes - len(delays)
    return {
        "median_ms": statistics.median(delays),
        "p95_ms": delays[int(len(delays) * 0.95) - 1],
        "max_ms": delays[-1],
        "missing": missing,
    }


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks events", description=__doc__)
    parser.add_argument("--subscribers", type=int, default=100)
    parser.add_argument("--changes", type=int, default=50)
    parser.add_argument("--postgres", help="also on this (emptied!) PostgreSQL database")
    args = parser.parse_args(argv)
    setups: list[tuple[str, str, int]] = [("SQLite, one process", "sqlite", 1)]
    if args.postgres:
        setups += [
            ("PostgreSQL, one process", args.postgres, 1),
            ("PostgreSQL, two processes", args.postgres, 2),
        ]
    print(f"{args.subscribers} subscribers, {args.changes} changes")
    print("| setup | median | p95 | max | missed |")
    print("|---|---|---|---|---|")
    for label, db, processes in setups:
        with tempfile.TemporaryDirectory() as tmp:
            workdir = Path(tmp)
            if db == "sqlite":
                db_url = f"sqlite:///{workdir}/hub.sqlite"
            else:
                db_url = db
                _empty(db_url)
            procs = []
            urls = []
            for n in range(processes):
                sub = workdir / f"p{n}"
                sub.mkdir()
                proc, api = start(sub, db_url)
                procs.append(proc)
                urls.append(api)
            try:
                figures = asyncio.run(run(urls[0], urls[-1], args.subscribers, args.changes))
            finally:
                for proc in procs:
                    stop(proc)
        print(
            f"| {label} | {figures['median_ms']:.1f} ms | {figures['p95_ms']:.1f} ms "
            f"| {figures['max_ms']:.1f} ms | {figures['missing']:.0f} |"
        )


def _empty(url: str) -> None:
    """Drop everything in the database's public schema (the hub migrates it afresh)."""
    import psycopg
    from sqlalchemy.engine import make_url

    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
