"""The spec: valid, complete, and true to the handlers."""

import importlib
import re

import pytest
import yaml
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate

from hub.api.resolver import handler_name
from hub.app import SPEC_PATH
from hub.auth import scopes as sc

SPEC = yaml.safe_load(SPEC_PATH.read_text())
OPERATIONS = [
    (path, method, op)
    for path, item in SPEC["paths"].items()
    for method, op in item.items()
    if method != "parameters"
]


def operation_of(method: str, path: str) -> str:
    """The operationId that serves ``method path`` (a concrete path)."""
    for template, item in SPEC["paths"].items():
        pattern = re.sub(r"\\{[a-z_]+\\}", "[^/]*", re.escape(template))
        if re.fullmatch(pattern, path.split("?")[0]) and method.lower() in item:
            return str(item[method.lower()]["operationId"])
    raise KeyError(f"{method} {path}")


def test_spec_is_valid_openapi_303():
    assert SPEC["openapi"] == "3.0.3"
    validate(SPEC)


def test_operation_ids_are_unique_kebab_case():
    ids = [op["operationId"] for _, _, op in OPERATIONS]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z]+(-[a-z0-9]+)*", i) for i in ids)


@pytest.mark.parametrize(
    ("path", "method", "op"), OPERATIONS, ids=[o["operationId"] for _, _, o in OPERATIONS]
)
def test_operation_is_documented_and_has_a_handler(path, method, op):
    assert op.get("summary") and op.get("description")
    assert len(op["tags"]) == 1
    for scope in op.get("x-hub-scopes", []):
        assert scope in sc.SCOPES
    module = importlib.import_module(f"hub.api.{op['tags'][0]}")
    assert callable(getattr(module, handler_name(op["operationId"])))
    if op.get("requestBody") or any(p.get("in") == "query" for p in op.get("parameters", [])):
        assert "400" in op["responses"], "operations taking input declare 400"
    if op.get("requestBody"):
        assert "413" in op["responses"], "operations taking a body declare the body size limit"
    if op.get("security", SPEC["security"]):
        assert "403" in op["responses"]
    assert "501" not in op["responses"], "every operation of the spec is implemented"


def test_request_and_response_bodies_use_named_schemas():
    for _, _, op in OPERATIONS:
        bodies = [("request", op["requestBody"])] if "requestBody" in op else []
        bodies += list(op["responses"].items())
        for where, body in bodies:
            for media in body.get("content", {}).values():
                assert list(media["schema"]) == ["$ref"], (op["operationId"], where)


def _resolve(schema):
    return {**schema, "components": SPEC["components"]}


@pytest.mark.parametrize("name", sorted(SPEC["components"]["schemas"]))
def test_every_schema_has_an_example_that_validates(name):
    schema = SPEC["components"]["schemas"][name]
    assert "example" in schema, name
    OAS30Validator(_resolve(schema)).validate(schema["example"])


def test_response_examples_validate():
    for name, response in SPEC["components"]["responses"].items():
        for media in response.get("content", {}).values():
            schema = SPEC["components"]["schemas"][media["schema"]["$ref"].rsplit("/", 1)[1]]
            OAS30Validator(_resolve(schema)).validate(media["example"]), name


def test_name_rule_in_the_spec_is_the_one_the_hub_applies():
    from hub.names import PATTERN, valid_name

    assert SPEC["components"]["schemas"]["Name"]["pattern"] == PATTERN
    for good in ("alice", "Dave", "a b", "émile", "user@example.org", "x" * 255):
        assert valid_name(good), good
    for bad in ("", " alice", "alice ", "a/b", "a\nb", "a\x7fb", "x" * 256, "\ud800"):
        assert not valid_name(bad), bad


def test_service_name_rule_in_the_spec_is_the_one_the_hub_applies():
    from hub.names import SERVICE_NAME_PATTERN, valid_service_name

    schema = SPEC["components"]["schemas"]["ServiceName"]
    assert schema["pattern"] == SERVICE_NAME_PATTERN and schema["maxLength"] == 255
    for good in ("dash", "a", "a b", ".hidden", "a.b", "..a", ". a", "émile", "x" * 255):
        assert valid_service_name(good), good
    for bad in ("", ".", "..", "...", " a", "a ", "a/b", "a%41", "a%b", "a\nb", "x" * 256, "\ud800"):
        assert not valid_service_name(bad), bad


def test_service_url_rule_in_the_spec_is_the_one_the_hub_applies():
    import re

    from hub.core.services import URL_PATTERN

    schema = SPEC["components"]["schemas"]["ServiceCreateRequest"]["properties"]["url"]
    assert schema["pattern"] == URL_PATTERN
    good = ("", "http://127.0.0.1:10101", "https://svc.example.org/x/", "http://[::1]:8000", "http://h:65535")
    good += ("http://[fe80::1]/", "http://[2001:db8::8a2e:370:7334]:80", "http://[1:2:3:4:5:6:7:8]")
    for url in good:
        assert re.match(URL_PATTERN, url), url
    bad = ("ftp://h", "http://", "http://h:65536", "http://h:x", "//h", "http://a b", "http://u@h", "h:80")
    # a bracketed host is an IPv6 address (a URL parser refuses anything else there)
    bad += (
        "http://[7A000D7B810]/",
        "http://[1:2:3:4:5:6:7:8:9]",
        "http://[1::2::3]",
        "http://[:::]",
        "http://[127.0.0.1]",
    )
    for url in bad:
        assert not re.match(URL_PATTERN, url), url


def test_server_name_rule_in_the_spec_is_the_one_the_hub_applies():
    from hub.names import MAX_SERVER_NAME, SERVER_NAME_PATTERN, valid_server_name

    schema = SPEC["components"]["schemas"]["ServerName"]
    assert schema["pattern"] == SERVER_NAME_PATTERN and schema["maxLength"] == MAX_SERVER_NAME
    for good in ("gpu", "a", "gpu-2", "x1-y2-z3", "a" * 30):
        assert valid_server_name(good), good
    for bad in ("", "0", "Gpu", "gpu-", "-gpu", "a--b", "a_b", "a/b", "a" * 31):
        assert not valid_server_name(bad), bad


def test_links_name_real_operations_and_their_parameters():
    by_id = {op["operationId"]: (path, op) for path, _, op in OPERATIONS}
    links = SPEC["components"]["links"]
    assert links
    for name, link in links.items():
        path, op = by_id[link["operationId"]]
        params = {
            SPEC["components"]["parameters"][p["$ref"].rsplit("/", 1)[1]]["name"]
            if "$ref" in p
            else p["name"]
            for p in SPEC["paths"][path].get("parameters", []) + op.get("parameters", [])
        }
        assert set(link["parameters"]) <= params, name
    used = {
        ref["$ref"].rsplit("/", 1)[1]
        for _, _, op in OPERATIONS
        for r in op["responses"].values()
        for ref in r.get("links", {}).values()
    }
    assert used == set(links), "every link is used by a response"


def test_the_documented_request_limits_are_the_ones_the_hub_applies():
    from hub.api import bodies
    from hub.config import JupyterHub

    text = SPEC["info"]["description"]
    assert JupyterHub().max_body_size == 1024 * 1024
    assert "(1 MiB by" in text
    assert f"more than {bodies.MAX_DEPTH} levels deep" in text
    assert f"longer than {bodies.MAX_NUMBER_LENGTH} characters" in text
    assert bodies.MAX_HEADER_BYTES == 64 * 1024 and "larger than 64 KiB" in text
