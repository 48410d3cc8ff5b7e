"""Assemble the ASGI application: the API from the spec, the pages, the health check and the metrics."""

from __future__ import annotations

import asyncio
import copy
import functools
import json
import logging
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import uvicorn
import yaml
from connexion import AsyncApp
from connexion.exceptions import ProblemException
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from connexion.middleware import MiddlewarePosition
from connexion.options import SwaggerUIOptions
from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

import hub as hub_package
from hub.access_log import AccessLog
from hub.api import connexion_app, security, webhook_delivery
from hub.api.bodies import RequestLimits
from hub.api.connexion_app import HubConnexionApp
from hub.api.resolver import HubResolver
from hub.api.validation import VALIDATORS
from hub.errors import HubError, log_failure
from hub.metrics import RECORDER
from hub.metrics.catalogue import HUB_STARTUP_DURATION
from hub.metrics.event_loop import PeriodicMetricsCollector
from hub.metrics.requests import RequestDurations, named
from hub.plugins.authenticators import HostedAuthenticator
from hub.runtime import Hub, install
from hub.web import errors as web_errors
from hub.web import headers as security_headers
from hub.web import pages
from hub.web.headers import SecurityHeaders
from hub.web.metrics import metrics_page

log = logging.getLogger("hub.app")


class _TokenInQuery(logging.Filter):
    """connexion logs an error when ``?token=`` (a credential, read by the
    security layer) meets a handler argument named ``token`` (a path
    parameter); the request is served correctly, so the line is noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        return not (str(record.msg).startswith("Function argument") and args[-1:] == ("token",))


logging.getLogger("connexion.decorators.parameter").addFilter(_TokenInQuery())

SPEC_PATH = Path(__file__).resolve().parent.parent / "spec" / "rest-api.yml"
MISSING_CREDENTIALS = "Missing or invalid credentials."
#: operations that say nothing about a bad credential (as JupyterHub)
SILENT_ON_BAD_CREDENTIALS = ("/user", "/authorizations/token/")


@functools.cache
def _parsed_spec() -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    spec: dict[str, Any] = yaml.load(SPEC_PATH.read_text(), Loader=loader)
    return spec


def load_spec() -> dict[str, Any]:
    """The spec as a fresh dict (connexion resolves references in place)."""
    return copy.deepcopy(_parsed_spec())


class VersionHeader:
    """Adds ``X-JupyterHub-Version`` to every response, as JupyterHub does:
    single-user servers read it from ``GET /hub/api``."""

    HEADER = (b"x-jupyterhub-version", hub_package.API_VERSION.encode())

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_header(message: Any) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), self.HEADER]
            await send(message)

        await self.app(scope, receive, send_with_header)


def _error(
    status: int,
    message: str | None,
    headers: dict[str, str] | None = None,
    request: ConnexionRequest | None = None,
) -> ConnexionResponse:
    """The error shape of the API; a page when a browser asked for a page
    (:func:`hub.web.errors.for_browser`)."""
    all_headers = dict(headers or {})
    all_headers.pop("content-type", None)
    all_headers.pop("Content-Type", None)
    if request is not None and web_errors.for_browser(request.url.path, request.headers.get("accept", "")):
        return ConnexionResponse(
            status_code=status,
            mimetype="text/html",
            content_type="text/html; charset=utf-8",
            body=web_errors.error_html(status, message),
            headers=all_headers,
        )
    return ConnexionResponse(
        status_code=status,
        mimetype="application/json",
        content_type="application/json",
        body=json.dumps({"status": status, "message": message}),
        headers=all_headers,
    )


def hub_error(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    assert isinstance(exc, HubError)
    return _error(exc.status, exc.message, exc.headers, request)


def _oauth_error(status: int, description: str | None) -> ConnexionResponse:
    """Errors of the OAuth token endpoint use the OAuth 2 shape (RFC 6749 5.2)."""
    body: dict[str, str] = {"error": "invalid_request"}
    if description:
        body["error_description"] = description
    return ConnexionResponse(
        status_code=status,
        mimetype="application/json",
        content_type="application/json",
        body=json.dumps(body),
    )


def problem(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    assert isinstance(exc, ProblemException)
    if exc.status == 400 and request.url.path.endswith("/oauth2/token"):
        return _oauth_error(400, str(exc.detail or exc.title or "") or None)
    if exc.status == 401:
        # JupyterHub never answers 401: a missing or bad credential is 403
        return _credentials_refused(request)
    if exc.status == 400 and security.token_refused(request.headers, request.query_params):
        return _credentials_refused(request)
    message = exc.detail or exc.title
    if exc.status == 400 and message:
        message = str(message).strip()
    return _error(exc.status, str(message) if message else None, dict(exc.headers or {}), request)


def _credentials_refused(request: ConnexionRequest) -> ConnexionResponse:
    api_path = request.url.path.split("/hub/api", 1)[-1]
    silent = api_path == "/user" or api_path.startswith(SILENT_ON_BAD_CREDENTIALS[1])
    return _error(403, None if silent else MISSING_CREDENTIALS, request=request)


class AllowedMethods:
    """The methods the spec declares for each path, for the Allow header of a 405.

    connexion registers one route per method, so the router's own Allow
    header names only the first route that matched the path.
    """

    def __init__(self, spec: dict[str, Any], base_path: str) -> None:
        self.routes: list[tuple[re.Pattern[str], str]] = []
        for path, item in spec["paths"].items():
            regex = re.sub(r"\\{server_name\\}", "[^/]*", re.escape(path))
            regex = re.sub(r"\\{[a-z_]+\\}", "[^/]+", regex)
            methods = sorted(m.upper() for m in item if m != "parameters")
            self.routes.append((re.compile(re.escape(base_path) + regex + "$"), ", ".join(methods)))

    def __call__(self, path: str) -> str | None:
        for regex, methods in self.routes:
            if regex.match(path):
                return methods
        return None


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def http_error_handler(allowed: AllowedMethods) -> Any:
    def http_error(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        assert isinstance(exc, HTTPException)
        headers = dict(exc.headers or {})
        if exc.status_code == 404:
            bad = next((ch for ch in str(request.scope.get("path", "")) if _CONTROL.match(ch)), None)
            if bad is not None:
                # the router matches no segment holding one; say why, as for names
                return _error(400, f"Invalid character {bad!r} in the path: names hold no control characters")
        if exc.status_code == 405:
            methods = allowed(request.url.path)
            if methods:
                headers = {k: v for k, v in headers.items() if k.lower() != "allow"}
                headers["Allow"] = methods
        return _error(exc.status_code, exc.detail or None, headers, request)

    return http_error


def server_error(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    if isinstance(exc, IntegrityError):
        # a write that a constraint refused (hub.db.engine.Database.run retries
        # the ones a concurrent writer caused, so this one stands)
        log.info("A constraint refused a write: %s", type(exc.orig).__name__)
        return _error(409, "The request conflicts with the current state of the resource", request=request)
    log.exception("Unhandled error", exc_info=exc)
    return _error(500, "Internal Server Error", request=request)


PURGE_INTERVAL = 3600


async def _purge_hourly(hub: Hub) -> None:
    while True:
        await asyncio.sleep(PURGE_INTERVAL)
        if "purge" not in hub.duties_held:
            continue  # another hub process purges
        try:
            purged = await anyio.to_thread.run_sync(hub.purge_expired)
        except Exception:
            log.exception("Purging expired tokens failed")
        else:
            if purged:
                log.info("Deleted %d expired tokens", purged)


async def _watch_proxy(hub: Hub) -> None:
    """Start the proxy again when the one the hub started exits (as JupyterHub checks
    every ``ConfigurableHTTPProxy.check_running_interval`` seconds); with a proxy
    started apart, take the hub's route over when the process it names is gone."""
    while True:
        await asyncio.sleep(hub.proxy.check_running_interval)
        try:
            await hub.restore_proxy()
        except Exception:
            log.exception("Starting the proxy again failed")
        try:
            await hub.keep_hub_route()
        except Exception:
            log_failure(log, "Checking the hub's route in the proxy failed")


