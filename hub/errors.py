"""The error model of the hub.

HubError                    an answer in the shape {"status": N, "message": ...}
 ├── BadRequest         400 the request is malformed or breaks a rule
 ├── Forbidden          403 no valid credential, or not allowed
 ├── NotFound           404 no such resource, or the requester cannot see it
 ├── MethodNotAllowed   405 the resource cannot be changed this way
 ├── Conflict           409 the resource already exists
 ├── PreconditionFailed 412 the resource changed since the ETag an If-Match names
 ├── Unprocessable      422 an Idempotency-Key already used for another request
 ├── TooManyRequests    429 retry later (carries Retry-After)
 ├── Busy               503 a write kept losing to concurrent writes; retry (carries Retry-After)
 ├── DatabaseUnavailable 503 the database cannot be reached (restarting, unreachable); retry (carries Retry-After)
 └── ProxyUnavailable   503 the proxy's API cannot be reached (and the hub cannot start it again)

Domain code raises these; the API edge renders them.
"""

from __future__ import annotations

import logging
import sys


class HubError(Exception):
    status = 500

    def __init__(self, message: str | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.headers = headers or {}


class BadRequest(HubError):
    status = 400


class Forbidden(HubError):
    status = 403


class NotFound(HubError):
    status = 404


class MethodNotAllowed(HubError):
    status = 405


class Conflict(HubError):
    status = 409


class Gone(HubError):
    status = 410


class PreconditionFailed(HubError):
    status = 412


class Unprocessable(HubError):
    status = 422


class TooManyRequests(HubError):
    status = 429


class Busy(HubError):
    status = 503

    def __init__(self) -> None:
        super().__init__(
            "The hub is too busy with concurrent changes to this resource; try again",
            headers={"Retry-After": "1"},
        )


class ProxyUnavailable(HubError):
    status = 503


class DatabaseUnavailable(HubError):
    status = 503

    def __init__(self) -> None:
        super().__init__(
            "The hub cannot reach its database at the moment; try again shortly",
            headers={"Retry-After": "2"},
        )


class Unreachable(RuntimeError):
    """A part the hub talks to (the proxy, say) cannot be reached: not an
    answer of its own (the API edge turns what needs one into a 503)."""


def log_failure(logger: logging.Logger, what: str) -> None:
    """Log the exception being handled in a background loop (which will try
    again): an unreachable database or proxy as one line, anything else with
    its traceback."""
    e = sys.exc_info()[1]
    if isinstance(e, DatabaseUnavailable | ProxyUnavailable | Unreachable):
        logger.warning("%s: %s", what, e)
    else:
        logger.exception(what)
