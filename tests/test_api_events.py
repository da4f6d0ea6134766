"""An API client hears its verdict at once: the 202 of POST /api/v1/submissions (and of an answer
in an assessment or to an exam's item) carries an events link to the push service, bound to the
key that made the submission; a real worker's grading reaches a client listening on it, and no
other key (nor none) may listen."""

from __future__ import annotations

import pytest
import requests

from api.personal_tokens import make_token
from courseware.models import Membership
from tests.support.exams import make_exam
from tests.support.people import api_key_for, enrol, learner_in, make_course, make_user
from tests.test_grading_events import listen

# Wrong for every variant (each has an inner function with a parameter), so it is graded at once.
CHAIN_RULE = {"exercise": "m1-chain-rule", "answer": {"value": "2x cos(x^2)"}}
MATCH = {"choices": ["derivative"]}  # the first item of the course's homework and of the exam


def post(site: str, key: str, body: dict, path: str = "/api/v1/submissions") -> requests.Response:
    return requests.post(
        f"{site}{path}", json=body, headers={"Authorization": f"Bearer {key}"}, timeout=30
    )


def heard_on_its_own_link_only(
    site: str, events: str, key: str, created, start_worker, others: tuple[str, ...] = ()
) -> dict:
    """The 202 `created` carries an events link that `key` alone may listen on (no bearer and
    the `others` are refused), where it hears a real worker's grading: the graded submission."""
    assert created.status_code == 202
    link = created.json()["events"]
    assert link.startswith(f"{events}/graded/")
    for bearer in (None, api_key_for(make_user("stranger")), *others):
        headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
        refused = requests.get(link, headers=headers, timeout=10)
        assert refused.status_code == 403, bearer
        assert "not valid or has expired" in refused.text
    heard: list[str] = []
    listening = listen(link, heard, headers={"Authorization": f"Bearer {key}"})
    start_worker()
    listening.join(30)
    assert heard == ["200", "graded", "closed"]
    detail = requests.get(
        f"{site}{created.headers['Location']}",
        headers={"Authorization": f"Bearer {key}"},
        timeout=10,
    ).json()
    assert detail["status"] == "graded"
    return detail


@pytest.mark.django_db(transaction=True)
def test_an_api_client_hears_graded_from_a_real_worker_on_its_own_link(
    live_site, events, live_worker, bank
):
    owner = make_user("client")
    key = api_key_for(owner)
    created = post(live_site, key, CHAIN_RULE)
    same_owners_other_key = api_key_for(owner)
    detail = heard_on_its_own_link_only(
        live_site, events, key, created, live_worker, (same_owners_other_key, "tk_0_not-a-key")
    )
    assert (detail["status"], detail["verdict"], detail["score"]) == ("graded", "incorrect", 0.0)


@pytest.mark.django_db(transaction=True)
def test_a_learners_link_is_refused_to_another_learners_personal_token(live_site, events, bank):
    course = make_course()
    ada, grace = (make_token(learner_in(course, name), "notebook").key for name in ("ada", "grace"))
    adas_link, graces_link = (post(live_site, t, CHAIN_RULE).json()["events"] for t in (ada, grace))
    for link, other in ((adas_link, grace), (graces_link, ada)):
        refused = requests.get(link, headers={"Authorization": f"Bearer {other}"}, timeout=10)
        assert refused.status_code == 403


@pytest.mark.django_db(transaction=True)
def test_without_a_push_service_the_link_is_null_and_the_client_polls(live_site, settings, bank):
    settings.TANGENT_EVENTS_URL = ""
    created = post(live_site, api_key_for(make_user("client")), CHAIN_RULE)
    assert created.status_code == 202
    assert created.json()["events"] is None
    assert created.headers["Location"].startswith("/api/v1/submissions/")


@pytest.mark.django_db(transaction=True)
def test_an_answer_in_an_assessment_carries_the_keys_events_link(
    live_site, events, live_worker, bank
):
    key = api_key_for(learner_in(make_course(), "ada"))
    body = {"exercise": "m1-graph-derivative-match", "answer": MATCH,
            "assessment": "calc/m1-matching-graphs"}  # fmt: skip
    created = post(live_site, key, body)
    assert created.json()["status"] == "queued"
    heard_on_its_own_link_only(live_site, events, key, created, live_worker)


@pytest.mark.django_db(transaction=True)
def test_an_answer_to_an_exam_item_carries_the_keys_events_link(
    live_site, events, live_worker, bank
):
    course = make_course()
    exam = make_exam(course)
    staff = make_user("lms")
    enrol(staff, course, Membership.Role.STAFF)
    key = api_key_for(staff, ["read", "submit", "staff"], course)
    base = f"/api/v1/courses/{course.slug}/assessments/{exam.slug}"
    started = post(live_site, key, {"learner": "s-42"}, f"{base}/start").json()
    item = started["items"][0]["id"]
    created = post(
        live_site, key, {"learner": "s-42", "answer": MATCH}, f"{base}/items/{item}/answers"
    )
    assert (created.json()["assessment"], created.json()["item"]) == (exam.slug, item)
    heard_on_its_own_link_only(live_site, events, key, created, live_worker)
