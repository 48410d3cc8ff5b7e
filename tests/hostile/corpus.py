"""The hostile corpus: for every operation of the spec, requests built to break it.

Each :class:`Case` is plain data (it round-trips through JSON, so that a case
that found a bug can be kept in ``found.json``). Bytes travel as ``latin-1``
text, and anything long as :data:`Blob` pieces (``[["[", 100000], ...]``), so
that a 10 MB body is a few characters of the file.

The targets are chosen so that no case may change anything, whatever the hub
makes of the rest of it: a read names things that exist (the runner seeds
them, see :data:`REAL`), a write names things that do not (:data:`MISSING`),
or, where naming a new thing would create it, a requester without the right
to (``as_="plain"``). The operations whose body alone says what to create,
and POST /shutdown, are always sent as that requester (:data:`AS_PLAIN`).
The pages that take forms or read a path get cases of their own
(:func:`page_cases`), sent as a browser logged in as the admin.
"""

from __future__ import annotations

import json
import random
import urllib.parse
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

SPEC = Path(__file__).resolve().parents[2] / "spec" / "rest-api.yml"
FOUND = Path(__file__).with_name("found.json")
PREFIX = "/hub/api"
SEED = 20261207
METHODS = ("get", "put", "post", "patch", "delete")
SAFE = frozenset({"GET", "HEAD"})

#: pieces of text (latin-1 code points stand for bytes), each repeated
Blob = list[tuple[str, int]]

#: path values of things the runner seeds, for the operations that only read
REAL = {
    "name": "alice",
    "group": "staff",
    "server_name": "gpu",
    "owner": "alice",
    "token_id": "{alice-token-id}",
    "session_id": "{admin-session-id}",
    "service": "hostile-svc",
    "role": "user",
    "webhook_id": "1",
    "token": "{alice-token}",
    "cookie_name": "jupyterhub-hub-login",
    "cookie_value": "not-a-cookie",
}
#: path values of things that do not exist, for the operations that write
MISSING = {
    "name": "ghost-user",
    "group": "ghost-group",
    "server_name": "ghostserver",
    "owner": "ghost-owner",
    "token_id": "a99999999",
    "session_id": "99999999",
    "service": "ghost-service",
    "role": "ghost-role",
    "webhook_id": "2147483000",
    "token": "not-a-token",
    "cookie_name": "jupyterhub-hub-login",
    "cookie_value": "not-a-cookie",
}
#: operations that create the thing their last path segment names; naming a
#: new one is a create, so those cases go as a requester who may not
CREATES_BY_PATH = {
    "post-user": ("name", "alice"),
    "post-group": ("name", "staff"),
    "post-service": ("name", "hostile-svc"),
}

#: operations whose body alone says what to create (or that stop the hub):
#: a case that turns out valid would change something, so all go as a
#: requester who may not (the body is still read first: a bad one is a 400)
AS_PLAIN = frozenset({"post-shutdown", "post-users", "post-groups", "post-roles", "post-webhooks"})

#: wrong values of each JSON type
SAMPLES: dict[str, Any] = {
    "string": "x",
    "number": 1.5,
    "integer": 7,
    "boolean": True,
    "null": None,
    "array": [],
    "object": {},
}
WRONG_KINDS = ("string", "number", "boolean", "null", "array", "object")

#: path segments, each as it goes on the wire (already percent-encoded)
PATH_NAMES = {
    "empty": "",
    "1 char": "z",
    "255 chars": "n" * 255,
    "256 chars": "n" * 256,
    "10000 chars": "n" * 10_000,
    "emoji": urllib.parse.quote("\U0001f600\U0001f4a9"),
    "right-to-left": urllib.parse.quote("\u202eabc\u05d0\u05d1"),
    "combining": urllib.parse.quote("e\u0301\u0308\u0327" * 3),
    "encoded surrogate (CESU-8)": "%ED%A0%80",
    "encoded surrogate pair (CESU-8)": "%ED%A0%BD%ED%B8%80",
    "percent-encoded slash": "a%2Fb",
    "percent-encoded dot-dot": "%2e%2e",
    "percent-encoded dot-dot-slash": "%2e%2e%2f%2e%2e%2fetc",
    "double-encoded slash": "a%252Fb",
    "lone percent": "a%zz",
    "NUL": "a%00b",
    "invalid UTF-8 0xFF": "%FF",
    "invalid UTF-8 truncated": "a%C3",
    "overlong slash": "%C0%AF",
}
INVALID_UTF8 = [
    ("0xFF", "\xff"),
    ("truncated sequence", "\xe2\x82"),
    ("overlong", "\xc0\xaf"),
    ("encoded surrogate", "\xed\xa0\x80"),
    ("continuation byte alone", "\x80"),
]
MiB = 1024 * 1024
#: a cookie without its _xsrf value authenticates no write (a body the
#: operation cannot take may be refused first)
XSRF_REFUSED = [400, 403]


