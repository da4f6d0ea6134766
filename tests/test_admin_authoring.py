"""Declarative exercises written in the admin: checked on save like bank files, then published."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from courseware.models import AuthoredExercise, Exercise, Module
from exercises.sync import load_bank
from tests.support.people import PASSWORD

pytestmark = pytest.mark.django_db

GOOD = """\
slug: admin-power-rule
title: A power rule warm-up
params:
  n: {int: [2, 6]}
prompt: Differentiate $x^{[[n]]}$.
kind: expression
variables: [x]
answer: "diff(x^n, x)"
mistakes:
  - answer: "x^(n-1)"
    feedback: "Bring the power [[n]] down as a factor."
    rule: forgot-the-factor
    slips: [factor-dropped]
"""


@pytest.fixture
def admin_client(bank):
    get_user_model().objects.create_superuser("root", "root@example.com", PASSWORD)
    client = Client()
    client.login(username="root", password=PASSWORD)
    return client


def add(client, source):
    module = Module.objects.get(slug="m1-what-is-calculus")
    return client.post(
        "/admin/courseware/authoredexercise/add/", {"module": module.pk, "source": source}
    )


def test_a_valid_exercise_is_published_and_survives_a_bank_reload(admin_client):
    response = add(admin_client, GOOD)
    assert response.status_code == 302
    exercise = Exercise.objects.get(slug="admin-power-rule")
    assert exercise.current_version.number == 1
    authored = AuthoredExercise.objects.get()
    changed = admin_client.post(
        f"/admin/courseware/authoredexercise/{authored.pk}/change/",
        {"module": authored.module_id, "source": GOOD.replace("warm-up", "warm up")},
    )
    assert changed.status_code == 302
    exercise.refresh_from_db()
    assert (exercise.title, exercise.current_version.number) == ("A power rule warm up", 2)
    load_bank(settings.EXERCISES_DIR)
    exercise.refresh_from_db()
    assert not exercise.retired


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            GOOD.replace('answer: "x^(n-1)"', 'answer: "n*x^(n-1)"'),
            "coincides with the right answer",
        ),
        (
            GOOD.replace("kind: expression", "kind: code"),
            "code exercises need files in the repository",
        ),
        (
            GOOD.replace("slug: admin-power-rule", "slug: m1-chain-rule"),
            "already used by another exercise",
        ),
        (GOOD.replace("n: {int: [2, 6]}", "n: {int: [6, 2]}"), "low is greater than high"),
        ("slug: [unclosed", "not valid YAML"),
    ],
)
def test_a_bad_exercise_is_refused_with_the_reason(admin_client, source, message):
    response = add(admin_client, source)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not AuthoredExercise.objects.exists()
    assert not Exercise.objects.filter(slug="admin-power-rule").exists()
