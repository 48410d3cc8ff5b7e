"""Authenticators: who may use the hub, and how names are normalized.

Logging in with a browser arrives in a later release; today the authenticator
decides which user names are valid and who is an admin.
"""

from __future__ import annotations

import re
import unicodedata

from traitlets import Bool, Dict, Set, Unicode
from traitlets.config import LoggingConfigurable

from hub.names import valid_name


class Authenticator(LoggingConfigurable):
    """Base authenticator (the ``c.Authenticator`` section)."""

    admin_users = Set(Unicode(), help="Users who are admins.").tag(config=True)
    allowed_users = Set(Unicode(), help="Users allowed to log in (empty: decided by the authenticator).").tag(
        config=True
    )
    blocked_users = Set(Unicode(), help="Users who may not log in.").tag(config=True)
    allow_all = Bool(False, help="Allow any user who can authenticate.").tag(config=True)
    username_pattern = Unicode(
        "", help="Regular expression that every user name must match (empty: no pattern)."
    ).tag(config=True)
    username_map = Dict(Unicode(), help="Map names as typed to the names used by the hub.").tag(config=True)

    def normalize_username(self, name: str) -> str:
        name = unicodedata.normalize("NFC", name).lower()
        mapped: str = self.username_map.get(name, name)
        return mapped

    def validate_username(self, name: str) -> bool:
        """Whether ``name`` can be a user's name (see :mod:`hub.names`)."""
        if not valid_name(name):
            return False
        return not self.username_pattern or re.fullmatch(self.username_pattern, name) is not None


class DummyAuthenticator(Authenticator):
    """Any name, optionally one shared password. For demos and tests."""

    password = Unicode("", help="A password every user must give (empty: none).").tag(config=True)


SHORT_NAMES = {"dummy": DummyAuthenticator, "default": DummyAuthenticator}
