# Configuration used by `make run`: SQLite in .hub/, one admin user.
# Every key here means what it means in JupyterHub.
c = get_config()  # noqa: F821

c.JupyterHub.db_url = "sqlite:///.hub/jupyterhub.sqlite"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = 8081
c.Authenticator.admin_users = {"admin"}
# any name logs in, no password: for trying the hub out only (the default is "pam")
c.JupyterHub.authenticator_class = "dummy"
c.JupyterHub.cookie_secret_file = ".hub/jupyterhub_cookie_secret"
