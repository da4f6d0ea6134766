"""LaTeX of expressions as a mathematician writes them, for previews, answer histories and staff.

A learner's reading (the literal tree, before SymPy evaluates it) prints in the order it was
written: `x - mu` stays `x - \\mu`, `-(x-mu)^2` is `-\\left(x - \\mu\\right)^{2}`, `1/x` is `\\frac{1}{x}`.
Signs fold into subtraction, unit factors are dropped, division is a fraction, square roots are
`\\sqrt`, and a product is juxtaposition except `\\cdot` before a number (`2 \\cdot 3`, `x \\cdot 2`).
An evaluated tree (an expected answer, a substituted value) prints in SymPy's order of terms, with
negative powers and rational coefficients as fractions.
"""

from __future__ import annotations

import math
from typing import Any

import sympy
from sympy import Add, Mul, Pow, S
from sympy.printing.latex import LatexPrinter
from sympy.printing.str import StrPrinter

MARK_OPEN = r"\underline{\textcolor{#b91c1c}{"
MARK_CLOSE = "}}"
_SETTINGS = {"ln_notation": True, "inv_trig_style": "full"}


def _bare(text: str) -> str:
    """`text` without a highlight around the whole of it (to decide brackets and separators)."""
    if not text.startswith(MARK_OPEN):
        return text
    depth = 0
    for index, char in enumerate(text):
        depth += (char == "{") - (char == "}")
        if depth == 0 and char == "}":
            return text[len(MARK_OPEN) : -len(MARK_CLOSE)] if index == len(text) - 1 else text
    return text


def _parenthesised(text: str) -> str:
    """`text` in brackets; a highlighted part keeps its brackets inside the highlight."""
    inner = _bare(text)
    if inner is not text:
        return MARK_OPEN + _parenthesised(inner) + MARK_CLOSE
    return rf"\left({text}\right)"


# SymPy ships no types: its printers are Any, and what they print is sympy.Basic (Any too).
Marked = tuple[sympy.Symbol, sympy.Basic]


LONGEST_WHOLE_NUMBER = 1000  # digits written out; a longer number is shown as m.mmmmmm·10^n
_LATEX_TIMES_TEN = r"{} \cdot 10^{{{}}}"