@dataclass
class Case:
    """One request, as data; see the module's docstring."""

    id: str
    kind: str
    operation: str
    method: str
    target: Blob
    headers: list[tuple[str, Blob]] = field(default_factory=list)
    body: Blob = field(default_factory=list)
    #: who sends it: "admin", "plain" (a user without rights), "none" (the
    #: case's headers carry whatever credential it has), "cookie" (the admin's
    #: browser login cookies, no _xsrf value)
    as_: str = "admin"
    #: the statuses a correct hub answers with; empty: any but a 5xx
    expect: list[int] = field(default_factory=list)
    #: the answer is a page (HTML), not the API's error shape
    page: bool = False
    #: why a kept case is kept (found.json)
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Case:
        return cls(
            **{
                **data,
                "target": _blob(data["target"]),
                "headers": [(name, _blob(value)) for name, value in data.get("headers", [])],
                "body": _blob(data.get("body", [])),
            }
        )


def _blob(pieces: list[Any]) -> Blob:
    return [(str(text), int(times)) for text, times in pieces]


@dataclass(frozen=True)
class Operation:
    id: str
    method: str
    path: str
    #: the path's parameters, in order, each with the seed key that fills it
    path_params: list[tuple[str, str]]
    query: dict[str, dict[str, Any]]
    #: the JSON body's schema, resolved; None: the operation takes no JSON body
    body_schema: dict[str, Any] | None
    body_required: bool
    form: bool
    secured: bool


@cache
def spec() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(SPEC.read_text())
    return loaded


def deref(node: Any) -> Any:
    """``node`` with its ``$ref`` followed (one level at a time, until none)."""
    while isinstance(node, dict) and "$ref" in node:
        target: Any = spec()
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _seed_key(path: str, param: str) -> str:
    """Which seeded thing a path parameter names."""
    if param != "name":
        return param
    resource = path.strip("/").split("/")[0]
    return {"users": "name", "groups": "group", "services": "service", "roles": "role"}[resource]


def operations() -> list[Operation]:
    found = []
    root_security = spec().get("security")
    for path, item in spec()["paths"].items():
        shared = [deref(p) for p in item.get("parameters", [])]
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            params = shared + [deref(p) for p in op.get("parameters", [])]
            names = dict.fromkeys(p["name"] for p in params if p["in"] == "path")
            path_params = [(name, _seed_key(path, name)) for name in names]
            order = [segment[1:-1] for segment in path.split("/") if segment.startswith("{")]
            path_params.sort(key=lambda p: order.index(p[0]))
            query = {p["name"]: deref(p.get("schema", {})) for p in params if p["in"] == "query"}
            body = op.get("requestBody")
            content = body.get("content", {}) if body else {}
            schema = deref(content["application/json"]["schema"]) if "application/json" in content else None
            found.append(
                Operation(
                    id=op["operationId"],
                    method=method.upper(),
                    path=path,
                    path_params=path_params,
                    query=query,
                    body_schema=schema,
                    body_required=bool(body and body.get("required")),
                    form="application/x-www-form-urlencoded" in content,
                    secured=op.get("security", root_security) != [],
                )
            )
    return found


# --- what a request of an operation looks like when nothing in it is hostile ----------


def inert_values(op: Operation) -> dict[str, str]:
    values = {}
    for param, key in op.path_params:
        values[param] = (REAL if op.method in SAFE else MISSING)[key]
    if op.id in CREATES_BY_PATH:
        param, existing = CREATES_BY_PATH[op.id]
        values[param] = existing  # a 409, never a create
    return values


def path_of(op: Operation, values: dict[str, str]) -> str:
    path = op.path
    for param, value in values.items():
        path = path.replace("{" + param + "}", value)
    return PREFIX + path


