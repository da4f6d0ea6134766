"""Tokens of calculator-style math text, with the 1-based column each one starts at."""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from grader.mathinput.errors import MathInputError
from grader.mathinput.vocabulary import GREEK_LETTERS
from grader.results import literal


class Token(NamedTuple):
    """kind: num, name, op, (, ), |, ",", str or end; text: what it stands for."""

    kind: str
    text: str
    column: int


# One pattern for every ASCII token; the order of the alternatives settles `**` before `*`.
_ASCII_TOKEN = re.compile(
    r"""(?P<space>[ \t\r\n]+)
    |(?P<num>(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)
    |(?P<name>[A-Za-z][A-Za-z0-9]*(?:_(?:\{[A-Za-z0-9]+\}|[A-Za-z0-9]+))?)
    |(?P<op>\*\*|==|!=|<=|>=|[-+*/^<>=!])
    |(?P<punct>[()\[\]{}|,])""",
    re.VERBOSE | re.ASCII,
)
_STRING = re.compile(r"\"[^\"\\]{0,200}\"|'[^'\\]{0,200}'")
_PUNCTUATION = {"(": "(", ")": ")", "[": "[", "]": "]", "{": "(", "}": ")", "|": "|", ",": ","}
_WIDE_SPACES = "\u00a0\u2009\u202f"

# Unicode forms learners paste, as the tokens they stand for.
_UNICODE = {
    "×": [("op", "*")], "·": [("op", "*")], "⋅": [("op", "*")], "∗": [("op", "*")],
    "•": [("op", "*")], "−": [("op", "-")], "–": [("op", "-")], "—": [("op", "-")],
    "÷": [("op", "/")], "⁄": [("op", "/")], "∙": [("op", "*")], "∕": [("op", "/")], "√": [("name", "sqrt")], "π": [("name", "pi")],
    "ℯ": [("name", "e")], "≤": [("op", "<=")], "≥": [("op", ">=")], "≠": [("op", "!=")],
}  # fmt: skip
_SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+", strict=True))
_SUBSCRIPTS = dict(zip("₀₁₂₃₄₅₆₇₈₉", "0123456789", strict=True))
_SCIENTIFIC = re.compile(r"([0-9.]+)e([+-]?)([0-9]+)")


def normalise(text: str) -> tuple[str, list[int]]:
    """`text` in the forms the tokenizer reads, with the 1-based column each character came from.

    Compatibility forms become what they stand for (NFKC, one character at a time so columns stay
    true): full-width `＋` and `（`, mathematical letters such as 𝑥, the micro sign µ. Superscripts
    are kept for the tokenizer (they are exponents, not digits); subscript digits become `_1`.
    """
    out: list[str] = []
    columns: list[int] = []
    for index, char in enumerate(text):
        if char.isascii() or char in _SUPERSCRIPTS or char in _UNICODE:
            pieces = char
        elif char in _SUBSCRIPTS:
            subscript = index > 0 and text[index - 1] in _SUBSCRIPTS
            pieces = ("" if subscript else "_") + _SUBSCRIPTS[char]
        else:
            pieces = unicodedata.normalize("NFKC", char)
        out.append(pieces)
        columns.extend([index + 1] * len(pieces))
    return "".join(out), columns


def normalised_text(text: str) -> str:
    """The text as the tokenizer reads it (shown by the preview when it differs from the input)."""
    return normalise(text)[0]


def tokenize(text: str, *, conditions: bool = False, euler: bool = False) -> list[Token]:
    """Split `text` into tokens; raise MathInputError at the first character that cannot start one.

    With `euler` (the question's answers use Euler's number e), `4e+2` is ambiguous (4e + 2 or
    4·10²) and refused; a capital `E` is never Euler's number, so `4E+2` stays scientific.
    """
    original_end = len(text)
    if not text.isascii():
        text, columns = normalise(text)
        columns.append(original_end + 1)
    else:
        columns = None
    tokens: list[Token] = []
    append = tokens.append
    position, end = 0, len(text)
    match_token = _ASCII_TOKEN.match
    while position < end:
        match = match_token(text, position)
        column = position + 1 if columns is None else columns[position]
        if match is not None:
            kind, value = match.lastgroup, match.group()
            position = match.end()
            if kind == "name":
                append(Token("name", value.replace("{", "").replace("}", ""), column))
            elif kind == "op":
                append(Token("op", "^" if value == "**" else value, column))
            elif kind == "punct":
                append(Token(_PUNCTUATION[value], value, column))
            elif kind == "num":
                if euler and "e" in value:
                    raise _ambiguous_e(value, column)
                append(Token("num", value, column))
            continue
        char = text[position]
        if char == ".":
            raise MathInputError(f"a lone `.` at column {column}", column)
        if conditions and char in "\"'":
            string = _STRING.match(text, position)
            if string is None:
                raise MathInputError(f"unclosed quote at column {column}", column)
            append(Token("str", string.group()[1:-1], column))
            position = string.end()
        elif char in _WIDE_SPACES:
            position += 1
        elif char in _UNICODE:
            tokens.extend(Token(kind, value, column) for kind, value in _UNICODE[char])
            position += 1
        elif char in GREEK_LETTERS:
            append(Token("name", GREEK_LETTERS[char], column))
            position += 1
        elif char in _SUPERSCRIPTS:
            position = _read_superscript(text, position, tokens, column)
        else:
            raise MathInputError(
                f"the character {literal(_shown(char))} at column {column} is not allowed", column
            )
    tokens.append(Token("end", "", original_end + 1))
    return tokens


def _ambiguous_e(value: str, column: int) -> MathInputError:
    """The refusal of `4e+2` where e is Euler's number, with both unambiguous spellings."""
    match = _SCIENTIFIC.fullmatch(value)
    assert match is not None, "called only on scientific notation"
    mantissa, sign, digits = match.groups()
    as_euler = f"{mantissa}*e {sign} {digits}" if sign else f"{mantissa}*e*{digits}"
    as_power = f"{mantissa}*10^{'(-' + digits + ')' if sign == '-' else digits}"
    return MathInputError(
        f"{literal(value)} at column {column} is ambiguous here, where e is Euler's number: "
        f"write {literal(as_euler)} or {literal(as_power)}",
        column,
    )


def _read_superscript(text: str, position: int, tokens: list[Token], column: int) -> int:
    """`x²` and `x⁻¹` as `^` followed by the exponent (in parentheses when it has a sign)."""
    start = position
    while position < len(text) and text[position] in _SUPERSCRIPTS:
        position += 1
    exponent = "".join(_SUPERSCRIPTS[char] for char in text[start:position])
    sign, digits = (exponent[0], exponent[1:]) if exponent[0] in "+-" else ("", exponent)
    if not digits.isdigit():
        raise MathInputError(f"the superscript at column {column} is not a number", column)
    tokens.append(Token("op", "^", column))
    if sign:
        tokens.extend([Token("(", "(", column), Token("op", sign, column)])
    tokens.append(Token("num", digits, column))
    if sign:
        tokens.append(Token(")", ")", column))
    return position


def _shown(char: str) -> str:
    """A character as a message can show it: invisible and control characters by code point."""
    if char.isprintable() and not char.isspace():
        return char
    return f"U+{ord(char):04X}"
