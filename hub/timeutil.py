"""Timestamps: naive UTC in the database, ISO 8601 with a ``Z`` in the API."""

from __future__ import annotations

from datetime import UTC, datetime

from dateutil.parser import isoparse
from dateutil.parser import parse as parse_any


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def isoformat(dt: datetime | None) -> str | None:
    if dt is None:
        return None
    return dt.isoformat() + "Z"


def parse_timestamp(text: str) -> datetime:
    """Parse an incoming timestamp leniently; aware values become naive UTC."""
    try:
        dt = isoparse(text)
    except ValueError:
        dt = parse_any(text)
    if dt.tzinfo is not None:
        dt = dt.astimezone(UTC).replace(tzinfo=None)
    return dt