def accepted_types(schema: Any) -> set[str] | None:
    """The JSON types a schema admits, or None when it does not say."""
    schema = deref(schema)
    if not isinstance(schema, dict):
        return None
    for combinator in ("oneOf", "anyOf"):
        if combinator in schema:
            kinds: set[str] = set()
            for option in schema[combinator]:
                one = accepted_types(option)
                if one is None:
                    return None
                kinds |= one
            return kinds
    if "allOf" in schema:
        for part in schema["allOf"]:
            one = accepted_types(part)
            if one is not None:
                return one | ({"null"} if schema.get("nullable") else set())
        return None
    kind = schema.get("type")
    if kind is None:
        return None
    kinds = set(kind) if isinstance(kind, list) else {kind}
    if "number" in kinds:
        kinds.add("integer")
    if schema.get("nullable"):
        kinds.add("null")
    return kinds


def valid_value(schema: Any) -> Any:
    """A value the schema most likely admits (for the fields a case leaves alone)."""
    schema = deref(schema)
    if not isinstance(schema, dict):
        return "x"
    if "enum" in schema:
        return schema["enum"][0]
    if "example" in schema:
        return schema["example"]
    for combinator in ("oneOf", "anyOf", "allOf"):
        if combinator in schema:
            return valid_value(schema[combinator][0])
    kind = schema.get("type")
    if kind == "object":
        props = schema.get("properties", {})
        return {name: valid_value(props.get(name, {})) for name in schema.get("required", [])}
    if kind == "array":
        return [valid_value(schema.get("items", {}))] if schema.get("minItems") else []
    if kind == "integer":
        return max(int(schema.get("minimum", 1)), 1)
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    if schema.get("format") == "date-time":
        return "2026-01-01T00:00:00Z"
    return "abc"


def base_body(op: Operation) -> dict[str, Any]:
    body = valid_value(op.body_schema) if op.body_schema else {}
    return body if isinstance(body, dict) else {}


def body_fields(op: Operation) -> dict[str, Any]:
    if not op.body_schema or deref(op.body_schema).get("type") != "object":
        return {}
    return dict(deref(op.body_schema).get("properties", {}))


# --- the kinds of hostile request --------------------------------------------------------


def _json_blob(value: Any) -> Blob:
    return [(json.dumps(value).encode().decode("latin-1"), 1)]


def _case(op: Operation, kind: str, detail: str, **fields: Any) -> Case:
    fields.setdefault("target", [(path_of(op, inert_values(op)), 1)])
    fields.setdefault("as_", "plain" if op.id in AS_PLAIN else "admin")
    return Case(id=f"{op.id}: {kind}: {detail}", kind=kind, operation=op.id, method=op.method, **fields)


def _json_headers() -> list[tuple[str, Blob]]:
    return [("Content-Type", [("application/json", 1)])]


def _body_refused(op: Operation) -> list[int]:
    """What a body the hub cannot read gets: a 400 where the operation reads one."""
    return [400] if op.body_schema is not None else []


def _unknown_key_refused(op: Operation) -> list[int]:
    """What a body with a key the schema does not name gets: a 400 where the
    schema admits no other keys (a server's options, a group's properties
    admit any)."""
    closed = op.body_schema is not None and deref(op.body_schema).get("additionalProperties") is False
    return [400] if closed else []


def _field_refused(op: Operation, schema: Any) -> list[int]:
    """What a NUL in a string field gets: a 400 where its pattern refuses it."""
    return [400] if "\\x00" in str(deref(schema).get("pattern", "")) else []


def invalid_utf8_bodies(op: Operation) -> Iterator[Case]:
    for name, raw in INVALID_UTF8:
        yield _case(
            op,
            "invalid UTF-8 body",
            name,
            headers=_json_headers(),
            body=[('{"note": "a', 1), (raw, 1), ('b"}', 1)],
            expect=_body_refused(op),
        )


def invalid_utf8_paths(op: Operation) -> Iterator[Case]:
    values = inert_values(op)
    for param, _key in op.path_params:
        for name, encoded in (("0xFF", "%FF"), ("truncated", "ab%E2%82"), ("overlong", "%C0%AF")):
            yield _case(
                op,
                "invalid UTF-8 path",
                f"{param}: {name}",
                target=[(path_of(op, {**values, param: encoded}), 1)],
                as_=_path_identity(op, param),
            )
    yield _case(
        op,
        "invalid UTF-8 query",
        "unknown parameter",
        target=[(path_of(op, values) + "?x=%FF%FE&%C3=1", 1)],
    )


