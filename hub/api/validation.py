"""Faster parameter and body validators for connexion.

connexion 3.3 builds a parameter validator for every request, and it copies
each parameter's schema and compiles a new JSON Schema validator for every
parameter it checks. This subclass compiles each parameter's validator once
and reuses it; the rules are unchanged. Its messages name the parameter and
the value, without the JSON Schema dump that jsonschema's own message carries
(``Invalid server_name: '0'``, as JupyterHub words it), or the message the
parameter's schema names in ``x-hub-error`` (a header whose value may be
long, such as ``Idempotency-Key``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

from connexion.datastructures import MediaTypeDict
from connexion.exceptions import BadRequestProblem
from connexion.json_schema import Draft4RequestValidator
from connexion.utils import is_null, is_nullable
from connexion.validators import FormDataValidator, MultiPartFormDataValidator
from connexion.validators.json import JSONRequestBodyValidator
from connexion.validators.parameter import ParameterValidator, draft4_format_checker
from jsonschema import Draft4Validator, ValidationError

from hub.api.bodies import PARSED, REFUSED

#: id(parameter dict) -> (the dict, its compiled validator); the dict is kept
#: to tell a reused id from the same parameter
_COMPILED: dict[int, tuple[dict[str, Any], Any]] = {}
_LIMIT = 10000


def _compiled(spec: dict[str, Any], make: Callable[[], Any]) -> Any:
    """The validator compiled for this part of the spec, made once."""
    hit = _COMPILED.get(id(spec))
    if hit is not None and hit[0] is spec:
        return hit[1]
    if len(_COMPILED) > _LIMIT:
        _COMPILED.clear()
    validator = make()
    _COMPILED[id(spec)] = (spec, validator)
    return validator


def _validator(param: dict[str, Any]) -> Any:
    return _compiled(
        param, lambda: Draft4Validator(param.get("schema", param), format_checker=draft4_format_checker)
    )


class CachedParameterValidator(ParameterValidator):  # type: ignore[misc]
    @staticmethod
    def validate_parameter(
        parameter_type: str, value: Any, param: dict[str, Any], param_name: str | None = None
    ) -> str | None:
        if is_nullable(param) and is_null(value):
            return None
        if value is not None:
            try:
                _validator(param).validate(value)
            except ValidationError as exception:
                return _message(param, value, exception)
            return None
        if param.get("required"):
            return f"Missing {parameter_type} parameter '{param['name']}'"
        return None


def _message(param: dict[str, Any], value: Any, error: ValidationError) -> str:
    named = param.get("schema", {}).get("x-hub-error")
    if named is not None:
        return str(named)
    name = param["name"]
    if error.validator in ("pattern", "minLength", "maxLength", "enum"):
        return f"Invalid {name}: {value!r}"
    return f"Invalid {name}: {error.message}"


class BodyValidator(JSONRequestBodyValidator):  # type: ignore[misc]
    """JSON bodies, parsed once by :mod:`hub.api.bodies` and validated with
    a validator compiled once per schema, with the message a schema names in
    ``x-hub-error`` where it names one (a rule whose JupyterHub wording
    clients may know)."""

    async def _parse(self, stream: AsyncIterator[bytes], scope: Any) -> Any:
        if REFUSED in scope:
            raise BadRequestProblem(detail=scope[REFUSED])
        if PARSED not in scope:
            return await super()._parse(stream, scope)
        async for _ in stream:
            pass  # the body is replayed to the handler as it came
        return scope[PARSED]

    @property
    def _validator(self) -> Any:
        return _body_validator(self._schema)

    def _validate(self, body: Any) -> Any:
        try:
            return super()._validate(body)
        except BadRequestProblem:
            error = next(iter(self._validator.iter_errors(body)), None)
            if error is not None and isinstance(error.schema, dict) and "x-hub-error" in error.schema:
                raise BadRequestProblem(detail=error.schema["x-hub-error"]) from None
            raise


def _body_validator(schema: dict[str, Any]) -> Any:
    return _compiled(
        schema, lambda: Draft4RequestValidator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)
    )


VALIDATORS = {
    "parameter": CachedParameterValidator,
    "body": MediaTypeDict(
        {
            "*/*json": BodyValidator,
            "application/x-www-form-urlencoded": FormDataValidator,
            "multipart/form-data": MultiPartFormDataValidator,
        }
    ),
}
