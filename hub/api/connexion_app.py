"""connexion, with its per-operation set-up done once instead of per request.

connexion 3.3 (pinned) rebuilds each operation's parameter and response
decorators for every request, inspecting the handler's signature each time,
and inspects each security function's signature on every call. Neither
result can change while the app runs. These subclasses compute them once;
what connexion does with them is unchanged. Together this saves about a
fifth of the time of a small authenticated request.

connexion also validates the whole spec against the OpenAPI schema each
time an app is made (0.3 s), and copies and resolves it again (0.2 s): the
hub's spec is validated and resolved once per process and base path, and
every app made after that shares the result (connexion only reads it).
"""

from __future__ import annotations

import contextvars
import copy
import functools
import hashlib
import json
from collections.abc import Callable
from typing import Any, cast

from connexion import AsyncApp
from connexion.apps.abstract import AbstractApp
from connexion.apps.asynchronous import AsyncApi, AsyncASGIApp, AsyncOperation
from connexion.context import receive, scope
from connexion.decorators import StarletteDecorator
from connexion.security import ApiKeySecurityHandler, BearerSecurityHandler
from connexion.spec import OpenAPISpecification, Specification

from hub.api.bodies import PARSED, REFUSED

_VALIDATED: set[str] = set()
_validate_spec = OpenAPISpecification._validate_spec.__func__


def _validate_once(cls: type[Any], spec: dict[str, Any]) -> None:
    digest = hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()
    if digest not in _VALIDATED:
        _validate_spec(cls, spec)
        _VALIDATED.add(digest)


OpenAPISpecification._validate_spec = classmethod(_validate_once)

#: the resolved spec ``add_api`` is about to load (see HubConnexionApp.add_api)
_PREBUILT: contextvars.ContextVar[Specification | None] = contextvars.ContextVar("prebuilt", default=None)
_load = Specification.load.__func__


def _load_prebuilt(cls: type[Any], spec: Any, *, arguments: Any = None) -> Any:
    made = _PREBUILT.get()
    return made if made is not None else _load(cls, spec, arguments=arguments)


Specification.load = classmethod(_load_prebuilt)


@functools.cache
def _resolved(source: int, base_path: str) -> Specification:
    """The spec registered under ``source`` (see :func:`share`), resolved for one base path."""
    made = Specification.from_dict(copy.deepcopy(_SOURCES[source]))
    made.base_path = base_path
    return made


_SOURCES: dict[int, dict[str, Any]] = {}


def share(spec: dict[str, Any]) -> dict[str, Any]:
    """Mark a parsed spec (kept for the life of the process, and never changed)
    as one whose resolved form apps may share; returns it."""
    _SOURCES[id(spec)] = spec
    return spec


class _OnceDecorator(StarletteDecorator):  # type: ignore[misc]
    def __call__(self, function: Callable[..., Any]) -> Callable[..., Any]:
        decorated = self.decorate(function)

        @functools.wraps(function)
        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            request = self.framework.get_request(uri_parser=self.uri_parser, scope=scope, receive=receive)
            if PARSED in scope:
                # the body was parsed once already (hub.api.bodies); Starlette's
                # Request.json() returns what it finds here instead of parsing again
                request._starlette_request._json = scope[PARSED]
            elif REFUSED in scope:
                # refused by hub.api.bodies: an operation that takes a body has
                # answered 400 already; one that takes none must not parse it
                # again without the limits (100,000 brackets: a RecursionError)
                request._starlette_request._json = None
            return await decorated(request)

        return wrapper


class _Operation(AsyncOperation):  # type: ignore[misc]
    @functools.cached_property
    def fn(self) -> Callable[..., Any]:
        decorator = _OnceDecorator(pythonic_params=self.pythonic_params, jsonifier=self.jsonifier)
        return decorator(self._fn)


class _Api(AsyncApi):  # type: ignore[misc]
    def make_operation(self, operation: Any) -> _Operation:
        made = _Operation.from_operation(
            operation, pythonic_params=self.pythonic_params, jsonifier=self.jsonifier
        )
        return cast(_Operation, made)


class _ASGIApp(AsyncASGIApp):  # type: ignore[misc]
    api_cls = _Api


@functools.cache
def _accepts_kwarg(func: Callable[..., Any], keyword: str) -> bool:
    return bool(ApiKeySecurityHandler._accepts_kwarg(func, keyword))


class _ApiKey(ApiKeySecurityHandler):  # type: ignore[misc]
    _accepts_kwarg = staticmethod(_accepts_kwarg)


class _Bearer(BearerSecurityHandler):  # type: ignore[misc]
    _accepts_kwarg = staticmethod(_accepts_kwarg)


SECURITY_MAP = {"apiKey": _ApiKey, "bearer": _Bearer}


class HubConnexionApp(AsyncApp):  # type: ignore[misc]
    """``connexion.AsyncApp`` with the set-up above."""

    def __init__(self, import_name: str, **kwargs: Any) -> None:
        # AsyncApp.__init__ only creates its ASGI app and hands over to AbstractApp
        self._middleware_app = _ASGIApp()
        kwargs.setdefault("security_map", SECURITY_MAP)
        AbstractApp.__init__(self, import_name, **kwargs)

    def add_api(self, specification: Any, *, base_path: str | None = None, **kwargs: Any) -> Any:
        if not (isinstance(specification, dict) and _SOURCES.get(id(specification)) is specification):
            return super().add_api(specification, base_path=base_path, **kwargs)
        token = _PREBUILT.set(_resolved(id(specification), base_path or ""))
        try:
            return super().add_api(specification, base_path=base_path, **kwargs)
        finally:
            _PREBUILT.reset(token)
