"""Operations tagged ``services``."""

from __future__ import annotations

from typing import Any

from hub.api.common import not_implemented, services_query, shaper
from hub.api.context import ctx
from hub.db.models import Service
from hub.errors import NotFound


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


post_service = not_implemented("creating services at run time")
delete_service = not_implemented("deleting services at run time")
