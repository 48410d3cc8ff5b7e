"""Hosting JupyterHub's own plugin classes (spawners, authenticators, proxies).

The plugins are the PyPI packages, unchanged. Everything that adapts them to
this hub (the facades they read, the sequence of calls they expect) lives in
this package; nothing outside it imports ``jupyterhub``.
"""

import inspect
from typing import Any


async def maybe_await(value: Any) -> Any:
    """JupyterHub's hooks and methods may be plain or async: the value, awaited if need be."""
    return await value if inspect.isawaitable(value) else value
