# Config for identity_probe.py (the scopes of GET /user, and which requests count as a
# user's activity), read alike by JupyterHub 6.1.1 and this hub. Each hub runs in a
# directory of its own on ports SBS_PORT_BASE (public), +1 (hub), +2 (proxy API):
#   JupyterHub: SBS_PORT_BASE=18730 jupyterhub -f identity_config.py
#   this hub:   SBS_PORT_BASE=18740 hub -f identity_config.py
import os

base = int(os.environ.get("SBS_PORT_BASE", "18730"))
c.JupyterHub.bind_url = f"http://127.0.0.1:{base}"
c.JupyterHub.hub_port = base + 1
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{base + 2}"
c.ConfigurableHTTPProxy.command = [os.environ.get("SBS_CHP", "configurable-http-proxy")]
c.JupyterHub.db_url = "sqlite:///jupyterhub.sqlite"
c.JupyterHub.authenticator_class = "dummy"
c.JupyterHub.activity_resolution = 2
c.JupyterHub.api_tokens = {"admin-secret": "admin"}
c.Authenticator.admin_users = {"admin"}
# an OAuth client that needs no confirmation page, so the probe can get an OAuth token
c.JupyterHub.services = [
    {
        "name": "svc",
        "api_token": "svc-secret",
        "oauth_client_id": "service-svc",
        "oauth_redirect_uri": "http://127.0.0.1:9/callback",
        "oauth_no_confirm": True,
    }
]
c.JupyterHub.load_roles = [
    # every user may also read all names ("self" narrows read:users:name to the user,
    # this widens it) and log in to svc
    {"name": "user", "scopes": ["self", "read:users:name", "access:services!service=svc"]},
    {"name": "svc-role", "scopes": ["read:users", "users:activity", "list:users"], "services": ["svc"]},
]
