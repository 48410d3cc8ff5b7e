"""The cost of a deep page: ``GET /users?limit=100``, first page and last page.

    python -m benchmarks pagination --users 1000,100000 --repeat 50

Starts this hub on SQLite (and, with ``--postgres URL``, on PostgreSQL too),
creates the users, then times the first page and the last page reached by
following ``_pagination.next.url`` (which carries the position: the page is a
seek on the index), and the same last page asked for by ``offset`` alone
(which skips every row before it), as JupyterHub's clients that build URLs
from ``next.offset`` do. Each figure is the median of ``--repeat`` requests,
one at a time, from one client on the same machine.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests

from benchmarks.side_by_side import TOKEN, free_port, stop, wait_up

PAGED = {"Accept": "application/jupyterhub-pagination+json", "Authorization": f"token {TOKEN}"}
BATCH = 10_000


def start(workdir: Path, db_url: str) -> tuple[object, str]:
    import subprocess
    import sys

    port = free_port()
    config = workdir / "jupyterhub_config.py"
    config.write_text(
        f"c.JupyterHub.db_url = {db_url!r}\n"
        f"c.JupyterHub.hub_port = {port}\n"
        f"c.JupyterHub.bind_url = 'http://127.0.0.1:{free_port()}'\n"
        f"c.ConfigurableHTTPProxy.api_url = 'http://127.0.0.1:{free_port()}'\n"
        f"c.JupyterHub.api_tokens = {{{TOKEN!r}: 'bench-admin'}}\n"
        "c.Authenticator.admin_users = {'bench-admin'}\n"
    )
    log = workdir / "hub.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "hub.cli", "-f", str(config), "--log-level", "WARNING"],
        cwd=workdir,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    api = f"http://127.0.0.1:{port}/hub/api"
    wait_up(api + "/", proc, log)
    return proc, api


def seed(api: str, count: int) -> None:
    for start_at in range(0, count, BATCH):
        names = [f"page-user-{i:07d}" for i in range(start_at, min(count, start_at + BATCH))]
        r = requests.post(f"{api}/users", json={"usernames": names}, headers=PAGED, timeout=600)
        r.raise_for_status()


def median_ms(session: requests.Session, url: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        r = session.get(url, headers=PAGED, timeout=60)
        times.append(time.perf_counter() - began)
        r.raise_for_status()
    return statistics.median(times) * 1000


def without_after(url: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "after"]
    return urlunsplit(parts._replace(query=urlencode(query)))


def measure(api: str, users: int, repeat: int) -> dict[str, float]:
    session = requests.Session()
    first = f"{api}/users?limit=100"
    url, last = first, first
    while url:  # walk to the last page, as a client does
        last = url
        url = (session.get(url, headers=PAGED, timeout=60).json()["_pagination"]["next"] or {}).get("url")
    return {
        "users": users,
        "first_ms": median_ms(session, first, repeat),
        "last_ms": median_ms(session, last, repeat),
        "last_by_offset_ms": median_ms(session, without_after(last), repeat),
    }


def run(db_url: str | None, label: str, counts: list[int], repeat: int) -> list[dict[str, float]]:
    results = []
    for count in counts:
        with tempfile.TemporaryDirectory(prefix="hub-pagination-") as tmp:
            workdir = Path(tmp)
            url = db_url or f"sqlite:///{workdir}/hub.sqlite"
            if db_url:
                _empty(db_url)
            proc, api = start(workdir, url)
            try:
                seed(api, count - 1)  # and the admin: every page full, the last one too
                row = measure(api, count, repeat)
                print(
                    f"{label:10} {row['users']:>7} users: first page {row['first_ms']:6.1f} ms, "
                    f"last page by next.url {row['last_ms']:6.1f} ms "
                    f"({row['last_ms'] / row['first_ms']:.2f}x), by offset {row['last_by_offset_ms']:6.1f} ms",
                    flush=True,
                )
                results.append({"db": label, **row})
            finally:
                stop(proc)  # type: ignore[arg-type]
    return results


def _empty(db_url: str) -> None:
    import sqlalchemy

    engine = sqlalchemy.create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(sqlalchemy.text("CREATE SCHEMA public"))
    engine.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks pagination", description=__doc__)
    parser.add_argument("--users", default="1000,100000", help="comma-separated user counts")
    parser.add_argument("--repeat", type=int, default=50, help="requests per figure (the median is kept)")
    parser.add_argument("--postgres", help="also on this (emptied!) PostgreSQL database URL")
    args = parser.parse_args(argv)
    counts = [int(n) for n in args.users.split(",")]
    run(None, "sqlite", counts, args.repeat)
    if args.postgres:
        run(args.postgres, "postgres", counts, args.repeat)
