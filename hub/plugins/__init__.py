"""Hosting JupyterHub's own plugin classes (spawners, authenticators, proxies).

The plugins are the PyPI packages, unchanged. Everything that adapts them to
this hub (the facades they read, the sequence of calls they expect) lives in
this package; nothing outside it imports ``jupyterhub``.
"""
