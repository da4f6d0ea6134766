"""The topic taxonomy: exercises may carry only its topics, and learners see mastery by the topics'
names, grouped by module, each topic covering the exercises of the topics under it."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from exercises.topics import read_taxonomy
from tests.support.people import PASSWORD, learner_in, make_course
from tests.test_exercise_bank_loading import bank_dir  # noqa: F401 (a fixture)

MODULE = "m5-optimisation"


def taxonomy_from(tmp_path: Path, text: str):
    (tmp_path / "topics.yaml").write_text(text)
    return read_taxonomy(tmp_path, {"m1", "m2"})


def test_a_broken_taxonomy_is_reported_entry_by_entry(tmp_path):
    found = taxonomy_from(
        tmp_path,
        """
- {id: a, name: A, module: m1}
- {id: a, name: Again, module: m1}
- {id: b, name: B, module: m9}
- {id: c, name: C, module: m2, parent: nowhere}
- {id: d, name: D, module: m2, parent: e}
- {id: e, name: E, module: m2, parent: d}
- {name: no id, module: m1}
""",
    )
    assert set(found.problems) == {
        "a: listed twice",
        "b: no module 'm9'",
        "c: no parent topic 'nowhere'",
        "d: its parents lead back to it",
        "e: its parents lead back to it",
        "[6]: needs id, name and module",
    }


def test_a_tag_that_is_not_a_topic_is_named_with_the_nearest_topics(tmp_path):
    found = taxonomy_from(tmp_path, "- {id: newton-raphson, name: N, module: m1}\n")
    assert found.unknown_tags(["newton-raphson"]) == []
    assert found.unknown_tags(["newton"]) == [
        "tags: 'newton' is not a topic of exercises/topics.yaml; did you mean newton-raphson?"
    ]


@pytest.mark.django_db
@pytest.mark.usefixtures("no_bank")
def test_the_loader_refuses_an_exercise_tagged_outside_the_taxonomy(bank_dir):  # noqa: F811
    path = bank_dir / MODULE / "m5-newton-iterate.yaml"
    path.write_text(re.sub(r"^tags: \[.*\]$", "tags: [newton]", path.read_text(), flags=re.M))
    problems = io.StringIO()
    with pytest.raises(CommandError):
        call_command("load_exercises", "--path", str(bank_dir), stderr=problems)
    assert (
        "exercises/m5-optimisation/m5-newton-iterate.yaml:4: tags: 'newton' is not a topic of "
        "exercises/topics.yaml; did you mean newton-raphson"
    ) in problems.getvalue()


@pytest.mark.django_db
def test_mastery_shows_named_topics_grouped_by_module(bank):
    learner_in(make_course())
    client = Client()
    client.login(username="ada", password=PASSWORD)
    page = client.get("/courses/calc/").content.decode()
    mastery = page.split('<section class="mastery"', 1)[1].split("</section>", 1)[0]
    captions = re.findall(r"<caption>(.*?)</caption>", mastery)
    assert captions[0] == "Module 1: What is calculus?" and len(captions) == 6
    optimisation = mastery.split("<caption>Module 5: Introduction to optimisation</caption>")[1]
    assert "The Newton–Raphson method" in optimisation.split("</table>")[0]
    names = re.findall(r'<th scope="row"[^>]*>(.*?)</th>', mastery)
    assert len(names) == len(set(names))  # no near-duplicates such as newton / newton-raphson
    assert all(" " in name or name[0].isupper() for name in names)  # names, not tag ids
    derivative = mastery.split("The derivative as a slope</th>", 1)[1].split("</tr>")[0]
    product = mastery.split("The product rule</th>", 1)[1].split("</tr>")[0]
    covers = [int(re.search(r"0 of (\d+)</td>", row).group(1)) for row in (derivative, product)]
    assert covers[0] > covers[1]  # a topic covers the exercises of the topics under it
