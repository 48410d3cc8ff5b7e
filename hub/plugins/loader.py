"""The class a configuration names, found as JupyterHub finds it.

``c.JupyterHub.spawner_class`` (and ``authenticator_class``, the proxy's
``proxy_class``) may hold a class object (one defined in the config file, say),
an import path (``kubespawner.KubeSpawner`` or ``kubespawner:KubeSpawner``),
or a short name. A short name is first looked up among this hub's native
classes, then among the entry points JupyterHub's plugins register
(``jupyterhub.spawners`` and so on), so ``kubespawner`` or ``generic-oauth``
mean what they mean in JupyterHub.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from importlib.metadata import entry_points
from typing import Any, Literal

Kind = Literal["spawner", "authenticator", "proxy"]

#: the entry-point group JupyterHub reads for each kind of plugin
ENTRY_POINT_GROUPS: dict[Kind, str] = {
    "spawner": "jupyterhub.spawners",
    "authenticator": "jupyterhub.authenticators",
    "proxy": "jupyterhub.proxies",
}
#: the setting that names each kind's class
SETTINGS: dict[Kind, str] = {
    "spawner": "c.JupyterHub.spawner_class",
    "authenticator": "c.JupyterHub.authenticator_class",
    "proxy": "c.JupyterHub.proxy_class",
}
#: JupyterHub's base class of each kind, as (module, name)
JUPYTERHUB_BASES: dict[Kind, tuple[str, str]] = {
    "spawner": ("jupyterhub.spawner", "Spawner"),
    "authenticator": ("jupyterhub.auth", "Authenticator"),
    "proxy": ("jupyterhub.proxy", "Proxy"),
}


class PluginLoadError(ValueError):
    """A configured class could not be found or is of the wrong kind."""


def resolve_class(value: Any, kind: Kind, native: Mapping[str, type[Any]]) -> type[Any]:
    """The class ``value`` names (see the module docstring).

    Raises :class:`PluginLoadError` with a message naming the setting when it
    names nothing importable.
    """
    try:
        return _resolve(value, kind, native)
    finally:
        detach_jupyterhub_orm()


def detach_jupyterhub_orm() -> None:
    """Undo what importing ``jupyterhub.orm`` does to every SQLAlchemy session.

    That module registers a listener on SQLAlchemy's ``Session`` class itself
    (``persistent_to_deleted``) that loads the relationships of each deleted
    object; in this hub's sessions it kept rows that a delete cascades to
    (the share codes of a removed server). The hub never puts JupyterHub's
    own ORM objects in a session, so the listener is removed.
    """
    import sys

    orm = sys.modules.get("jupyterhub.orm")
    listener = getattr(orm, "_notify_deleted_relationships", None)
    if listener is None:
        return
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    if event.contains(Session, "persistent_to_deleted", listener):
        event.remove(Session, "persistent_to_deleted", listener)


def _resolve(value: Any, kind: Kind, native: Mapping[str, type[Any]]) -> type[Any]:
    setting = SETTINGS[kind]
    if isinstance(value, type):
        return value
    if not isinstance(value, str) or not value.strip():
        raise PluginLoadError(f"{setting} must be a class, an import path or a short name, not {value!r}")
    value = value.strip()
    if value in native:
        return native[value]
    if "." in value or ":" in value:
        return _import(value, setting)
    group = ENTRY_POINT_GROUPS[kind]
    for entry in entry_points(group=group):
        if entry.name == value:
            try:
                loaded = entry.load()
            except Exception as e:  # the plugin's own import failed
                raise PluginLoadError(f"{setting} = {value!r}: importing {entry.value} failed: {e}") from e
            if not isinstance(loaded, type):
                raise PluginLoadError(f"{setting} = {value!r}: {entry.value} is not a class")
            return loaded
    known = sorted(set(native) | {e.name for e in entry_points(group=group)})
    raise PluginLoadError(
        f"{setting} = {value!r}: no such short name (known: {', '.join(known)}); "
        "give an import path such as 'package.module.ClassName'"
    )


def _import(path: str, setting: str) -> type[Any]:
    if ":" in path:
        module, _, name = path.partition(":")
    else:
        module, _, name = path.rpartition(".")
    if not module or not name:
        raise PluginLoadError(f"{setting} = {path!r} is not an import path")
    try:
        found = getattr(importlib.import_module(module), name)
    except ImportError as e:
        raise PluginLoadError(f"{setting} = {path!r}: cannot import {module}: {e}") from e
    except AttributeError as e:
        raise PluginLoadError(f"{setting} = {path!r}: {module} has no {name}") from e
    except Exception as e:  # the module itself raised while importing
        raise PluginLoadError(f"{setting} = {path!r}: importing {module} failed: {e}") from e
    if not isinstance(found, type):
        raise PluginLoadError(f"{setting} = {path!r} is not a class")
    return found


def is_jupyterhub_plugin(cls: type[Any], kind: Kind) -> bool:
    """Whether ``cls`` subclasses JupyterHub's own base class of ``kind``.

    Checked by name along the MRO, so asking never imports ``jupyterhub``.
    """
    module, name = JUPYTERHUB_BASES[kind]
    return any(base.__module__ == module and base.__name__ == name for base in cls.__mro__)


def config_classes(cls: type[Any]) -> Iterator[type[Any]]:
    """The configurable classes along ``cls``'s MRO: each one's section
    (``c.KubeSpawner``, ``c.Spawner``, ...) configures ``cls``."""
    from traitlets.config import Configurable

    for base in cls.__mro__:
        if isinstance(base, type) and issubclass(base, Configurable) and base is not Configurable:
            yield base
