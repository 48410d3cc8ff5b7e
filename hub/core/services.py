"""Services: defined in configuration, or created over the API at run time.

Configured services (``from_config``) follow the configuration at every
start-up; services created at run time are left alone by it and stay until
they are deleted over the API, which configured ones cannot be.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from hub.auth import hashing
from hub.auth import scopes as sc
from hub.auth.identity import Identity
from hub.core import events, grants, oauth, tokens
from hub.db.models import APIToken, Service, service_role_map
from hub.errors import BadRequest, Conflict, MethodNotAllowed, NotFound
from hub.names import service_prefix, valid_name, valid_service_name

log = logging.getLogger(__name__)

CONFIG_KEYS = {
    "name",
    "url",
    "api_token",
    "admin",
    "roles",
    "command",
    "environment",
    "cwd",
    "user",
    "oauth_client_id",
    "oauth_redirect_uri",
    "oauth_client_allowed_scopes",
    "oauth_roles",
    "oauth_no_confirm",
    "info",
    "display",
    "timeout",
    "oauth_redirect_url",
    "display_name",
}


#: what a run-time service's ``url`` may be: http(s), a host name or an IP address,
#: an optional port (0-65535) and path; or empty for a service without one
#: an IPv6 address in full or with one ``::`` (the forms with an IPv4 tail are not taken)
_HEX = r"[0-9A-Fa-f]{1,4}"
IPV6_PATTERN = (
    rf"(?:(?:{_HEX}:){{7}}{_HEX}|(?:{_HEX}:){{1,7}}:|(?:{_HEX}:){{1,6}}:{_HEX}"
    + "".join(rf"|(?:{_HEX}:){{1,{7 - k}}}(?::{_HEX}){{1,{k}}}" for k in range(2, 6))
    + rf"|{_HEX}:(?::{_HEX}){{1,6}}|:(?:(?::{_HEX}){{1,7}}|:))"
)
URL_PATTERN = (
    r"^(?:$|https?://(?:[A-Za-z0-9._~-]+|\[" + IPV6_PATTERN + r"\])"
    r"(?::(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3}|0))?"
    r"(?:/[^\s\x00-\x1f\x7f-\x9f]*)?)$"
)
_URL = re.compile(URL_PATTERN)
#: the keys JupyterHub accepts in the body of ``POST /services/{name}``
API_KEYS = frozenset(
    {
        "name",
        "admin",
        "url",
        "oauth_client_allowed_scopes",
        "api_token",
        "info",
        "display",
        "oauth_no_confirm",
        "command",
        "cwd",
        "environment",
        "user",
        "oauth_client_id",
        "oauth_redirect_uri",
    }
)
#: the note of a run-time service's own token; not "from config", which start-up prunes
API_TOKEN_NOTE = "service token from the API"


class ServiceConfigError(ValueError):
    """A service definition the hub cannot start with."""


def by_name(session: Session, name: str) -> Service | None:
    return (session.execute(select(Service).where(Service.name == name))).scalar_one_or_none()


def require(session: Session, name: str) -> Service:
    service = by_name(session, name)
    if service is None:
        raise NotFound(f"No such service: {name}")
    return service


def get_or_create(session: Session, name: str) -> Service:
    service = by_name(session, name)
    if service is None:
        service = Service(name=name, admin=False, from_config=True)
        session.add(service)
        session.flush()
    return service


def wants_oauth(spec: dict[str, Any]) -> bool:
    """Services with a URL or OAuth settings are OAuth clients of the hub."""
    return bool(spec.get("url") or spec.get("oauth_client_id") or spec.get("oauth_redirect_uri"))


def register_oauth_client(
    session: Session, spec: dict[str, Any], secret: str, base_url: str, rounds: int
) -> None:
    name = spec["name"]
    redirect = spec.get("oauth_redirect_uri") or f"{service_prefix(base_url, name)}oauth_callback"
    allowed = [*(spec.get("oauth_client_allowed_scopes") or []), f"access:services!service={name}"]
    oauth.register(
        session,
        oauth_client_id(spec),
        secret,
        redirect,
        spec.get("display_name") or f"Service {name}",
        allowed,
        rounds,
    )


def oauth_client_id(spec: dict[str, Any]) -> str:
    return str(spec.get("oauth_client_id") or f"service-{spec['name']}")


def apply_config(session: Session, specs: list[dict[str, Any]], token_owners: set[str]) -> None:
    """Make config-defined services match ``JupyterHub.services``.

    ``token_owners`` are services named only by ``JupyterHub.service_tokens``;
    they exist too.
    """
    listed = set(token_owners)
    _refuse_runtime_names(session, listed | {spec.get("name") for spec in specs if isinstance(spec, dict)})
    for owner_name in token_owners:
        get_or_create(session, owner_name)
    for spec in specs:
        name = spec.get("name")
        if not isinstance(name, str) or not valid_name(name):
            raise ServiceConfigError(f"service without a valid name: {spec!r}")
        unknown = set(spec) - CONFIG_KEYS
        if unknown:
            log.warning("Service %s: ignoring unknown keys %s", name, sorted(unknown))
        url = spec.get("url") or None
        if url is not None and not str(url).startswith(("http://", "https://")):
            raise ServiceConfigError(f"service {name}: url must be http or https, not {url!r}")
        listed.add(name)
        service = get_or_create(session, name)
        service.url = url
        service.info = dict(spec.get("info") or {})
        service.display = bool(spec.get("display", True))
        service.command = list(spec.get("command") or []) or None
        service.oauth_client_id = spec.get("oauth_client_id")
        service.oauth_redirect_uri = spec.get("oauth_redirect_uri")
        service.oauth_no_confirm = bool(spec.get("oauth_no_confirm", False))
        service.admin = bool(spec.get("admin", False))
        service.from_config = True
        session.flush()
        grants.set_service_admin(session, service, service.admin)
    stale = (
        session.execute(select(Service).where(Service.from_config.is_(True), Service.name.not_in(listed)))
    ).scalars()
    for service in stale:
        log.info("Deleting service %s, no longer in the configuration", service.name)
        session.delete(service)
    session.flush()


def routes(session: Session) -> list[tuple[str, str]]:
    """(name, url) of every service the proxy routes to (those with a ``url``)."""
    rows = session.execute(select(Service.name, Service.url).where(Service.url.is_not(None))).all()
    return [(name, url) for name, url in rows if url]


def _refuse_runtime_names(session: Session, names: set[Any]) -> None:
    """A configured name held by a service created at run time: the hub does not start.

    JupyterHub logs and skips such a configured service; here the clash is
    refused, so that the configuration is never silently half applied.
    """
    wanted = [n for n in names if isinstance(n, str)]
    clash = session.execute(
        select(Service.name).where(Service.from_config.is_(False), Service.name.in_(wanted))
    ).scalars()
    taken = sorted(clash)
    if taken:
        raise ServiceConfigError(
            f"services {taken} of the configuration exist as services created at run time;"
            " delete them over the API (DELETE /services/NAME) or rename them in the configuration"
        )


def no_confirm(session: Session, client_id: str) -> bool:
    """Whether the OAuth client ``client_id`` is a service's that skips the confirmation page."""
    if not client_id.startswith("service-"):
        return False
    custom = Service.oauth_client_id == client_id
    default = Service.oauth_client_id.is_(None) & (Service.name == client_id.removeprefix("service-"))
    query = select(Service.id).where(Service.oauth_no_confirm.is_(True))
    return session.execute(query.where(custom | default)).first() is not None


