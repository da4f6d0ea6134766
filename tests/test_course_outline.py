"""The bank's outline of modules, quizzes and topics is shared between requests, yet every change to
the bank shows on the next page a learner opens; a course's assessments are its own copies."""

import shutil

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client, override_settings

from courseware import catalogue
from courseware.models import Quiz
from exercises.sync import load_bank
from tests.support.people import PASSWORD, learner_in, make_course

pytestmark = pytest.mark.django_db
COURSE = "/courses/calc/"
GRAPHS_QUIZ = "Matching the graph of a function to the graph of its derivative"


@pytest.fixture
def client(bank):
    learner_in(make_course())
    client = Client()
    client.login(username="ada", password=PASSWORD)
    return client


def test_the_outline_is_read_once_and_shared(client):
    assert GRAPHS_QUIZ in client.get(COURSE).content.decode()
    assert cache.get(catalogue.KEY) is not None


def test_a_renamed_bank_quiz_shows_on_the_next_page_but_not_in_the_course_copy(client):
    exercise = f"{COURSE}exercises/m1-graph-derivative-match/"
    assert GRAPHS_QUIZ in client.get(exercise).content.decode()
    quiz = Quiz.objects.get(slug="m1-matching-graphs")
    quiz.title = "Slopes of graphs"
    quiz.save()
    page = client.get(exercise).content.decode()
    assert "Slopes of graphs" in page
    assert GRAPHS_QUIZ not in page
    assert GRAPHS_QUIZ in client.get(COURSE).content.decode()  # the course's assessment


def test_an_exercise_dropped_from_the_bank_leaves_the_course_page_at_once(client, tmp_path):
    graphs_row = (
        '<th scope="row" class="topic-depth-1">Graphs of functions and their derivatives</th>'
    )
    before = client.get(COURSE).content.decode()
    assert "0 of 3</td>" in before.split(graphs_row, 1)[1].split("</tr>", 1)[0]
    bank = tmp_path / "exercises"
    shutil.copytree(settings.EXERCISES_DIR, bank)
    (bank / "m1-what-is-calculus" / "m1-graph-derivative-match.yaml").unlink()
    quizzes = bank / "m1-what-is-calculus" / "_module.yaml"
    quizzes.write_text(
        quizzes.read_text().replace("[m1-graph-derivative-match]", "[m1-rise-over-run]")
    )
    assert "m1-graph-derivative-match" in load_bank(bank).retired
    after = client.get(COURSE).content.decode()
    assert "0 of 2</td>" in after.split(graphs_row, 1)[1].split("</tr>", 1)[0]


def test_reloading_the_bank_drops_the_shared_outline_once_not_for_every_row(client, monkeypatch):
    from courseware import shared_cache

    client.get(COURSE)
    drops = []
    drop = shared_cache.drop
    monkeypatch.setattr(shared_cache, "drop", lambda key: drops.append(key) or drop(key))
    quiz = Quiz.objects.get(slug="m1-matching-graphs")
    quiz.title = "Slopes of graphs"
    quiz.save()
    assert drops == [catalogue.KEY]  # a single change: dropped at once
    drops.clear()
    load_bank(settings.EXERCISES_DIR)  # hundreds of rows written: the title comes back
    assert drops == [catalogue.KEY]
    assert (
        GRAPHS_QUIZ in client.get(f"{COURSE}exercises/m1-graph-derivative-match/").content.decode()
    )


def test_without_redis_the_course_page_reads_the_outline_from_the_database(client):
    away = {"default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:9/0"}}
    with override_settings(CACHES=away):  # the discard port: no Redis
        response = client.get(COURSE)
    assert response.status_code == 200
    assert GRAPHS_QUIZ in response.content.decode()


def test_a_course_s_assessments_are_shared_until_staff_change_one_or_its_items(client):
    from courseware.models import Assessment

    assessment = Assessment.objects.filter(course__slug="calc").order_by("position").first()
    first = client.get(COURSE).content.decode()
    assert assessment.title in first
    points = sum(item.points for item in assessment.items.all())
    assert f"0 of {points:g} points" in first
    assessment.title = "Slopes, renamed for this course"
    assessment.save()
    item = assessment.items.first()
    item.points += 3
    item.save()
    page = client.get(COURSE).content.decode()
    assert "Slopes, renamed for this course" in page
    assert f"0 of {points + 3:g} points" in page
    item.delete()
    assert f"0 of {points - 1:g} points" in client.get(COURSE).content.decode()
