"""Who may reach what: every page of the URL conf and every operation of the OpenAPI schema, for
every kind of visitor and API key, in one table each.

A page or operation without a row fails `test_every_page_and_operation_has_a_row`, so a new
endpoint cannot escape the matrix. Denials are 404 (things a visitor may not know exist), 403,
401 (the API without a key), 405, 400 (an LTI request that is not a valid launch) or a redirect to
log in; nothing answers 5xx. Allowed visitors get anything but a denial (a 409 for "not now" is
access: the visitor was let in and told why not).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from api.keys import create_key
from api.personal_tokens import make_token
from courseware.assessments import add_item
from courseware.models import Assessment, Exercise, Membership, Submission
from courseware.variants import current_attempt
from lms import vault
from lms.models import Webhook
from tests.support.people import PASSWORD, api_key_for, enrol, learner_in, make_course, make_user

pytestmark = pytest.mark.django_db

# The visitors: people with a session, and API keys (which pages do not know: to a page a key's
# request is an anonymous one); `personal_token` is the learner's personal access token.
SESSIONS = ("anonymous", "learner", "classmate", "outsider", "other_staff", "staff", "superuser")
KEYS = ("learner_key", "personal_token", "staff_key", "other_staff_key", "operator_key")
VISITORS = SESSIONS + KEYS
EVERYONE = set(VISITORS)
LOGGED_IN = set(SESSIONS) - {"anonymous"}
MEMBERS = {"learner", "classmate", "staff"}
DENIED = {302, 400, 401, 403, 404, 405}
EXERCISE = "m1-graph-derivative-match"
HOMEWORK = "m1-matching-graphs"
GONE = frozenset({404})  # a deletion: whoever comes after the first finds nothing
ANSWER = {"choices": ["derivative"]}


@dataclass
class Rule:
    """Who may use an endpoint (`allowed`), with a sample path (and body) on the world's objects."""

    allowed: set[str]
    path: str
    methods: tuple[str, ...] = ("GET",)
    body: dict | None = None
    public_errors: frozenset[int] = frozenset()  # denial statuses that are fine even when allowed


# --- the world ------------------------------------------------------------------------------------


@dataclass
class World:
    submission: Submission
    classmates: Submission
    sandpit_attempt: int
    webhook: int
    spare_key: int
    clients: dict[str, Client]


@pytest.fixture
def world(bank) -> World:
    """Course calc: a learner with a submission, a classmate, its staff (with a course staff key);
    course other: a learner (outsider) and its staff (with theirs); a superuser; an operator key."""
    calc = make_course()
    other = make_course("other", "Other course", open_enrolment=False)
    make_course("lobby", "An open course")
    learner = learner_in(calc, "learner")
    classmate = learner_in(calc, "classmate")
    learner_in(other, "outsider")
    staff, other_staff = make_user("staff"), make_user("other_staff")
    enrol(staff, calc, Membership.Role.STAFF)
    enrol(other_staff, other, Membership.Role.STAFF)
    get_user_model().objects.create_superuser("superuser", "root@example.com", PASSWORD)
    exercise = Exercise.objects.get(slug=EXERCISE)
    submission = Submission.objects.create(
        attempt=current_attempt(learner, exercise, calc), answer=ANSWER
    )
    classmates = Submission.objects.create(
        attempt=current_attempt(classmate, exercise, calc), answer=ANSWER
    )
    sandpit = current_attempt(learner, Exercise.objects.get(slug="m2-sandpit"), calc)
    webhook = Webhook.objects.create(
        client=staff, url="https://hooks.example.org/t", events=[], secret=vault.encrypt("whsec_x")
    )
    keys = {
        "learner_key": api_key_for(learner, ["read", "submit"]),
        "personal_token": make_token(learner, "notebook").key,
        "staff_key": api_key_for(staff, ["read", "submit", "staff"], calc),
        "other_staff_key": api_key_for(other_staff, ["read", "submit", "staff"], other),
        "operator_key": create_key(
            get_user_model().objects.get(username="superuser"), "ops", operator=True
        ).key,
    }
    spare = create_key(staff, "spare", ["read"], calc).record
    clients = {}
    for name in SESSIONS:
        clients[name] = Client()
        if name != "anonymous":
            assert clients[name].login(username=name, password=PASSWORD)
    for name, key in keys.items():
        clients[name] = Client(headers={"authorization": f"Bearer {key}"})
    return World(submission, classmates, sandpit.pk, webhook.pk, spare.pk, clients)


