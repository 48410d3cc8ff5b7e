"""Rules for the names of groups and services."""

from __future__ import annotations

import unicodedata

MAX_LENGTH = 255


def valid_name(name: str) -> bool:
    """Non-empty, at most 255 characters, no '/', no control characters, no outer spaces."""
    if not name or len(name) > MAX_LENGTH or "/" in name or name != name.strip():
        return False
    return not any(unicodedata.category(ch).startswith("C") for ch in name)
