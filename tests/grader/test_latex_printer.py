"""The preview's LaTeX: a reading printed as a mathematician writes it, and read back the same."""

from __future__ import annotations

import random

import pytest
import sympy

from grader.equivalence import check_equivalent
from grader.mathinput import preview, read, to_latex

VARIABLES = ["x", "y", "t", "mu", "sigma", "theta", "x_1", "x_2", "w_12"]

# typed input -> the LaTeX the preview shows
WRITTEN = [
    # signs
    ("x - y", r"x - y"),
    ("-x", r"-x"),
    ("-x + y", r"-x + y"),
    ("x - 2y", r"x - 2 y"),
    ("x + -y", r"x - y"),
    ("x - -y", r"x - \left(-y\right)"),
    ("x - (y + 1)", r"x - \left(y + 1\right)"),
    ("-(x - mu)^2", r"-\left(x - \mu\right)^{2}"),
    ("-x*y", r"-x y"),
    ("x*(-y)", r"x \left(-y\right)"),
    ("2 - 3", r"2 - 3"),
    ("-(-x)", r"-\left(-x\right)"),
    # fractions
    ("1/x", r"\frac{1}{x}"),
    ("-1/x", r"-\frac{1}{x}"),
    ("-x/y", r"-\frac{x}{y}"),
    ("1/2", r"\frac{1}{2}"),
    ("1/2x", r"\frac{1}{2} x"),
    ("x/2y", r"\frac{x}{2} y"),
    ("3/(4x)", r"\frac{3}{4 x}"),
    ("(x+1)/(x-1)", r"\frac{x + 1}{x - 1}"),
    ("1/(sigma*sqrt(2pi))", r"\frac{1}{\sigma \sqrt{2 \pi}}"),
    ("2x cos(x^2)/(1+x)", r"\frac{2 x \cos{\left(x^{2} \right)}}{1 + x}"),
    # nested fractions
    ("1/(1 + 1/x)", r"\frac{1}{1 + \frac{1}{x}}"),
    ("x/(y/t)", r"\frac{x}{\frac{y}{t}}"),
    ("(x/y)/(t/2)", r"\frac{x}{y \frac{t}{2}}"),  # division left to right: x / y / (t/2)
    # unit coefficients and products of numbers
    ("1*x", r"x"),
    ("x*1*y", r"x y"),
    ("2*3", r"2 \cdot 3"),
    ("x*y*3", r"x y \cdot 3"),
    ("2*(1/3)", r"2 \cdot \frac{1}{3}"),
    ("(x+1)(x-1)", r"\left(x + 1\right) \left(x - 1\right)"),
    # powers of negatives and powers
    ("(-2)^2", r"\left(-2\right)^{2}"),
    ("-2^2", r"-2^{2}"),
    ("(-x)^2", r"\left(-x\right)^{2}"),
    ("x^-2", r"x^{-2}"),
    ("x^(y+1)", r"x^{y + 1}"),
    ("(x^2)^3", r"\left(x^{2}\right)^{3}"),
    ("(1/2)^x", r"\left(\frac{1}{2}\right)^{x}"),
    ("2^(-x)", r"2^{-x}"),
    # functions
    ("sin(x)^2", r"\sin^{2}{\left(x \right)}"),
    ("sin(-x)", r"\sin{\left(-x \right)}"),
    ("ln(x)/x", r"\frac{\ln{\left(x \right)}}{x}"),
    ("arctan(x - 1)", r"\arctan{\left(x - 1 \right)}"),
    ("cosh(2t)", r"\cosh{\left(2 t \right)}"),
    # Greek letters and subscripts
    ("theta^2 + sigma", r"\theta^{2} + \sigma"),
    ("x_1 - x_2", r"x_{1} - x_{2}"),
    ("w_12 x_1", r"w_{12} x_{1}"),
    # e and exp
    ("e^x", r"e^{x}"),
    ("exp(-x^2/2)", r"e^{-\frac{x^{2}}{2}}"),
    ("e", r"e"),
    ("2e^(-t)", r"2 e^{-t}"),
    # roots
    ("sqrt(x)", r"\sqrt{x}"),
    ("sqrt(x)^2", r"\left(\sqrt{x}\right)^{2}"),
    ("1/sqrt(x+1)", r"\frac{1}{\sqrt{x + 1}}"),
    ("x^(1/3)", r"\sqrt[3]{x}"),
    # absolute values
    ("abs(x - 1)", r"\left|{x - 1}\right|"),
    ("|x|^2", r"\left|{x}\right|^{2}"),
    ("-|x|", r"-\left|{x}\right|"),
    # the normal density, as in the course
    (
        "1/(sigma sqrt(2pi)) e^(-(x-mu)^2/(2sigma^2))",
        r"\frac{1}{\sigma \sqrt{2 \pi}} e^{-\frac{\left(x - \mu\right)^{2}}{2 \sigma^{2}}}",
    ),
]


