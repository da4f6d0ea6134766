"""The validator flags degenerate variants: each kind of defect planted in a small exercise."""

from exercises.degenerate import degenerate_reasons, function_parts
from grader.spec import ExerciseDef, PartDef


def exercise(*parts: PartDef, prompt: str = "", params=None, redraw_if=None) -> ExerciseDef:
    return ExerciseDef(
        slug="planted",
        title="Planted",
        parts=parts,
        prompt=prompt,
        params=params or [],
        redraw_if=redraw_if,
    )


def number(name: str, answer: str, **config) -> PartDef:
    return PartDef(name, "number", 1.0, {"answer": answer, **config})


def expression(name: str, answer: str, **config) -> PartDef:
    return PartDef(name, "expression", 1.0, {"answer": answer, "variables": ["x"], **config})


def reasons(definition: ExerciseDef, params: dict, functions=None) -> list[str]:
    return [f"{where}: {why}" for where, why in degenerate_reasons(definition, params, functions)]


def test_a_zero_reference_is_reported():
    found = reasons(exercise(number("n", "a - b")), {"a": 2, "b": 2})
    assert found == ["parts.n: the reference answer is zero: redraw this variant (redraw_if)"]


def test_an_all_zero_vector_is_reported():
    matrix = PartDef("g", "matrix", 1.0, {"answer": ["a*x - a*x", "b - b"], "variables": ["x"]})
    found = reasons(exercise(matrix), {"a": 3, "b": 1})
    assert found == ["parts.g: the reference answer is zero: redraw this variant (redraw_if)"]


def test_a_trivially_guessed_number_is_reported():
    found = reasons(exercise(number("n", "a/b")), {"a": -3, "b": 3})
    assert found == ["parts.n: the reference answer is -1, trivial to guess: redraw"]


def test_a_constant_where_a_function_is_asked_for_is_reported():
    definition = exercise(expression("d", "diff(a*x^2 + b*x, x)"))
    found = reasons(definition, {"a": 0, "b": 3}, functions={"d"})
    assert found == ["parts.d: the prompt asks for a function but the reference is the constant 3"]


def test_parts_that_ask_for_a_function_are_told_from_most_variants():
    params = [["a", {"int": [1, 5]}], ["t0", {"int": [1, 3]}]]
    definition = exercise(
        expression("d", "diff(a*x^3, x)"),
        expression("v", "subs(diff(a*x^3, x), x, t0)"),
        params=params,
    )
    assert function_parts(definition) == {"d"}
    assert reasons(definition, {"a": 2, "t0": 1}) == []


def test_two_parts_with_one_answer_are_reported():
    definition = exercise(number("best", "2/(l1 + l2)"), number("rate", "(l2 - l1)/(l2 + l1)"))
    found = reasons(definition, {"l1": 4, "l2": 6})
    assert found == ["parts.rate: has the same reference answer as part 'best': redraw"]


def test_a_prompt_that_collapses_a_building_block_is_reported():
    # log(exp(2x)) is shown as 2x, while the solution speaks of g(x) = e^{2x}.
    definition = exercise(
        expression("d", "diff(subs(outer, x, inner), x)"),
        prompt="Differentiate $h(x) = [[tex: subs(outer, x, inner)]]$.",
    )
    params = {"outer": "log(x)", "inner": "exp(a*x)", "a": 2}
    found = reasons(definition, params, functions=set())
    assert found == [
        "prompt: `subs(outer, x, inner)` simplifies to 2*x: the prompt no longer shows exp, "
        "log, which the hints and solution speak of; redraw this variant"
    ]
    assert reasons(definition, {**params, "inner": "exp(a*x) + 1"}, functions=set()) == []


def test_an_author_may_allow_a_kind_of_degenerate_answer_per_part():
    definition = exercise(number("n", "a - b", degenerate_ok=["zero"]))
    assert reasons(definition, {"a": 2, "b": 2}) == []


def test_a_sound_variant_reports_nothing():
    definition = exercise(
        expression("d", "diff(a*x^2, x)"), number("v", "2*a*t0"), prompt="$[[tex: a*x^2]]$"
    )
    assert reasons(definition, {"a": 3, "t0": 2}, functions={"d"}) == []
