"""Hypothesis drives every operation of the OpenAPI schema with generated input: never a 5xx."""

from __future__ import annotations

import json
from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.people import operator_key

pytestmark = pytest.mark.django_db

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
BIG_INTS = st.integers() | st.sampled_from([0, -1, 2**31, 2**53, 2**63, 2**64, -(2**63) - 1])


def schema_strategy(schema: dict, components: dict, depth: int = 0):
    """Values for a JSON schema, mostly valid, sometimes not (to reach the validators)."""
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    if depth > 3:
        return JSON
    choices = schema.get("anyOf") or schema.get("oneOf")
    if choices:
        return st.one_of([schema_strategy(c, components, depth + 1) for c in choices])
    if "enum" in schema:
        return st.sampled_from(schema["enum"]) | st.text(max_size=10)
    kind = schema.get("type")
    if kind == "object":
        properties = schema.get("properties", {})
        required = set(schema.get("required", []))
        fields = {k: schema_strategy(v, components, depth + 1) for k, v in properties.items()}
        return st.fixed_dictionaries(
            {k: v for k, v in fields.items() if k in required},
            optional={k: v for k, v in fields.items() if k not in required},
        ) | st.dictionaries(st.text(max_size=8), JSON, max_size=3)
    if kind == "array":
        return st.lists(schema_strategy(schema.get("items", {}), components, depth + 1), max_size=3)
    if kind == "integer":
        return BIG_INTS
    if kind == "number":
        return st.floats(allow_nan=False) | BIG_INTS
    if kind == "boolean":
        return st.booleans()
    if kind == "string":
        return st.text(max_size=40) | st.sampled_from(
            ["m1-rise-over-run", "me", "https://x.invalid/"]
        )
    return JSON


@pytest.fixture
def fuzz_setup(bank, settings):
    settings.API_THROTTLE_PER_MINUTE = 10**9
    settings.OUTBOUND_ALLOW_PRIVATE = False
    key = operator_key()  # the site-wide key reaches every operation
    schema = Client().get("/api/v1/openapi.json").json()
    operations = [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in {"get", "post", "delete", "put", "patch"}
    ]
    return key, schema.get("components", {}).get("schemas", {}), operations


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_generated_request_gets_a_server_error(fuzz_setup, data):
    key, components, operations = fuzz_setup
    path, method, operation = data.draw(st.sampled_from(operations))
    url, query = path, {}
    for parameter in operation.get("parameters", []):
        value_strategy = schema_strategy(parameter.get("schema", {}), components)
        if parameter["in"] == "path":
            value = data.draw(value_strategy | BIG_INTS | st.text(min_size=1, max_size=20))
            url = url.replace("{" + parameter["name"] + "}", quote(str(value), safe="") or "x")
        elif parameter["in"] == "query" and data.draw(st.booleans()):
            query[parameter["name"]] = str(data.draw(value_strategy))
    body = None
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if content:
        body = data.draw(schema_strategy(content["schema"], components) | JSON)
    client = Client(headers={"authorization": f"Bearer {key}"})
    target = url + ("?" + urlencode(query) if query else "")
    send = getattr(client, method)
    if body is None:
        response = send(target)
    else:
        response = send(target, json.dumps(body), content_type="application/json")
    assert response.status_code < 500, (method, target, body, response.content[:500])
