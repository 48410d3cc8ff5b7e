"""A spec-first hub compatible with JupyterHub's REST API."""

__version__ = "0.1.0"

#: The JupyterHub release whose REST API this hub implements. Clients such as
#: the idle culler parse it with ``packaging.version`` to enable features.
API_VERSION = "6.1.1"


def _skip_iri_format_checks() -> None:
    """jsonschema registers checkers for the ``iri`` formats when the optional
    ``rfc3987_syntax`` package is installed (jupyter-server pulls it in), and that
    package compiles a grammar at import: 1.4 s of every start-up. The spec has no
    ``iri`` formats, so the hub declines the import (other formats are unaffected)."""
    import sys

    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


_skip_iri_format_checks()
