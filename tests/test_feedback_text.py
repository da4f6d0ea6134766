"""Text the learner controls reaches feedback as text: never a link, emphasis, markup or math."""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from hypothesis import example, given
from hypothesis import strategies as st

from courseware.models import Attempt
from courseware.rendering import render_markdown
from courseware.tasks import grade_submission
from grader.results import literal
from tests.support.people import PASSWORD, learner_in, make_course
from tests.support.sandbox import require_sandbox

PHISH = "[Your session expired - click here](https://evil.example/phish) **bold** <img src=x onerror=alert(9)>"  # fmt: skip
RAISES_PHISH = f'raise type("{PHISH}", (Exception,), {{}})("msg")\n'


class Tags(HTMLParser):
    """The tags of an HTML fragment, and the text inside its <code> elements."""

    def __init__(self, fragment: str):
        super().__init__()
        self.tags: list[str] = []
        self.code: list[str] = []
        self.in_code = False
        self.feed(fragment)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.in_code = tag == "code"
        if self.in_code:
            self.code.append("")

    def handle_endtag(self, tag):
        self.in_code = False

    def handle_data(self, data):
        if self.in_code:
            self.code[-1] += data


MARKDOWN_ALPHABET = st.sampled_from(list("`*_[]()<>!#$&\\|~-+=.:/ \t\nab1")) | st.characters()


@given(st.text(MARKDOWN_ALPHABET, max_size=40).filter(lambda t: t.strip()))
@example("\ud800 a lone surrogate")
def test_quoted_learner_text_renders_as_exactly_that_text(text):
    rendered = render_markdown(f"Your code raised {literal(text)} while it was being loaded.")
    parsed = Tags(rendered)
    assert parsed.tags == ["p", "code"]
    shown = re.sub("[\ud800-\udfff]", "\ufffd", " ".join(text.splitlines())).translate(
        {0: "\ufffd"}
    )
    assert parsed.code == [shown.translate(str.maketrans("", "", "\ue000\ue001\ue002\ue003"))]


@pytest.mark.django_db
def test_an_exception_class_name_from_the_sandbox_is_shown_literally(bank):
    require_sandbox()
    learner = learner_in(make_course())
    client = Client()
    client.login(username=learner.username, password=PASSWORD)
    url = "/courses/calc/exercises/m2-numeric-gradient/"
    client.get(url)
    attempt = Attempt.objects.get(learner=learner)
    posted = client.post(url + "submit/", {"attempt": attempt.pk, "part-code": RAISES_PHISH})
    assert posted.status_code == 202
    submission = attempt.submissions.get()
    grade_submission.apply(args=(submission.pk, 1))  # the worker's task, run here
    page = client.get(f"/submissions/{submission.pk}/").content.decode()
    assert "Your code raised an error" in page
    feedback = page[page.index('<ul class="feedback">') :]
    shown = "[Your session expired - click here](https://evil.example/phish) **bold** &lt;img"
    assert f"<p>Your code raised <code>{shown}" in feedback
    assert "<a " not in feedback
    assert "<strong>" not in feedback
    assert "<img" not in feedback


def test_long_feedback_is_rendered_but_not_kept_by_the_process():
    from courseware import rendering

    long_text = f"Your code raised {literal('x' * 5000)} while it was being loaded."
    before = rendering._rendered.cache_info().currsize
    rendered = render_markdown(long_text)
    assert Tags(rendered).code == ["x" * 5000]
    assert rendering._rendered.cache_info().currsize == before
