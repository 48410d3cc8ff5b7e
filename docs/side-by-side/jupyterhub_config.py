# Side-by-side config (JupyterHub 6.1.1 and this hub read it alike; the hub ignores ip and port).
import os

c.JupyterHub.authenticator_class = "dummy"
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = 18611
c.JupyterHub.hub_port = 18612
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:18613"
# the configurable-http-proxy to run: $SBS_CHP, else the one on PATH
c.ConfigurableHTTPProxy.command = [os.environ.get("SBS_CHP", "configurable-http-proxy")]
c.JupyterHub.api_tokens = {"admin-secret": "admin"}
c.Authenticator.admin_users = {"admin"}
c.JupyterHub.load_roles = [{"name": "user", "scopes": ["self", "shares!user", "read:users:name", "read:groups:name"]}]