@dataclass(frozen=True)
class Created:
    service: Service
    #: the generated token, when the request supplied none: shown once
    token: str | None


def _check_body(name: str, body: dict[str, Any]) -> None:
    if not body:
        raise BadRequest("Invalid service data")
    unknown = set(body) - API_KEYS
    if unknown:
        raise BadRequest(f"Invalid JSON keys: {sorted(unknown)}")
    if body.get("command"):
        raise BadRequest(f"Can not create managed service {name} at runtime")
    url = body.get("url") or ""
    if not _URL.match(url):
        raise BadRequest(f"Unsupported URL for service {name}: {url}. Must be http[s]://host[:port][/path]")
    client_id = body.get("oauth_client_id")
    if client_id is not None and not client_id.startswith("service-"):
        raise BadRequest(
            f"service {name} has oauth_client_id='{client_id}'. Service oauth client ids must start with 'service-'"
        )


def wants_oauth_at_runtime(body: dict[str, Any]) -> bool:
    """As JupyterHub: a URL, or any OAuth setting given explicitly, makes an OAuth client."""
    return bool(
        body.get("url")
        or body.get("oauth_client_id")
        or body.get("oauth_redirect_uri")
        or body.get("oauth_no_confirm")
    )


def _check_scopes(body: dict[str, Any], requester: Identity) -> None:
    """The requester may only give the service (admin) and its OAuth client scopes it holds itself."""
    requested = list(sc.ADMIN_SCOPES) if body.get("admin") else []
    requested += list(body.get("oauth_client_allowed_scopes") or [])
    for scope in requested:
        try:
            sc.validate(scope)
        except sc.ScopeError as e:
            raise BadRequest(str(e)) from None
    missing = requester.unheld(requested) if requested else frozenset()
    if missing:
        raise BadRequest(
            f"Not assigning requested scopes {','.join(sorted(missing))} not held by {requester.label}"
        )