def final_exam_item():
    """Course calc's exam "final" (opening tomorrow: starting it is 409, not yet) and its item."""
    calc = Assessment.objects.get(course__slug="calc", slug="m1-matching-graphs").course
    exam, created = Assessment.objects.get_or_create(
        course=calc,
        slug="final",
        defaults={
            "title": "Final",
            "kind": Assessment.Kind.EXAM,
            "time_limit_minutes": 60,
            "opens_at": timezone.now() + timezone.timedelta(days=1),
        },
    )
    if created:
        add_item(exam, [Exercise.objects.get(slug=EXERCISE)])
    return exam.items.get()


# --- the tables -----------------------------------------------------------------------------------


def page_rules(world: World) -> dict[str, Rule]:
    """Pages, by URL name."""
    course, staff = "/courses/calc", "/courses/calc/staff"
    learner_id = world.submission.attempt.learner_id
    homework = Assessment.objects.get(course__slug="calc", slug="m1-matching-graphs")
    item_id = homework.items.get().pk
    item = f"{course}/assessments/{homework.slug}/items/{item_id}"
    nobody = "00000000-0000-0000-0000-000000000000"
    exam_item = final_exam_item()
    final = f"{course}/assessments/final"
    return {
        # The course's staff pages: its staff only.
        "staff:gradebook": Rule({"staff"}, f"{staff}/"),
        "staff:gradebook_csv": Rule({"staff"}, f"{staff}/gradebook.csv"),
        "staff:gradebook_chart": Rule({"staff"}, f"{staff}/gradebook-chart/"),
        "staff:quiz": Rule({"staff"}, f"{staff}/quizzes/m1-matching-graphs/"),
        "staff:learner": Rule({"staff"}, f"{staff}/learners/{learner_id}/"),
        "staff:exercises": Rule({"staff"}, f"{staff}/exercises/"),
        "staff:analytics": Rule({"staff"}, f"{staff}/exercises/{EXERCISE}/"),
        "staff:fairness": Rule({"staff"}, f"{staff}/exercises/{EXERCISE}/variants/"),
        "staff:preview": Rule({"staff"}, f"{staff}/exercises/{EXERCISE}/preview/?seed=2"),
        "staff:regrade": Rule({"staff"}, f"{staff}/exercises/{EXERCISE}/regrade/"),
        "staff:regrade_results": Rule({"staff"}, f"{staff}/exercises/{EXERCISE}/regrade/results/"),
        "staff:review": Rule({"staff"}, f"{staff}/review/"),
        "staff:submission": Rule({"staff"}, f"{staff}/submissions/{world.submission.pk}/"),
        "staff:grade": Rule(
            {"staff"}, f"{staff}/submissions/{world.submission.pk}/grade/", ("POST",)
        ),
        "staff:assessments": Rule({"staff"}, f"{staff}/assessments/"),
        "staff:assessment": Rule({"staff"}, f"{staff}/assessments/{homework.slug}/"),
        "staff:add_items": Rule(
            {"staff"}, f"{staff}/assessments/{homework.slug}/items/", ("POST",)
        ),
        "staff:change_item": Rule(
            {"staff"}, f"{staff}/assessments/{homework.slug}/items/{item_id}/", ("POST",)
        ),
        "staff:exceptions": Rule({"staff"}, f"{staff}/assessments/{homework.slug}/exceptions/"),
        "staff:exception_remove": Rule(
            set(), f"{staff}/assessments/{homework.slug}/exceptions/0/remove/", ("POST",)
        ),  # no such exception: 404 even for staff
        "staff:assessment_grades": Rule({"staff"}, f"{staff}/assessments/{homework.slug}/grades/"),
        "staff:grades": Rule({"staff"}, f"{staff}/grades/"),
        "staff:grades_csv": Rule({"staff"}, f"{staff}/grades.csv"),
        "staff:audit": Rule({"staff"}, f"{staff}/audit/"),
        "staff:exam_live": Rule({"staff"}, f"{staff}/assessments/final/live/"),
        "staff:exam_end": Rule(set(), f"{staff}/assessments/final/sittings/0/end/", ("POST",)),
        "staff:exam_extend": Rule(
            set(), f"{staff}/assessments/final/sittings/0/extend/", ("POST",)
        ),  # no such sitting: 404 even for staff
        "lti:staff": Rule({"staff"}, "/lti/courses/calc/"),
        "lti:roster": Rule({"staff"}, "/lti/courses/calc/roster", ("POST",)),
        # LTI endpoints answer launches, not visitors: without a valid launch they refuse.
        "lti:login": Rule(set(), f"/lti/login/{nobody}", ("GET", "POST")),
        "lti:launch": Rule(set(), "/lti/launch", ("GET", "POST")),
        "lti:open": Rule(set(), "/lti/open/not-a-launch"),
        "lti:deep_link_select": Rule(set(), "/lti/deep-link/select", ("GET", "POST")),
        "jwks": Rule(EVERYONE, "/.well-known/jwks.json"),
        # Public pages, and the account pages.
        "home": Rule(EVERYONE, "/"),
        "login": Rule(EVERYONE, "/accounts/login/"),
        "logout": Rule(set(), "/accounts/logout/"),  # GET is refused (405); logging out is a POST
        "signup": Rule(EVERYONE, "/accounts/signup/"),
        "password_reset": Rule(EVERYONE, "/accounts/password_reset/"),
        "password_reset_done": Rule(EVERYONE, "/accounts/password_reset/done/"),
        "password_reset_confirm": Rule(EVERYONE, "/accounts/reset/MQ/bad-token/"),
        "password_reset_complete": Rule(EVERYONE, "/accounts/reset/done/"),
        "password_change": Rule(LOGGED_IN, "/accounts/password_change/"),
        "password_change_done": Rule(LOGGED_IN, "/accounts/password_change/done/"),
        "metrics": Rule({"superuser"}, "/metrics"),
        # The profile page and its personal tokens: every logged-in user, for themselves.
        "profile": Rule(LOGGED_IN, "/profile/"),
        "create_token": Rule(LOGGED_IN, "/profile/tokens/", ("POST",)),
        "revoke_token": Rule(set(), f"/profile/tokens/{world.spare_key}/revoke/", ("POST",)),
        # Learner pages: the course's members.
        "courses": Rule(LOGGED_IN, "/courses/"),
        # Instructors (staff of a course) and superusers may start a course.
        "new_course": Rule({"staff", "other_staff", "superuser"}, "/courses/new/"),
        "course": Rule(MEMBERS, f"{course}/"),
        "enrol": Rule(set(), "/courses/lobby/enrol/", ("POST",)),  # enrolling changes access
        "quiz": Rule(MEMBERS, f"{course}/quizzes/m1-matching-graphs/"),
        "exercise": Rule(MEMBERS, f"{course}/exercises/{EXERCISE}/"),
        "submit": Rule(set(), f"{course}/exercises/{EXERCISE}/submit/", ("POST",)),
        "run_tests": Rule(set(), f"{course}/exercises/m3-d-sigma/run-tests/", ("POST",)),
        "exercise_notebook": Rule(MEMBERS, f"{course}/exercises/m3-d-sigma/notebook/"),
        "taylor_explorer": Rule(MEMBERS, f"{course}/exercises/m4-taylor-explorer/explore/"),
        "upload_notebook": Rule(
            set(), f"{course}/exercises/m3-d-sigma/upload-notebook/", ("POST",)
        ),
        "another_variant": Rule(
            set(), f"{course}/exercises/{EXERCISE}/another-variant/", ("POST",)
        ),
        "assessment": Rule(MEMBERS, f"{course}/assessments/m1-matching-graphs/"),
        "item": Rule(MEMBERS, f"{item}/"),
        "item_submit": Rule(set(), f"{item}/submit/", ("POST",)),  # no attempt of theirs: 404
        "item_run_tests": Rule(set(), f"{item}/run-tests/", ("POST",)),
        "item_another_variant": Rule(set(), f"{item}/another-variant/", ("POST",)),
        # An exam: its members may start it (409 here: not open yet), hand it in (409: not
        # started) and save drafts (409: not started).
        "exam_start": Rule(MEMBERS, f"{final}/start/", ("POST",)),
        "exam_finish": Rule(MEMBERS, f"{final}/finish/", ("POST",)),
        "exam_draft": Rule(MEMBERS, f"{final}/items/{exam_item.pk}/draft/", ("POST",)),
        "submission": Rule({"learner", "staff"}, f"/submissions/{world.submission.pk}/"),
        # The API's own pages: the schema and its docs are public, anything else is problem JSON.
        "api:api-root": Rule(set(), "/api/v1/", public_errors=frozenset({404})),
        "api_not_found": Rule(set(), "/api/v1/no-such-thing"),
        "api:openapi-json": Rule(EVERYONE, "/api/v1/openapi.json"),
        "api:openapi-view": Rule(EVERYONE, "/api/v1/docs"),
    }


