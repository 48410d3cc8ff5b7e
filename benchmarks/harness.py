"""A load harness for any JupyterHub-compatible hub.

Given the hub's API URL and an admin token (ideally one supplied by the hub's
configuration, as ``c.JupyterHub.api_tokens``), it runs these phases and
reports throughput and latency percentiles for each:

1. bulk-create N users in one ``POST /users``
2. list them, paginated: ``GET /users?limit=200`` pages, followed to the end
3. ``GET /users?limit=200`` repeated (the first page)
4. ``GET /users/{name}`` with the config-supplied admin token, concurrently
5. ``GET /user`` with a token the hub generated, concurrently
6. ``POST /users/{name}/tokens`` and ``GET /users/{name}/tokens``
7. ``DELETE /users/{name}`` for all N users, concurrently

Requests loop for a bounded count and stop by themselves; only the given URL
is contacted (use loopback addresses).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from typing import Any

import aiohttp

PAGED = "application/jupyterhub-pagination+json"


@dataclass
class PhaseResult:
    name: str
    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p99_ms: float

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "throughput": round(self.throughput, 1)}


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index] * 1000


async def _run(
    name: str,
    jobs: list[Callable[[], Awaitable[int]]],
    concurrency: int,
    ok: Callable[[int], bool] = lambda s: s < 400,
) -> PhaseResult:
    latencies: list[float] = []
    errors = 0
    queue: asyncio.Queue[Callable[[], Awaitable[int]]] = asyncio.Queue()
    for job in jobs:
        queue.put_nowait(job)

    async def worker() -> None:
        nonlocal errors
        while True:
            try:
                job = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            start = time.perf_counter()
            status = await job()
            latencies.append(time.perf_counter() - start)
            if not ok(status):
                errors += 1

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - start
    return PhaseResult(
        name, len(jobs), elapsed, errors, _percentile(latencies, 0.5), _percentile(latencies, 0.99)
    )


class Bench:
    def __init__(
        self, url: str, token: str, users: int, requests: int, concurrency: int, prefix: str, servers: int = 0
    ) -> None:
        self.url = url.rstrip("/")
        self.admin_headers = {"Authorization": f"token {token}"}
        self.users = users
        self.requests = requests
        self.concurrency = concurrency
        self.names = [f"{prefix}{i:05d}" for i in range(users)]
        self.servers = servers
        self.server_users = [f"{prefix}srv{i:03d}" for i in range(servers)]

    async def _call(
        self, session: aiohttp.ClientSession, method: str, path: str, headers: dict[str, str], **kw: Any
    ) -> tuple[int, Any]:
        async with session.request(method, self.url + path, headers=headers, **kw) as response:
            body = await response.read()
            data = json.loads(body) if body and response.content_type.endswith("json") else None
            return response.status, data

    async def run(self) -> list[PhaseResult]:
        connector = aiohttp.TCPConnector(limit=self.concurrency)
        async with aiohttp.ClientSession(connector=connector) as session:
            return await self._phases(session)

    async def _phases(self, session: aiohttp.ClientSession) -> list[PhaseResult]:
        h = self.admin_headers
        call = self._call
        status, me = await call(session, "GET", "/user", h)
        if status != 200:
            raise SystemExit(f"the admin token does not work: GET /user answered {status}")
        admin = me["name"]
        results = []

        async def bulk_create() -> int:
            status, _ = await call(session, "POST", "/users", h, json={"usernames": self.names})
            return status

        results.append(await _run(f"bulk create {self.users} users (1 request)", [bulk_create], 1))

        async def list_all() -> int:
            url: str | None = self.url + "/users?limit=200"
            status = 200
            while url:
                async with session.get(url, headers={**h, "Accept": PAGED}) as response:
                    status = response.status
                    page = await response.json(content_type=None)
                nxt = page["_pagination"]["next"] if isinstance(page, dict) else None
                url = nxt["url"] if nxt else None
            return status

        results.append(await _run("list all users, paginated (200/page)", [list_all] * 5, 1))

        def job(
            method: str, path: str, headers: dict[str, str] = h, **kw: Any
        ) -> Callable[[], Awaitable[int]]:
            async def run() -> int:
                status, _ = await call(session, method, path, headers, **kw)
                return status

            return run

        n = max(1, self.requests // 10)
        results.append(
            await _run("GET /users?limit=200", [job("GET", "/users?limit=200")] * n, self.concurrency)
        )

        jobs = [job("GET", f"/users/{self.names[i % self.users]}") for i in range(self.requests)]
        results.append(await _run("GET /users/{name} (config token)", jobs, self.concurrency))

        status, created = await call(session, "POST", f"/users/{admin}/tokens", h, json={"note": "bench"})
        generated = {"Authorization": f"token {created['token']}"}
        jobs = [job("GET", "/user", generated)] * self.requests
        results.append(await _run("GET /user (generated token)", jobs, self.concurrency))

        token_users = self.names[: min(100, self.users)]
        jobs = [job("POST", f"/users/{n}/tokens", json={"note": "bench"}) for n in token_users]
        results.append(await _run("POST /users/{name}/tokens", jobs, self.concurrency))
        jobs = [job("GET", f"/users/{n}/tokens") for n in token_users * 5]
        results.append(await _run("GET /users/{name}/tokens", jobs, self.concurrency))

        jobs = [job("DELETE", f"/users/{n}") for n in self.names]
        results.append(await _run(f"delete {self.users} users", jobs, self.concurrency))
        if self.servers:
            results.extend(await self._server_phases(session))
        return results

    async def _server_phases(self, session: aiohttp.ClientSession) -> list[PhaseResult]:
        """Start K servers at once and wait until all are ready; stop them all at once."""
        h = self.admin_headers
        names = self.server_users
        await self._call(session, "POST", "/users", h, json={"usernames": names})

        async def default_server(name: str) -> dict[str, Any]:
            _, user = await self._call(session, "GET", f"/users/{name}", h)
            servers: dict[str, Any] = user.get("servers") or {}
            return servers.get("", {})

        async def until(name: str, ready: bool) -> int:
            for _ in range(1200):
                server = await default_server(name)
                if bool(server.get("ready")) == ready and not server.get("pending"):
                    return 200
                await asyncio.sleep(0.1)
            return 504

        def start(name: str) -> Callable[[], Awaitable[int]]:
            async def run() -> int:
                status, _ = await self._call(session, "POST", f"/users/{name}/server", h)
                return status if status >= 400 else await until(name, True)

            return run

        def stop(name: str) -> Callable[[], Awaitable[int]]:
            async def run() -> int:
                status, _ = await self._call(session, "DELETE", f"/users/{name}/server", h)
                return status if status >= 400 else await until(name, False)

            return run

        k = len(names)
        started = await _run(f"start {k} servers at once, until all ready", [start(n) for n in names], k)
        stopped = await _run(f"stop {k} servers at once, until all stopped", [stop(n) for n in names], k)
        for name in names:
            await self._call(session, "DELETE", f"/users/{name}", h)
        return [started, stopped]


def report(label: str, results: list[PhaseResult]) -> str:
    lines = [
        f"## {label}",
        "",
        "| phase | requests | seconds | req/s | p50 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.name} | {r.requests} | {r.seconds:.3f} | {r.throughput:.1f} | {r.p50_ms:.1f} | {r.p99_ms:.1f} | {r.errors} |"
        )
    return "\n".join(lines)
