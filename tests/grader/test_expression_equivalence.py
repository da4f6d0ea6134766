"""Equivalence of expression answers: the labelled corpus, the policy on real domains, time limits."""

from __future__ import annotations

import gc
import json
import time
from pathlib import Path

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.equivalence import check_equivalent
from grader.mathinput import MathInputError, parse, read

PAIRS = [
    json.loads(line)
    for line in (Path(__file__).parent.parent / "data" / "expression_pairs.jsonl")
    .read_text()
    .splitlines()
    if line.strip()
]


def verdict(answer: str, expected: str, variables=("x",), **options):
    functions = options.pop("functions", ())
    return check_equivalent(
        read(answer, variables, functions=functions),
        read(expected, variables, functions=functions, trusted=True),
        variables,
        **options,
    )


def test_the_corpus_has_at_least_300_labelled_pairs_of_both_kinds():
    assert len(PAIRS) >= 300
    assert sum(pair["equivalent"] for pair in PAIRS) >= 100
    assert sum(not pair["equivalent"] for pair in PAIRS) >= 100


@pytest.mark.parametrize("pair", PAIRS, ids=[f"{i}-{pair['note']}" for i, pair in enumerate(PAIRS)])
def test_labelled_pair_gets_its_verdict(pair):
    result = verdict(
        pair["answer"],
        pair["expected"],
        pair["variables"],
        functions=pair.get("functions", ()),
        tolerance=pair.get("tolerance"),
    )
    assert result.equivalent is pair["equivalent"], result


def test_sign_is_written_sign_sgn_or_signum_and_is_abs_over_its_argument():
    for written in ("sign(x)", "sgn(x)", "signum(x)", "x/abs(x)"):
        assert verdict(written, "abs(x)/x").equivalent is True, written
    assert verdict("2x sign(x)", "2 abs(x)").equivalent is True  # the derivative of x abs(x)
    assert verdict("sign(x)", "1").equivalent is False


def test_a_removable_singularity_does_not_make_answers_different():
    assert verdict("(x^2-1)/(x-1)", "x+1").equivalent is True


def test_log_of_a_square_is_not_twice_the_log_because_the_domains_differ():
    result = verdict("log(x^2)", "2 log(x)")
    assert result.equivalent is False
    assert "expected answer is not defined" in result.describe()


def test_the_square_of_a_square_root_is_not_x_on_the_real_line():
    result = verdict("sqrt(x)^2", "x")
    assert result.equivalent is False
    assert "your answer is not defined" in result.describe()


def test_decimals_are_exact_unless_the_exercise_sets_a_tolerance():
    assert verdict("0.5 x", "x/2").equivalent is True
    assert verdict("1.0001 x", "x").equivalent is False
    assert verdict("1.0001 x", "x", tolerance={"rel": 1e-3}).equivalent is True


def test_sin_pi_x_is_not_zero_even_though_it_vanishes_at_integers():
    assert verdict("sin(pi x)", "0").equivalent is False


def test_a_wrong_answer_comes_with_a_counterexample_at_a_short_decimal():
    result = verdict("2x", "diff(x^2 + x, x)")
    assert result.describe() == "At x = 0.5 your answer is 1, the expected value is 2."


def test_counterexample_shows_enough_digits_to_tell_close_values_apart():
    text = verdict("1.0001x", "x").describe()
    assert "0.50005" in text and "0.5." in text


def test_a_check_without_time_left_says_it_cannot_decide_instead_of_guessing():
    result = verdict("x + 1", "diff(x^2/2 + x, x) + 0*x", budget_s=0.0)
    assert result.equivalent in (True, None)
    assert verdict("sin(x)^2", "1 - cos(x)^2 + x/1000", budget_s=0.0).equivalent is None


def test_functions_undefined_everywhere_are_left_for_review():
    assert verdict("log(-x^2 - 1)", "log(-x^2 - 2)").equivalent is None


def test_a_heavy_check_stays_within_its_time_budget():
    started = time.perf_counter()
    result = verdict("(x+y+z)^999", "(x+y+z)^998 (x+y+z)", ("x", "y", "z"))
    assert time.perf_counter() - started < 0.75  # the budget is 0.25 s
    assert result.equivalent in (True, None)


def test_a_garbage_collection_does_not_use_up_a_checks_budget():
    """A full collection of a large process's heap can outlast a check's budget: that time is
    the process's, not the answer's, and must not leave a decidable answer undecided."""
    answer, expected = read("sin(pi x)", ["x"]), read("0", trusted=True)
    collections, checking = [], [True]

    def slow_collection(phase, info):
        if phase == "start":
            collections.append(info)
            spin_until = time.thread_time() + (0.3 if checking[0] else 0)  # > the 0.25 s budget
            while time.thread_time() < spin_until:
                pass

    threshold = gc.get_threshold()
    gc.callbacks.append(slow_collection)
    gc.set_threshold(1)  # a collection at nearly every allocation
    try:
        result = check_equivalent(answer, expected, ["x"])
        checking[0] = False
        during = len(collections)
        assert [[] for _ in range(50)]  # outside a check the collector runs as before
    finally:
        gc.set_threshold(*threshold)
        gc.callbacks.remove(slow_collection)
    assert len(collections) > during
    assert result.equivalent is False


def test_expected_answers_may_be_sympy_expressions():
    x = sympy.Symbol("x", real=True)
    assert check_equivalent(parse("2x", ["x"]), 2 * x, ["x"]).equivalent is True


FUNCTIONS = ["sin", "cos", "tan", "log", "sqrt", "exp", "abs", "asin", "atan", "tanh", "sech"]
expressions = st.recursive(
    st.sampled_from(["x", "y", "2", "0.5", "pi", "e", "0"]),
    lambda inner: st.one_of(
        st.tuples(st.sampled_from(FUNCTIONS), inner).map(lambda pair: f"{pair[0]}({pair[1]})"),
        st.tuples(inner, st.sampled_from("+-*/^"), inner).map(lambda t: f"({t[0]}){t[1]}({t[2]})"),
    ),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(expressions, st.sampled_from(["({})+0", "2*({})/2", "({})*x/x"]))
def test_an_answer_is_never_judged_different_from_itself_rewritten(text, rewrite):
    try:
        answer = read(text, ["x", "y"])
    except MathInputError:
        return
    rewritten = read(rewrite.format(text), ["x", "y"], trusted=True)
    assert check_equivalent(answer, rewritten, ["x", "y"]).equivalent is not False
