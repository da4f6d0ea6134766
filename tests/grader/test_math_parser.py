"""The safe math parser: what learners and authors can type, how it is read, and located errors."""

from __future__ import annotations

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.mathinput import (
    MathInputError,
    evaluate_number,
    parse,
    parse_condition,
    preview,
    to_latex,
)
from grader.mathinput.reading import read
from grader.results import InvalidAnswer

x, y, z, t = (sympy.Symbol(name, real=True) for name in "xyzt")
VARIABLES = ["x", "y", "z"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2x^2 + 3x", 2 * x**2 + 3 * x),
        ("-x^2", -(x**2)),
        ("2^3^2", sympy.Integer(2) ** 9),
        ("x**2", x**2),
        ("2 x y", 2 * x * y),
        ("3(x+1)", 3 * (x + 1)),
        ("(x+1)(x-1)", (x + 1) * (x - 1)),
        ("x sin x", x * sympy.sin(x)),
        ("sin x", sympy.sin(x)),
        ("sin(2x)", sympy.sin(2 * x)),
        ("sin 2x", sympy.sin(2 * x)),
        ("sin x cos x", sympy.sin(x) * sympy.cos(x)),
        ("sin x/2", sympy.sin(x) / 2),
        ("sin^2 x", sympy.sin(x) ** 2),
        ("cos^2(x)", sympy.cos(x) ** 2),
        ("sin(x)^2", sympy.sin(x) ** 2),
        ("1/2x", x / 2),
        ("e^x", sympy.exp(x)),
        ("e^(2x)", sympy.exp(2 * x)),
        ("exp(-x^2)", sympy.exp(-(x**2))),
        ("ln x + log(y)", sympy.log(x) + sympy.log(y)),
        ("|x - 1|", sympy.Abs(x - 1)),
        ("sqrt(x + 1)", sympy.sqrt(x + 1)),
        ("arctan(x) + asin(y)", sympy.atan(x) + sympy.asin(y)),
        ("sech(x)^2", sympy.sech(x) ** 2),
        ("pi x", sympy.pi * x),
        ("0.5x", x / 2),
        ("1.5e-3", sympy.Rational(3, 2000)),
        ("xy", x * y),
        ("xsinx", x * sympy.sin(x)),
        ("x² − 3·x", x**2 - 3 * x),
        ("√x × π", sympy.sqrt(x) * sympy.pi),
        ("2^-1", sympy.Rational(1, 2)),
        ("2^xy", 2**x * y),
        ("sin xy cos x", sympy.sin(x * y) * sympy.cos(x)),
        ("x2", 2 * x),
        ("log_2(8)", sympy.log(8) / sympy.log(2)),
        ("1 + x + x^2/2! + x^3/3!", 1 + x + x**2 / 2 + x**3 / 6),  # a Taylor polynomial
        ("2^3!", sympy.Integer(64)),  # the factorial first, as in print
        ("log10(100)", sympy.log(100) / sympy.log(10)),  # not log(10·100)
        ("log2 x", sympy.log(x) / sympy.log(2)),
        ("sign(x) + sgn(y)", sympy.sign(x) + sympy.sign(y)),
    ],
)
def test_calculator_syntax_is_read_as_a_person_would(text, expected):
    assert parse(text, VARIABLES) == expected


def test_greek_and_subscripted_variables_are_available_when_declared():
    assert parse("alpha x_1 + w_12", ["alpha", "x_1", "w_12"]) == sympy.Symbol(
        "alpha", real=True
    ) * sympy.Symbol("x_1", real=True) + sympy.Symbol("w_12", real=True)
    assert parse("λ μ", ["lambda", "mu"]) == sympy.Symbol("lambda", real=True) * sympy.Symbol(
        "mu", real=True
    )


def test_sigma_is_a_function_only_where_the_exercise_declares_it():
    assert str(parse("sigma(z)(1 - sigma(z))", ["z"], functions=["sigma"])) == (
        "(1 - sigmoid(z))*sigmoid(z)"
    )
    with pytest.raises(MathInputError, match="not available"):
        parse("sigma(z)", ["z"])


def test_parameters_are_replaced_by_their_exact_values():
    assert parse("a x + b", ["x"], params={"a": 3, "b": 0.1}) == 3 * x + sympy.Rational(1, 10)


def test_authored_text_may_use_diff():
    assert parse("diff(exp(a*x^n), x)", ["x"], params={"a": 3, "n": 2}, trusted=True) == (
        6 * x * sympy.exp(3 * x**2)
    )
    assert parse("diff(x^3*y, x, 2)", ["x", "y"], trusted=True) == 6 * x * y


def test_learner_text_may_not_use_diff():
    with pytest.raises(MathInputError, match="diff"):
        parse("diff(x^2, x)", ["x"])