def invalid_utf8_headers(op: Operation) -> Iterator[Case]:
    for header in ("User-Agent", "X-Forwarded-For", "Accept-Language", "Referer", "Cookie"):
        yield _case(op, "invalid UTF-8 header", header, headers=[(header, [("a\xff\xfe\xc3(b", 1)])])


def nul_bytes(op: Operation) -> Iterator[Case]:
    values = inert_values(op)
    yield _case(op, "NUL", "query value", target=[(path_of(op, values) + "?x=a%00b", 1)])
    for param, _key in op.path_params:
        yield _case(
            op,
            "NUL",
            f"path {param}",
            target=[(path_of(op, {**values, param: "x%00"}), 1)],
            as_=_path_identity(op, param),
            expect=[400, 404],
        )
    if op.body_schema is not None:
        body = base_body(op)
        yield _case(
            op,
            "NUL",
            "escaped in a body string",
            headers=_json_headers(),
            body=_json_blob({**body, "note": "a\u0000b"}),
            expect=_unknown_key_refused(op) if "note" not in body_fields(op) else [],
        )
        yield _case(
            op,
            "NUL",
            "raw byte in the body",
            headers=_json_headers(),
            body=[('{"note": "a\x00b"}', 1)],
            expect=_body_refused(op),  # a raw control character is not JSON
        )
        for name, schema in body_fields(op).items():
            if "string" in (accepted_types(schema) or set()):
                yield _case(
                    op,
                    "NUL",
                    f"in body field {name}",
                    headers=_json_headers(),
                    body=_json_blob({**body, name: "a\u0000b"}),
                    expect=_field_refused(op, schema),
                )


def big_bodies(op: Operation) -> Iterator[Case]:
    refused = [413] if op.method != "GET" else []
    sizes = [("1 MB", 1_000_000, _unknown_key_refused(op)), ("1 MiB + 1", MiB + 1, refused)]
    sizes.append(("10 MB", 10_000_000, refused))
    for name, total, expect in sizes:
        body = [('{"x": "', 1), ("a", total - 9), ('"}', 1)]
        yield _case(op, "big body", name, headers=_json_headers(), body=body, expect=expect)
    yield _case(
        op,
        "big body",
        "10 MB without a Content-Type",
        body=[("[", 1), ("0,", 5_000_000), ("0]", 1)],
        expect=refused,
    )


def deep_json(op: Operation) -> Iterator[Case]:
    for name, opener, closer in (("array", "[", "]"), ("object", '{"a":', "}")):
        yield _case(
            op,
            "deep JSON",
            f"{name} nested 100,000 deep",
            headers=_json_headers(),
            body=[(opener, 100_000), ("1" if name == "object" else "", 1), (closer, 100_000)],
            expect=_body_refused(op),
        )
    yield _case(
        op,
        "deep JSON",
        "array nested 65 deep in a field",
        headers=_json_headers(),
        body=[('{"note": ', 1), ("[", 65), ("]", 65), ("}", 1)],
        expect=_body_refused(op),
    )


def repeated_query(op: Operation) -> Iterator[Case]:
    base = path_of(op, inert_values(op))
    for name, schema in op.query.items() or [("limit", {})]:
        sample = "1" if (accepted_types(schema) or {"integer"}) & {"integer", "number"} else "x"
        yield _case(
            op, "repeated query", f"{name} x 1,000", target=[(base + "?", 1), (f"{name}={sample}&", 1000)]
        )
    yield _case(
        op,
        "repeated query",
        "1,000 different parameters",
        target=[(base + "?", 1)] + [(f"p{i}=v&", 1) for i in range(1000)],
    )


