# Config for the sharing probe (sharing_probe.py), read alike by JupyterHub 6.1.1 and this hub.
# Each hub runs in a directory of its own (its SQLite file is created there) on ports
# SBS_PORT_BASE (public), +1 (hub), +2 (proxy API):
#   JupyterHub: SBS_PORT_BASE=18110 jupyterhub -f sharing_config.py
#   this hub:   SBS_PORT_BASE=18120 SBS_SPAWNER=native hub -f sharing_config.py
# SBS_CHP is the configurable-http-proxy to run (default: the one on PATH), SBS_SINGLEUSER
# the jupyterhub-singleuser to start servers with (default: the one on PATH).
import os

base = int(os.environ.get("SBS_PORT_BASE", "18110"))
c.JupyterHub.bind_url = f"http://127.0.0.1:{base}"
c.JupyterHub.hub_port = base + 1
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{base + 2}"
c.ConfigurableHTTPProxy.command = [os.environ.get("SBS_CHP", "configurable-http-proxy")]
c.JupyterHub.db_url = "sqlite:///jupyterhub.sqlite"
c.JupyterHub.authenticator_class = "dummy"
c.JupyterHub.allow_named_servers = True
# JupyterHub's simple spawner runs servers as the hub's own user, as this hub's native one does
c.JupyterHub.spawner_class = os.environ.get("SBS_SPAWNER", "simple")
c.Spawner.cmd = [os.environ.get("SBS_SINGLEUSER", "jupyterhub-singleuser")]
if os.getuid() == 0:
    c.Spawner.args = ["--allow-root"]
c.JupyterHub.api_tokens = {"admin-secret": "admin"}
c.Authenticator.admin_users = {"admin"}
# users may share their own servers and name the users and groups they share with
c.JupyterHub.load_roles = [
    {"name": "user", "scopes": ["self", "shares!user", "read:users:name", "read:groups:name"]},
]
c.JupyterHub.load_groups = {"staff": {"users": ["bob"]}}
