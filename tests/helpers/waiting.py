"""Polling until something is true, for the tests."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


def wait_for(
    predicate: Callable[[], T], timeout: float, interval: float = 0.1, message: str = "the condition"
) -> T:
    """Call ``predicate`` every ``interval`` seconds until it returns a truthy
    value, and return that value; fail after ``timeout`` seconds, naming
    ``message`` (what was waited for)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {message}")


async def wait_for_async(
    predicate: Callable[[], Awaitable[T]],
    timeout: float,
    interval: float = 0.1,
    message: str = "the condition",
) -> T:
    """:func:`wait_for` for a predicate that returns an awaitable, sleeping
    without blocking the event loop."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = await predicate()
        if value:
            return value
        await asyncio.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {message}")


__all__ = ["wait_for", "wait_for_async"]