@pytest.mark.parametrize(("typed", "latex"), WRITTEN)
def test_the_preview_prints_the_reading_as_written(typed, latex):
    assert preview(typed, VARIABLES) == latex


@pytest.mark.parametrize(
    ("value", "latex"),
    [
        ("(x - mu)^2", r"\left(x - \mu\right)^{2}"),  # not -mu + x
        ("x/2", r"\frac{x}{2}"),
        ("-x/2", r"-\frac{x}{2}"),
        ("3x/(2y)", r"\frac{3 x}{2 y}"),
        ("1/x^2", r"\frac{1}{x^{2}}"),
        ("3 - 2x^2", r"3 - 2 x^{2}"),
        ("e^(-x)/2", r"\frac{e^{-x}}{2}"),
    ],
)
def test_an_evaluated_expression_prints_in_sympys_order_with_fractions(value, latex):
    assert to_latex(read(value, VARIABLES).value, as_written=False) == latex


def test_a_matrixs_entries_are_printed_by_the_same_rules():
    x, mu = sympy.symbols("x mu", real=True)
    matrix = sympy.Matrix([[1 / x, -x], [x - mu, sympy.Rational(-1, 2)]])
    assert to_latex(matrix, as_written=False) == (
        r"\left[\begin{matrix}\frac{1}{x} & -x\\x - \mu & -\frac{1}{2}\end{matrix}\right]"
    )


def test_a_highlighted_part_is_printed_in_place_with_its_sign_outside():
    x, marker = sympy.Symbol("x"), sympy.Symbol("HIGHLIGHTED")
    shown = sympy.Add(x**2, marker)
    assert to_latex(shown, as_written=False, marked=(marker, -2 * x)) == (
        r"x^{2} - \underline{\textcolor{#b91c1c}{2 x}}"
    )
    power = sympy.Pow(marker, 3, evaluate=False)
    assert to_latex(power, as_written=False, marked=(marker, x + 1)) == (
        r"\underline{\textcolor{#b91c1c}{\left(x + 1\right)}}^{3}"
    )


def _random_expression(rng: random.Random, depth: int) -> str:
    """A random calculator expression: sums, products, quotients, powers, functions, signs."""
    if depth == 0:
        return rng.choice(["x", "y", "t", "mu", "x_1", "2", "3", "1", "pi", "e", "1/2"])
    a, b = _random_expression(rng, depth - 1), _random_expression(rng, depth - 1)
    return rng.choice(
        [
            f"{a} + {b}",
            f"{a} - {b}",
            f"{a}*{b}",
            f"({a})/({b})",
            f"-({a})",
            f"({a})^2",
            f"({a})^(-1)",
            f"sin({a})",
            f"exp({a})",
            f"sqrt({a})",
            f"abs({a})",
            f"({a})({b})",
            f"-{a}*{b}",
            f"{a}/{b}",
        ]
    )


@pytest.mark.parametrize("seed", range(60))
def test_the_printed_latex_reads_back_as_the_same_expression(seed):
    rng = random.Random(seed)
    typed = _random_expression(rng, rng.randint(1, 3))
    variables = ["x", "y", "t", "mu", "x_1"]
    latex = preview(typed, variables)
    again = read(latex, variables, latex=True)
    verdict = check_equivalent(again, read(typed, variables), variables, budget_s=2.0)
    assert verdict.equivalent, (typed, latex)


@pytest.mark.parametrize(("typed", "latex"), WRITTEN)
def test_each_table_entry_reads_back_as_what_was_typed(typed, latex):
    again = read(latex, VARIABLES, latex=True)
    verdict = check_equivalent(again, read(typed, VARIABLES), VARIABLES, budget_s=2.0)
    assert verdict.equivalent, latex


def test_a_number_of_more_than_a_thousand_digits_is_shown_as_a_power_of_ten():
    """Python writes out at most 4,300 digits; nobody reads a thousand."""
    from grader.mathinput.printing import to_text

    huge = sympy.Integer(7) * sympy.Integer(10) ** 5000 + 123
    assert to_latex(huge) == r"7 \cdot 10^{5000}"
    assert to_latex(sympy.Rational(3, huge)) == r"\frac{3}{7 \cdot 10^{5000}}"
    assert to_text(-huge * sympy.Symbol("x")) == "-(7*10^5000)*x"
    assert to_latex(sympy.Integer(10) ** 999) == "1" + "0" * 999  # a thousand digits, written out
