"""The answer-kind registry: every kind is described whole in its own module, the grader, the form,
the page and the validator all ask it, and a new kind needs nothing but its description."""

import html
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.http import QueryDict

from courseware.answer_display import shown_answer
from courseware.answer_forms import answer_from_post, field_name, part_widgets
from exercises.validation import validate_variant
from grader import grade, validate
from grader.answers import KINDS, REGISTRY, AnswerKind, Preview, answer_kind
from grader.results import Feedback, InvalidAnswer, PartResult, Verdict
from grader.spec import ExerciseDef, PartDef

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "courseware" / "templates"
FUNCTIONS = ("check_config", "read", "grade", "read_form", "widget", "shown", "reference")
FUNCTIONS += ("mistakes", "preview")


def one_part(kind: str, config: dict | None = None) -> ExerciseDef:
    return ExerciseDef("k", "A kind", (PartDef("answer", kind, 1.0, config or {}),))


@pytest.mark.parametrize("name", KINDS)
def test_every_kind_is_described_whole_in_its_own_module(name):
    kind = answer_kind(name)
    assert isinstance(kind, AnswerKind)
    assert kind.name == name
    assert REGISTRY[name] is kind
    assert kind.payload_keys and all(isinstance(key, str) for key in kind.payload_keys)
    assert kind.size_limit >= 1024
    assert all(callable(getattr(kind, function)) for function in FUNCTIONS)
    assert (kind.value is None) == (kind.written is None)
    assert not kind.follows_through or kind.carried is not None
    assert (TEMPLATES / f"courseware/_part_{name}.html").is_file()


def test_the_kinds_flags_are_the_ones_the_bank_relies_on():
    assert [name for name in KINDS if answer_kind(name).math] == ["expression", "matrix"]
    assert [name for name in KINDS if answer_kind(name).run_examples] == ["code"]
    assert {name for name in KINDS if answer_kind(name).follows_through} == {"number", "expression"}


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown answer kind 'essay'"):
        answer_kind("essay")


@pytest.mark.parametrize("name", KINDS)
def test_an_answer_over_its_kinds_size_limit_is_refused_with_that_limit(name):
    kind = answer_kind(name)
    result = grade(one_part(name), {}, {kind.main_key: "x" * (kind.size_limit + 1)})
    assert result.verdict == Verdict.INVALID
    limit = f"over the {kind.size_limit // 1024} KB limit"
    assert [item.text for item in result.feedback] == [f"Part 'answer': the answer is {limit}."]


@pytest.mark.parametrize("name", KINDS)
def test_a_payload_is_asked_for_under_its_kinds_main_key(name):
    result = grade(one_part(name), {}, {"answer_text": "3"})
    assert result.verdict == Verdict.INVALID
    main = answer_kind(name).main_key
    assert result.feedback[0].text == f"Part 'answer': send {{\"{main}\": ...}}."


def test_a_web_process_reading_answers_does_not_load_the_sandbox():
    script = (
        "import sys\n"
        "from grader import grade, validate\n"
        "from grader.answers import KINDS, answer_kind\n"
        "from grader.spec import ExerciseDef, PartDef\n"
        "[answer_kind(name) for name in KINDS]\n"
        "code = ExerciseDef('c', 'C', (PartDef('f', 'code', 1.0, {'function': 'f'}),))\n"
        "validate(code, {'code': 'def f(x):\\n    return x\\n'})\n"
        "number = ExerciseDef('n', 'N', (PartDef('n', 'number', 1.0, {'answer': '1/2'}),))\n"
        "assert grade(number, {}, {'value': '0.5'}).score == 1.0\n"
        "print(sorted(m for m in sys.modules if m.startswith('grader.sandbox')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


# A kind added by a test alone: a single word, compared without case.


def _word(part: PartDef, payload: dict) -> str:
    word = payload.get("word")
    if not isinstance(word, str) or not word.strip():
        raise InvalidAnswer("Enter a word.")
    return word.strip().lower()


def _grade_word(part: PartDef, params: dict, payload: dict) -> PartResult:
    word = _word(part, payload)
    if word == part.config["answer"]:
        return PartResult(Verdict.CORRECT, 1.0, [Feedback("message", "Correct.")])
    for mistake in part.config.get("mistakes", []):
        if word == mistake["answer"]:
            item = Feedback("mistake", mistake["feedback"])
            return PartResult(Verdict.INCORRECT, 0.0, [item], rule=mistake["rule"])
    return PartResult(Verdict.INCORRECT, 0.0, [Feedback("message", "Not correct.")])


WORD = AnswerKind(
    name="word",
    payload_keys=("word",),
    size_limit=1024,
    math=False,
    check_config=lambda part: [] if "answer" in part.config else ["answer: required"],
    read=_word,
    grade=_grade_word,
    read_form=lambda part, field, form, page: {"word": form.get(field, "")},
    widget=lambda part, field, page: {"placeholder": "one word"},
    shown=lambda part, payload, page: ("text", html.escape(str(payload.get("word", "")))),
    reference=lambda part, params: {"word": part.config["answer"]},
    mistakes=lambda part, params: [
        (m["rule"], {"word": m["answer"]}) for m in part.config.get("mistakes", [])
    ],
    preview=lambda part, params: Preview(part.config["answer"]),
)
WORD_CONFIG = {
    "answer": "cat",
    "mistakes": [{"answer": "dog", "rule": "dog", "feedback": "That one barks."}],
}


@pytest.fixture
def word_kind(monkeypatch):
    monkeypatch.setitem(REGISTRY, "word", WORD)
    return one_part("word", WORD_CONFIG)


def test_a_kind_registered_alone_is_graded_with_its_own_payload_and_limit(word_kind):
    assert grade(word_kind, {}, {"word": " Cat "}).verdict == Verdict.CORRECT
    assert grade(word_kind, {}, {"word": "dog"}).rule == "dog"
    too_long = grade(word_kind, {}, {"word": "a" * 2000})
    assert too_long.feedback[0].text == "Part 'answer': the answer is over the 1 KB limit."
    with pytest.raises(InvalidAnswer, match="Enter a word"):
        validate(word_kind, {"word": " "})


def test_a_kind_registered_alone_is_read_from_the_page_and_shown_back(word_kind):
    attempt = SimpleNamespace(pk=1, params={}, seed=0)
    [widget] = part_widgets(word_kind, attempt)
    assert widget["template"] == "courseware/_part_word.html"
    assert widget["placeholder"] == "one word"
    form = QueryDict(mutable=True)
    form[field_name(word_kind.parts[0])] = "cat"
    answer = answer_from_post(word_kind, attempt, form)
    assert answer == {"word": "cat"}
    assert grade(word_kind, {}, answer).score == 1.0
    [shown] = shown_answer(word_kind, {}, 0, {"word": "<cat>"})
    assert (shown.kind, shown.content) == ("text", "&lt;cat&gt;")


def test_the_validator_plants_a_registered_kinds_reference_and_mistakes(word_kind):
    assert validate_variant(word_kind, {}, seed=0) == []
    same = {"answer": "cat", "rule": "same", "feedback": "Meow."}
    coinciding = one_part("word", {**WORD_CONFIG, "mistakes": [same]})
    [problem] = validate_variant(coinciding, {}, seed=0)
    assert (problem.where, problem.reason) == (
        "parts.answer.mistake 'same'",
        "coincides with the right answer in this variant",
    )
