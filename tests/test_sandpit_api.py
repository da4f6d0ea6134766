"""The Sandpit's probe endpoint: who may probe, what a probe shows, and how a round ends and is graded."""

import json
from datetime import UTC, datetime
from unittest import mock

import pytest
from django.test import Client

from courseware.models import Exercise, Quiz, Submission
from courseware.tasks import grade_submission
from courseware.variants import current_attempt, definition_of
from grader.answers.interactive import landscape_for
from tests.support.people import PASSWORD, api_key_for, learner_in, make_course

pytestmark = pytest.mark.django_db
PROBE_KEYS = {
    "n",
    "x",
    "y",
    "depth",
    "arrow",
    "status",
    "dry_hole",
    "probes_left",
    "part",
    "n_probes",
}
REPLAY_KEYS = {"contours", "minimum", "dry_holes", "round", "submission"}


@pytest.fixture
def attempt(learner):
    return current_attempt(learner, Exercise.objects.get(slug="m2-sandpit"))


@pytest.fixture
def unlimited(settings):
    settings.SANDPIT_PROBES_PER_SECOND = 1000


def session(user) -> Client:
    client = Client()
    client.login(username=user.username, password=PASSWORD)
    return client


def bearer(user) -> Client:
    return Client(headers={"authorization": f"Bearer {api_key_for(user)}"})


def probe(client, attempt, x, y, part="gradient", **extra):
    body = {"x": x, "y": y} | ({"part": part} if part else {})
    return client.post(
        f"/api/v1/sandpit/{attempt.pk}/probe",
        json.dumps(body),
        content_type="application/json",
        **extra,
    )


def bottom(attempt, part="gradient") -> tuple[float, float]:
    return landscape_for(definition_of(attempt).part(part), attempt.params).minimiser


def far_corner(attempt, part="gradient") -> tuple[float, float]:
    """A point well away from the bottom and every dry hole."""
    x, y = bottom(attempt, part)
    return (0.05 if x > 3 else 5.95, 0.05 if y > 3 else 5.95)


def test_a_probe_shows_depth_arrow_count_and_status(learner, attempt):
    response = probe(bearer(learner), attempt, *far_corner(attempt))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == PROBE_KEYS
    assert -9.5 < body["depth"] < -0.5
    assert len(body["arrow"]) == 2
    assert body["n_probes"] == 1
    assert body["probes_left"] == 24
    assert body["status"] == "playing"


def test_the_depth_only_round_shows_no_arrow(learner, attempt):
    body = probe(bearer(learner), attempt, 1.0, 1.0, part="depth_only").json()
    assert body["arrow"] is None
    assert body["part"] == "depth_only"


def test_a_session_probe_needs_the_csrf_token(learner, attempt):
    client = Client(enforce_csrf_checks=True)
    client.login(username=learner.username, password=PASSWORD)
    assert probe(client, attempt, 1.0, 1.0).status_code == 403
    page = client.get("/courses/calc/exercises/m2-sandpit/")
    token = page.context["csrf_token"]
    assert probe(client, attempt, 1.0, 1.0, HTTP_X_CSRFTOKEN=str(token)).status_code == 200


def test_probing_needs_a_login_or_a_key(attempt):
    assert probe(Client(), attempt, 1.0, 1.0).status_code == 401


def test_another_learner_cannot_probe_my_sandpit(attempt):
    intruder = learner_in(make_course(), "eve")
    response = probe(bearer(intruder), attempt, 1.0, 1.0)
    assert response.status_code == 404
    assert probe(session(intruder), attempt, 1.0, 1.0).status_code == 404


def test_an_attempt_without_a_sandpit_is_not_found(learner):
    other = current_attempt(learner, Exercise.objects.get(slug="m2-jacobian"))
    assert probe(bearer(learner), other, 1.0, 1.0).status_code == 404


