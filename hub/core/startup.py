"""Apply the configuration to the database when the hub starts."""

from __future__ import annotations

import logging

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from hub.auth import hashing
from hub.auth.authenticators import Authenticator
from hub.config import JupyterHub
from hub.core import grants, groups, roles, services, tokens, users
from hub.db.models import APIToken

log = logging.getLogger(__name__)

CONFIG_NOTE = "from config"


class ConfigError(ValueError):
    """The configuration cannot be applied; the hub does not start."""


def apply(session: Session, settings: JupyterHub, authenticator: Authenticator) -> None:
    roles.ensure_defaults(session)
    service_specs = list(settings.services)
    try:
        services.apply_config(session, service_specs, set(settings.service_tokens.values()))
    except services.ServiceConfigError as e:
        raise ConfigError(str(e)) from None
    try:
        roles.apply_config(session, settings.load_roles)
    except roles.RoleConfigError as e:
        raise ConfigError(str(e)) from None

    admin_names = [authenticator.normalize_username(n) for n in authenticator.admin_users]
    admins = users.get_or_create_many(session, admin_names)
    for user in admins:
        user.admin = True
    grants.give(session, "admin", [u.id for u in admins])
    allowed = [authenticator.normalize_username(n) for n in authenticator.allowed_users]
    users.get_or_create_many(session, allowed)

    groups.apply_config(session, dict(settings.load_groups), authenticator)
    _config_tokens(session, settings, authenticator)
    rounds = hashing.GENERATED_ROUNDS if settings.trust_user_provided_tokens else hashing.USER_SUPPLIED_ROUNDS
    for spec in service_specs:
        if spec.get("api_token") and services.wants_oauth(spec):
            services.register_oauth_client(session, spec, spec["api_token"], settings.base_prefix(), rounds)
    purged = tokens.purge_expired(session)
    if purged:
        log.info("Deleted %d expired tokens", purged)
    if settings.custom_scopes:
        log.warning("JupyterHub.custom_scopes is not supported yet; ignored")


def _config_tokens(session: Session, settings: JupyterHub, authenticator: Authenticator) -> None:
    rounds = hashing.GENERATED_ROUNDS if settings.trust_user_provided_tokens else hashing.USER_SUPPLIED_ROUNDS
    wanted: list[tuple[str, str, str]] = []  # (token, kind, owner name)
    for token, name in settings.api_tokens.items():
        wanted.append((token, "user", authenticator.normalize_username(name)))
    for token, name in settings.service_tokens.items():
        wanted.append((token, "service", name))
    for spec in settings.services:
        if spec.get("api_token"):
            wanted.append((spec["api_token"], "service", spec["name"]))

    kept: set[int] = set()
    for token, kind, name in wanted:
        if len(token) < tokens.MIN_SUPPLIED_LENGTH:
            raise ConfigError(
                f"Tokens from configuration must be at least {tokens.MIN_SUPPLIED_LENGTH} characters"
            )
        if kind == "user":
            if not authenticator.validate_username(name):
                raise ConfigError(f"Token for invalid user name {name!r}")
            (owner,) = users.get_or_create_many(session, [name])
            user_id, service_id = owner.id, None
        else:
            service = services.get_or_create(session, name)
            user_id, service_id = None, service.id
        existing = tokens.exists(session, token)
        if existing is not None:
            if (existing.user_id, existing.service_id) != (user_id, service_id):
                raise ConfigError(f"A token from configuration is already owned by another {kind} or user")
            existing.expires_at = None
            kept.add(existing.id)
            continue
        row, _ = tokens.issue(
            session, value=token, rounds=rounds, note=CONFIG_NOTE, user_id=user_id, service_id=service_id
        )
        kept.add(row.id)
    stale = select(APIToken.id).where(APIToken.note == CONFIG_NOTE, APIToken.id.not_in(kept))
    stale_ids = list((session.execute(stale)).scalars())
    if stale_ids:
        log.info("Deleting %d tokens no longer in the configuration", len(stale_ids))
        session.execute(delete(APIToken).where(APIToken.id.in_(stale_ids)))
