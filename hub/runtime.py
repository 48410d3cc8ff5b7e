"""The running hub: settings, database and the classes it was configured with.

One process serves one hub. The API edge reaches it through :func:`current`.
Nothing here holds state that another worker would need: everything a second
worker must know lives in the database.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

from traitlets.config import Config

from hub.auth import authenticators
from hub.config import JupyterHub
from hub.core import startup, tokens
from hub.db.engine import Database
from hub.spawners import base as spawners

log = logging.getLogger("hub")


def import_class(spec: str, short_names: dict[str, type[Any]]) -> type[Any]:
    if spec in short_names:
        return short_names[spec]
    module, _, name = spec.rpartition(".")
    if not module:
        raise ValueError(f"not an import path or known short name: {spec!r}")
    cls: type[Any] = getattr(importlib.import_module(module), name)
    return cls


class Hub:
    def __init__(self, config: Config | None = None, *, validate_responses: bool = False) -> None:
        self.config = config or Config()
        self.settings = JupyterHub(config=self.config)
        auth_cls = import_class(self.settings.authenticator_class, authenticators.SHORT_NAMES)
        self.authenticator: authenticators.Authenticator = auth_cls(config=self.config)
        self.spawner_class = import_class(self.settings.spawner_class, spawners.SHORT_NAMES)
        self.db = Database(self.settings.db_url)
        self.verified_tokens = tokens.VerifiedTokens()
        self.validate_responses = validate_responses
        # read once: traitlets attribute access is slow on the request path
        self.base_prefix = self.settings.base_prefix()
        self.hub_prefix = self.settings.hub_prefix()

    def start(self) -> None:
        self.db.upgrade()
        with self.db.session() as session:
            startup.apply(session, self.settings, self.authenticator)
        log.info("Hub ready on database %s", self.db.engine.url.render_as_string(hide_password=True))

    def purge_expired(self) -> int:
        """Delete expired tokens (at start-up and then every hour)."""
        with self.db.session() as session:
            return tokens.purge_expired(session)

    def stop(self) -> None:
        self.db.dispose()


_current: Hub | None = None


def install(hub: Hub) -> None:
    global _current
    _current = hub


def current() -> Hub:
    if _current is None:
        raise RuntimeError("no hub is running in this process")
    return _current
