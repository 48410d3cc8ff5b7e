"""Managed services: processes the hub starts, watches and restarts.

A service in ``c.JupyterHub.services`` with a ``command`` is started with the
hub, in its own process group, with the environment JupyterHub gives its
services (its token, the API URL, its OAuth client id and, when it has a
``url``, where to listen). When it exits it is started again, with a delay
that doubles up to a minute while it keeps failing. When the hub stops, each
service gets SIGTERM, then SIGKILL; when the hub dies outright, the kernel
sends each SIGTERM (Linux). With several hub processes, only the one holding
the managed-services duty (:mod:`hub.core.duties`) runs them.

A service with no ``api_token`` in the configuration gets a new token at
each start of the hub (stored hashed; the previous one is revoked); the value
only lives in the service's environment.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from hub.auth import hashing
from hub.core import services, tokens
from hub.db.models import APIToken
from hub.names import service_prefix

log = logging.getLogger(__name__)
Transact = Callable[..., Awaitable[Any]]

MANAGED_NOTE = "Managed service token"
#: variables of the hub's own environment a service inherits
ENV_KEEP = (
    "PATH",
    "PYTHONPATH",
    "VIRTUAL_ENV",
    "CONDA_ROOT",
    "CONDA_DEFAULT_ENV",
    "LANG",
    "LC_ALL",
    "LD_LIBRARY_PATH",
    "HOME",
    "USER",
    "SHELL",
)
MAX_DELAY = 60.0
PR_SET_PDEATHSIG = 1


@dataclass
class _Running:
    spec: dict[str, Any]
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None
    failures: int = 0
    restart_at: float = 0.0
    started_at: float = field(default_factory=time.monotonic)


class ServiceProcesses:
    """Runs every configured service that has a ``command``."""

    def __init__(
        self,
        transact: Transact,
        specs: list[dict[str, Any]],
        base_url: str,
        api_url: str,
        check_interval: float = 1.0,
    ) -> None:
        self.transact = transact
        self.specs = [dict(s) for s in specs if s.get("command")]
        self.base_url = base_url
        self.api_url = api_url
        self.check_interval = check_interval
        self._running: dict[str, _Running] = {}
        self._watcher: asyncio.Task[None] | None = None

    async def start(self) -> None:
        for spec in self.specs:
            token = spec.get("api_token") or await self.transact(
                lambda s, spec=spec: _fresh_token(s, spec, self.base_url)
            )
            entry = _Running(spec, self._env(spec, token))
            self._running[spec["name"]] = entry
            self._launch(entry)
        if self._running:
            self._watcher = asyncio.create_task(self._watch())

    def _env(self, spec: dict[str, Any], token: str) -> dict[str, str]:
        name = spec["name"]
        env = {key: os.environ[key] for key in ENV_KEEP if key in os.environ}
        access = ["access:services", f"access:services!service={name}"]
        env.update(
            {
                "JUPYTERHUB_SERVICE_NAME": name,
                "JUPYTERHUB_API_TOKEN": token,
                "JPY_API_TOKEN": token,
                "JUPYTERHUB_API_URL": self.api_url,
                "JUPYTERHUB_BASE_URL": self.base_url,
                "JUPYTERHUB_CLIENT_ID": services.oauth_client_id(spec),
                "JUPYTERHUB_HOST": "",
                "JUPYTERHUB_PUBLIC_URL": "",
                "JUPYTERHUB_PUBLIC_HUB_URL": "",
                "JUPYTERHUB_OAUTH_ACCESS_SCOPES": json.dumps(access),
                "JUPYTERHUB_OAUTH_SCOPES": json.dumps(access),
                "JUPYTERHUB_OAUTH_CLIENT_ALLOWED_SCOPES": json.dumps(
                    list(spec.get("oauth_client_allowed_scopes") or [])
                ),
            }
        )
        if spec.get("url"):
            prefix = service_prefix(self.base_url, name)
            env["JUPYTERHUB_SERVICE_URL"] = str(spec["url"])
            env["JUPYTERHUB_SERVICE_PREFIX"] = prefix
            env["JUPYTERHUB_OAUTH_CALLBACK_URL"] = str(
                spec.get("oauth_redirect_uri") or f"{prefix}oauth_callback"
            )
        for key, value in (spec.get("environment") or {}).items():
            env[str(key)] = str(value)
        return env

    def _launch(self, entry: _Running) -> None:
        spec = entry.spec
        try:
            entry.process = subprocess.Popen(
                [str(part) for part in spec["command"]],
                env=entry.env,
                cwd=spec.get("cwd") or None,
                start_new_session=True,
                stdin=subprocess.DEVNULL,
                preexec_fn=_die_with_the_hub,
            )
        except OSError as e:
            log.error("Service %s could not start: %s", spec["name"], e)
            entry.process = None
            self._schedule_restart(entry)
            return
        entry.started_at = time.monotonic()
        log.info("Service %s started (pid %s)", spec["name"], entry.process.pid)

    def _schedule_restart(self, entry: _Running) -> None:
        # a service that ran for a while before it died is restarted at once
        if time.monotonic() - entry.started_at > MAX_DELAY:
            entry.failures = 0
        delay = min(2.0**entry.failures, MAX_DELAY) if entry.failures else 0.0
        entry.failures += 1
        entry.restart_at = time.monotonic() + delay

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self.check_interval)
            now = time.monotonic()
            for entry in self._running.values():
                process = entry.process
                if process is not None and process.poll() is not None:
                    log.warning("Service %s exited with status %s", entry.spec["name"], process.returncode)
                    entry.process = None
                    self._schedule_restart(entry)
                if entry.process is None and now >= entry.restart_at:
                    self._launch(entry)

    def pid(self, name: str) -> int | None:
        entry = self._running.get(name)
        return entry.process.pid if entry and entry.process else None

    async def stop(self, timeout: float = 5.0) -> None:
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watcher
            self._watcher = None
        processes = [e.process for e in self._running.values() if e.process is not None]
        for process in processes:
            _signal(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for process in processes:
            while process.poll() is None and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            if process.poll() is None:
                _signal(process.pid, signal.SIGKILL)
                await asyncio.to_thread(process.wait, 5)
        self._running.clear()


def _die_with_the_hub() -> None:
    """In the service's process, before it runs: on Linux, ask for SIGTERM when
    the hub process dies, so that a hub killed outright leaves no copy running
    beside the one another hub process starts."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _signal(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)


def _fresh_token(session: Session, spec: dict[str, Any], base_url: str) -> str:
    service = services.require(session, spec["name"])
    session.execute(delete(APIToken).where(APIToken.service_id == service.id, APIToken.note == MANAGED_NOTE))
    _, value = tokens.issue(session, service_id=service.id, note=MANAGED_NOTE)
    if services.wants_oauth(spec):
        services.register_oauth_client(session, spec, value, base_url, hashing.GENERATED_ROUNDS)
    return value
