"""Safe writes and retries: ETags, conditional requests and idempotency keys.

What an operation takes part in is declared in the spec, by the header
parameters it lists; the resolver reads them once and gives each handler
its :class:`Guard`:

- ``If-None-Match`` (single-resource GETs): the answer carries an ``ETag``;
  when the header matches it (weak comparison; ``*`` matches any), the
  answer is ``304`` with the tag and no body.
- ``If-Match`` (changes to one resource): the change is made only when the
  resource's current tag is one of those named (strong comparison; ``*``
  matches any), else ``412`` with the current tag. The current tag is that
  of the GET of the same path (or of the GET that ``x-hub-etag-of`` names),
  computed by that GET's own handler, for the same path parameters, inside
  the write's own transaction: on PostgreSQL a concurrent change to the rows
  written makes the write fail and run again, and the second run sees the
  new tag. An unknown resource is still ``404``: preconditions are weighed
  only where the request would otherwise succeed.
- ``Idempotency-Key`` (creates): the first successful answer is recorded
  (:mod:`hub.core.idempotency`) in the transaction that acted, and a retry
  with the same key, operation, path and body gets it back without acting
  again; the same key with another request is ``422``.

The ETag is the first 128 bits of the SHA-256 of the model's canonical JSON
(keys sorted, no spaces), in hex and quoted: a strong validator of the
representation this requester is shown. Anything visible in the model
changes it; two requesters shown different fields get different tags.

A coroutine handler (a server start or stop, a service made or deleted)
acts after the request's first transaction, in transactions of its own;
for it the guarantees are narrower. ``If-Match`` is weighed in that first
transaction, just before the handler acts, not atomically with the act. An
``Idempotency-Key`` is claimed in that first transaction (a record with no
answer yet): a retry while the first request runs is ``409``, and the
answer is recorded once the handler returns; a failed request gives the key
up. So the act happens at most once per key; a hub process that dies while
the request runs leaves the key claimed until the record expires.

Recorded answers may hold a secret shown once (a new token's value): with
``JUPYTERHUB_CRYPT_KEY`` set every recorded body is encrypted with it;
without a key, bodies are kept as JSON except those of operations that
declare ``x-hub-response-secret``, which are encrypted with a key derived
from the cookie secret (as webhook secrets are). A retry whose recorded
answer no key opens any more (the keys changed) is ``409``, without acting
again.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from hub.api.context import ctx
from hub.auth.crypto import Crypter, derived
from hub.core import idempotency as core
from hub.errors import Conflict, PreconditionFailed, Unprocessable
from hub.timeutil import utcnow

Handler = Callable[..., Any]
IF_MATCH = "If-Match"
IF_NONE_MATCH = "If-None-Match"
IDEMPOTENCY_KEY = "Idempotency-Key"
#: an entity tag of a list (the spec's pattern has checked the list's syntax)
_TAG = re.compile(r'(W/)?"([^"]*)"')
#: how a recorded body is kept: encrypted with JUPYTERHUB_CRYPT_KEY, as JSON,
#: encrypted with the key derived from the cookie secret, or (records made
#: before answers with secrets were kept without JUPYTERHUB_CRYPT_KEY) not kept
SEALED, PLAIN, DERIVED, WITHHELD = "sealed", "plain", "derived", "withheld"
#: what the key encrypting answers with secrets is derived for (:func:`_derived_box`)
_PURPOSE = "hub idempotent answers"


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def etag(model: Any) -> str:
    return f'"{hashlib.sha256(canonical(model)).hexdigest()[:32]}"'


def matches(header: str, tag: str, *, weak: bool) -> bool:
    """Whether an If-Match (strong) or If-None-Match (``weak``) header names ``tag``."""
    if header.strip() == "*":
        return True
    opaque = tag.strip('"')
    return any(text == opaque and (weak or not w) for w, text in _TAG.findall(header))


def unpack(result: Any) -> tuple[Any, int, dict[str, str]]:
    """(body, status, headers) of what a handler returned."""
    if not isinstance(result, tuple):
        return result, 200 if result is not None else 204, {}
    body = result[0]
    status = result[1] if len(result) > 1 else (200 if body is not None else 204)
    return body, int(status), dict(result[2]) if len(result) > 2 else {}


@dataclass(frozen=True)
class Replay:
    """The recorded answer to send again."""

    result: tuple[Any, int]


@dataclass(frozen=True)
class Claim:
    """A key claimed by a coroutine handler's request, to be answered when it returns."""

    requester: str
    key: str


@dataclass(frozen=True)
class _Ask:
    """One request with an Idempotency-Key: who, which key, and the request it names."""

    requester: str
    key: str
    request: tuple[str, str, str]  # operation, path, body fingerprint

    @classmethod
    def of(cls, operation_id: str, key: str, kwargs: dict[str, Any]) -> _Ask:
        c = ctx()
        me = c.me()
        fingerprint = hashlib.sha256(canonical(kwargs.get("body"))).hexdigest()
        return cls(f"{me.kind}:{me.id}", key, (operation_id, c.request.url.path, fingerprint))


