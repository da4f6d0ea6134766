"""API keys stay inside their course: the audit's attacks with another course's staff key, refused.

World: course `calc` with a learner's submission and its staff `instructor`; course `other` whose
staff is `staff2`; a superuser `rootadmin`. A course key's `staff` holds only while its owner is
staff of that course; the operator key, made by manage.py, is the one site-wide credential.
"""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client

from courseware.grading.intake import submit
from courseware.models import Attempt, Exercise, Membership, Submission
from courseware.tasks import grade_submission
from courseware.variants import current_attempt
from lms.models import ApiKey, ApiLearner
from tests.support.people import PASSWORD, api_key_for, enrol, learner_in, make_course, make_user

pytestmark = pytest.mark.django_db

EXERCISE = "m1-graph-derivative-match"
ANSWER = {"choices": ["derivative"]}


@pytest.fixture
def world(bank):
    calc = make_course("calc", "Calculus for ML")
    other = make_course("other", "Another course")
    learner = learner_in(calc, "learner")
    attempt = current_attempt(learner, Exercise.objects.get(slug=EXERCISE), calc)
    submission = submit(attempt, ANSWER)
    instructor = make_user("instructor")
    enrol(instructor, calc, "staff")
    staff2 = make_user("staff2")
    enrol(staff2, other, "staff")
    get_user_model().objects.create_superuser("rootadmin", "root@example.com", PASSWORD)
    return {
        "calc": calc,
        "other": other,
        "learner": learner,
        "submission": submission,
        "instructor": instructor,
        "staff2": staff2,
        "s2_staff": api_key_for(staff2, ["read", "submit", "staff"], other),
        "calc_staff": api_key_for(instructor, ["read", "submit", "staff"], calc),
    }


def api(key: str) -> Client:
    return Client(headers={"authorization": f"Bearer {key}"})


def post_json(client: Client, url: str, body: dict):
    return client.post(url, json.dumps(body), content_type="application/json")


def graded(submission: Submission) -> Submission:
    grade_submission.apply(args=(submission.pk, submission.grading_round))
    submission.refresh_from_db()
    return submission


def operator_key_from_manage_py(capsys) -> str:
    call_command("create_api_key", "--user", "rootadmin", "--operator")
    return capsys.readouterr().out.strip().splitlines()[-1]


# --- the audit's reproductions with another course's staff key ------------------------------------


def test_another_courses_staff_key_cannot_read_regrade_or_cancel_this_courses_submission(world):
    staff2 = api(world["s2_staff"])
    sid = world["submission"].pk
    assert staff2.get(f"/api/v1/submissions/{sid}").status_code == 404
    assert staff2.get(f"/api/v1/results/{sid}").status_code == 404
    assert staff2.post(f"/api/v1/submissions/{sid}/cancel").status_code == 404
    assert world["submission"].status == "queued"
    graded(world["submission"])
    assert staff2.post(f"/api/v1/submissions/{sid}/regrade").status_code == 404
    assert Submission.objects.get(pk=sid).grading_round == 1
    listed = staff2.get("/api/v1/submissions?limit=100").json()["items"]
    assert sid not in {item["id"] for item in listed}


def test_a_key_lists_only_its_owners_keys(world):
    mine = ApiKey.objects.get(user=world["staff2"])
    listed = api(world["s2_staff"]).get("/api/v1/api-keys").json()["items"]
    assert [(k["prefix"], k["user"], k["course"]) for k in listed] == [
        (mine.prefix, "staff2", "other")
    ]


@pytest.mark.parametrize("owner", ["rootadmin", "learner"])
def test_a_staff_key_cannot_mint_a_key_for_another_user(world, owner):
    before = ApiKey.objects.count()
    response = post_json(
        api(world["s2_staff"]), "/api/v1/api-keys", {"user": owner, "scopes": ["staff"]}
    )
    assert response.status_code == 403
    assert "operator" in response.json()["detail"]
    plain = post_json(
        api(world["s2_staff"]), "/api/v1/api-keys", {"user": owner, "scopes": ["read", "submit"]}
    )
    assert plain.status_code == 403
    assert ApiKey.objects.count() == before


def test_naming_a_learner_of_another_course_acts_for_a_learner_of_the_keys_own_course(world):
    learner = world["learner"]
    before = Submission.objects.filter(attempt__learner=learner).count()
    body = {"exercise": EXERCISE, "answer": ANSWER, "learner": "learner"}
    response = post_json(api(world["s2_staff"]), "/api/v1/submissions", body)
    assert response.status_code == 202
    made = Submission.objects.get(pk=response.json()["id"])
    assert made.attempt.learner != learner
    assert made.attempt.course == world["other"]
    assert Submission.objects.filter(attempt__learner=learner).count() == before
    assert api(world["s2_staff"]).get("/api/v1/learners/learner/progress").json()["exercises"] == {}


def test_a_key_cannot_revoke_another_users_key(world):
    victim = ApiKey.objects.get(user=world["instructor"])
    assert api(world["s2_staff"]).delete(f"/api/v1/api-keys/{victim.pk}").status_code == 404
    victim.refresh_from_db()
    assert victim.revoked_at is None
    assert api(world["calc_staff"]).get("/api/v1/exercises").status_code == 200


