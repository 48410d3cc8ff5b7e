"""What a user, group or server name may be. A leaf module.

A name is 1 to 255 characters, holds no ``/`` (names are URL path segments)
and no control characters, and neither starts nor ends with whitespace. A new
named server's name is stricter (lowercase letters, digits, single hyphens).
A new service's name follows the name rule and, as in JupyterHub, is neither
made of dots only (a relative path segment) nor holds ``%`` (an escape).
The spec declares the same rules as the patterns of its ``Name``,
``ServerName`` and ``ServiceName`` schemas, so that clients and contract tests know them too; a
test keeps the two equal.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

MAX_LENGTH = 255
#: the rule as a regular expression (also valid in ECMA 262, without lookarounds)
PATTERN = r"^[^/\s\x00-\x1f\x7f-\x9f](?:[^/\x00-\x1f\x7f-\x9f]*[^/\s\x00-\x1f\x7f-\x9f])?$"
_NAME = re.compile(PATTERN)
#: a new named server's name (the spec's ``ServerName`` schema); at most 30 characters
SERVER_NAME_PATTERN = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
MAX_SERVER_NAME = 30
_SERVER_NAME = re.compile(SERVER_NAME_PATTERN)
_SURROGATES = re.compile("[\ud800-\udfff]")

# a new service's name: any allowed character (A), one that is not whitespace (E),
# one that is neither whitespace nor a dot (N), one that is not a dot (M)
_A, _E = r"[^/%\x00-\x1f\x7f-\x9f]", r"[^/%\s\x00-\x1f\x7f-\x9f]"
_N, _M = r"[^./%\s\x00-\x1f\x7f-\x9f]", r"[^./%\x00-\x1f\x7f-\x9f]"
#: no whitespace at either end and at least one character that is not a dot
SERVICE_NAME_PATTERN = rf"^(?:{_N}(?:{_A}*{_E})?|\.+(?:{_N}|{_M}{_A}*{_E}))$"
_SERVICE_NAME = re.compile(SERVICE_NAME_PATTERN)


def url_name(name: str) -> str:
    """A name as a URL path segment (``@`` and ``~`` stay readable, as in JupyterHub)."""
    return quote(name, safe="@~")


def server_prefix(base_url: str, user: str, server_name: str) -> str:
    """The URL path of a user's server: ``/user/alice/`` or ``/user/alice/gpu/``."""
    path = f"{base_url}user/{url_name(user)}/"
    return path + (f"{url_name(server_name)}/" if server_name else "")


def progress_url(hub_prefix: str, user: str, server_name: str) -> str:
    """The API path of a server's progress stream."""
    base = f"{hub_prefix}api/users/{url_name(user)}/"
    return base + (f"servers/{url_name(server_name)}/progress" if server_name else "server/progress")


def service_prefix(base_url: str, name: str) -> str:
    """The URL path of a service: ``/services/culler/``."""
    return f"{base_url}services/{url_name(name)}/"


def valid_name(name: str) -> bool:
    return (
        0 < len(name) <= MAX_LENGTH
        and _NAME.match(name) is not None
        # lone surrogates (possible through JSON escapes) cannot be stored
        and _SURROGATES.search(name) is None
    )


def valid_service_name(name: str) -> bool:
    """Whether ``name`` may be given to a service created at run time."""
    return (
        0 < len(name) <= MAX_LENGTH
        and _SERVICE_NAME.match(name) is not None
        and _SURROGATES.search(name) is None
    )


def valid_server_name(name: str) -> bool:
    """Whether ``name`` may be given to a new named server."""
    return len(name) <= MAX_SERVER_NAME and _SERVER_NAME.match(name) is not None


def display_name(value: str) -> str | None:
    """A server's display name, NFC-normalized, or None if it breaks the rule:
    1 to 255 letters, marks, numbers, punctuation, symbols and single spaces,
    no space at either end."""
    value = unicodedata.normalize("NFC", value)
    if not 0 < len(value) <= 255 or value != value.strip(" ") or "  " in value:
        return None
    if any(ch != " " and unicodedata.category(ch)[0] not in "LMNPS" for ch in value):
        return None
    return value
