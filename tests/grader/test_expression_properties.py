"""Properties of the engine on random expressions: a correct answer rewritten by random identities
is still credited, and a random single-node mutation that changes the function is never credited."""

from __future__ import annotations

import sympy
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from grader.equivalence import check_equivalent
from grader.mathinput import read

VARIABLES = ["x", "y"]
LEAVES = st.sampled_from(["x", "y", "2", "3", "5"])
UNARY = ("sin", "cos", "exp")


def trees(depth: int = 3):
    """Expression trees as nested tuples: ("+", a, b), ("*", a, b), ("^", a, n), (f, a), leaf."""
    if depth == 0:
        return LEAVES
    smaller = trees(depth - 1)
    return st.one_of(
        LEAVES,
        st.tuples(st.sampled_from(["+", "*", "-"]), smaller, smaller),
        st.tuples(st.just("^"), smaller, st.sampled_from([2, 3])),
        st.tuples(st.sampled_from(UNARY), smaller),
    )


def text(tree) -> str:
    if isinstance(tree, str):
        return tree
    head = tree[0]
    if head in ("+", "-", "*"):
        return f"({text(tree[1])} {head} {text(tree[2])})"
    if head == "^":
        return f"({text(tree[1])})^{tree[2]}"
    return f"{head}({text(tree[1])})"


def rewritten(tree, choices) -> str:
    """The same function written differently: identities chosen by `choices` at every node."""
    choice = next(choices, 0)
    if isinstance(tree, str):
        return [tree, f"(1*{tree})", f"({tree} + 0)", f"(2*{tree}/2)", f"(({tree} + 1) - 1)"][
            choice % 5
        ]
    head = tree[0]
    if head in ("+", "*"):
        a, b = rewritten(tree[1], choices), rewritten(tree[2], choices)
        return f"({b} {head} {a})" if choice % 2 else f"({a} {head} {b})"
    if head == "-":
        a, b = rewritten(tree[1], choices), rewritten(tree[2], choices)
        return f"({a} + (-1)*{b})" if choice % 2 else f"(-({b}) + {a})"
    if head == "^":
        a = rewritten(tree[1], choices)
        return (
            f"({a})*({a})" + ("*" + f"({a})" if tree[2] == 3 else "")
            if choice % 2
            else (f"({a})^{tree[2]}")
        )
    a = rewritten(tree[1], choices)
    return {
        "sin": [f"sin({a})", f"cos(({a}) - pi/2)", f"2*sin(({a})/2)*cos(({a})/2)"],
        "cos": [f"cos({a})", f"sin(({a}) + pi/2)", f"cos(-({a}))"],
        "exp": [f"exp({a})", f"e^({a})", f"exp(({a})/2)^2"],
    }[head][choice % 3]


def mutations(tree):
    """Every tree that differs from `tree` in one node."""
    if isinstance(tree, str):
        for other in ("x", "y", "2", "3", "5", "7"):
            if other != tree:
                yield other
        return
    head = tree[0]
    if head in ("+", "-", "*"):
        for other in ("+", "-", "*"):
            if other != head:
                yield (other, tree[1], tree[2])
        for child in mutations(tree[1]):
            yield (head, child, tree[2])
        for child in mutations(tree[2]):
            yield (head, tree[1], child)
    elif head == "^":
        yield ("^", tree[1], 5 - tree[2])
        for child in mutations(tree[1]):
            yield ("^", child, tree[2])
    else:
        for other in UNARY:
            if other != head:
                yield (other, tree[1])
        for child in mutations(tree[1]):
            yield (head, child)


POINTS = [
    {"x": sympy.Rational(3, 7), "y": sympy.Rational(-5, 11)},
    {"x": sympy.Rational(-13, 17), "y": sympy.Rational(7, 5)},
    {"x": sympy.Rational(9, 8), "y": sympy.Rational(2, 9)},
]


def differs(first: str, second: str) -> bool:
    """An oracle independent of the engine: SymPy's own values at exact rational points."""
    a, b = read(first, VARIABLES).value, read(second, VARIABLES).value
    symbols = {str(s): s for s in a.free_symbols | b.free_symbols}
    for point in POINTS:
        at = {symbols[name]: value for name, value in point.items() if name in symbols}
        gap = sympy.N(a.subs(at) - b.subs(at), 40)
        if gap.is_number and abs(gap) > sympy.Float("1e-20") * (1 + abs(sympy.N(b.subs(at), 40))):
            return True
    return False


SETTINGS = settings(
    max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)


@SETTINGS
@given(trees(), st.lists(st.integers(0, 11), min_size=40, max_size=40))
def test_a_correct_answer_rewritten_by_identities_is_credited(tree, choices):
    original, other = text(tree), rewritten(tree, iter(choices))
    verdict = check_equivalent(read(other, VARIABLES), read(original, VARIABLES), VARIABLES)
    assert verdict.equivalent is True, (other, original, verdict)


@SETTINGS
@given(trees(), st.data())
def test_a_single_node_mutation_is_never_credited(tree, data):
    candidates = list(mutations(tree))
    mutated = text(data.draw(st.sampled_from(candidates)))
    original = text(tree)
    try:
        changed = differs(mutated, original)
    except (ZeroDivisionError, TypeError, ValueError):
        changed = False
    assume(changed)
    verdict = check_equivalent(read(mutated, VARIABLES), read(original, VARIABLES), VARIABLES)
    assert verdict.equivalent is not True, (mutated, original)
