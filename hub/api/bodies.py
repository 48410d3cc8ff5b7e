"""Request limits, and the one parse of a request's JSON body.

This middleware sees every request before anything else reads it:

- request headers larger than :data:`MAX_HEADER_BYTES` in all are ``431``;
- a body larger than the configured ``JupyterHub.max_body_size`` is ``413``,
  told from ``Content-Length`` before it is read, or counted as it arrives;
- an API body is JSON whatever its ``Content-Type`` says, as in JupyterHub
  (some clients send none, or ``text/plain``; media types are compared
  case-insensitively), except on the OAuth endpoints, which take forms;
- that JSON is parsed here, once, with limits the standard parser lacks:
  nesting at most :data:`MAX_DEPTH` deep (deeper input would exhaust the
  parser's recursion), numbers at most :data:`MAX_NUMBER_LENGTH` characters
  (Python refuses to convert integers past 4,300 digits, and huge ones cost
  quadratic time), no ``NaN`` or ``Infinity`` and no number that overflows to
  infinity (none of them is JSON, and PostgreSQL refuses to store them), and
  no lone UTF-16 surrogate (``"\\ud800"``: no UTF-8 encoding exists for it).
  Each is a ``400`` in the error shape, before any handler runs.

The parsed value travels in the ASGI scope (:data:`PARSED`): connexion's body
validator and the handler's ``body`` argument both take it from there. A
refusal travels there too (:data:`REFUSED`) and is answered by the body
validator, after the credentials are checked.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from itertools import accumulate
from typing import Any

#: all request header names and values, with their separators
MAX_HEADER_BYTES = 64 * 1024
MAX_DEPTH = 64
MAX_NUMBER_LENGTH = 100
#: the scope keys holding a parsed JSON body, or why it was refused
PARSED = "hub.json_body"
REFUSED = "hub.json_body_refused"

BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: API endpoints that take forms (OAuth 2)
FORM_PATHS = ("/oauth2/token", "/oauth2/authorize")
JSON_TYPE = b"application/json"
#: the media types a page on another site can POST without asking first (CORS)
CROSS_SITE_TYPES = frozenset({b"text/plain", b"application/x-www-form-urlencoded", b"multipart/form-data"})

#: a JSON string (the unrolled form: a run of plain characters at a time, not
#: one alternation per character, which took a quarter of a second a megabyte)
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_DEPTH_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


class BodyError(ValueError):
    """A body this hub refuses; its text is the answer's message."""


def _refuse_constant(name: str) -> Any:
    raise BodyError(f"Request body is not valid JSON: {name} is not a number JSON allows")


def _int(text: str) -> int:
    if len(text) > MAX_NUMBER_LENGTH:
        raise BodyError(f"Request body holds a number longer than {MAX_NUMBER_LENGTH} characters")
    return int(text)


def _float(text: str) -> float:
    if len(text) > MAX_NUMBER_LENGTH:
        raise BodyError(f"Request body holds a number longer than {MAX_NUMBER_LENGTH} characters")
    value = float(text)
    if not math.isfinite(value):
        raise BodyError(f"Request body holds a number out of range: {text}")
    return value


def _depth(text: str) -> int:
    """How deep arrays and objects nest in ``text`` (brackets inside strings
    do not count)."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return 0  # cannot be too deep, strings or not: skip the work
    skeleton = _NOT_BRACKET.sub("", _STRING.sub("", text))
    if skeleton.count("[") + skeleton.count("{") <= MAX_DEPTH:
        return 0
    return max(accumulate(_DEPTH_STEP[c] for c in skeleton))


def _strings(value: Any) -> Iterator[str]:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def parse(raw: bytes) -> Any:
    """The JSON value of a request body, or :class:`BodyError`."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BodyError("Request body is not valid UTF-8") from None
    if _depth(text) > MAX_DEPTH:
        raise BodyError(f"Request body nests more than {MAX_DEPTH} levels deep")
    try:
        value = json.loads(text, parse_constant=_refuse_constant, parse_int=_int, parse_float=_float)
    except json.JSONDecodeError as e:
        raise BodyError(f"Request body is not valid JSON: {e}") from None
    if _SURROGATE_ESCAPE.search(text) is not None:
        # an escaped surrogate is fine in a pair; alone it names no character
        for item in _strings(value):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise BodyError("Request body holds a lone UTF-16 surrogate") from None
    return value


