"""A spec-first hub compatible with JupyterHub's REST API."""

__version__ = "0.1.0"

#: The JupyterHub release whose REST API this hub implements. Clients such as
#: the idle culler parse it with ``packaging.version`` to enable features.
API_VERSION = "6.1.1"