@pytest.mark.parametrize(
    ("condition", "params", "truth"),
    [
        ("a == n", {"a": 2, "n": 2}, True),
        ("a == n", {"a": 2, "n": 3}, False),
        ("a*b == 0 or c < 2", {"a": 0, "b": 2, "c": 3}, True),
        ("a*b == 0 or c < 2", {"a": 1, "b": 2, "c": 3}, False),
        ("not a < 0.5 and a != 1", {"a": 0.7}, True),
        ("a >= 0.1", {"a": 0.1}, True),
        ('f == "exp"', {"f": "exp"}, True),
    ],
)
def test_conditions_compare_parameters_exactly(condition, params, truth):
    assert parse_condition(condition, params) is truth


def test_numbers_are_evaluated_exactly():
    value = evaluate_number(
        "(a*(x0+d)^2 + b*(x0+d) - a*x0^2 - b*x0)/d",
        {"a": 2, "b": -1, "x0": 0.5, "d": 0.1},
    )
    assert value == sympy.Rational(6, 5)
    assert abs(evaluate_number("sqrt(2)") - sympy.sqrt(2)) < 1e-25
    assert abs(evaluate_number("exp(-2) + pi/4") - (sympy.exp(-2) + sympy.pi / 4)) < 1e-28


@pytest.mark.parametrize("text", ["e^(e^(e^(e^99)))", "tan(10^100)", "log(-1)"])
def test_an_authored_number_beyond_computing_is_refused_at_once(text):
    with pytest.raises(MathInputError, match="is not a finite real number"):
        evaluate_number(text)


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        ("sinn(x)", "unknown function `sinn` — did you mean `sin`?", 1),
        ("2*sin(x+1", "unbalanced `(` at column 6", 6),
        ("y + 1", "`y` is not a variable in this question (use x)", 1),
        ("(x+1))", "unbalanced `)` at column 6", 6),
        ("x +", "the expression ends too early", 4),
        ("2 3", "two numbers in a row", 3),
        ("x = 2", "not an equation", 3),
        ("x!", "`!` at column 2: a factorial is of a whole number from 0 to 100", 2),
        ("(x+1)!", "such as 3!", 6),
        ("101!", "from 0 to 100", 4),
        ("log_1(8)", "a logarithm's base must be a positive number other than 1, not 1", 5),
        ("log0(x)", "a logarithm's base must be a positive number other than 1, not 0", 4),
        ("sin^-1(x)", "write asin(x) for the inverse function or 1/sin(x) for the reciprocal", 1),
        ("x + ln^-1(x)", "write exp(x) for the inverse function or 1/ln(x)", 5),
        ("sqrt^-1(x)", "`sqrt^-1` is ambiguous: write 1/sqrt(x) for the reciprocal", 1),
    ],
)
def test_errors_say_what_is_wrong_and_where(text, message, column):
    with pytest.raises(MathInputError) as caught:
        parse(text, ["x"])
    assert message in caught.value.message
    assert caught.value.column == column
    assert isinstance(caught.value, InvalidAnswer)


def test_a_long_run_of_letters_splits_into_known_names_however_long():
    assert parse("xy" * 300, VARIABLES) == x**300 * y**300
    # a parameter's name longer than any built-in one is still found inside a run
    assert parse("xspringconstantx", ["x"], params={"springconstant": 3}) == 3 * x**2
    with pytest.raises(MathInputError, match="too long"):
        parse("x" * 1999, VARIABLES)


def test_a_long_chain_is_one_flat_node_as_written():
    total = read("+".join(["x", "y", "z"] * 200), VARIABLES).literal
    assert type(total) is sympy.Add and len(total.args) == 600
    assert total.is_commutative
    assert sympy.simplify(total - 200 * (x + y + z)) == 0


def test_huge_numbers_are_refused_not_computed():
    # A power of an irrational number's power is a power of a number too: sqrt(2)^(2^50) is
    # 2^(2^49), and a product's factors are each raised (SymPy would compute them all).
    for text in ["9^9^9^9", "10^10^10", "(2^100)^100", "sqrt(2)^(sqrt(2)^100)",
                 "(2^(1/3))^(3*10^5)", "(7 sqrt(2) x)^(2^60)",
                 # a root of a number of thousands of digits (SymPy seeks its perfect powers)
                 "sqrt(10^1999+1)", "(7^2000+1)^(1/7)", "sqrt((10^1999+1) e)"]:  # fmt: skip
        with pytest.raises(MathInputError, match="too large"):
            parse(text, ["x"])


def test_preview_shows_the_answer_as_written():
    assert preview("sqrt(x)^2", ["x"]) == r"\left(\sqrt{x}\right)^{2}"
    assert preview("ln(x)/x", ["x"]) == r"\frac{\ln{\left(x \right)}}{x}"
    assert to_latex(parse("e^(2x)", ["x"])) == "e^{2 x}"


