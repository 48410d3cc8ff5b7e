"""Every secret the suite's hubs hand out, and a check that no log shows one;
and a check that no answer ever shows a traceback.

The values are gathered as they are issued: each token the hub generates in
this process (``hub.auth.hashing.new_token``), and each secret an API answer
carries (a new token, a service's token, a share code, a webhook's secret),
whichever hub answered, in this process or another. After each test phase,
``leaks`` reads what the phase wrote (its captured log records, and the
output of the hub, server and proxy processes it started) and names any of
those values found there: the suite then fails that test.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

import httpx

from hub.auth import hashing

#: answer fields that hold a secret shown once
SECRET_FIELDS = frozenset({"token", "api_token", "code", "secret"})
#: the shortest value taken for a secret (shorter ones are not generated secrets)
SHORTEST = 16
#: the words of a text that could be a secret the hub made (hex, URL-safe base64)
_WORDS = re.compile(rb"[A-Za-z0-9_\-]{%d,}" % SHORTEST)

SECRETS: set[bytes] = set()
#: the requests whose answer showed a Python traceback, since the last look
TRACEBACKS: list[str] = []
_TRACEBACK = b"Traceback (most recent call last)"


def note(value: Any) -> None:
    if isinstance(value, str) and len(value) >= SHORTEST:
        SECRETS.add(value.encode())


def install() -> None:
    """Note every token this process's hubs generate."""
    generate = hashing.new_token
    if getattr(generate, "noted", False):
        return

    def noted_token() -> str:
        value = generate()
        note(value)
        return value

    noted_token.noted = True  # type: ignore[attr-defined]
    hashing.new_token = noted_token  # type: ignore[assignment]


def note_answer(response: httpx.Response) -> None:
    """The secrets an API answer carries (read from its body when it is JSON),
    and whether it shows a traceback. A stream of events is left unread."""
    kind = response.headers.get("content-type", "")
    if "event-stream" in kind or int(response.headers.get("content-length") or 0) > 1024 * 1024:
        return
    try:
        response.read()
    except httpx.HTTPError:
        return
    if _TRACEBACK in response.content:
        TRACEBACKS.append(f"{response.request.method} {response.request.url} -> {response.status_code}")
    if "json" not in kind or len(response.content) > 256 * 1024:
        return  # a long list: secrets come in answers of one item
    try:
        body = json.loads(response.content)
    except ValueError:
        return
    _walk(body)


def _walk(value: Any, depth: int = 0) -> None:
    if depth > 8:
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if key in SECRET_FIELDS:
                note(item)
            _walk(item, depth + 1)
    elif isinstance(value, list):
        for item in value[:500]:
            _walk(item, depth + 1)


def hook(client: httpx.Client) -> httpx.Client:
    """``client`` with its answers noted."""
    if note_answer in client.event_hooks["response"]:
        return client
    client.event_hooks = {**client.event_hooks, "response": [*client.event_hooks["response"], note_answer]}
    return client


def leaks(texts: Iterable[str]) -> list[str]:
    """The known secrets found in ``texts``."""
    if not SECRETS:
        return []
    found = set()
    for text in texts:
        for word in _WORDS.findall(text.encode("utf-8", "surrogateescape")):
            if word in SECRETS:
                found.add(word.decode())
    return sorted(found)
