"""Who may reach what: every URL pattern × every kind of visitor.

Each URL name has a rule below; a new view without a rule fails `test_every_url_has_an_access_rule`.
Denials are 404 (things a visitor may not know exist), 403, 401 (API without a key), 405, or a
redirect to log in; nothing answers 5xx.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from courseware.models import Course, Exercise, Submission
from courseware.variants import current_attempt
from tests.support.people import PASSWORD, api_key_for, enrol, learner_in, make_course, make_user

pytestmark = pytest.mark.django_db

PEOPLE = ("anonymous", "learner", "classmate", "staff", "other_staff", "superuser")
MEMBERS = {"learner", "classmate", "staff"}
LOGGED_IN = set(PEOPLE) - {"anonymous"}
DENIED = {302, 400, 401, 403, 404, 405}  # 400: an LTI request that is not a valid launch


@dataclass
class Rule:
    """Who may use a URL: `allowed` people get a non-denial for GET; everyone else is denied."""

    allowed: set[str]
    path: str = ""  # a sample path, with the fixture's objects; empty to reverse without arguments
    methods: tuple[str, ...] = ("GET",)
    public_errors: set[int] = field(default_factory=set)  # statuses that are fine even when allowed


def walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(
                pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace or namespace
            )
        elif isinstance(pattern, URLPattern):
            yield (
                (f"{namespace}:" if namespace else "") + (pattern.name or ""),
                prefix + str(pattern.pattern),
            )


def rules(submission_id: int, learner_id: int = 0) -> dict[str, Rule]:
    everyone = set(PEOPLE)
    course = "/courses/calc"
    staff = f"{course}/staff"
    exercise = "m1-graph-derivative-match"
    api = "/api/v1"
    nobody = "00000000-0000-0000-0000-000000000000"
    return {
        # Course staff pages: the course's staff only.
        "staff:gradebook": Rule({"staff"}, f"{staff}/"),
        "staff:gradebook_csv": Rule({"staff"}, f"{staff}/gradebook.csv"),
        "staff:quiz": Rule({"staff"}, f"{staff}/quizzes/m1-matching-graphs/"),
        "staff:learner": Rule({"staff"}, f"{staff}/learners/{learner_id}/"),
        "staff:exercises": Rule({"staff"}, f"{staff}/exercises/"),
        "staff:analytics": Rule({"staff"}, f"{staff}/exercises/{exercise}/"),
        "staff:fairness": Rule({"staff"}, f"{staff}/exercises/{exercise}/variants/"),
        "staff:preview": Rule({"staff"}, f"{staff}/exercises/{exercise}/preview/?seed=2"),
        "staff:regrade": Rule({"staff"}, f"{staff}/exercises/{exercise}/regrade/"),
        "staff:regrade_results": Rule({"staff"}, f"{staff}/exercises/{exercise}/regrade/results/"),
        "staff:review": Rule({"staff"}, f"{staff}/review/"),
        "staff:submission": Rule({"staff"}, f"{staff}/submissions/{submission_id}/"),
        "staff:grade": Rule({"staff"}, f"{staff}/submissions/{submission_id}/grade/", ("POST",)),
        "lti:staff": Rule({"staff"}, "/lti/courses/calc/"),
        "lti:roster": Rule({"staff"}, "/lti/courses/calc/roster", ("POST",)),
        # LTI endpoints answer launches, not visitors: without a valid launch they refuse.
        "lti:login": Rule(set(), f"/lti/login/{nobody}", ("GET", "POST")),
        "lti:launch": Rule(set(), "/lti/launch", ("GET", "POST")),
        "lti:open": Rule(set(), "/lti/open/not-a-launch"),
        "lti:deep_link_select": Rule(set(), "/lti/deep-link/select", ("GET", "POST")),
        "jwks": Rule(everyone, "/.well-known/jwks.json"),
        # API resources answer to keys only (tested below with each scope).
        "api:get_exercise": Rule(set(), f"{api}/exercises/{exercise}"),
        "api:draw_variant": Rule(set(), f"{api}/exercises/{exercise}/variants", ("POST",)),
        "api:list_submissions": Rule(set(), f"{api}/submissions"),
        "api:cancel_submission": Rule(
            set(), f"{api}/submissions/{submission_id}/cancel", ("POST",)
        ),
        "api:regrade_submission": Rule(
            set(), f"{api}/submissions/{submission_id}/regrade", ("POST",)
        ),
        "api:get_result": Rule(set(), f"{api}/results/{submission_id}"),
        "api:gradescope_result": Rule(set(), f"{api}/results/{submission_id}/results.json"),
        "api:learner_progress": Rule(set(), f"{api}/learners/someone/progress"),
        "api:create_api_key": Rule(set(), f"{api}/api-keys", ("POST",)),
        "api:list_api_keys": Rule(set(), f"{api}/api-keys"),
        "api:revoke_api_key": Rule(set(), f"{api}/api-keys/1", ("DELETE",)),
        "api:register_webhook": Rule(set(), f"{api}/webhooks", ("POST",)),
        "api:list_webhooks": Rule(set(), f"{api}/webhooks"),
        "api:delete_webhook": Rule(set(), f"{api}/webhooks/1", ("DELETE",)),
        "api:send_test_event": Rule(set(), f"{api}/webhooks/1/test", ("POST",)),
        "api:list_deliveries": Rule(set(), f"{api}/webhooks/1/deliveries"),
        "api:sandpit_probe": Rule(LOGGED_IN, f"{api}/sandpit/1/probe", ("POST",)),
        "home": Rule(everyone, "/"),
        "login": Rule(everyone, "/accounts/login/"),
        "logout": Rule(set(), "/accounts/logout/"),  # GET is refused (405); logging out is a POST
        "signup": Rule(everyone, "/accounts/signup/"),
        "password_reset": Rule(everyone, "/accounts/password_reset/"),
        "password_reset_done": Rule(everyone, "/accounts/password_reset/done/"),
        "password_reset_confirm": Rule(everyone, "/accounts/reset/MQ/bad-token/"),
        "password_reset_complete": Rule(everyone, "/accounts/reset/done/"),
        "password_change": Rule(LOGGED_IN, "/accounts/password_change/"),
        "password_change_done": Rule(LOGGED_IN, "/accounts/password_change/done/"),
        "metrics": Rule({"superuser"}, "/metrics"),
        "courses": Rule(LOGGED_IN, "/courses/"),
        "course": Rule(MEMBERS, f"{course}/"),
        "enrol": Rule(
            set(), "/courses/lobby/enrol/", ("POST",)
        ),  # a course of its own: enrolling changes access
        "quiz": Rule(MEMBERS, f"{course}/quizzes/m1-matching-graphs/"),
        "exercise": Rule(MEMBERS, f"{course}/exercises/m1-graph-derivative-match/"),
        "submit": Rule(set(), f"{course}/exercises/m1-graph-derivative-match/submit/", ("POST",)),
        "run_tests": Rule(set(), f"{course}/exercises/m3-d-sigma/run-tests/", ("POST",)),
        "another_variant": Rule(
            set(), f"{course}/exercises/m1-graph-derivative-match/another-variant/", ("POST",)
        ),
        "submission": Rule({"learner", "staff"}, f"/submissions/{submission_id}/"),
        # The API answers to keys (tested below); for browsers it is public only where it says so.
        "api:api-root": Rule(set(), "/api/v1/", public_errors={404}),
        "api_not_found": Rule(set(), "/api/v1/no-such-thing"),
        "api:openapi-json": Rule(everyone, "/api/v1/openapi.json"),
        "api:openapi-view": Rule(everyone, "/api/v1/docs"),
        "api:health": Rule(everyone, "/api/v1/health"),
        "api:list_exercises": Rule(set(), "/api/v1/exercises"),
        "api:preview": Rule(
            LOGGED_IN, "/api/v1/preview", ("POST",)
        ),  # the page previews with the session
        "api:create_submission": Rule(set(), "/api/v1/submissions", ("POST",)),
        "api:get_submission": Rule(set(), f"/api/v1/submissions/{submission_id}"),
    }


@pytest.fixture
def world(bank):
    """Two courses, a learner with a submission, a classmate, the course's staff, another course's staff."""
    calc = make_course()
    learner = learner_in(calc, "learner")
    attempt = current_attempt(learner, Exercise.objects.get(slug="m1-graph-derivative-match"), calc)
    submission = Submission.objects.create(attempt=attempt, answer={"choices": ["derivative"]})
    learner_in(calc, "classmate")
    make_course("lobby", "An open course")
    enrol(make_user("staff"), calc, "staff")
    enrol(
        make_user("other_staff"),
        make_course("other", "Other course", open_enrolment=False),
        "staff",
    )
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("superuser", "root@example.com", PASSWORD)
    return {"submission": submission, "course": calc}


def client_for(person: str) -> Client:
    client = Client()
    if person != "anonymous":
        assert client.login(username=person, password=PASSWORD)
    return client


def test_every_url_has_an_access_rule(world):
    names = {name for name, _ in walk(get_resolver().url_patterns) if not name.startswith("admin:")}
    missing = names - set(rules(world["submission"].pk))
    assert missing == set(), f"URL names without an access rule in this test: {sorted(missing)}"


def test_every_page_admits_only_whom_its_rule_allows(world):
    problems = []
    for name, rule in rules(world["submission"].pk, world["submission"].attempt.learner_id).items():
        for person in PEOPLE:
            client = client_for(person)
            for method in rule.methods:
                response = getattr(client, method.lower())(rule.path)
                status = response.status_code
                if status >= 500:
                    problems.append(f"{name} {method} as {person}: {status}")
                elif person in rule.allowed and method == "GET":
                    location = response.get("Location", "")
                    refused = status in DENIED - {302} and status not in rule.public_errors
                    if refused or (status == 302 and "/login/" in location):
                        problems.append(f"{name} GET as {person}: {status}, expected access")
                elif person not in rule.allowed and status not in DENIED:
                    problems.append(f"{name} {method} as {person}: {status}, expected a denial")
    assert problems == []


def test_posting_actions_are_denied_to_visitors_outside_the_course(world):
    for person in ("anonymous", "other_staff", "superuser"):
        client = client_for(person)
        for path in ("submit", "run-tests", "another-variant"):
            url = f"/courses/calc/exercises/m1-graph-derivative-match/{path}/"
            assert client.post(url, {"attempt": world["submission"].attempt_id}).status_code in {
                302,
                404,
            }
    assert Submission.objects.count() == 1


@pytest.mark.parametrize(
    ("owner", "scopes", "course", "expected"),
    [
        ("learner", ["read"], None, {"exercises": 200, "learner's": 200, "classmate's": 404, "submit": 403}),
        ("learner", ["submit"], None, {"exercises": 403, "learner's": 403, "classmate's": 403, "submit": 202}),
        ("learner", ["read", "submit"], None, {"exercises": 200, "learner's": 200, "classmate's": 404, "submit": 202}),
        # `staff` is never in force on a key without a course.
        ("learner", ["staff"], None, {"exercises": 403, "learner's": 403, "classmate's": 403, "submit": 403}),
        # ... nor on a course key whose owner is not staff of the course.
        ("learner", ["read", "staff"], "calc", {"exercises": 200, "learner's": 200, "classmate's": 404, "submit": 403}),
        # A course staff key sees its course's submissions; another course's staff key does not.
        ("staff", ["staff"], "calc", {"exercises": 200, "learner's": 200, "classmate's": 200, "submit": 202}),
        ("other_staff", ["staff"], "other", {"exercises": 200, "learner's": 404, "classmate's": 404, "submit": 202}),
        # The operator key (made only by manage.py) is the one site-wide credential.
        ("superuser", "operator", None, {"exercises": 200, "learner's": 200, "classmate's": 200, "submit": 202}),
    ],
)  # fmt: skip
def test_api_keys_reach_what_their_kind_and_scopes_allow(world, owner, scopes, course, expected):
    import json

    from django.contrib.auth import get_user_model

    from lms.keys import create_key

    user = get_user_model().objects.get(username=owner)
    where = Course.objects.get(slug=course) if course else None
    if scopes == "operator":
        key = create_key(user, operator=True).key
    else:
        key = api_key_for(user, scopes, where)
    api = Client(headers={"authorization": f"Bearer {key}"})
    classmate = get_user_model().objects.get(username="classmate")
    exercise = Exercise.objects.get(slug="m1-graph-derivative-match")
    other = Submission.objects.create(
        attempt=current_attempt(classmate, exercise, world["course"]),
        answer={"choices": ["derivative"]},
    )
    seen = {
        "exercises": api.get("/api/v1/exercises").status_code,
        "learner's": api.get(f"/api/v1/submissions/{world['submission'].pk}").status_code,
        "classmate's": api.get(f"/api/v1/submissions/{other.pk}").status_code,
        "submit": api.post(
            "/api/v1/submissions",
            json.dumps(
                {"exercise": "m1-graph-derivative-match", "answer": {"choices": ["derivative"]}}
            ),
            content_type="application/json",
        ).status_code,
    }
    assert seen == expected
