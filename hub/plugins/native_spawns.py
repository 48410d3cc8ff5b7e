"""A JupyterHub authenticator's spawn hooks around the native spawner's servers.

JupyterHub calls ``authenticator.pre_spawn_start(user, spawner)`` before
every start and ``post_spawn_stop(user, spawner)`` after every stop, whatever
the spawner. A hosted JupyterHub spawner gets them from
:mod:`hub.plugins.spawners`; for the native spawner the lifecycle runs these
hooks, with the user a spawner would see (:class:`UserFacade`) and a
:class:`NativeSpawnerView` of the server. What the hook puts in
``spawner.environment`` reaches the server's environment, as in JupyterHub.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from hub.plugins import maybe_await
from hub.plugins.facades import ServerRecord, UserFacade
from hub.spawners.base import Launch, ServerRef, SpawnError

log = logging.getLogger("hub.plugins.native_spawns")

Transact = Callable[..., Any]


class NativeSpawnerView:
    """What an authenticator's spawn hooks read and write of a native server."""

    def __init__(self, user: UserFacade, record: ServerRecord, user_options: dict[str, Any]) -> None:
        self.user = user
        self.name = record.name
        self.user_options = dict(user_options)
        #: variables the hook adds for the server (strings, as JupyterHub passes them)
        self.environment: dict[str, Any] = {}

    def __repr__(self) -> str:
        return f"<NativeSpawner {self.user.name}/{self.name}>"


def _message(error: BaseException) -> str:
    text = getattr(error, "log_message", None) or str(error)
    return str(text).strip() or type(error).__name__


class AuthenticatorSpawnHooks:
    """``pre_spawn_start`` / ``post_spawn_stop`` of ``authenticator`` (a JupyterHub one)."""

    def __init__(
        self,
        authenticator: Any,
        transact: Transact,
        decrypt: Callable[[bytes], Any],
        base_url: str,
        hub_prefix: str,
    ) -> None:
        self.authenticator = authenticator
        self.transact = transact
        self.decrypt = decrypt
        self.base_url = base_url
        self.hub_prefix = hub_prefix

    async def _view(self, server_id: int, user_name: str, server_name: str) -> NativeSpawnerView | None:
        from hub.plugins.spawners import read_record, read_user_record

        def read(s: Session) -> ServerRecord | None:
            return read_record(s, server_id) or read_user_record(s, user_name, server_name)

        record: ServerRecord | None = await self.transact(read, write=False)
        if record is None:
            return None

        def auth_state() -> Any:
            stored = record.encrypted_auth_state
            return None if stored is None else self.decrypt(stored)

        user = UserFacade(record, self.base_url, self.hub_prefix, auth_state)
        view = NativeSpawnerView(user, record, record.user_options)
        user.spawners[record.name] = view
        return view

    async def before_start(self, launch: Launch) -> dict[str, str]:
        view = await self._view(launch.server_id, launch.user, launch.server_name)
        if view is None:
            raise SpawnError("the server's record is gone")
        view.user_options = dict(launch.user_options)
        try:
            await maybe_await(self.authenticator.pre_spawn_start(view.user, view))
        except Exception as e:  # the authenticator refuses the spawn: its message is the reason
            raise SpawnError(_message(e)) from e
        return {str(k): str(v) for k, v in view.environment.items()}

    async def after_stop(self, server: ServerRef) -> None:
        view = await self._view(server.id, server.user, server.name)
        if view is None:
            log.warning("post_spawn_stop of %s skipped: the user is gone", server.user)
            return
        await maybe_await(self.authenticator.post_spawn_stop(view.user, view))
