"""Pinned variants: a change to an exercise or to the generator must not silently change what a
learner with a given seed sees (bump the exercise's version instead)."""

from pathlib import Path

import pytest

from exercises.loader import build_definition, read_bank
from exercises.validation import build_variant
from grader.params import draw_params
from grader.placeholders import fill

BANK = Path(__file__).resolve().parent.parent / "exercises"

GOLDEN = [
    (
        "m1-chain-rule",
        0,
        {"outer": "sqrt(x)", "inner": "cos(a*x) + b", "a": 4, "b": 2, "n": 3},
        {"answer": {"value": "-2*sin(4*x)/sqrt(cos(4*x) + 2)"}},
    ),
    (
        "m1-chain-rule",
        1,
        {"outer": "x^n", "inner": "cos(a*x) + b", "a": 5, "b": 6, "n": 3},
        {"answer": {"value": "-15*(cos(5*x) + 6)**2*sin(5*x)"}},
    ),
    (
        "m1-rise-over-run",
        0,
        {"a": 3, "b": 2, "c": 0, "x0": -2, "d": 0.5},
        {"secant": {"value": "-8.5"}, "tangent": {"value": "-10.0"}},
    ),
    (
        "m2-jacobian",
        1,
        {"a": 3, "b": 1, "c": 4},
        {"answer": {"matrix": [["2*x*y + 3", "x**2"], ["cos(x)", "4*y**3"]]}},
    ),
    (
        "m2-classify-stationary",
        0,
        {"a": 3, "b": 1, "c": 1, "p": -1, "q": -1},
        {"point": {"matrix": ["-1", "-1"]}, "kind": {"choices": ["minimum"]}},
    ),
    (
        "m2-classify-stationary",
        1,
        {"a": -3, "b": 3, "c": 3, "p": -1, "q": -1},
        {"point": {"matrix": ["-1", "-1"]}, "kind": {"choices": ["saddle"]}},
    ),
    (
        "m4-maclaurin",
        1,
        {"f": "(1 + x)^k", "a": 2, "b": 3, "k": -0.5, "n": 3},
        {"answer": {"value": "-5*x**3/16 + 3*x**2/8 - x/2 + 1"}},
    ),
]


@pytest.fixture(scope="module")
def definitions():
    bank = read_bank(BANK)
    return {e.spec["slug"]: build_definition(e.spec, e.files, e.module) for e in bank.exercises}


@pytest.mark.parametrize(("slug", "seed", "params", "references"), GOLDEN)
def test_a_seed_always_draws_the_same_variant_and_reference(
    definitions, slug, seed, params, references
):
    definition = definitions[slug]
    drawn = draw_params(definition.params, seed, definition.redraw_if)
    assert drawn == params
    assert build_variant(definition, drawn).references == references


def test_the_pinned_chain_rule_prompt_reads_as_a_learner_sees_it(definitions):
    definition = definitions["m1-chain-rule"]
    params = draw_params(definition.params, 0, definition.redraw_if)
    assert fill(definition.prompt, params).strip() == (
        r"Differentiate $h(x) = \sqrt{\cos{\left(4 x \right)} + 2}$ with respect to $x$."
    )
