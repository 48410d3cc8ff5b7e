"""Spawner configuration (the ``c.Spawner`` section).

These settings are read by the server lifecycle, which arrives in a later
release; they are declared now so that existing configuration files load
without warnings and mean what they mean in JupyterHub.
"""

from __future__ import annotations

from traitlets import Dict, Float, List, Unicode
from traitlets.config import LoggingConfigurable


class Spawner(LoggingConfigurable):
    cmd = List(Unicode(), default_value=["jupyterhub-singleuser"], help="The single-user command.").tag(
        config=True
    )
    args = List(Unicode(), help="Extra arguments for the single-user command.").tag(config=True)
    environment = Dict(help="Extra environment variables for the single-user server.").tag(config=True)
    start_timeout = Float(60, help="Seconds a server may take to start.").tag(config=True)
    http_timeout = Float(30, help="Seconds a started server may take to answer HTTP.").tag(config=True)
    poll_interval = Float(30, help="Seconds between checks that a server is alive.").tag(config=True)
    default_url = Unicode("", help="The URL a user lands on in their server.").tag(config=True)
    notebook_dir = Unicode("", help="The server's root directory.").tag(config=True)
    ip = Unicode("127.0.0.1", help="The address single-user servers bind to.").tag(config=True)


class LocalProcessSpawner(Spawner):
    """Runs each server as a local process."""


class SimpleLocalProcessSpawner(LocalProcessSpawner):
    """A local-process spawner that does not switch OS users (JupyterHub's ``simple``)."""

    home_dir_template = Unicode("/tmp/{username}", help="Home directory of each user.").tag(config=True)


SHORT_NAMES = {
    "localprocess": LocalProcessSpawner,
    "default": LocalProcessSpawner,
    "simple": SimpleLocalProcessSpawner,
}
