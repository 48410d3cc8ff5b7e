"""Services: defined in configuration (and, later, at run time)."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.core import oauth, roles
from hub.db.models import Service
from hub.errors import NotFound
from hub.names import service_prefix, valid_name

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
        service.admin = bool(spec.get("admin", False))
        service.from_config = True
        session.flush()
        roles.set_service_admin(session, service, service.admin)
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
