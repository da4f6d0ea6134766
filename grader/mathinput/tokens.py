"""Tokens of calculator-style math text, with the 1-based column each one starts at."""

from __future__ import annotations

import re
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
    |(?P<op>\*\*|==|!=|<=|>=|[-+*/^<>=])
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
    "（": [("(", "(")], "）": [(")", ")")],
}  # fmt: skip
_SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+", strict=True))


def tokenize(text: str, *, conditions: bool = False) -> list[Token]:
    """Split `text` into tokens; raise MathInputError at the first character that cannot start one."""
    tokens: list[Token] = []
    append = tokens.append
    position, end = 0, len(text)
    match_token = _ASCII_TOKEN.match
    while position < end:
        match = match_token(text, position)
        column = position + 1
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
            position = _read_superscript(text, position, tokens)
        else:
            raise MathInputError(
                f"the character {literal(_shown(char))} at column {column} is not allowed", column
            )
    tokens.append(Token("end", "", end + 1))
    return tokens


def _read_superscript(text: str, position: int, tokens: list[Token]) -> int:
    """`x²` and `x⁻¹` as `^` followed by the exponent (in parentheses when it has a sign)."""
    start = position
    while position < len(text) and text[position] in _SUPERSCRIPTS:
        position += 1
    exponent = "".join(_SUPERSCRIPTS[char] for char in text[start:position])
    column = start + 1
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