# --- a course staff key inside its own course ---------------------------------------------------


def test_a_course_staff_key_reads_regrades_and_cancels_in_its_own_course(world):
    staff = api(world["calc_staff"])
    sid = world["submission"].pk
    seen = staff.get(f"/api/v1/submissions/{sid}")
    assert seen.status_code == 200
    assert seen.json()["learner"] is None  # not one of this client's learners: no reference
    assert sid in {item["id"] for item in staff.get("/api/v1/submissions").json()["items"]}
    graded(world["submission"])
    assert staff.post(f"/api/v1/submissions/{sid}/regrade").status_code == 202
    attempt = current_attempt(world["learner"], Exercise.objects.get(slug=EXERCISE), world["calc"])
    queued = submit(attempt, ANSWER)
    cancelled = staff.post(f"/api/v1/submissions/{queued.pk}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"


def test_a_course_keys_work_and_learners_are_in_its_course(world):
    staff = api(world["calc_staff"])
    body = {"exercise": EXERCISE, "answer": ANSWER, "learner": "stud-1"}
    made = post_json(staff, "/api/v1/submissions", body)
    assert made.status_code == 202
    submission = Submission.objects.get(pk=made.json()["id"])
    assert submission.attempt.course == world["calc"]
    stud = ApiLearner.objects.get(client=world["instructor"], ref="stud-1").user
    assert Membership.objects.get(user=stud, course=world["calc"]).role == "learner"
    variant = post_json(staff, f"/api/v1/exercises/{EXERCISE}/variants", {"learner": "stud-1"})
    assert variant.status_code == 201
    assert Attempt.objects.get(pk=variant.json()["attempt"]).course == world["calc"]
    assert staff.get("/api/v1/learners/stud-1/progress").status_code == 200
    assert staff.get(f"/api/v1/submissions/{submission.pk}").json()["learner"] == "stud-1"
    # The same client's other course does not know that learner.
    enrol(world["instructor"], world["other"], "staff")
    other_key = api(api_key_for(world["instructor"], ["read", "submit", "staff"], world["other"]))
    assert other_key.get("/api/v1/learners/stud-1/progress").status_code == 404
    assert other_key.get(f"/api/v1/submissions/{submission.pk}").status_code == 404


def test_losing_the_staff_role_takes_the_keys_staff_rights_away(world):
    staff = api(world["calc_staff"])
    sid = world["submission"].pk
    graded(world["submission"])
    Membership.objects.filter(user=world["instructor"], course=world["calc"]).update(role="learner")
    refused = staff.post(f"/api/v1/submissions/{sid}/regrade")
    assert refused.status_code == 403
    assert "'staff' scope is not in force" in refused.json()["detail"]
    assert staff.get(f"/api/v1/submissions/{sid}").status_code == 404
    assert post_json(staff, "/api/v1/api-keys", {"scopes": ["staff"]}).status_code == 403
    Membership.objects.filter(user=world["instructor"], course=world["calc"]).delete()
    gone = staff.get("/api/v1/exercises")
    assert gone.status_code == 403
    assert "no longer a member" in gone.json()["detail"]


def test_a_learners_course_key_sees_only_its_own_work_and_names_no_learners(world):
    key = api(api_key_for(world["learner"], ["read", "submit"], world["calc"]))
    classmate = learner_in(world["calc"], "classmate")
    attempt = current_attempt(classmate, Exercise.objects.get(slug=EXERCISE), world["calc"])
    theirs = submit(attempt, ANSWER)
    assert key.get(f"/api/v1/submissions/{world['submission'].pk}").status_code == 200
    assert key.get(f"/api/v1/submissions/{theirs.pk}").status_code == 404
    named = post_json(
        key, "/api/v1/submissions", {"exercise": EXERCISE, "answer": ANSWER, "learner": "x"}
    )
    assert named.status_code == 403
    assert not ApiLearner.objects.exists()


# --- making keys ---------------------------------------------------------------------------------


def test_a_key_makes_keys_only_for_itself_its_course_and_with_what_it_has(world):
    staff = api(world["calc_staff"])
    made = post_json(staff, "/api/v1/api-keys", {"name": "LMS", "scopes": ["staff"]})
    assert made.status_code == 201
    assert made.json()["course"] == "calc" and made.json()["user"] == "instructor"
    assert made.json()["operator"] is False
    assert post_json(staff, "/api/v1/api-keys", {"course": "other"}).status_code == 403
    assert post_json(staff, "/api/v1/api-keys", {"operator": True}).status_code == 422
    user_key = api(api_key_for(world["instructor"]))
    refused = post_json(user_key, "/api/v1/api-keys", {"course": "calc", "scopes": ["staff"]})
    assert refused.status_code == 403
    assert "'staff'" in refused.json()["detail"]
    assert post_json(user_key, "/api/v1/api-keys", {"course": "other"}).status_code == 403
    in_calc = post_json(user_key, "/api/v1/api-keys", {"course": "calc", "scopes": ["read"]})
    assert in_calc.status_code == 201 and in_calc.json()["course"] == "calc"


def test_the_operator_key_made_by_manage_py_acts_site_wide(world, capsys):
    operator = api(operator_key_from_manage_py(capsys))
    sid = world["submission"].pk
    assert operator.get(f"/api/v1/submissions/{sid}").status_code == 200
    graded(world["submission"])
    assert operator.post(f"/api/v1/submissions/{sid}/regrade").status_code == 202
    listed = {k["user"] for k in operator.get("/api/v1/api-keys").json()["items"]}
    assert {"instructor", "staff2", "rootadmin"} <= listed
    minted = post_json(
        operator,
        "/api/v1/api-keys",
        {"user": "instructor", "course": "calc", "scopes": ["staff"]},
    )
    assert minted.status_code == 201 and minted.json()["user"] == "instructor"
    for_learner = post_json(operator, "/api/v1/api-keys", {"user": "learner", "scopes": ["staff"]})
    assert for_learner.status_code == 403
    victim = ApiKey.objects.get(user=world["staff2"])
    assert operator.delete(f"/api/v1/api-keys/{victim.pk}").status_code == 204
    assert api(world["s2_staff"]).get("/api/v1/exercises").status_code == 401


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--user", "staff2", "--scope", "staff"], "key needs a course"),
        (["--user", "staff2", "--course", "calc"], "not a member"),
        (["--user", "learner", "--course", "calc", "--scope", "staff"], "not staff"),
        (["--user", "rootadmin", "--operator", "--course", "calc"], "no course"),
        (["--user", "rootadmin", "--operator", "--scope", "read"], "every scope"),
    ],
)
def test_manage_py_refuses_keys_their_owner_may_not_hold(world, arguments, message):
    before = ApiKey.objects.count()
    with pytest.raises(CommandError, match=message):
        call_command("create_api_key", *arguments)
    assert ApiKey.objects.count() == before