async def _last_flush(hub: Hub) -> None:
    """Write what this process observed since its last flush, as it stops."""
    try:
        await hub.metrics.flush()
    except Exception:
        log.warning("Writing the last metrics to the database failed; they are lost", exc_info=True)
    hub.metrics.recorder.take()


async def health(_request: Request) -> Response:
    return Response(status_code=200)


class HubServer(uvicorn.Server):
    """uvicorn's server for a hub. As shutdown begins, while the hub still
    answers, the services it runs are stopped (so that none meets a hub that
    no longer answers), and the change streams (``GET /events``) end, each
    client to resume with ``Last-Event-ID`` wherever it reconnects: uvicorn
    waits for open answers to end before the app's own shutdown, and a stream
    never ends by itself."""

    def __init__(self, hub: Hub, app: AsyncApp, host: str, port: int, **options: Any) -> None:
        super().__init__(uvicorn.Config(app, host=host, port=port, log_level="warning", **options))
        self.hub = hub

    async def shutdown(self, sockets: Any = None) -> None:
        await self.hub.service_processes.stop()
        await self.hub.event_feed.stop()
        await super().shutdown(sockets)


def create_app(hub: Hub) -> AsyncApp:
    """The ASGI app serving ``hub``."""
    install(hub)

    @asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        try:
            await anyio.to_thread.run_sync(hub.start)
            await hub.start_services()
        except BaseException:
            await hub.stop_services()
            hub.stop()
            raise
        hub.metrics.recorder.observe(HUB_STARTUP_DURATION, None, time.perf_counter() - hub.startup_began)
        purger = asyncio.create_task(_purge_hourly(hub))
        watcher = asyncio.create_task(_watch_proxy(hub))
        sender = asyncio.create_task(webhook_delivery.deliver_forever(hub))
        flusher = asyncio.create_task(hub.metrics.keep_flushing(hub.settings.metrics_flush_interval))
        tasks = [purger, watcher, sender, flusher]
        sampling = PeriodicMetricsCollector(config=hub.config)
        if sampling.event_loop_interval_enabled:
            tasks.append(asyncio.create_task(sampling.sample_event_loop(hub.metrics.recorder)))
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await hub.stop_services()
            await _last_flush(hub)
            hub.stop()

    spec = connexion_app.share(_parsed_spec())  # read, never changed: apps share its resolved form
    prefix = hub.settings.hub_prefix()
    app = HubConnexionApp(__name__, lifespan=lifespan)
    app.add_api(
        spec,
        base_path=prefix + "api",
        resolver=HubResolver(spec),
        validate_responses=hub.validate_responses,
        swagger_ui_options=SwaggerUIOptions(swagger_ui_path="/docs"),
        validator_map=VALIDATORS,
    )
    # added first, so outermost (connexion inserts each later one inside): it sees every final status
    app.add_middleware(AccessLog, position=MiddlewarePosition.BEFORE_EXCEPTION, health_path=prefix + "health")
    app.add_middleware(RequestDurations, position=MiddlewarePosition.BEFORE_EXCEPTION, recorder=RECORDER)
    app.add_middleware(VersionHeader, position=MiddlewarePosition.BEFORE_EXCEPTION)
    app.add_middleware(
        SecurityHeaders,
        position=MiddlewarePosition.BEFORE_EXCEPTION,
        extra=security_headers.configured(hub.settings.tornado_settings),
    )
    app.add_middleware(
        RequestLimits,
        position=MiddlewarePosition.BEFORE_EXCEPTION,
        api_prefix=prefix + "api",
        max_body_size=hub.settings.max_body_size,
    )
    app.add_error_handler(HubError, hub_error)
    app.add_error_handler(ProblemException, problem)
    app.add_error_handler(HTTPException, http_error_handler(AllowedMethods(spec, prefix + "api")))
    app.add_error_handler(Exception, server_error)
    app.add_url_rule(prefix + "health", "health", named("health", health), methods=["GET"])
    app.add_url_rule(prefix + "metrics", "metrics", named("metrics", metrics_page), methods=["GET"])
    routes = pages.routes(hub)
    if isinstance(hub.authenticator, HostedAuthenticator) and hub.authenticator.has_handlers():
        # the authenticator's own pages come first: its /logout replaces the hub's
        from hub.plugins.tornado_bridge import TornadoBridge

        routes = TornadoBridge(hub.authenticator, prefix).routes() + routes
    for route in routes:
        endpoint = named(route.name, route.endpoint)
        app.add_url_rule(route.path, route.name, endpoint, methods=sorted(route.methods or ()))
    return app
