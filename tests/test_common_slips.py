"""The validator plants common slips of its own and reports a rule that misnames one."""

import sympy

from exercises.slips import common_slips, misnamed_slips
from grader.spec import ExerciseDef, PartDef

x = sympy.Symbol("x")


def expression(answer: str, mistakes=(), variables=("x",)) -> PartDef:
    config = {"answer": answer, "variables": list(variables), "mistakes": list(mistakes)}
    return PartDef("answer", "expression", 1.0, config)


def kinds(part: PartDef, params=None) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for kind, slip in common_slips(part, params or {}):
        # Written in one canonical form, whatever the assumptions on the grader's symbols.
        found.setdefault(kind, []).append(sympy.sympify(str(slip)))
    return found


def reasons(part: PartDef, params=None) -> list[str]:
    definition = ExerciseDef("planted", "Planted", (part,))
    return [why for _, why in misnamed_slips(definition, params or {})]


def test_the_slips_of_an_expression_are_a_sign_of_one_term_and_a_dropped_factor():
    found = kinds(expression("3*x^2*sin(x) + x^3*cos(x)"))
    assert -3 * x**2 * sympy.sin(x) + x**3 * sympy.cos(x) in found["sign-of-one-term"]
    assert 3 * x**2 * sympy.sin(x) - x**3 * sympy.cos(x) in found["sign-of-one-term"]
    assert x**2 * sympy.sin(x) + x**3 * sympy.cos(x) in found["factor-dropped"]  # the 3 dropped


def test_a_taylor_polynomial_without_its_factorials_is_a_slip():
    found = kinds(expression("1 + x + x^2/2 + x^3/6"))
    assert found["factorial-omitted"] == [x**3 + x**2 + x + 1]


def test_the_slips_of_a_matrix_and_of_a_vector():
    jacobian = PartDef("J", "matrix", 1.0, {"answer": [["1", "2"], ["3", "4"]]})
    found = kinds(jacobian)
    assert found["transposed"] == [sympy.Matrix([[1, 3], [2, 4]])]
    assert sympy.Matrix([[-1, 2], [3, 4]]) in found["entry-sign"]
    gradient = PartDef("g", "matrix", 1.0, {"answer": ["5", "7"]})
    assert kinds(gradient)["components-swapped"] == [sympy.Matrix([[7], [5]])]


def test_a_rule_that_fires_on_a_slip_it_does_not_name_is_reported():
    # Dropping the 4 from -4/x^2 is a constant multiple dropped, not a chain-rule slip.
    mistake = {
        "answer": "diff(k/x, x)/k",
        "feedback": "By the chain rule, multiply by the inner derivative.",
        "rule": "chain-missing-inner",
    }
    part = expression("diff(k/x, x)", [mistake])
    found = reasons(part, {"k": 4})
    assert found == [
        "the common slip 'factor-dropped' (-1/x**2) is named 'chain-missing-inner': list "
        "'factor-dropped' under that mistake's `slips` if it is what the rule names, else "
        "redraw the variant"
    ]


def test_a_rule_that_declares_the_slip_it_names_passes():
    mistake = {
        "answer": "diff(k/x, x)/k",
        "feedback": "A factor k is missing.",
        "rule": "factor-k-missing",
        "slips": ["factor-dropped"],
    }
    assert reasons(expression("diff(k/x, x)", [mistake]), {"k": 4}) == []


def test_a_built_in_rule_names_its_own_slip():
    jacobian = PartDef("J", "matrix", 1.0, {"answer": [["1", "2"], ["3", "4"]]})
    assert reasons(jacobian) == []


def test_a_slip_no_rule_catches_is_not_a_problem():
    assert reasons(expression("3*x^2*sin(x) + x^3*cos(x)")) == []
