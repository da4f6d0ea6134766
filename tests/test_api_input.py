"""Strict API input: JSON object bodies only, text that is text, no unknown keys (in bodies and
inside answers), and an OpenAPI schema that states the errors and the limits the server enforces."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from courseware.models import Attempt, Submission
from lms.models import ApiKey, ApiLearner
from tests.support.people import PASSWORD, api_key_for, learner_in, make_course

pytestmark = pytest.mark.django_db

SURROGATE = "a\ud800b"


@pytest.fixture
def learner(db):
    """A learner with a key; input refused before anything is looked up needs no exercise bank."""
    return learner_in(make_course(), "ada")


@pytest.fixture
def key(learner):
    return api_key_for(learner)


def api(key: str) -> Client:
    return Client(headers={"authorization": f"Bearer {key}"})


def post_json(client: Client, url: str, body, content_type: str = "application/json"):
    return client.post(url, json.dumps(body), content_type=content_type)


def assert_refused(response, status: int, field: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    if field is not None:
        assert field in body["errors"], body
    return body


# --- lone surrogates and NUL: a 422 naming the field, never a 500 --------------------------------


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/api/v1/submissions", {"exercise": SURROGATE, "answer": {"value": "x"}}, "exercise"),
        (
            "/api/v1/submissions",
            {"exercise": "m1-chain-rule", "answer": {"value": "x"}, "learner": "s\ud800"},
            "learner",
        ),
        (
            "/api/v1/submissions",
            {"exercise": "m1-chain-rule", "answer": {"value": "x"}, "learner": "s\x00"},
            "learner",
        ),
        (
            "/api/v1/submissions",
            {"exercise": "m1-chain-rule", "answer": {"value": "cos(x)\ud800"}},
            "answer.value",
        ),
        ("/api/v1/exercises/m1-chain-rule/variants", {"learner": SURROGATE}, "learner"),
        ("/api/v1/preview", {"exercise": SURROGATE, "value": "x"}, "exercise"),
        ("/api/v1/api-keys", {"name": SURROGATE}, "name"),
        ("/api/v1/api-keys", {"user": SURROGATE}, "user"),
        ("/api/v1/webhooks", {"url": "https://example.org/\x00"}, "url"),
    ],
)
def test_text_that_is_not_text_is_a_422_naming_the_field(key, url, body, field):
    detail = assert_refused(post_json(api(key), url, body), 422, field)["detail"]
    assert detail.startswith(f"{field}: contains a ")
    assert "lone UTF-16 surrogate" in detail or "NUL character" in detail
    assert not Submission.objects.exists() and not ApiLearner.objects.exists()
    assert ApiKey.objects.count() == 1


def test_a_surrogate_in_a_key_of_the_body_is_refused(key):
    body = '{"exercise": "m1-chain-rule", "answer": {"\\ud800": "x"}}'
    response = api(key).post("/api/v1/submissions", body, content_type="application/json")
    assert_refused(response, 422, "answer")


def test_preview_with_a_site_session_refuses_a_surrogate_too(learner):
    client = Client()
    assert client.login(username=learner.username, password=PASSWORD)
    response = post_json(client, "/api/v1/preview", {"exercise": SURROGATE, "value": "x"})
    assert_refused(response, 422, "exercise")


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/submissions?learner=%00", "learner"),
        ("/api/v1/learners/a%00b/progress", "ref"),
        ("/api/v1/exercises/a%00b", "slug"),
    ],
)
def test_a_nul_in_the_query_or_path_is_a_422_naming_the_field(key, url, field):
    assert_refused(api(key).get(url), 422, field)


# --- strict JSON bodies ------------------------------------------------------------------------------

RIGHT_SHAPE = {"exercise": "m1-chain-rule", "answer": {"value": "x"}}


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "multipart/form-data; boundary=zz", "application/xml", "application/x-www-form-urlencoded"],
)  # fmt: skip
def test_a_body_that_is_not_sent_as_json_is_415(key, content_type):
    response = post_json(api(key), "/api/v1/submissions", RIGHT_SHAPE, content_type)
    body = assert_refused(response, 415)
    assert "application/json" in body["detail"]
    assert not Submission.objects.exists()


def test_a_json_media_type_with_a_suffix_is_json(key, bank):
    response = post_json(api(key), "/api/v1/submissions", RIGHT_SHAPE, "application/vnd.api+json")
    assert response.status_code == 202


@pytest.mark.parametrize("url", ["/api/v1/api-keys", "/api/v1/exercises/m1-chain-rule/variants"])
@pytest.mark.parametrize("body", [[None, None], "text", 7, None])
def test_a_body_that_is_not_a_json_object_is_422(key, url, body):
    assert_refused(post_json(api(key), url, body), 422, "body")
    assert ApiKey.objects.count() == 1
    assert not Attempt.objects.exists()


# --- unknown keys: in every request schema, and inside answers ---------------------------------------


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/v1/submissions", {**RIGHT_SHAPE, "junk": 1}),
        ("/api/v1/exercises/m1-chain-rule/variants", {"junk": 1}),
        ("/api/v1/preview", {"exercise": "m1-chain-rule", "value": "x", "junk": 1}),
        ("/api/v1/api-keys", {"name": "x", "junk": 1}),
        ("/api/v1/webhooks", {"url": "https://example.org/hook", "junk": 1}),
        ("/api/v1/sandpit/1/probe", {"x": 1, "y": 1, "junk": 1}),
    ],
)
def test_an_unknown_key_in_a_body_is_a_422_naming_it(key, url, body):
    assert_refused(post_json(api(key), url, body), 422, "junk")


@pytest.mark.parametrize(
    ("exercise", "answer", "field", "unknown"),
    [
        (
            "m1-chain-rule",
            {"value": "cos(x)", "junk": "<img src=x onerror=alert(11)>"},
            "answer.answer",
            "junk",
        ),
        ("m1-chain-rule", {"latex": "x", "extra": 1}, "answer.answer", "extra"),
        (
            "m1-graph-derivative-match",
            {"choices": ["derivative"], "value": "x"},
            "answer.answer",
            "value",
        ),
        (
            "m1-rise-over-run",
            {"parts": {"secant": {"value": "1"}, "tangent": {"value": "2", "junk": 1}}},
            "answer.tangent",
            "junk",
        ),
        (
            "m1-rise-over-run",
            {"parts": {"secant": {"value": "1"}, "tangent": {"value": "2"}}, "junk": 1},
            "answer",
            "junk",
        ),
    ],
)
def test_an_unknown_key_inside_an_answer_is_a_422_naming_it(
    key, bank, exercise, answer, field, unknown
):
    response = post_json(api(key), "/api/v1/submissions", {"exercise": exercise, "answer": answer})
    body = assert_refused(response, 422, field)
    assert f"unknown key '{unknown}'" in body["detail"].lower()
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("e^(e^(e^(e^99)))", "too large to compare"),  # once held a web thread without end
        ("sqrt(2)^(sqrt(2)^100)", "a number is too large"),  # 2^(2^49), once computed
        ("tan(10^100)", "cannot be computed precisely enough"),
    ],
)
def test_a_number_answer_beyond_computing_is_a_422_not_a_held_request(key, bank, answer, message):
    body = {"exercise": "m6-chi2", "answer": {"value": answer}}
    refused = assert_refused(post_json(api(key), "/api/v1/submissions", body), 422)
    assert message in refused["detail"]
    assert not Submission.objects.exists()


def test_an_expression_may_come_as_latex(key, bank):
    body = {"exercise": "m1-chain-rule", "answer": {"latex": r"\cos x"}}
    assert post_json(api(key), "/api/v1/submissions", body).status_code == 202


@pytest.mark.parametrize(
    ("exercise", "answer"),
    [
        ("m2-jacobian", {"matrix": [[1, 0.5], [-2, 4e-7]]}),  # JSON numbers as entries
        ("m1-chain-rule", {"latex": r"\log_{2} x"}),  # a math keyboard's logarithm to a base
        ("m4-maclaurin", {"value": "1 + x + x^2/2! + x^3/3!"}),  # a Taylor polynomial
    ],
)
def test_answers_written_as_clients_and_keyboards_write_them_are_taken(key, bank, exercise, answer):
    body = {"exercise": exercise, "answer": answer}
    assert post_json(api(key), "/api/v1/submissions", body).status_code == 202
    assert Submission.objects.get().answer == answer


def test_a_mixed_number_is_a_422_saying_how_to_write_it(key, bank):
    body = {"exercise": "m6-chi2", "answer": {"value": "3 1/2"}}
    refused = assert_refused(post_json(api(key), "/api/v1/submissions", body), 422)
    assert "write it as one fraction or a decimal, such as 7/2 or 3.5" in refused["detail"]
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**RIGHT_SHAPE, "learner": ""}, "learner"),
        ({**RIGHT_SHAPE, "answer": {}}, "answer"),
        ({**RIGHT_SHAPE, "seed": -1}, "seed"),
        ({**RIGHT_SHAPE, "seed": 2**53}, "seed"),
        ({**RIGHT_SHAPE, "callback_url": ""}, "callback_url"),
    ],
)
def test_what_the_schema_states_is_what_the_server_refuses(key, body, field):
    assert_refused(post_json(api(key), "/api/v1/submissions", body), 422, field)


def test_the_scope_error_names_the_scope_plainly(learner):
    response = post_json(api(api_key_for(learner, ["read"])), "/api/v1/submissions", RIGHT_SHAPE)
    body = assert_refused(response, 403)
    assert body["detail"] == "This key does not have the 'submit' scope."


# --- the OpenAPI schema ------------------------------------------------------------------------------

PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}


@pytest.fixture
def schema():
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield f"{method.upper()} {path}", operation


def test_every_operation_documents_its_errors_as_problem_json(schema):
    problems = []
    for name, operation in operations(schema):
        if name == "GET /api/v1/health":
            continue
        responses = operation["responses"]
        expected = {"401", "403", "429"}
        if "requestBody" in operation:
            expected |= {"400", "413", "415", "422"}
        if operation.get("parameters"):
            expected.add("422")
        if any(p["in"] == "path" for p in operation.get("parameters", [])):
            expected.add("404")
        missing = expected - set(responses)
        if missing:
            problems.append(f"{name} lacks {sorted(missing)}")
        for status, response in responses.items():
            if status.startswith("4") and response.get("content") != PROBLEM:
                problems.append(f"{name} {status} is not problem JSON")
    assert problems == []
    assert {"409", "404"} <= set(schema["paths"]["/api/v1/submissions"]["post"]["responses"])
    for action in ("cancel", "regrade"):
        responses = schema["paths"][f"/api/v1/submissions/{{submission_id}}/{action}"]["post"]
        assert {"404", "409"} <= set(responses["responses"])
    problem = schema["components"]["schemas"]["Problem"]
    assert {"title", "status", "detail"} <= set(problem["required"])


def test_request_bodies_are_json_objects_without_unknown_keys(schema):
    for name, operation in operations(schema):
        if "requestBody" not in operation:
            continue
        content = operation["requestBody"]["content"]
        assert set(content) == {"application/json"}, name
        ref = content["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        assert schema["components"]["schemas"][ref]["additionalProperties"] is False, name


def test_the_input_schemas_state_the_limits_the_server_enforces(schema):
    schemas = schema["components"]["schemas"]

    def field(model, name):
        spec = schemas[model]["properties"][name]
        return next((s for s in spec.get("anyOf", []) if s.get("type") != "null"), spec)

    learner = field("SubmissionIn", "learner")
    assert (learner["minLength"], learner["maxLength"]) == (1, 200)
    assert field("SubmissionIn", "seed")["minimum"] == 0
    assert field("SubmissionIn", "seed")["exclusiveMaximum"] == 2**53
    assert field("SubmissionIn", "answer")["minProperties"] == 1
    assert field("SubmissionIn", "callback_url")["maxLength"] == 1000
    assert field("VariantIn", "learner")["minLength"] == 1
    assert field("WebhookIn", "url")["minLength"] == 1
    assert field("WebhookIn", "events")["minItems"] == 1
    assert field("PreviewIn", "value")["minLength"] == 1
    assert field("PreviewIn", "value")["maxLength"] == 2048
    assert field("KeyIn", "scopes")["minItems"] == 1
    assert "operator" not in schemas["KeyIn"]["properties"]
    assert field("ProbeIn", "x")["maximum"] == 6
    parameters = {
        p["name"]: p["schema"] for p in schema["paths"]["/api/v1/submissions"]["get"]["parameters"]
    }
    assert parameters["limit"]["minimum"] == 1 and parameters["limit"]["maximum"] == 100
    assert "pattern" in parameters["cursor"].get("anyOf", [parameters["cursor"]])[0]
