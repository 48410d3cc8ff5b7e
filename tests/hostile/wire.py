"""Send one :class:`~tests.hostile.corpus.Case` over a socket, byte for byte.

An HTTP client would tidy a hostile request up (encode its path, refuse its
header bytes, fix its Content-Length), so the request is written here by
hand, on a connection of its own (``Connection: close``), and the answer read
to the end. A connection that closes before a whole answer arrives is
:class:`Dropped`: the failure a client would see as "connection reset".
"""

from __future__ import annotations

import select
import socket
import time
from dataclasses import dataclass
from typing import Any

from tests.hostile.corpus import Blob, Case

CHUNK = 64 * 1024


class Dropped(Exception):
    """The hub closed the connection (or never answered) without a whole answer."""


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


def encode(blob: Blob) -> bytes:
    return b"".join(text.encode("latin-1") * times for text, times in blob)


def request_bytes(
    case: Case, host: str, extra: list[tuple[str, str]], substitute: dict[str, str]
) -> tuple[bytes, bytes]:
    """The request's head and body, with the runner's values put in."""

    def fill(raw: bytes) -> bytes:
        for key, value in substitute.items():
            raw = raw.replace(key.encode(), value.encode())
        return raw

    target = fill(encode(case.target))
    body = encode(case.body)
    if len(body) < 64 * 1024:
        body = fill(body)  # a form's _xsrf value; large bodies hold no placeholder
    lines = [
        case.method.encode() + b" " + target + b" HTTP/1.1",
        b"Host: " + host.encode(),
        b"Connection: close",
    ]
    for name, value in case.headers:
        lines.append(name.encode("latin-1") + b": " + fill(encode(value)))
    for name, text in extra:
        lines.append(name.encode() + b": " + text.encode("latin-1"))
    if body or case.method in ("POST", "PUT", "PATCH"):
        lines.append(b"Content-Length: " + str(len(body)).encode())
    return b"\r\n".join(lines) + b"\r\n\r\n", body


def send(
    port: int,
    case: Case,
    extra: list[tuple[str, str]] | None = None,
    substitute: dict[str, str] | None = None,
    timeout: float = 30,
) -> Answer:
    head, body = request_bytes(case, f"127.0.0.1:{port}", extra or [], substitute or {})
    received = bytearray()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        start = time.perf_counter()
        try:
            sock.sendall(head)
            view = memoryview(body)
            sent = 0
            while sent < len(body):
                # a hub that refuses a body answers before reading it: stop sending then
                if select.select([sock], [], [], 0)[0]:
                    break
                sent += sock.send(view[sent : sent + CHUNK])
        except (BrokenPipeError, ConnectionResetError):
            pass  # the answer, if any, is already on its way
        try:
            while chunk := sock.recv(CHUNK):
                received += chunk
        except TimeoutError:
            raise Dropped(f"no whole answer within {timeout} s ({len(received)} bytes)") from None
        except ConnectionResetError:
            if not _complete(bytes(received)):
                raise Dropped(f"connection reset after {len(received)} bytes") from None
        seconds = time.perf_counter() - start
    return _parse(bytes(received), seconds)


def _split(raw: bytes) -> tuple[int, dict[str, str], bytes]:
    head, sep, rest = raw.partition(b"\r\n\r\n")
    if not sep:
        raise Dropped(f"the connection closed after {len(raw)} bytes, inside the answer's head")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    parts = status_line.split(" ", 2)
    if len(parts) < 2 or not parts[1].isdigit():
        raise Dropped(f"not an HTTP answer: {status_line[:80]!r}")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(parts[1]), headers, rest


def _dechunk(data: bytes) -> bytes | None:
    out = bytearray()
    while True:
        size_line, sep, data = data.partition(b"\r\n")
        if not sep:
            return None
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            return bytes(out)
        if len(data) < size + 2:
            return None
        out += data[:size]
        data = data[size + 2 :]


def _body(headers: dict[str, str], rest: bytes) -> bytes | None:
    if headers.get("transfer-encoding", "").lower() == "chunked":
        return _dechunk(rest)
    if "content-length" in headers:
        length = int(headers["content-length"])
        return rest[:length] if len(rest) >= length else None
    return rest  # delimited by the connection's close


def _complete(raw: bytes) -> bool:
    try:
        _status, headers, rest = _split(raw)
    except Dropped:
        return False
    return _body(headers, rest) is not None


def _parse(raw: bytes, seconds: float) -> Answer:
    status, headers, rest = _split(raw)
    body = _body(headers, rest)
    if body is None:
        raise Dropped(f"the connection closed inside the answer's body ({len(rest)} bytes)")
    return Answer(status, headers, body, seconds)


def credentials(case: Case, seeded: dict[str, Any], admin_token: str) -> list[tuple[str, str]]:
    """The headers that make a case's requester (``case.as_``): the admin's token,
    a plain user's token (``seeded["plain"]``), the admin's browser cookie, or none."""
    if case.as_ == "admin":
        return [("Authorization", f"token {admin_token}")]
    if case.as_ == "plain":
        return [("Authorization", f"token {seeded['plain']}")]
    if case.as_ == "cookie":
        return [("Cookie", seeded["cookie"])]
    return []