@pytest.mark.parametrize(
    "body, field",
    [
        ({"x": 6.5, "y": 1.0}, "x"),
        ({"x": 1.0, "y": -0.1}, "y"),
        ({"x": 1.0}, "y"),
        ({"x": "deep", "y": 1.0}, "x"),
        ({"x": 1.0, "y": 1.0, "part": "nope"}, "part"),
    ],
)
def test_a_bad_probe_is_refused_with_422_naming_the_field(learner, attempt, body, field):
    response = bearer(learner).post(
        f"/api/v1/sandpit/{attempt.pk}/probe", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 422
    assert field in {name.split(".")[-1] for name in response.json()["errors"]}


def test_more_than_five_probes_a_second_are_refused_with_429(learner, attempt):
    client = bearer(learner)
    instant = datetime(2026, 1, 1, tzinfo=UTC)
    with mock.patch("courseware.sandpit.timezone.now", return_value=instant):
        codes = [probe(client, attempt, 1.0 + k / 10, 1.0).status_code for k in range(6)]
    assert codes == [200] * 5 + [429]
    assert attempt.sandpit_games.get().probes.__len__() == 5


def test_a_round_does_not_start_when_the_quiz_is_past_due(learner, attempt):
    Quiz.objects.filter(slug="m2-sandpit-lab").update(due_at=datetime(2020, 1, 1, tzinfo=UTC))
    response = probe(bearer(learner), attempt, 1.0, 1.0)
    assert response.status_code == 409
    assert "“The Sandpit” was due at 2020-01-01 00:00 UTC." in response.json()["detail"]


def test_the_rounds_are_one_game_graded_when_the_last_round_ends(learner, attempt, unlimited):
    client = bearer(learner)
    probe(client, attempt, *far_corner(attempt))
    body = probe(client, attempt, *bottom(attempt)).json()
    assert body["status"] == "found"
    assert set(body) == PROBE_KEYS | REPLAY_KEYS | {"next_round"}
    assert len(body["contours"]["depths"]) == 30
    assert body["submission"] is None and body["next_round"] == "depth_only"
    assert not Submission.objects.filter(attempt=attempt).exists()  # no half-game attempt
    again = probe(client, attempt, 1.0, 1.0)
    assert again.status_code == 409
    assert "This round is over" in again.json()["detail"]

    probe(client, attempt, *far_corner(attempt, "depth_only"), part="depth_only")
    last = probe(client, attempt, *bottom(attempt, "depth_only"), part="depth_only").json()
    assert last["status"] == "found" and "next_round" not in last
    submission = Submission.objects.get(pk=last["submission"])
    assert set(submission.answer["parts"]) == {"gradient", "depth_only"}
    grade_submission.apply(args=(submission.pk, 1))
    graded = client.get(f"/api/v1/submissions/{submission.pk}").json()
    assert graded["score"] == pytest.approx(1.0)  # both rounds won within par
    texts = [item["text"] for item in graded["feedback"]]
    assert "You found the deepest point in 2 probes (par 6)." in texts
    assert "You found the deepest point in 2 probes (par 12)." in texts


def test_twenty_five_probes_without_the_bottom_fail_the_round(learner, attempt, unlimited):
    client = bearer(learner)
    probe(client, attempt, *far_corner(attempt))
    probe(client, attempt, *bottom(attempt))  # round 1 won; round 2 is lost below
    x, y = far_corner(attempt, "depth_only")
    statuses = [
        probe(client, attempt, x, y + (0.01 * k if y < 3 else -0.01 * k), part="depth_only").json()
        for k in range(25)
    ]
    assert [s["status"] for s in statuses[:19]] == ["playing"] * 19
    assert [s["status"] for s in statuses[19:24]] == ["warning"] * 5
    assert statuses[-1]["status"] == "failed"
    assert "contours" in statuses[-1] and "contours" not in statuses[-2]
    submission = Submission.objects.get(pk=statuses[-1]["submission"])
    grade_submission.apply(args=(submission.pk, 1))
    submission.refresh_from_db()
    assert submission.grading.score == pytest.approx(0.5)  # round 1 won, round 2 lost
    assert "You did not find the deepest point in 25 probes." in [
        item["text"] for item in submission.grading.feedback
    ]


def test_the_landscape_never_reaches_the_browser_before_the_round_ends(learner, attempt):
    client = session(learner)
    probe(client, attempt, 2.0, 2.0)
    page = client.get("/courses/calc/exercises/m2-sandpit/").content.decode()
    body = probe(client, attempt, 2.5, 2.0).content.decode()
    x, y = bottom(attempt)
    for text in (page, body):
        for secret in ("wells", "minimiser", "landscape_seed", "contours", f"{x:.3f}", f"{y:.3f}"):
            assert secret not in text
    assert str(attempt.params["landscape_seed"]) not in body