@dataclass(frozen=True)
class Guard:
    """What the spec declares an operation takes part in (see the module's docstring)."""

    operation_id: str
    #: answers carry an ETag, and If-None-Match is weighed
    tagged: bool = False
    #: for If-Match: the handler of the GET whose model is the validator, and its path parameters
    source: Handler | None = None
    source_params: tuple[str, ...] = ()
    idempotent: bool = False
    #: the answer carries a secret shown once (kept only encrypted)
    secret: bool = False

    @property
    def inert(self) -> bool:
        """It declares none of the headers: the handler runs as it is."""
        return not (self.tagged or self.source or self.idempotent)

    def claims(self, headers: Any) -> bool:
        """Whether a coroutine handler's first transaction writes (it claims a key)."""
        return self.idempotent and headers.get(IDEMPOTENCY_KEY) is not None

    def run(self, call: Callable[[], Any], kwargs: dict[str, Any]) -> Any:
        """A synchronous handler's call, inside the request's transaction."""
        if self.inert:
            return call()
        self._check_if_match(kwargs)
        key = ctx().request.headers.get(IDEMPOTENCY_KEY) if self.idempotent else None
        if key is None:
            return self._tagged(call())
        c = ctx()
        ask, now = _Ask.of(self.operation_id, key, kwargs), utcnow()
        found = core.find(c.conn, ask.requester, key, now)
        if found is not None:
            return self._replay(found, ask).result
        result = call()
        _, status, _ = unpack(result)
        if 200 <= status < 300:
            answer = (status, *self._keep(result))
            core.record(c.conn, ask.requester, key, ask.request, answer, now)
        return result

    def prepare(self, kwargs: dict[str, Any]) -> Replay | Claim | None:
        """Before a coroutine handler acts, in the request's first transaction."""
        if self.inert:
            return None
        self._check_if_match(kwargs)
        key = ctx().request.headers.get(IDEMPOTENCY_KEY) if self.idempotent else None
        if key is None:
            return None
        c = ctx()
        ask, now = _Ask.of(self.operation_id, key, kwargs), utcnow()
        found = core.find(c.conn, ask.requester, key, now)
        if found is not None:
            return self._replay(found, ask)
        core.record(c.conn, ask.requester, key, ask.request, (None, PLAIN, None), now)
        return Claim(ask.requester, key)

    async def settle(
        self, claim: Claim, result: Any, transact: Callable[[Callable[[Session], None]], Awaitable[None]]
    ) -> None:
        """Record a coroutine handler's answer to its claimed key (None: it failed)."""
        status = unpack(result)[1] if result is not None else 500
        if 200 <= status < 300:
            answer = (status, *self._keep(result))
            await transact(lambda s: core.complete(s.connection(), claim.requester, claim.key, answer))
        else:
            await transact(lambda s: core.release(s.connection(), claim.requester, claim.key))

    def _check_if_match(self, kwargs: dict[str, Any]) -> None:
        header = ctx().request.headers.get(IF_MATCH)
        if header is None or self.source is None:
            return
        model = unpack(self.source(**{k: kwargs[k] for k in self.source_params}))[0]
        current = etag(model)
        if not matches(header, current, weak=False):
            raise PreconditionFailed(
                f"The resource has changed: its ETag is now {current}, not one If-Match names",
                headers={"ETag": current},
            )

    def _tagged(self, result: Any) -> Any:
        if not self.tagged:
            return result
        body, status, headers = unpack(result)
        if status != 200:
            return result
        tag = etag(body)
        header = ctx().request.headers.get(IF_NONE_MATCH)
        if header is not None and matches(header, tag, weak=True):
            return None, 304, {"ETag": tag}
        return body, status, {**headers, "ETag": tag}

    def _keep(self, result: Any) -> tuple[str, bytes | None]:
        """How a successful answer's body is recorded: (form, bytes)."""
        body = unpack(result)[0]
        crypter = ctx().hub.crypter
        if crypter.enabled:
            return SEALED, crypter.encrypt({"body": body})
        if self.secret:
            return DERIVED, _derived_box().encrypt({"body": body})
        return PLAIN, json.dumps(body).encode()  # in the first answer's order

    def _replay(self, found: core.Record, ask: _Ask) -> Replay:
        if (found.operation, found.path, found.fingerprint) != ask.request:
            raise Unprocessable(
                "This Idempotency-Key was first sent with another request (operation, path or body); "
                "send a new key for a new request"
            )
        if found.status is None:
            raise Conflict(
                "The first request with this Idempotency-Key is still running; retry later",
                headers={"Retry-After": "1"},
            )
        if found.body_form in (SEALED, DERIVED):
            box = ctx().hub.crypter if found.body_form == SEALED else _derived_box()
            opened = box.decrypt(found.body)
            if not isinstance(opened, dict):
                raise Conflict(
                    "The first request with this Idempotency-Key succeeded and is not done again, but "
                    "its recorded answer cannot be read with the hub's keys any more "
                    "(JUPYTERHUB_CRYPT_KEY or the cookie secret changed); send a new key to act again"
                )
            body = opened["body"]
        elif found.body_form == WITHHELD:
            raise Conflict(
                "The first request with this Idempotency-Key succeeded and is not done again, but its "
                "answer, which held a secret, was not kept; send a new key to act again"
            )
        else:
            body = json.loads(found.body or b"null")
        return Replay((body, found.status))


def _derived_box() -> Crypter:
    return derived(ctx().hub.sessions.secret, _PURPOSE)