def _media_type(value: bytes) -> bytes:
    return value.split(b";", 1)[0].strip().lower()


class RequestLimits:
    """The ASGI middleware described in the module's docstring."""

    def __init__(self, app: Any, api_prefix: str, max_body_size: int) -> None:
        self.app = app
        self.api_prefix = api_prefix
        self.max_body_size = max_body_size

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers: list[tuple[bytes, bytes]] = scope["headers"]
        api = scope["path"].startswith(self.api_prefix)
        if sum(len(k) + len(v) + 4 for k, v in headers) > MAX_HEADER_BYTES:
            await _refuse(send, api, 431, f"Request headers are larger than {MAX_HEADER_BYTES} bytes")
            return
        if scope["method"] not in BODY_METHODS:
            if api:
                # no body is read: its media type means nothing, and one that is
                # not UTF-8 would break connexion's reading of it (a 500)
                scope = {**scope, "headers": [(k, v) for k, v in headers if k != b"content-type"]}
            await self.app(scope, receive, send)
            return
        declared = next((v for k, v in headers if k == b"content-length"), None)
        too_large = f"Request body is larger than {self.max_body_size} bytes"
        if declared is not None:
            if not declared.isdigit():
                await _refuse(send, api, 400, "Invalid Content-Length")
                return
            if int(declared) > self.max_body_size:
                await _refuse(send, api, 413, too_large)
                return
        body = await _read(receive, self.max_body_size)
        if body is None:
            await _refuse(send, api, 413, too_large)
            return
        content_type = next((v for k, v in headers if k == b"content-type"), b"")
        rest = [(k, v) for k, v in headers if k not in (b"content-type", b"content-length")]
        if api and not scope["path"].endswith(FORM_PATHS):
            if _media_type(content_type) in CROSS_SITE_TYPES and scope["method"] == "POST":
                # what a cross-site form can send: the browser's cookies do
                # not authenticate it (JupyterHub's rule)
                rest = [(k, v) for k, v in rest if k != b"cookie"]
            content_type = JSON_TYPE
            if body:
                try:
                    scope = {**scope, PARSED: parse(body)}
                except BodyError as e:
                    # told after the credentials are checked, as JupyterHub
                    # reads the body only once it knows who is asking
                    scope = {**scope, REFUSED: str(e)}
        elif content_type:
            # the media type in lower case: connexion and Starlette compare it as written
            media_type, _, params = content_type.partition(b";")
            content_type = media_type.strip().lower() + (b";" + params if params else b"")
        if content_type:
            rest.append((b"content-type", content_type))
        if body:
            rest.append((b"content-length", str(len(body)).encode()))
        await self.app({**scope, "headers": rest}, _replay(body, receive), send)


async def _read(receive: Any, limit: int) -> bytes | None:
    """The whole body, or None as soon as it passes ``limit`` bytes."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break  # the client went away; the app will see an empty body
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Any) -> Any:
    sent = False

    async def replay() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        message: dict[str, Any] = await receive()
        return message

    return replay


_PAGE = "<!DOCTYPE html><title>{status}</title><h1>{status}</h1><p>{message}</p>"


async def _refuse(send: Any, api: bool, status: int, message: str) -> None:
    if api:
        body = json.dumps({"status": status, "message": message}).encode()
        content_type = b"application/json"
    else:
        body = _PAGE.format(status=status, message=message).encode()
        content_type = b"text/html; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", content_type), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