@pytest.mark.parametrize(
    ("latex", "expected"),
    [
        (r"\frac{1}{2}x^{2}", x**2 / 2),
        (r"\frac12", sympy.Rational(1, 2)),
        (r"\sqrt{x+1}", sympy.sqrt(x + 1)),
        (r"\sqrt[3]{x}", x ** sympy.Rational(1, 3)),
        (r"e^{-x^2}", sympy.exp(-(x**2))),
        (r"\sin\left(2x\right)\cdot\cos x", sympy.sin(2 * x) * sympy.cos(x)),
        (r"\ln\left|x\right|", sympy.log(sympy.Abs(x))),
        (r"x^23", 3 * x**2),
        (r"\sin^{2}x", sympy.sin(x) ** 2),
        (r"\left(x+1\right)^{2}", (x + 1) ** 2),
        (r"3\times y \div 2", 3 * y / 2),
        (r"\mathrm{e}^{x}", sympy.exp(x)),
        (r"\exponentialE^{x}", sympy.exp(x)),
        (r"\operatorname{sech}^2 x", sympy.sech(x) ** 2),
        (r"\pi\,x", sympy.pi * x),
        (r"\log_{2} x", sympy.log(x) / sympy.log(2)),
        (r"1+x+\frac{x^{2}}{2!}", 1 + x + x**2 / 2),
        (r"\log_{10}\left(100\right)", sympy.log(100) / sympy.log(10)),
        (r"\operatorname{sgn}(x)", sympy.sign(x)),
        (r"\left\lbrack x+1\right\rbrack^{2}\cdotp y", (x + 1) ** 2 * y),
    ],
)
def test_latex_from_a_math_keyboard_goes_through_the_same_allow_list(latex, expected):
    from grader.mathinput import read

    assert read(latex, VARIABLES, latex=True).value == expected


def test_latex_greek_and_subscripts_are_variables():
    from grader.mathinput import read

    value = read(r"\alpha x_{1} + \sigma", ["alpha", "x_1", "sigma"], latex=True).value
    assert str(value) == "alpha*x_1 + sigma"
    value = read(r"\theta_{0} + \theta_1 x", ["theta_0", "theta_1", "x"], latex=True).value
    assert str(value) == "theta_0 + theta_1*x"


def test_unsupported_latex_is_rejected_with_its_column():
    with pytest.raises(MathInputError) as caught:
        preview(r"x + \int x", ["x"], latex_input=True)
    assert caught.value.message == r"the LaTeX command `\int` is not supported at column 5"
    assert caught.value.column == 5


def test_preview_of_latex_input_is_the_parsers_canonical_latex():
    assert preview(r"\frac{x}{2}", ["x"], latex_input=True) == r"\frac{x}{2}"


def test_authored_text_has_calculus_operators():
    r = sympy.Symbol("r", real=True)
    polar = "jacobian([r*cos(theta), r*sin(theta)], [r, theta])"
    assert sympy.simplify(parse(f"det({polar})", ["r", "theta"], trusted=True)) == r
    assert parse("gradient(x^2*y, [x, y])", VARIABLES, trusted=True) == sympy.Matrix(
        [2 * x * y, x**2]
    )
    assert parse("hessian(x^2*y, [x, y])", VARIABLES, trusted=True) == sympy.Matrix(
        [[2 * y, 2 * x], [2 * x, 0]]
    )
    assert parse("transpose(gradient(x*y, [x, y]))", VARIABLES, trusted=True).shape == (1, 2)
    assert parse("taylor(exp(x), x, 0, 3)", VARIABLES, trusted=True) == (
        1 + x + x**2 / 2 + x**3 / 6
    )
    assert parse("subs(x^2 + y, x, 3)", VARIABLES, trusted=True) == 9 + y
    assert parse("[[1, x], [y, 1]]", VARIABLES, trusted=True) == sympy.Matrix([[1, x], [y, 1]])


def test_a_matrix_cannot_be_combined_with_arithmetic():
    with pytest.raises(MathInputError, match="cannot be combined"):
        parse("2*gradient(x*y, [x, y])", VARIABLES, trusted=True)


PIECES = [*"xy0123456789.+-*/^()|, eE_{}[]", "sin", "log", "sqrt", "pi", "**", "x_1", "²", "√"]
LATEX_PIECES = [*PIECES, r"\frac", r"\sqrt", r"\left(", r"\right)", r"\cdot", "^{", "}"]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.data())
def test_any_text_is_read_or_refused_with_a_message_never_a_crash(data):
    from grader.mathinput import read

    latex = data.draw(st.booleans())
    pieces = data.draw(st.lists(st.sampled_from(LATEX_PIECES if latex else PIECES), max_size=25))
    try:
        read("".join(pieces), ["x", "y", "x_1"], latex=latex).value  # noqa: B018
    except MathInputError as error:
        assert error.message


def test_an_answer_may_name_its_quantity_first():
    from grader.mathinput import MathInputError, read

    assert str(read("y = 2*x + 1", ["x"]).literal) == str(read("2*x + 1", ["x"]).literal)
    assert str(read("f'(x) = 3*x^2", ["x"]).literal) == str(read("3*x^2", ["x"]).literal)
    with pytest.raises(MathInputError) as located:
        read("y = 2*z", ["x"])
    assert located.value.column == 7  # counted in the text as typed
    with pytest.raises(MathInputError):
        read("x = 2", ["x"])  # an equation in the variable, not a named value
    with pytest.raises(MathInputError):
        read("y = x = 2", ["x"])