def api_rules(world: World) -> dict[tuple[str, str], Rule]:
    """API operations, by (method, path in the OpenAPI schema)."""
    api = "/api/v1"
    submission, theirs = world.submission.pk, world.classmates.pk
    keys = set(KEYS)
    full_keys = keys - {"personal_token"}  # keys and webhooks are not for personal tokens
    own = {"learner_key", "personal_token"}  # the learner's own submission
    calc_staff = {"staff_key", "operator_key"}
    answer = {"exercise": EXERCISE, "answer": ANSWER}
    assessments = f"{api}/courses/calc/assessments"
    final = f"{api}/courses/calc/assessments/final"
    return {
        ("GET", "/api/v1/health"): Rule(EVERYONE, f"{api}/health"),
        ("GET", "/api/v1/exercises"): Rule(keys, f"{api}/exercises"),
        ("GET", "/api/v1/exercises/{slug}"): Rule(keys, f"{api}/exercises/{EXERCISE}"),
        ("POST", "/api/v1/exercises/{slug}/variants"): Rule(
            keys, f"{api}/exercises/{EXERCISE}/variants", ("POST",), {}
        ),
        ("GET", "/api/v1/exercises/{slug}/notebook"): Rule(
            keys, f"{api}/exercises/m3-d-sigma/notebook"
        ),
        # The page's live preview and the Sandpit take the learner's session too.
        ("POST", "/api/v1/preview"): Rule(
            LOGGED_IN | keys,
            f"{api}/preview",
            ("POST",),
            {"exercise": "m1-chain-rule", "value": "x"},
        ),
        ("POST", "/api/v1/sandpit/{attempt_id}/probe"): Rule(
            {"learner"} | own,
            f"{api}/sandpit/{world.sandpit_attempt}/probe",
            ("POST",),
            {"x": 1.0, "y": 1.0, "part": "gradient"},
        ),
        ("POST", "/api/v1/submissions"): Rule(keys, f"{api}/submissions", ("POST",), answer),
        # An exam of course calc: keys of its members, the learner's own token (409 here: not
        # open, not started).
        ("POST", "/api/v1/courses/{course}/assessments/{slug}/start"): Rule(
            {"learner_key", "personal_token", "staff_key"}, f"{final}/start", ("POST",), {}
        ),
        ("POST", "/api/v1/courses/{course}/assessments/{slug}/items/{item_id}/answers"): Rule(
            {"learner_key", "personal_token", "staff_key"},
            f"{final}/items/{final_exam_item().pk}/answers",
            ("POST",),
            {"answer": ANSWER},
        ),
        ("GET", "/api/v1/submissions"): Rule(keys, f"{api}/submissions"),
        # The learner's submission: theirs, and the course's staff (key) or the operator's.
        ("GET", "/api/v1/submissions/{submission_id}"): Rule(
            own | calc_staff, f"{api}/submissions/{submission}"
        ),
        ("POST", "/api/v1/submissions/{submission_id}/cancel"): Rule(
            own | calc_staff, f"{api}/submissions/{submission}/cancel", ("POST",), {}
        ),
        ("POST", "/api/v1/submissions/{submission_id}/regrade"): Rule(
            calc_staff, f"{api}/submissions/{theirs}/regrade", ("POST",), {}
        ),
        ("GET", "/api/v1/results/{submission_id}"): Rule(
            own | calc_staff, f"{api}/results/{submission}"
        ),
        ("GET", "/api/v1/results/{submission_id}/results.json"): Rule(
            own | calc_staff, f"{api}/results/{submission}/results.json"
        ),
        ("GET", "/api/v1/learners/{ref}/progress"): Rule(keys, f"{api}/learners/me/progress"),
        # Keys: each key manages its own owner's; the operator every one.
        ("POST", "/api/v1/api-keys"): Rule(
            full_keys, f"{api}/api-keys", ("POST",), {"name": "new"}
        ),
        ("GET", "/api/v1/api-keys"): Rule(full_keys, f"{api}/api-keys"),
        ("DELETE", "/api/v1/api-keys/{key_id}"): Rule(
            calc_staff, f"{api}/api-keys/{world.spare_key}", ("DELETE",)
        ),
        # Webhooks belong to the user who registered them (here: the staff member).
        ("POST", "/api/v1/webhooks"): Rule(
            full_keys, f"{api}/webhooks", ("POST",), {"url": "https://hooks.example.org/x"}
        ),
        ("GET", "/api/v1/webhooks"): Rule(full_keys, f"{api}/webhooks"),
        ("DELETE", "/api/v1/webhooks/{webhook_id}"): Rule(
            {"staff_key"}, f"{api}/webhooks/{world.webhook}", ("DELETE",)
        ),
        ("POST", "/api/v1/webhooks/{webhook_id}/test"): Rule(
            {"staff_key"}, f"{api}/webhooks/{world.webhook}/test", ("POST",), {}
        ),
        ("GET", "/api/v1/webhooks/{webhook_id}/deliveries"): Rule(
            {"staff_key"}, f"{api}/webhooks/{world.webhook}/deliveries"
        ),
        # A course's assessments: its staff (course key) and the operator; no one else.
        ("GET", "/api/v1/courses/{course}/assessments"): Rule(
            calc_staff, f"{api}/courses/calc/assessments"
        ),
        ("POST", "/api/v1/courses/{course}/assessments"): Rule(
            calc_staff,
            f"{api}/courses/calc/assessments",
            ("POST",),
            {"slug": "week-9", "title": "Week 9"},  # the second maker is told it exists (422)
        ),
        ("GET", "/api/v1/courses/{course}/assessments/{slug}"): Rule(
            calc_staff, f"{assessments}/{HOMEWORK}"
        ),
        ("PATCH", "/api/v1/courses/{course}/assessments/{slug}"): Rule(
            calc_staff, f"{assessments}/{HOMEWORK}", ("PATCH",), {"attempt_limit": 4}
        ),
        # The first allowed deleter deletes it; the next finds nothing (404).
        ("DELETE", "/api/v1/courses/{course}/assessments/{slug}"): Rule(
            calc_staff, f"{assessments}/m1-rise-over-run-quiz", ("DELETE",), public_errors=GONE
        ),
        ("PUT", "/api/v1/courses/{course}/assessments/{slug}/exceptions/{learner}"): Rule(
            calc_staff,
            f"{assessments}/{HOMEWORK}/exceptions/learner",
            ("PUT",),
            {"extra_attempts": 1},
        ),
        ("DELETE", "/api/v1/courses/{course}/assessments/{slug}/exceptions/{learner}"): Rule(
            calc_staff,
            f"{assessments}/{HOMEWORK}/exceptions/learner",
            ("DELETE",),
            public_errors=GONE,
        ),
        ("GET", "/api/v1/courses/{course}/assessments/{slug}/grades"): Rule(
            calc_staff, f"{assessments}/{HOMEWORK}/grades"
        ),
    }


