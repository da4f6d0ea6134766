"""Where a validated launch lands (lms.launch_landing), without HTTP: the page it opens, the grade
line a learner's scores go to, and the launches refused with their reason."""

from __future__ import annotations

import pytest
from lti_tool.models import LtiDeployment, LtiRegistration

from courseware.models import Membership
from lms import launch_landing
from lms.launch import Launch, LaunchRejected
from lms.models import GradeLine
from tests.support.lti_platform import AGS, DL_SETTINGS, INSTRUCTOR, LEARNER, LTI

pytestmark = pytest.mark.django_db
PLATFORM = "https://lms.example.org"


@pytest.fixture
def deployment(bank):
    registration = LtiRegistration.objects.create(
        name="Test platform",
        issuer=PLATFORM,
        client_id="tangent-client",
        auth_url=f"{PLATFORM}/auth",
        token_url=f"{PLATFORM}/token",
        keyset_url=f"{PLATFORM}/jwks",
    )
    return LtiDeployment.objects.create(
        registration=registration, deployment_id="deployment-1", is_active=True
    )


def launched(deployment, *, role=LEARNER, message="LtiResourceLinkRequest", **claims) -> Launch:
    return Launch(
        deployment.registration,
        deployment,
        {
            "sub": "learner-1",
            "name": "Ada Lovelace",
            LTI + "message_type": message,
            LTI + "roles": [role],
            LTI + "resource_link": {"id": "link-1"},
            LTI + "context": {"id": "course-7", "title": "Multivariate Calculus"},
            LTI + "launch_presentation": {"return_url": f"{PLATFORM}/course/7"},
            AGS: {"lineitem": f"{PLATFORM}/lineitems/1"},
            **claims,
        },
    )


def test_a_learner_lands_on_the_linked_exercise_and_their_grade_line_is_kept(deployment):
    landing = launch_landing.land(
        launched(deployment, **{LTI + "custom": {"exercise": "m1-rise-over-run"}})
    )
    course = Membership.objects.get(user=landing.user).course
    assert landing.record["target"] == f"/courses/{course.slug}/exercises/m1-rise-over-run/"
    assert landing.record["origins"] == [PLATFORM]
    assert (landing.staff, landing.deep_linking) == (False, False)
    line = GradeLine.objects.get(learner=landing.user)
    assert (line.lineitem_url, line.exercise.slug, line.course) == (
        f"{PLATFORM}/lineitems/1",
        "m1-rise-over-run",
        course,
    )


def test_a_learner_link_naming_nothing_is_refused_with_the_reason(deployment):
    with pytest.raises(LaunchRejected) as refused:
        launch_landing.land(launched(deployment, **{LTI + "custom": {"quiz": "no-such-quiz"}}))
    assert refused.value.reason == (
        "This link does not name a Tangent exercise, quiz or assessment of this course."
    )
    assert refused.value.registration == deployment.registration
    assert not GradeLine.objects.exists()


def test_an_instructor_without_a_linked_item_lands_on_the_lms_page_with_no_grade_line(deployment):
    landing = launch_landing.land(launched(deployment, role=INSTRUCTOR))
    course = Membership.objects.get(user=landing.user, role=Membership.Role.STAFF).course
    assert landing.record["target"] == f"/lti/courses/{course.slug}/"
    assert landing.staff and not GradeLine.objects.exists()


def test_deep_linking_is_kept_for_the_picker_and_refused_to_learners(deployment):
    settings = {"deep_link_return_url": f"{PLATFORM}/deep-link-return"}
    request = {DL_SETTINGS: settings}
    landing = launch_landing.land(
        launched(deployment, role=INSTRUCTOR, message="LtiDeepLinkingRequest", **request)
    )
    assert landing.deep_linking and landing.staff
    assert (landing.record["settings"], landing.record["return_origin"]) == (settings, PLATFORM)
    with pytest.raises(LaunchRejected, match="Only instructors can add Tangent content"):
        launch_landing.land(launched(deployment, message="LtiDeepLinkingRequest", **request))
    unaccepted = {DL_SETTINGS: {**settings, "accept_types": ["file"]}}
    with pytest.raises(LaunchRejected, match="does not accept LTI resource links"):
        launch_landing.land(
            launched(deployment, role=INSTRUCTOR, message="LtiDeepLinkingRequest", **unaccepted)
        )
