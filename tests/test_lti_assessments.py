"""A course's assessments over LTI: deep linking places one (a column out of its total points), a
launch opens it, and AGS sends the learner's total on it only once its release policy allows."""

from __future__ import annotations

import re

import pytest
import requests
from django.utils import timezone

from courseware import assessments
from courseware.grading.intake import submit
from courseware.models import Assessment, AssessmentException, Course, Membership, Submission
from courseware.staff import extensions
from courseware.tasks import grade_submission
from courseware.variants import current_item_attempt
from lms.models import GradeLine
from lms.tasks import deliver_outbox
from tests.support.lti import launch

pytestmark = pytest.mark.django_db(transaction=True)
HOMEWORK = "m1-matching-graphs"
RIGHT = {"choices": ["derivative"]}
HOUR = timezone.timedelta(hours=1)


def course_of_context() -> Course:
    """The course the platform's context (course-7) maps to."""
    return Course.objects.get(lti_contexts__isnull=False)


def worth(course: Course, points: float) -> Assessment:
    homework = course.assessments.get(slug=HOMEWORK)
    homework.items.update(points=points)
    return homework


def test_an_instructor_places_an_assessment_with_a_column_of_its_total_points(
    bank, platform, registration
):
    session = requests.Session()
    response = launch(platform, registration, session, platform.deep_linking_claims)
    select_url = platform.tool + response.headers["Location"]
    worth(course_of_context(), 4)
    picker = session.get(select_url)
    assert f'value="assessment:{HOMEWORK}"' in picker.text
    launch_id = re.search(r'name="launch" value="([^"]+)"', picker.text).group(1)
    chosen = session.post(select_url, data={"launch": launch_id, "item": f"assessment:{HOMEWORK}"})
    assert chosen.status_code == 200
    action = re.search(r'action="([^"]+)"', chosen.text).group(1)
    token = re.search(r'name="JWT" value="([^"]+)"', chosen.text).group(1)
    assert requests.post(action, data={"JWT": token}, timeout=10).status_code == 200
    (item,) = platform.deep_link_responses[0][
        "https://purl.imsglobal.org/spec/lti-dl/claim/content_items"
    ]
    assert item["custom"] == {"assessment": HOMEWORK}
    course = course_of_context()
    assert item["lineItem"] == {
        "scoreMaximum": 4,
        "label": course.assessments.get(slug=HOMEWORK).title,
        "resourceId": f"assessment:{course.slug}/{HOMEWORK}",
    }


def test_an_assessment_without_points_cannot_be_placed(bank, platform, registration):
    session = requests.Session()
    response = launch(platform, registration, session, platform.deep_linking_claims)
    select_url = platform.tool + response.headers["Location"]
    worth(course_of_context(), 0)
    picker = session.get(select_url)
    launch_id = re.search(r'name="launch" value="([^"]+)"', picker.text).group(1)
    chosen = session.post(select_url, data={"launch": launch_id, "item": f"assessment:{HOMEWORK}"})
    assert chosen.status_code == 400 and "has no points yet" in chosen.text
    assert platform.deep_link_responses == []


def launch_learner(platform, registration):
    """A learner's launch of the assessment link: (their session, the page it lands on)."""
    session = requests.Session()
    response = launch(
        platform, registration, session, lambda nonce: platform.claims(nonce, assessment=HOMEWORK)
    )
    assert response.status_code == 302, response.text
    landing = session.get(platform.tool + response.headers["Location"], allow_redirects=False)
    return session, platform.tool + landing.headers["Location"]


def answer_right(learner, homework: Assessment, at=None) -> None:
    """Answer the learner's item right and grade it; `at` backdates the answer."""
    item = homework.items.get()
    attempt = current_item_attempt(learner, item, assessments.drawn_exercise(item, learner))
    submission = submit(attempt, RIGHT)
    if at is not None:
        Submission.objects.filter(pk=submission.pk).update(created_at=at)
    grade_submission.apply(args=(submission.pk, 1))