def big_numbers(op: Operation) -> Iterator[Case]:
    base = path_of(op, inert_values(op))
    numbers = [
        ("2^63", str(2**63)),
        ("-2^63-1", str(-(2**63) - 1)),
        ("2^64", str(2**64)),
        ("10^99", "1" + "0" * 99),
    ]
    for name, schema in op.query.items():
        if accepted_types(schema) and accepted_types(schema) & {"integer", "number"}:
            for label, number in numbers:
                yield _case(
                    op, "number past 2^63", f"query {name}={label}", target=[(f"{base}?{name}={number}", 1)]
                )
    for param, _key in op.path_params:
        if param in ("webhook_id", "token_id", "session_id"):
            for label, number in numbers[:3]:
                values = {**inert_values(op), param: number}
                yield _case(
                    op, "number past 2^63", f"path {param}={label}", target=[(path_of(op, values), 1)]
                )
    if op.body_schema is None:
        return
    body = base_body(op)
    for name, schema in body_fields(op).items():
        kinds = accepted_types(schema) or set()
        if kinds & {"integer", "number"}:
            for label, number in numbers:
                text = json.dumps({**body, name: 0}).replace(f'"{name}": 0', f'"{name}": {number}')
                yield _case(
                    op,
                    "number past 2^63",
                    f"body {name}={label}",
                    headers=_json_headers(),
                    body=[(text, 1)],
                    expect=_body_refused(op),
                )
    beyond = [("1e400", "1e400"), ("101 digits", "9" * 101)]
    for label, number in [*numbers, *beyond]:
        yield _case(
            op,
            "number past 2^63",
            f"body value {label}",
            headers=_json_headers(),
            body=[('{"x": ' + number + "}", 1)],
            expect=_body_refused(op) if (label, number) in beyond else _unknown_key_refused(op),
        )


def wrong_types(op: Operation) -> Iterator[Case]:
    if op.body_schema is None:
        return
    whole = accepted_types(op.body_schema) or set()
    for kind in WRONG_KINDS:
        if kind not in whole and kind != "null":
            yield _case(
                op,
                "wrong type",
                f"whole body {kind}",
                headers=_json_headers(),
                body=_json_blob(SAMPLES[kind]),
                expect=_body_refused(op),
            )
    body = base_body(op)
    for name, schema in body_fields(op).items():
        admitted = accepted_types(schema)
        if admitted is None:
            continue
        for kind in WRONG_KINDS:
            if kind in admitted:
                continue
            yield _case(
                op,
                "wrong type",
                f"{name} {kind}",
                headers=_json_headers(),
                body=_json_blob({**body, name: SAMPLES[kind]}),
                expect=_body_refused(op),
            )


def _path_identity(op: Operation, param: str) -> str:
    created = CREATES_BY_PATH.get(op.id)
    if op.id in AS_PLAIN or (created is not None and created[0] == param):
        return "plain"
    return "admin"  # (a new server name is no create: the user is missing)


def path_names(op: Operation) -> Iterator[Case]:
    values = inert_values(op)
    for param, _key in op.path_params:
        for name, segment in PATH_NAMES.items():
            yield _case(
                op,
                "path name",
                f"{param}: {name}",
                target=[(path_of(op, {**values, param: segment}), 1)],
                as_=_path_identity(op, param),
            )


def authorization(op: Operation) -> Iterator[Case]:
    # a credential that identifies no one is refused before the body is weighed
    refused = [403] if op.secured else []
    token = "{plain-token}" if op.id in AS_PLAIN else "admin-secret-token"
    values: list[tuple[str, Blob, list[int]]] = [
        ("empty", [], refused),
        ("scheme only", [("token", 1)], refused),
        ("10 KB", [("token ", 1), ("k", 10_000)], refused),
        ("non-ASCII bytes", [("token \xff\xfe\xe9t\xe9", 1)], refused),
        ("wrong scheme", [(f"Basic {token}", 1)], refused),
        ("Digest", [('Digest username="admin", realm="hub"', 1)], refused),
        ("doubled spaces", [(f"token  {token}", 1)], []),
        ("trailing junk", [(f"token {token} junk", 1)], refused),
        ("token twice", [(f"token {token}, token {token}", 1)], refused),
        ("bearer lower case", [(f"bearer {token}", 1)], []),
        ("a bad token", [("token not-a-real-token", 1)], refused),
    ]
    for name, value, expect in values:
        yield _case(op, "authorization", name, headers=[("Authorization", value)], as_="none", expect=expect)
    yield _case(
        op,
        "authorization",
        "two Authorization headers",
        headers=[
            ("Authorization", [("token not-a-real-token", 1)]),
            ("Authorization", [(f"token {token}", 1)]),
        ],
        as_="none",
    )