def test_manage_py_makes_a_course_staff_key_for_the_courses_staff(world, capsys):
    call_command("create_api_key", "--user", "staff2", "--course", "other", "--scope", "staff")
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-2].startswith("Callback secret: whsec_")
    key = api(out[-1])
    assert key.get("/api/v1/exercises").status_code == 200
    assert ApiKey.objects.get(prefix=out[-1].split("_")[1]).course == world["other"]


# --- keys made before course scopes -------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_scopes_old_staff_keys(bank):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    def rows():
        return {
            name: (course, operator, sorted(scopes))
            for name, course, operator, scopes in ApiKey.objects.values_list(
                "name", "course__slug", "operator", "scopes"
            )
        }

    calc, other = make_course("calc"), make_course("other")
    teacher, busy, nobody = make_user("teacher"), make_user("busy"), make_user("nobody")
    root = get_user_model().objects.create_superuser("root", "root@example.com", PASSWORD)
    enrol(teacher, calc, "staff")
    enrol(busy, calc, "staff")
    enrol(busy, other, "staff")
    executor = MigrationExecutor(connection)
    executor.migrate([("lms", "0003_apisubmission_webhook_apilearner_idempotencyrecord_and_more")])
    old = executor.loader.project_state(
        ("lms", "0003_apisubmission_webhook_apilearner_idempotencyrecord_and_more")
    ).apps.get_model("lms", "ApiKey")
    for name, owner, scopes in [
        ("root", root, ["staff"]),
        ("teacher", teacher, ["read", "staff"]),
        ("busy", busy, ["staff"]),
        ("nobody", nobody, ["read", "submit", "staff"]),
        ("learner", nobody, ["read"]),
    ]:
        old.objects.create(user_id=owner.pk, name=name, prefix=name, digest="0" * 64, scopes=scopes)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert rows() == {
        "root": (None, True, ["read", "staff", "submit"]),
        "teacher": ("calc", False, ["read", "staff"]),
        "busy": (None, False, ["read", "submit"]),
        "nobody": (None, False, ["read", "submit"]),
        "learner": (None, False, ["read"]),
    }
    assert all(key.callback_secret.startswith("gAAAA") for key in ApiKey.objects.all())


def test_a_staff_members_personal_token_acts_only_as_themselves(world):
    from api.personal_tokens import make_token

    token = api(make_token(world["instructor"], "notebook").key)
    sid = world["submission"].pk
    graded(world["submission"])
    assert (
        token.get(f"/api/v1/submissions/{sid}").status_code == 404
    )  # a learner's, in their course
    assert token.post(f"/api/v1/submissions/{sid}/regrade").status_code == 403
    assert token.get("/api/v1/exercises/m3-d-sigma/notebook?seed=4").status_code == 403
    made = post_json(token, "/api/v1/api-keys", {"name": "more", "scopes": ["read"]})
    assert made.status_code == 403 and "personal access token" in made.json()["detail"]
    assert ApiKey.objects.filter(user=world["instructor"], personal=True).count() == 1