def test_a_launch_opens_the_assessment_and_its_total_reaches_the_gradebook(
    bank, platform, registration, eager_tasks
):
    session, page_url = launch_learner(platform, registration)
    course = course_of_context()
    assert page_url.endswith(f"/courses/{course.slug}/assessments/{HOMEWORK}/")
    page = session.get(page_url)
    assert page.status_code == 200 and course.assessments.get(slug=HOMEWORK).title in page.text
    homework = worth(course, 4)
    learner = Membership.objects.get(course=course, role="learner").user
    line = GradeLine.objects.get(learner=learner)
    assert line.assessment == homework

    answer_right(learner, homework)
    deliver_outbox.apply()
    [score] = platform.scores
    assert (score["scoreGiven"], score["scoreMaximum"]) == (4, 4)
    assert score["userId"] == "learner-1" and score["activityProgress"] == "Completed"


def test_a_score_is_withheld_until_feedback_is_released_after_the_due_date(
    bank, platform, registration, eager_tasks
):
    launch_learner(platform, registration)
    course = course_of_context()
    homework = worth(course, 4)
    homework.feedback, homework.due_at = "after_due", timezone.now() + HOUR
    homework.late_until, homework.late_credit = timezone.now() + 2 * HOUR, 0.5
    homework.save()
    learner = Membership.objects.get(course=course, role="learner").user

    answer_right(learner, homework, at=timezone.now() - 2 * HOUR)
    deliver_outbox.apply()
    assert platform.scores == []
    assert GradeLine.objects.get(learner=learner).withheld
    deliver_outbox.apply()  # still before the due date: nothing
    assert platform.scores == []

    Assessment.objects.filter(pk=homework.pk).update(due_at=timezone.now() - HOUR)
    extension = extensions.grant(homework, None, learner, due_at=timezone.now() + HOUR)
    deliver_outbox.apply()
    assert platform.scores == []  # the learner's own due date has not passed
    AssessmentException.objects.filter(pk=extension.pk).update(due_at=timezone.now() - HOUR)
    deliver_outbox.apply()
    [score] = platform.scores
    assert (score["scoreGiven"], score["scoreMaximum"]) == (4, 4)  # made on time: full credit
    assert not GradeLine.objects.get(learner=learner).withheld
    deliver_outbox.apply()
    assert len(platform.scores) == 1  # sent once


def test_a_score_is_never_sent_when_feedback_is_never_released(
    bank, platform, registration, eager_tasks
):
    launch_learner(platform, registration)
    course = course_of_context()
    homework = worth(course, 2)
    Assessment.objects.filter(pk=homework.pk).update(feedback="never")
    learner = Membership.objects.get(course=course, role="learner").user
    answer_right(learner, Assessment.objects.get(pk=homework.pk))
    deliver_outbox.apply()
    deliver_outbox.apply()
    assert platform.scores == []


def test_a_link_to_an_assessment_the_course_does_not_have_is_refused(bank, platform, registration):
    response = launch(
        platform, registration, None, lambda nonce: platform.claims(nonce, assessment="no-such")
    )
    assert response.status_code == 400
    assert "assessment of this course" in response.text


def test_staff_name_an_lms_learner_by_their_platform_user_id(bank, platform, registration):
    from django.test import Client

    from tests.support.people import api_key_for, enrol, make_user

    launch_learner(platform, registration)
    course = course_of_context()
    teacher = make_user("teacher")
    enrol(teacher, course, Membership.Role.STAFF)
    staff = Client(headers={"authorization": f"Bearer {api_key_for(teacher, ['staff'], course)}"})
    path = f"/api/v1/courses/{course.slug}/assessments/{HOMEWORK}/exceptions/learner-1"
    made = staff.put(path, '{"extra_attempts": 2}', content_type="application/json")
    assert made.status_code == 201, made.content
    learner = Membership.objects.get(course=course, role="learner").user
    assert AssessmentException.objects.get(learner=learner).extra_attempts == 2