def xsrf(op: Operation) -> Iterator[Case]:
    if op.method in SAFE or not (op.secured or op.form) or op.id == "post-shutdown":
        return
    form = [("Content-Type", [("application/x-www-form-urlencoded", 1)])]
    refused = [*XSRF_REFUSED, 415] if op.form else XSRF_REFUSED
    yield _case(
        op,
        "cookie without _xsrf",
        "form post",
        headers=form,
        body=[("a=1&b=2", 1)],
        as_="cookie",
        expect=refused,
    )
    yield _case(
        op,
        "cookie without _xsrf",
        "JSON",
        headers=_json_headers(),
        body=[("{}", 1)],
        as_="cookie",
        expect=refused,
    )
    yield _case(
        op,
        "cookie without _xsrf",
        "forged header",
        headers=[*_json_headers(), ("X-XSRFToken", [("forged", 1)])],
        body=[("{}", 1)],
        as_="cookie",
        expect=refused,
    )


def content_type_lies(op: Operation) -> Iterator[Case]:
    body = base_body(op)
    text = json.dumps(body)
    lies = [
        ("JSON as text/xml", "text/xml", text),
        ("JSON as multipart without a boundary", "multipart/form-data", text),
        ("JSON as UTF-16", "application/json; charset=utf-16", text),
        ("a form as JSON", "application/json", "usernames=alice&admin=true"),
        ("XML as JSON", "application/json", "<users><name>x</name></users>"),
        ("a garbled media type", "\xff/;;;=", text),
    ]
    if op.form:
        lies.append(("its form as JSON", "application/json", '{"grant_type": "authorization_code"}'))
    for name, content_type, content in lies:
        expect = _body_refused(op) if "=" in content and not content.startswith("{") else []
        yield _case(
            op,
            "Content-Type lie",
            name,
            headers=[("Content-Type", [(content_type, 1)])],
            body=[(content, 1)],
            expect=expect if op.body_schema is not None else [],
        )


def big_headers(op: Operation) -> Iterator[Case]:
    yield _case(
        op, "64 KB headers", "one header of 64 KiB", headers=[("X-Padding", [("a", 64 * 1024)])], expect=[431]
    )
    yield _case(
        op,
        "64 KB headers",
        "1,000 headers of 70 bytes",
        headers=[(f"X-Pad-{i}", [("b", 70)]) for i in range(1000)],
        expect=[431],
    )
    yield _case(
        op, "64 KB headers", "a 70 KB cookie", headers=[("Cookie", [("c=", 1), ("d", 70_000)])], expect=[431]
    )
    yield _case(op, "64 KB headers", "just under the limit", headers=[("X-Padding", [("a", 60 * 1024)])])


KINDS = (
    invalid_utf8_bodies,
    invalid_utf8_paths,
    invalid_utf8_headers,
    nul_bytes,
    big_bodies,
    deep_json,
    repeated_query,
    big_numbers,
    wrong_types,
    path_names,
    authorization,
    xsrf,
    content_type_lies,
    big_headers,
)


#: the hub's pages that take a form (POST) and that read a path, with targets
#: that change nothing: a form post without its _xsrf value is refused before
#: anything is done, and no path names a user of the seed
PAGE_FORMS = ("/hub/login", "/hub/spawn/ghost-user", "/hub/stop/ghost-user", "/hub/token")
PAGE_FORMS += ("/hub/token/a99999999/revoke", "/hub/accept-share")
PAGE_PATHS = ("/hub/spawn/{}", "/hub/spawn-pending/{}", "/hub/user-redirect/{}", "/hub/user/{}/lab")
PAGE_PATHS += ("/hub/error/{}", "/hub/static/{}", "/hub/admin/static/{}", "/hub/login?next={}")
#: what the admin page's script fetches: its refusals are JSON, not pages
NOT_PAGES = ("/hub/admin/static/{}",)
#: what a browser sends
BROWSER_ACCEPT = ("Accept", [("text/html,application/xhtml+xml,*/*;q=0.8", 1)])


def _page_case(
    operation: str, method: str, kind: str, detail: str, target: str, page: bool = True, **fields: Any
) -> Case:
    fields.setdefault("as_", "cookie")
    fields["headers"] = [BROWSER_ACCEPT, *fields.get("headers", [])]
    return Case(
        id=f"{operation}: {kind}: {detail}",
        kind=kind,
        operation=operation,
        method=method,
        target=[(target, 1)],
        page=page,
        **fields,
    )


