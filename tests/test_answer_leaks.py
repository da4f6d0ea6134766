"""No learner-visible response gives a variant's reference answer away before it is solved.

Every exercise of the bank, over a few seeds, as a learner: the exercise page, the live preview,
a wrong answer (an anticipated mistake when there is one) with its verdict fragment, the API's
JSON for it, and the page again with what the release rule then allows. Every response is
searched for the variant's reference answers (tests/support/leaks.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client

from courseware.answer_forms import part_widgets
from courseware.grading.definitions import definition_for
from courseware.models import Exercise, Membership, Submission
from courseware.release import release_for
from courseware.rendering import render_markdown
from courseware.tasks import grade_submission
from courseware.templatetags.tangent import typeset_answer
from courseware.variants import definition_of, new_attempt
from exercises.validation import read_solutions
from grader.params import draw_params
from tests.support.filled_forms import form_for, wrong_payload
from tests.support.leaks import found_in, needles, visible_text
from tests.support.people import PASSWORD, api_key_for, learner_in, make_course

pytestmark = pytest.mark.django_db
SEEDS = (1, 2, 3)
UNGRADED_HERE = ("code", "interactive")  # graded by the sandbox / played through the probe API


def reference_program(slug: str) -> str | None:
    """A code exercise's reference program (solutions/reference.py), if it has one."""
    files = list(Path(settings.EXERCISES_DIR).glob(f"*/{slug}/exercise.yaml"))
    return read_solutions(files[0]).reference if files else None


class Walk:
    """One learner's walk through the bank, collecting what gives an answer away."""

    def __init__(self, course, learner):
        self.course = course
        self.learner = learner
        self.site = Client()
        self.site.login(username=learner.username, password=PASSWORD)
        self.api = Client(headers={"authorization": f"Bearer {api_key_for(learner)}"})
        self.leaks: list[str] = []
        self.responses = 0

    def own_answers(self, exercise: Exercise) -> list[str]:
        """The learner's answers as their history shows them: their own typing, not a leak."""
        submissions = Submission.objects.filter(
            attempt__learner=self.learner, attempt__exercise_version__exercise=exercise
        ).select_related("attempt__exercise_version")
        return [render_to_string("courseware/_answer.html", typeset_answer(s)) for s in submissions]

    def variant(self, exercise: Exercise, seed: int) -> None:
        attempt = new_attempt(self.learner, exercise, self.course, seed=seed)
        definition = definition_of(attempt)
        params = attempt.params
        widgets = part_widgets(definition, attempt)
        question = [render_markdown(definition.prompt, params)]
        question += [w["label"] for w in widgets]
        question += [o["html"] for w in widgets for o in w.get("options", [])]
        program = reference_program(exercise.slug)
        on_pages = needles(definition, params, reference_program=program)
        in_api = needles(definition, params, all_option_ids=False, reference_program=program)
        where = f"{exercise.slug} seed {seed}"
        url = f"/courses/{self.course.slug}/exercises/{exercise.slug}/"

        def released_help():
            """What the release rule now shows: the hints and, if released, the solution."""
            shown = release_for(attempt, definition)
            help = [render_markdown(h, params) for h in definition.hints[: shown.hints]]
            if shown.solution:
                help.append(render_markdown(definition.solution, params))
            return help

        own: list[list[str]] = []  # the learner's answers so far (read again after each one)

        def check(response, what, variant_needles=on_pages, allowed=()):
            self.responses += 1
            if not own:
                own.append(self.own_answers(exercise))
            text = visible_text(
                response.content.decode(), response["Content-Type"], [*question, *allowed, *own[0]]
            )
            self.leaks += [f"{where}, {what}: {leak}" for leak in found_in(text, variant_needles)]

        check(self.site.get(url), "exercise page")
        for part in definition.parts:
            if part.kind in ("expression", "matrix"):
                body = {"exercise": exercise.slug, "part": part.name, "value": "x + 1"}
                preview = self.site.post(
                    "/api/v1/preview", json.dumps(body), content_type="application/json"
                )
                check(preview, f"preview of {part.name}")
            if part.kind == "interactive":
                probe = self.site.post(
                    f"/api/v1/sandpit/{attempt.pk}/probe",
                    json.dumps({"x": 0.5, "y": 0.5, "part": part.name}),
                    content_type="application/json",
                )
                assert probe.status_code == 200, f"{where}: {probe.content.decode()[:300]}"
                check(probe, f"a probe of {part.name}")
        if any(part.kind in UNGRADED_HERE for part in definition.parts):
            return
        if any(p.kind == "choice" and not wrong_payload(p, params) for p in definition.parts):
            return  # every option is right: there is no wrong answer to send
        taken = self.site.post(
            url + "submit/", form_for(attempt, definition, anticipated=seed == SEEDS[0])
        )
        own.clear()
        check(taken, "answer taken")
        assert taken.status_code == 202, f"{where}: {taken.content.decode()[:300]}"
        submission = Submission.objects.filter(attempt=attempt).latest("pk")
        grade_submission.apply(args=(submission.pk, submission.grading_round))
        released = released_help()  # the verdict fragment carries them to the page
        check(self.site.get(f"/submissions/{submission.pk}/"), "verdict fragment", allowed=released)
        for path, what in [
            (f"/api/v1/submissions/{submission.pk}", "API submission"),
            (f"/api/v1/results/{submission.pk}", "API result"),
            ("/api/v1/learners/me/progress", "API progress"),
        ]:
            response = self.api.get(path)
            assert response.status_code == 200, f"{where}, {what}: {response.status_code}"
            check(response, what, in_api)
        check(self.site.get(url), "exercise page after a wrong answer", allowed=released)


@pytest.fixture
def course(bank, settings):
    """The course, with rate limits that let one learner walk the whole bank in a minute (their
    API key's requests too: a throttled one would only be a 429 to scan)."""
    unlimited = {name: (100_000, 60) for name in ("submit", "preview")}
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, **unlimited}
    settings.API_THROTTLE_PER_MINUTE = 10**9
    return make_course()


def test_no_learner_response_gives_a_reference_answer_away(course):
    walk = Walk(course, learner_in(course))
    exercises = list(
        Exercise.objects.filter(retired=False).select_related("current_version").order_by("slug")
    )
    for exercise in exercises:
        for seed in SEEDS:
            walk.variant(exercise, seed)
    assert len(exercises) >= 40
    assert walk.responses >= 6 * len(exercises) * len(SEEDS) // 2
    assert not walk.leaks, f"{len(walk.leaks)} leaks:\n" + "\n".join(walk.leaks)


@pytest.mark.parametrize(
    "slug", ["m1-graph-derivative-match", "m1-rise-over-run", "m1-product-rule", "m2-hessian"]
)
def test_the_scan_finds_answers_where_they_are_shown(course, slug):
    """Staff may see answers: the scan must find them on the staff preview of a variant."""
    staff = learner_in(course, "tutor")
    Membership.objects.filter(user=staff).update(role=Membership.Role.STAFF)
    client = Client()
    client.login(username=staff.username, password=PASSWORD)
    exercise = Exercise.objects.get(slug=slug)
    definition = definition_for(exercise.current_version)
    seed, params = next(  # a variant whose answers are distinctive enough to look for
        (seed, params)
        for seed in range(5, 60)
        if needles(definition, params := draw_params(definition.params, seed, definition.redraw_if))
    )
    response = client.get(f"/courses/{course.slug}/staff/exercises/{slug}/preview/?seed={seed}")
    text = visible_text(response.content.decode(), response["Content-Type"], [])
    assert found_in(text, needles(definition, params))