def whole_number(n: int, form: str = "({}*10^{})") -> str:
    """A whole number's digits; one of more than LONGEST_WHOLE_NUMBER digits (Python writes out
    at most 4,300, and nobody reads a thousand) as its first seven digits and a power of ten,
    in `form`."""
    magnitude = abs(n)
    if magnitude.bit_length() <= LONGEST_WHOLE_NUMBER * math.log2(10):
        return str(n)
    power = int(magnitude.bit_length() * math.log10(2)) - 17
    leading = str(magnitude // 10**power)  # 17 or 18 digits
    mantissa = f"{'-' if n < 0 else ''}{leading[0]}.{leading[1:7]}".rstrip("0").rstrip(".")
    return form.format(mantissa, power + len(leading) - 1)


class ReadingPrinter(LatexPrinter):  # type: ignore[misc]  # SymPy's printer is untyped
    """SymPy's LaTeX printer with sums, products, fractions and powers written as by hand.

    `as_written`: keep the order of terms and factors (a literal tree); else SymPy's order.
    `marked`: (placeholder symbol, part): the placeholder prints as the part, highlighted.
    """

    def __init__(self, as_written: bool = True, marked: Marked | None = None):
        super().__init__({**_SETTINGS, "order": "none" if as_written else None})
        self.as_written = as_written
        self.marks: dict[sympy.Symbol, sympy.Basic] = dict([marked]) if marked else {}

    # -- the highlighted part -----------------------------------------------------------------

    def _node(self, expr: sympy.Basic) -> sympy.Basic:
        """What `expr` stands for: the highlighted part in place of its placeholder."""
        if self.marks and isinstance(expr, sympy.Symbol):
            return self.marks.get(expr, expr)
        return expr

    def _print_Symbol(self, expr: sympy.Symbol, style: str = "plain") -> str:
        part = self._node(expr)
        if part is not expr:
            marked: str = self._print(part)
            return MARK_OPEN + marked + MARK_CLOSE
        text: str = super()._print_Symbol(expr, style)
        return text

    def _magnitude(self, expr: sympy.Basic) -> list[sympy.Basic] | None:
        """The factors of a term that prints with a leading minus, without the minus; else None.

        A highlighted negative part gives its magnitude, still highlighted: x - [2x], not x + [-2x].
        """
        part = self._node(expr)
        if part is not expr:
            inner = self._magnitude(part)
            if inner is None:
                return None
            stand_in = sympy.Dummy()
            self.marks[stand_in] = Mul(*inner, evaluate=False) if inner else S.One
            return [stand_in]
        if expr.is_Number:
            return [-expr] if expr.is_extended_negative else None
        if isinstance(expr, Mul) and expr.args:
            first = self._magnitude(expr.args[0])
            if first is None:
                return None
            if first == [S.One]:
                first = []
            return [*first, *expr.args[1:]]
        return None

    # -- numbers ------------------------------------------------------------------------------

    def _print_Rational(self, expr: sympy.Rational) -> str:
        if expr.q == 1:
            return whole_number(expr.p, _LATEX_TIMES_TEN)
        sign = "-" if expr.p < 0 else ""
        numerator, denominator = (whole_number(n, _LATEX_TIMES_TEN) for n in (abs(expr.p), expr.q))
        return rf"{sign}\frac{{{numerator}}}{{{denominator}}}"

    # -- sums ---------------------------------------------------------------------------------

    def _print_Add(self, expr: sympy.Add, order: str | None = None) -> str:
        pieces = []
        for index, term in enumerate(self._terms(expr)):
            magnitude = self._magnitude(term) if index else None
            if magnitude is None:
                pieces.append((" + " if index else "") + self._print(term))
            else:
                pieces.append(" - " + self._print_factors(magnitude, after_sign=True))
        return "".join(pieces)

    def _terms(self, expr: sympy.Add) -> list[sympy.Basic]:
        """The terms in the order they print; a sum inside a sum prints as its terms."""
        terms = []
        for term in expr.args:
            terms.extend(self._terms(term) if isinstance(term, Add) else [term])
        if self.as_written:
            return terms
        resolved = [term.xreplace(self.marks) if self.marks else term for term in terms]
        ordered = Add(*resolved, evaluate=False).as_ordered_terms()
        remaining = list(range(len(terms)))
        result = []
        for term in ordered:
            index = next((i for i in remaining if resolved[i] == term), None)
            if index is None:  # SymPy rewrote a term: keep the tree's order
                return terms
            remaining.remove(index)
            result.append(terms[index])
        negative = [self._magnitude(term) is not None for term in result]
        if negative == [True, False]:
            result.reverse()  # a difference is written minuend first: x - mu, not -mu + x
        return result

    # -- products -----------------------------------------------------------------------------

    def _print_Mul(self, expr: sympy.Mul) -> str:
        return self._print_factors(list(expr.args))

    def _denominator(self, factor: sympy.Basic) -> sympy.Basic | None:
        """The denominator a factor divides by (x for x^-1), or None for a factor that multiplies."""
        if not (
            isinstance(factor, Pow) and factor.exp.is_Number and factor.exp.is_extended_negative
        ):
            return None
        if factor.exp == -1:
            return factor.base
        if self.as_written:
            return None  # x^-2 as written
        return Pow(factor.base, -factor.exp, evaluate=False)

    def _print_factors(self, factors: list[sympy.Basic], after_sign: bool = False) -> str:
        """A product: a leading minus, fractions where factors divide, the rest side by side."""
        if factors and not after_sign:
            magnitude = self._magnitude(factors[0])
            if magnitude is not None:
                rest = [*magnitude, *factors[1:]]
                return "-" + self._print_factors(rest, after_sign=True)
        items: list[tuple[Any, str]] = []  # (the factor, or None for a fraction; its LaTeX)
        for numerators, denominators in self._fraction_groups(factors):
            if not denominators:
                items.extend((factor, self._print(factor)) for factor in numerators)
                continue
            top = self._print_factors(numerators) if numerators else "1"
            bottom = self._print_factors(denominators)
            items.append((None, rf"\frac{{{top}}}{{{bottom}}}"))
        return self._juxtaposed(items, after_sign)

    def _fraction_groups(
        self, factors: list[sympy.Basic]
    ) -> list[tuple[list[sympy.Basic], list[sympy.Basic]]]:
        """Factors as (numerators, denominators) groups: in written order, a/b c is (a/b) c; an
        evaluated product is one fraction with its rational coefficient split over the bar."""
        groups: list[tuple[list[sympy.Basic], list[sympy.Basic]]] = []
        for factor in factors:
            below = self._denominator(factor)
            if below is not None:
                if not groups:
                    groups.append(([], []))
                groups[-1][1].append(below)
            elif groups and (groups[-1][1] and self.as_written):
                groups.append(([factor], []))
            elif groups:
                groups[-1][0].append(factor)
            else:
                groups.append(([factor], []))
        result = []
        for numerators, denominators in groups:
            if (
                not self.as_written
                and numerators
                and numerators[0].is_Rational
                and len(factors) > 1
            ):
                coefficient, *others = numerators
                if coefficient.q != 1:
                    denominators = [sympy.Integer(coefficient.q), *denominators]
                    numerators = [sympy.Integer(coefficient.p), *others]
            kept = [factor for factor in numerators if factor is not S.One]
            result.append((kept or ([] if denominators else numerators[:1]), denominators))
        return result

    def _juxtaposed(self, items: list[tuple[Any, str]], after_sign: bool) -> str:
        several = len(items) > 1 or after_sign
        texts: list[str] = []
        for index, (factor, text) in enumerate(items):
            if factor is not None and (
                (several and isinstance(self._node(factor), Add))
                or ((index or after_sign) and self._magnitude(factor) is not None)
            ):
                text = _parenthesised(text)
            if texts:
                texts.append(r" \cdot " if _needs_dot(texts[-1], text) else " ")
            texts.append(text)
        return "".join(texts)

    # -- powers -------------------------------------------------------------------------------

    def _print_Pow(self, expr: sympy.Pow) -> str:
        base, exponent = expr.args
        if not self.as_written and self._denominator(expr) is not None:
            return self._print_factors([expr])
        if exponent == S.Half:
            return rf"\sqrt{{{self._print(base)}}}"
        if exponent.is_Rational and exponent.p == 1 and exponent.q > 2:
            return rf"\sqrt[{exponent.q}]{{{self._print(base)}}}"
        shown = self._print(exponent)
        if isinstance(base, sympy.Function) and exponent.is_Integer and exponent > 0:
            raised: str = self._print(base, exp=shown)  # sin^2(x), |x|^2
            return raised
        text = self._print(base)
        if self._base_needs_brackets(self._node(base)):
            text = _parenthesised(text)
        return f"{text}^{{{shown}}}"

    @staticmethod
    def _base_needs_brackets(base: sympy.Basic) -> bool:
        if base.is_Symbol or base.is_NumberSymbol or isinstance(base, sympy.Abs):
            return False
        if base.is_Integer or base.is_Float:
            return bool(base.is_extended_negative)
        return True


def _needs_dot(before: str, after: str) -> bool:
    """`\\cdot` between two numbers (2 \\cdot 3, 2 \\cdot \\frac{1}{3}), never a mixed number."""
    before, after = _bare(before), _bare(after)
    return after[:1].isdigit() or (after.startswith(r"\frac") and before[-1:].isdigit())


def to_latex(expr: sympy.Basic, *, as_written: bool = True, marked: Marked | None = None) -> str:
    """The LaTeX of `expr`: a literal reading as written (`as_written`), an evaluated one in SymPy's
    order; `marked` = (placeholder, part) prints the part in the placeholder's place, highlighted."""
    printer = ReadingPrinter(as_written, marked)  # a printer per call: it keeps state
    latex: str = printer.doprint(expr)
    return latex


class TextPrinter(StrPrinter):  # type: ignore[misc]  # SymPy's printer is untyped
    """SymPy's text form with the spellings a learner types: `^`, `e`, `abs`, `max`."""

    def _print_Integer(self, expr: sympy.Integer) -> str:
        return whole_number(expr.p)

    def _print_Rational(self, expr: sympy.Rational) -> str:
        return f"{whole_number(expr.p)}/{whole_number(expr.q)}"

    def _print_Pow(self, expr: sympy.Pow, rational: bool = False) -> str:
        text: str = super()._print_Pow(expr, rational)
        return text.replace("**", "^")

    def _print_Exp1(self, expr: Any) -> str:
        return "e"

    def _print_Abs(self, expr: sympy.Abs) -> str:
        return f"abs({self._print(expr.args[0])})"

    def _print_Max(self, expr: sympy.Max) -> str:
        return f"max({', '.join(self._print(arg) for arg in expr.args)})"

    def _print_Min(self, expr: sympy.Min) -> str:
        return f"min({', '.join(self._print(arg) for arg in expr.args)})"


def to_text(expr: sympy.Basic) -> str:
    """An expression as a learner would type it, for messages ("you have 2*x")."""
    text: str = TextPrinter().doprint(expr)
    return text.replace("**", "^")


class LearnerPrinter(StrPrinter):  # type: ignore[misc]  # SymPy's printer is untyped
    """SymPy's text form with the spellings a learner types: `e`, not `E`; `abs`, not `Abs`."""

    def _print_Exp1(self, expr: Any) -> str:
        return "e"

    def _print_Abs(self, expr: Any) -> str:
        return f"abs({self._print(expr.args[0])})"

    def _print_Rational(self, expr: Any) -> str:
        # A learner types a long exact fraction as a decimal (the parser takes 20 digits a number).
        if max(abs(expr.p), expr.q) >= 10**15:
            return unambiguous_decimal(float(expr))
        text: str = super()._print_Rational(expr)
        return text

    def _print_Float(self, expr: Any) -> str:
        return unambiguous_decimal(float(expr))


def unambiguous_decimal(value: float) -> str:
    """A float as a learner types it where `e` is Euler's number, in the fewest digits that are
    exactly that float: (1.5*10^(-165)), never 1.5e-165."""
    text = repr(value)
    mantissa, _, exponent = text.partition("e")
    if not exponent:
        return text
    return f"({mantissa}*10^({int(exponent)}))"


def as_text(value: Any) -> str:
    """A SymPy value as learner text that the parser reads back (it accepts `**`)."""
    text: str = LearnerPrinter().doprint(value)
    return text