# --- completeness ---------------------------------------------------------------------------------


def url_patterns(patterns, prefix="/", namespace=None):
    """(URL name, its route as an OpenAPI path template) for every pattern of the URL conf."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from url_patterns(
                pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace or namespace
            )
        elif isinstance(pattern, URLPattern):
            route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", prefix + str(pattern.pattern))
            yield (f"{namespace}:" if namespace else "") + (pattern.name or ""), route


def schema_operations(client: Client) -> set[tuple[str, str]]:
    schema = client.get("/api/v1/openapi.json").json()
    return {(method.upper(), path) for path, ops in schema["paths"].items() for method in ops}


def test_every_page_and_operation_has_a_row(world):
    operations = api_rules(world)
    assert schema_operations(world.clients["anonymous"]) == set(operations)
    api_paths = {path for _, path in operations}
    pages = set(page_rules(world))
    missing = {
        name
        for name, route in url_patterns(get_resolver().url_patterns)
        if not name.startswith("admin:") and name not in pages and route not in api_paths
    }
    assert missing == set(), f"URL names without a row in this matrix: {sorted(missing)}"


# --- the checks -----------------------------------------------------------------------------------


def send(client: Client, method: str, rule: Rule):
    if method in ("GET", "DELETE") or rule.body is None:
        return getattr(client, method.lower())(rule.path)
    return getattr(client, method.lower())(
        rule.path, json.dumps(rule.body), content_type="application/json"
    )


def judge(name: str, rule: Rule, clients: dict[str, Client]) -> list[str]:
    """Each visitor's request to the endpoint: denied unless allowed; allowed ones let in (a POST
    page without a sample body is checked for denials only: its form decides the rest)."""
    problems = []
    for visitor, client in clients.items():
        for method in rule.methods:
            response = send(client, method, rule)
            status = response.status_code
            to_log_in = status == 302 and "/login/" in response.get("Location", "")
            refused = to_log_in or (status in DENIED - {302} and status not in rule.public_errors)
            checks_access = method in ("GET", "DELETE") or rule.body is not None
            if status >= 500:
                problems.append(f"{name} {method} as {visitor}: {status}")
            elif visitor not in rule.allowed:
                if status not in DENIED:
                    problems.append(f"{name} {method} as {visitor}: {status}, expected a denial")
            elif checks_access and refused:
                problems.append(f"{name} {method} as {visitor}: {status}, expected access")
    return problems


def test_every_page_admits_only_whom_its_row_allows(world):
    problems = []
    for name, rule in page_rules(world).items():
        problems += judge(name, rule, world.clients)
    assert problems == []


def test_every_api_operation_admits_only_whom_its_row_allows(world):
    problems = []
    operations = sorted(api_rules(world).items(), key=lambda row: row[0][0] == "DELETE")
    for (method, path), rule in operations:  # deletions last: the others use what they delete
        problems += judge(f"{method} {path}", rule, world.clients)
    assert problems == []


def test_posting_actions_are_denied_to_visitors_outside_the_course(world):
    for visitor in ("anonymous", "outsider", "other_staff", "superuser", "staff_key"):
        for path in ("submit", "run-tests", "another-variant"):
            url = f"/courses/calc/exercises/{EXERCISE}/{path}/"
            status = world.clients[visitor].post(url, {"attempt": world.submission.attempt_id})
            assert status.status_code in {302, 404}
    assert Submission.objects.count() == 2


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
    ],
)  # fmt: skip
def test_api_keys_reach_what_their_kind_and_scopes_allow(world, owner, scopes, course, expected):
    from courseware.models import Course

    user = get_user_model().objects.get(username=owner)
    where = Course.objects.get(slug=course) if course else None
    api = Client(headers={"authorization": f"Bearer {api_key_for(user, scopes, where)}"})
    seen = {
        "exercises": api.get("/api/v1/exercises").status_code,
        "learner's": api.get(f"/api/v1/submissions/{world.submission.pk}").status_code,
        "classmate's": api.get(f"/api/v1/submissions/{world.classmates.pk}").status_code,
        "submit": api.post(
            "/api/v1/submissions",
            json.dumps({"exercise": EXERCISE, "answer": ANSWER}),
            content_type="application/json",
        ).status_code,
    }
    assert seen == expected