def page_cases() -> Iterator[Case]:
    form = [("Content-Type", [("application/x-www-form-urlencoded", 1)])]
    for path in PAGE_FORMS:
        operation = f"page POST {path}"
        refused = [400, 403]
        yield _page_case(
            operation,
            "POST",
            "cookie without _xsrf",
            "form post",
            path,
            headers=form,
            body=[("username=admin&password=x&note=n", 1)],
            expect=refused,
        )
        yield _page_case(
            operation,
            "POST",
            "cookie without _xsrf",
            "forged _xsrf",
            path,
            headers=form,
            body=[("_xsrf=forged&username=admin", 1)],
            expect=refused,
        )
        for name, raw in INVALID_UTF8[:2]:
            yield _page_case(
                operation,
                "POST",
                "invalid UTF-8 body",
                name,
                path,
                headers=form,
                body=[("username=", 1), (raw, 1)],
                expect=refused,
            )
        yield _page_case(
            operation,
            "POST",
            "Content-Type lie",
            "JSON as a form",
            path,
            headers=form,
            body=[('{"username": "admin"}', 1)],
            expect=refused,
        )
        yield _page_case(
            operation,
            "POST",
            "Content-Type lie",
            "a garbled media type",
            path,
            headers=[("Content-Type", [("\xff/;;;=", 1)])],
            body=[("a=1", 1)],
        )
        yield _page_case(
            operation,
            "POST",
            "big body",
            "10 MB",
            path,
            headers=form,
            body=[("a=", 1), ("b", 10_000_000)],
            expect=[413],
        )
        yield _page_case(
            operation,
            "POST",
            "64 KB headers",
            "one header of 64 KiB",
            path,
            headers=[("X-Padding", [("a", 64 * 1024)])],
            expect=[431],
        )
        yield _page_case(
            operation,
            "POST",
            "NUL",
            "in the form",
            path,
            headers=form,
            body=[("username=a%00b&_xsrf=%00", 1)],
            expect=refused,
        )
    # with the form's own _xsrf value, so that its fields are read
    for path, field_name in (("/hub/login", "username"), ("/hub/token", "note")):
        yield _page_case(
            f"page POST {path}",
            "POST",
            "NUL",
            f"in the {field_name}, with its _xsrf",
            path,
            headers=form,
            body=[(f"{field_name}=a%00b&password=x&_xsrf={{xsrf}}", 1)],
            expect=[400],
        )
    for pattern in PAGE_PATHS:
        operation = f"page GET {pattern.format('{name}')}"
        page = pattern not in NOT_PAGES
        for name, segment in PATH_NAMES.items():
            yield _page_case(operation, "GET", "path name", name, pattern.format(segment), page=page)
        yield _page_case(
            operation,
            "GET",
            "invalid UTF-8 header",
            "Cookie",
            pattern.format("x"),
            headers=[("Cookie", [("a=\xff\xfe; jupyterhub-hub-login=\xc3(", 1)])],
            as_="none",
            page=page,
        )
        yield _page_case(
            operation,
            "GET",
            "64 KB headers",
            "a 70 KB cookie",
            pattern.format("x"),
            headers=[("Cookie", [("c=", 1), ("d", 70_000)])],
            as_="none",
            expect=[431],
        )


def generate() -> list[Case]:
    """The whole corpus, in a fixed order."""
    cases = [case for op in operations() for kind in KINDS for case in kind(op)]
    cases += page_cases()
    ids = [case.id for case in cases]
    assert len(ids) == len(set(ids)), "two cases share an id"
    return cases


def kept() -> list[Case]:
    """The inputs that once found a bug."""
    return [Case.from_json(entry) for entry in json.loads(FOUND.read_text())]


def fast_subset(cases: list[Case], per_operation: int = 4) -> list[Case]:
    """A few cases of every operation, their kinds taken in turn (a fixed seed),
    so that every operation and every kind appears."""
    rng = random.Random(SEED)
    by_operation: dict[str, dict[str, list[Case]]] = {}
    for case in cases:
        by_operation.setdefault(case.operation, {}).setdefault(case.kind, []).append(case)
    chosen = []
    turn = 0
    for kinds in by_operation.values():
        names = sorted(kinds)
        for i in range(min(per_operation, len(names))):
            kind = names[(turn + i) % len(names)]
            chosen.append(rng.choice(kinds[kind]))
        turn += per_operation
    seen = {case.kind for case in chosen}
    for kind in sorted({case.kind for case in cases} - seen):
        chosen.append(rng.choice([case for case in cases if case.kind == kind]))
    return chosen
