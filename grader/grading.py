"""`grade(exercise, params, answer)`: split an answer into its parts, grade each, combine."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from grader.answers import answer_kind
from grader.answers.expression import Earlier
from grader.results import (
    AnswerTooLarge,
    Feedback,
    GradeResult,
    InvalidAnswer,
    PartResult,
    Verdict,
    literal,
)
from grader.spec import ExerciseDef
from grader.withholding import withhold_answers


def split_answer(exercise: ExerciseDef, answer: Any) -> dict[str, dict[str, Any]]:
    """The payload of each part: a bare payload for one-part exercises, else {"parts": {...}}.

    Keys an answer or a payload does not use are refused, so nothing unread is stored; so is a
    payload over its kind's size limit.
    """
    if not isinstance(answer, dict):
        raise InvalidAnswer("The answer must be a JSON object.")
    if "parts" in answer:
        parts = answer["parts"]
        if not isinstance(parts, dict):
            raise InvalidAnswer('"parts" must map each part name to its answer.')
        unused = sorted(set(answer) - {"parts"})
        if unused:
            raise InvalidAnswer(f'Unknown key {unused[0]!r}: send only {{"parts": {{...}}}}.')
    elif exercise.single_part:
        parts = {exercise.parts[0].name: answer}
    else:
        names = ", ".join(part.name for part in exercise.parts)
        raise InvalidAnswer(
            f'This exercise has several parts ({names}); send {{"parts": {{...}}}}.'
        )
    expected = {part.name for part in exercise.parts}
    unknown = sorted(set(parts) - expected)
    if unknown:
        raise InvalidAnswer(
            f"Unknown part {literal(unknown[0])}; the parts are {', '.join(sorted(expected))}."
        )
    missing = [part.name for part in exercise.parts if part.name not in parts]
    if missing:
        raise InvalidAnswer(f"Part {missing[0]!r} has no answer.", part=missing[0])
    for part in exercise.parts:
        payload = parts[part.name]
        kind = answer_kind(part.kind)
        keys = kind.payload_keys
        example = f'{{"{keys[0]}": ...}}'
        if not isinstance(payload, dict) or not payload.keys() & set(keys):
            raise InvalidAnswer(f"Part {part.name!r}: send {example}.", part=part.name)
        unknown = sorted(set(payload) - set(keys))
        if unknown:
            raise InvalidAnswer(
                f"Part {part.name!r}: unknown key {unknown[0]!r}; send {example}.", part=part.name
            )
        if len(repr(payload)) > kind.size_limit:
            raise AnswerTooLarge(
                f"Part {part.name!r}: the answer is over the {kind.size_limit // 1024 or 1} KB "
                "limit.",
                part=part.name,
            )
    return parts


def validate(exercise: ExerciseDef, answer: Any) -> None:
    """Raise InvalidAnswer (with the part's name) when the answer cannot be read; cheap, no grading."""
    parts = split_answer(exercise, answer)
    for part in exercise.parts:
        try:
            answer_kind(part.kind).read(part, parts[part.name])
        except InvalidAnswer as error:
            error.part = part.name
            if not exercise.single_part:
                error.message = f"{part.name}: {error.message}"
                error.args = (error.message,)
            raise


def grade(exercise: ExerciseDef, params: dict[str, Any], answer: Any) -> GradeResult:
    """The verdict, score (weighted mean of the parts) and feedback for one answer.

    A part that cannot be read is `invalid`; an error inside the grader propagates (it is ours).

    Parameters
    ----------
    exercise : ExerciseDef
        The exercise as the bank defines it.
    params : dict
        The variant's parameters, as drawn for the learner's attempt.
    answer : Any
        The learner's payload: ``{"value": ...}`` for a one-part exercise, else
        ``{"parts": {name: payload}}``.

    Returns
    -------
    GradeResult
        Verdict, score in [0, 1], feedback items and the mistake rule that fired.

    Examples
    --------
    >>> from grader.spec import ExerciseDef, PartDef
    >>> part = PartDef("d", "expression", config={"answer": "{n}*x^({n}-1)", "variables": ["x"]})
    >>> power_rule = ExerciseDef("power-rule", "The power rule", (part,))
    >>> result = grade(power_rule, {"n": 3}, {"value": "3x^2"})
    >>> result.verdict, result.score
    (<Verdict.CORRECT: 'correct'>, 1.0)
    >>> wrong = grade(power_rule, {"n": 3}, {"value": "x^3/3"})
    >>> wrong.verdict, [item.text for item in wrong.feedback]
    (<Verdict.INCORRECT: 'incorrect'>, ['Not correct.', 'At x = 0.5 your answer is 0.04167, the expected value is 0.75.'])
    """
    return _grade_parts(exercise, params, answer, "grade")


def run_examples(exercise: ExerciseDef, params: dict[str, Any], answer: Any) -> GradeResult:
    """ "Run my tests": the visible examples of the code parts only, shown in full; not an attempt."""
    return _grade_parts(exercise, params, answer, "run_examples")


def _grade_parts(
    exercise: ExerciseDef, params: dict[str, Any], answer: Any, action: str
) -> GradeResult:
    """Each part through its kind's `grade` or `run_examples` (parts whose kind has no examples
    are left out), combined."""
    try:
        payloads = split_answer(exercise, answer)
    except InvalidAnswer as error:
        return GradeResult(Verdict.INVALID, 0.0, [Feedback("message", error.message)])
    results: dict[str, PartResult] = {}
    for part in exercise.parts:
        kind = answer_kind(part.kind)
        run: Callable[..., PartResult] | None = (
            kind.grade if action == "grade" else kind.run_examples
        )
        if run is None:
            continue
        try:
            if part.config.get("follow_through") and action == "grade":
                earlier = {
                    done.name: Earlier(done, payloads[done.name], results[done.name])
                    for done in exercise.parts
                    if done.name in results
                }
                results[part.name] = run(part, params, payloads[part.name], earlier)
            else:
                results[part.name] = run(part, params, payloads[part.name])
        except InvalidAnswer as error:
            results[part.name] = PartResult(
                Verdict.INVALID, 0.0, [Feedback("message", error.message)]
            )
    if not results:
        return GradeResult(
            Verdict.INVALID, 0.0, [Feedback("message", "This exercise has no examples to run.")]
        )
    if action == "grade":
        results = withhold_answers(exercise, params, results)
    graded = tuple(part for part in exercise.parts if part.name in results)
    return combine(ExerciseDef(exercise.slug, exercise.title, graded), results)


def combine(exercise: ExerciseDef, results: dict[str, PartResult]) -> GradeResult:
    if exercise.single_part:
        only = next(iter(results.values()))
        return GradeResult(only.verdict, only.score, only.feedback, only.rule, results)
    total = sum(part.weight for part in exercise.parts) or 1.0
    score = sum(results[p.name].score * p.weight for p in exercise.parts) / total
    feedback = []
    for name, result in results.items():
        for item in result.feedback:
            feedback.append(Feedback(item.type, item.text, {**item.data, "part": name}))
    verdicts = {result.verdict for result in results.values()}
    if Verdict.INVALID in verdicts:
        verdict = Verdict.INVALID
    elif Verdict.NEEDS_REVIEW in verdicts:
        verdict = Verdict.NEEDS_REVIEW
    else:
        verdict = Verdict.for_score(score)
    rules = [f"{name}:{r.rule}" for name, r in results.items() if r.rule]
    return GradeResult(verdict, score, feedback, ",".join(rules) or None, results)
