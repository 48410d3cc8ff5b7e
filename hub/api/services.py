"""Operations tagged ``services``."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from hub.api.common import services_query, shaper
from hub.api.context import ctx
from hub.auth import hashing
from hub.core import services as services_core
from hub.db.models import Service
from hub.errors import BadRequest, NotFound


def get_services() -> Any:
    c = ctx()
    filters = c.me().scopes.filters("list:services")
    query = services_query().order_by(Service.id)
    if isinstance(filters, frozenset):
        query = query.where(Service.name.in_([v for k, v in filters if k == "service"]))
    s = shaper()
    out: dict[str, Any] = {}
    for service in (c.session.execute(query)).scalars():
        model = s.service(service)
        if model is not None:
            out[service.name] = model
    return out


def get_service(name: str) -> Any:
    c = ctx()
    service = (c.session.execute(services_query().where(Service.name == name))).scalar_one_or_none()
    model = shaper().service(service) if service is not None else None
    if model is None:
        raise NotFound(f"No such service: {name}")
    return model


async def post_service(name: str, body: Any = None) -> Any:
    c = ctx()
    if not isinstance(body, dict) or not body:
        raise BadRequest("Invalid service data")
    me, s = c.me(), shaper()
    trusted = c.hub.settings.trust_user_provided_tokens
    rounds = hashing.GENERATED_ROUNDS if trusted else hashing.USER_SUPPLIED_ROUNDS

    def create(session: Session) -> tuple[dict[str, Any], str | None, str | None]:
        created = services_core.create(session, name, body, me, c.hub.base_prefix, rounds)
        query = services_query().where(Service.id == created.service.id)
        row = session.execute(query.execution_options(populate_existing=True)).scalar_one()
        model = s.service(row)
        assert model is not None  # admin:services implies read:services
        return model, created.token, row.url

    model, token, url = await c.hub.transact(create)
    if url:
        await c.hub.lifecycle.route_service(name, url)
    if token is not None:
        model["api_token"] = token
    return model, 201


async def delete_service(name: str) -> Any:
    c = ctx()

    def remove(session: Session) -> str | None:
        return services_core.remove(session, name).url

    if await c.hub.transact(remove):
        await c.hub.lifecycle.unroute_service(name)
    return {}, 200