def create(
    session: Session,
    name: str,
    body: dict[str, Any],
    requester: Identity,
    base_url: str,
    supplied_rounds: int,
) -> Created:
    """Create an external service at run time, with its token and OAuth client.

    Everything is checked before anything is written, so a refused request
    leaves nothing behind (and the caller's transaction holds it all).
    """
    if not valid_service_name(name):
        raise BadRequest(f"Invalid service name: {name!r}")
    if by_name(session, name) is not None:
        raise Conflict(f"Service {name} already exists")
    _check_body(name, body)
    _check_scopes(body, requester)
    spec = {**body, "name": name}
    url = body.get("url") or None
    oauth_wanted = wants_oauth_at_runtime(body)
    if oauth_wanted and not url and not body.get("oauth_redirect_uri"):
        raise BadRequest(f"Service {name} has oauth configured, but is missing required oauth_redirect_uri.")
    client_id = oauth_client_id(spec)
    if oauth_wanted and oauth.client(session, client_id) is not None:
        raise Conflict(f"OAuth client {client_id} already exists")
    supplied = body.get("api_token")
    if supplied is not None and tokens.exists(session, supplied) is not None:
        raise BadRequest("api_token is already in use")

    service = Service(
        name=name,
        admin=bool(body.get("admin", False)),
        url=url,
        info=dict(body.get("info") or {}),
        display=bool(body.get("display", True)),
        oauth_client_id=body.get("oauth_client_id"),
        oauth_redirect_uri=body.get("oauth_redirect_uri") or None,
        oauth_no_confirm=bool(body.get("oauth_no_confirm", False)),
        from_config=False,
    )
    session.add(service)
    session.flush()
    if service.admin:
        grants.set_service_admin(session, service, True)
    rounds = supplied_rounds if supplied is not None else hashing.GENERATED_ROUNDS
    _, value = tokens.issue(
        session, service_id=service.id, note=API_TOKEN_NOTE, value=supplied, rounds=rounds
    )
    if oauth_wanted:
        register_oauth_client(session, spec, value, base_url, rounds)
    events.note(session, "service.created", service.id)
    log.info("Created service %s at run time", name)
    return Created(service, None if supplied is not None else value)


def remove(session: Session, name: str) -> Service:
    """Delete a service created at run time: its row, tokens, roles and OAuth client."""
    service = by_name(session, name)
    if service is None:
        raise NotFound(f"Service {name} does not exist")
    if service.from_config:
        raise MethodNotAllowed(f"Service {name} is not modifiable at runtime")
    had_client = (
        service.url or service.oauth_client_id or service.oauth_redirect_uri or service.oauth_no_confirm
    )
    if had_client:
        # only its own: without OAuth settings, service-NAME may be another service's custom id
        oauth.remove(session, oauth_client_id({"name": name, "oauth_client_id": service.oauth_client_id}))
    events.removed(session, "service.deleted", [service.id])
    session.execute(delete(APIToken).where(APIToken.service_id == service.id))
    session.execute(delete(service_role_map).where(service_role_map.c.service_id == service.id))
    session.execute(delete(Service).where(Service.id == service.id))
    session.expunge(service)
    log.info("Deleted service %s", name)
    return service
