"""The LaTeX subset a math keyboard (MathLive) produces, turned into the parser's tokens.

Only the commands listed here are read; any other command is rejected with its column, so LaTeX
input goes through the same allow-list as calculator text.
"""

from __future__ import annotations

import re

from grader.mathinput.errors import MathInputError
from grader.mathinput.limits import MAX_DEPTH
from grader.mathinput.tokens import Token
from grader.mathinput.vocabulary import GREEK
from grader.results import literal

_FUNCTION_COMMANDS = {
    "sin", "cos", "tan", "sec", "csc", "cot", "arcsin", "arccos", "arctan", "sinh", "cosh",
    "tanh", "coth", "exp", "ln", "log",
}  # fmt: skip
_OPERATOR_COMMANDS = {"cdot": "*", "cdotp": "*", "times": "*", "ast": "*", "div": "/"}
_BRACKETS = {"lbrack": "(", "rbrack": ")", "lparen": "(", "rparen": ")"}
_SPACE_COMMANDS = {",", ";", ":", "!", " ", "quad", "qquad", "thinspace", "medspace"}
_BARS = {"vert", "lvert", "rvert", "mid"}
_TEXT_COMMANDS = {"mathrm", "operatorname", "text", "mathit"}
_FRACTIONS = {"frac", "dfrac", "tfrac"}
_NUMBER = re.compile(r"[0-9]+\.?[0-9]*|\.[0-9]+", re.ASCII)


class _Reader:
    def __init__(self, text: str):
        self.text = text
        self.position = 0
        self.tokens: list[Token] = []
        self.depth = 0

    def fail(self, message: str, position: int) -> MathInputError:
        return MathInputError(f"{message} at column {position + 1}", position + 1)

    def emit(self, kind: str, value: str, position: int) -> None:
        self.tokens.append(Token(kind, value, position + 1))

    def command(self) -> tuple[str, int]:
        """The name of the command at a backslash, e.g. `frac` or `,`."""
        start = self.position
        self.position += 1
        end = self.position
        while end < len(self.text) and self.text[end].isalpha():
            end += 1
        if end == self.position:
            end = min(end + 1, len(self.text))
        name = self.text[self.position : end]
        self.position = end
        return name, start

    def read(self, closer: str | None = None, opened_at: int = 0) -> None:
        """Tokens until `closer` (`}` or `]`) or the end of the text."""
        text = self.text
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail("the expression is nested too deeply", self.position)
        while self.position < len(text):
            char = text[self.position]
            start = self.position
            if char == closer:
                self.position += 1
                self.depth -= 1
                return
            if char in " \t\r\n~":
                self.position += 1
            elif char == "\\":
                self.backslash()
            elif char == "{":
                self.position += 1
                self.emit("(", "(", start)
                self.read("}", start)
                self.emit(")", ")", self.position - 1)
            elif char == "}":
                raise self.fail("unbalanced `}`", start)
            elif char == "^":
                self.position += 1
                self.emit("op", "^", start)
                self.argument()
            elif char == "_":
                raise self.fail("a subscript must follow a letter", start)
            elif char.isascii() and char.isalpha():
                self.name()
            elif char.isascii() and (char.isdigit() or char == "."):
                number = _NUMBER.match(text, start)
                if number is None:
                    raise self.fail("a lone `.`", start)
                self.emit("num", number.group(), start)
                self.position = number.end()
            elif char in "+-*/!":
                self.emit("op", char, start)
                self.position += 1
            elif char in "()[]|":
                kind = {"[": "(", "]": ")"}.get(char, char)
                self.emit(kind, kind, start)
                self.position += 1
            else:
                raise self.fail(f"{literal(char)} is not allowed", start)
        if closer is not None:
            raise self.fail("unbalanced `{`", opened_at)

    def name(self) -> None:
        """A letter, with its subscript if any (x_1, w_{12}); letter runs are split by the parser."""
        text, start = self.text, self.position
        end = start
        while end < len(text) and text[end].isascii() and text[end].isalpha():
            end += 1
        name = text[start:end]
        self.position = end
        if end < len(text) and text[end] == "_":
            name += "_" + self.subscript()
        self.emit("name", name, start)

    def subscript(self) -> str:
        self.position += 1
        text = self.text
        if self.position < len(text) and text[self.position] == "{":
            close = text.find("}", self.position)
            value = text[self.position + 1 : close] if close > 0 else ""
            self.position = close + 1
        else:
            value = text[self.position : self.position + 1]
            self.position += 1
        if not value.isalnum() or not value.isascii():
            raise self.fail("a subscript must be letters or digits", self.position - 1)
        return value

    def argument(self) -> None:
        """One argument of ^, \\frac or \\sqrt: a {group} or a single character or command."""
        text = self.text
        while self.position < len(text) and text[self.position] == " ":
            self.position += 1
        if self.position >= len(text):
            raise self.fail("a command is missing its argument", self.position - 1)
        start = self.position
        self.emit("(", "(", start)
        char = text[start]
        if char == "{":
            self.position += 1
            self.read("}", start)
        elif char == "\\":
            self.backslash()
        elif char.isascii() and char.isalnum():
            kind = "num" if char.isdigit() else "name"
            self.emit(kind, char, start)
            self.position += 1
        else:
            raise self.fail(f"{literal(char)} cannot be an argument", start)
        self.emit(")", ")", self.position - 1)

    def backslash(self) -> None:
        name, start = self.command()
        if name in _SPACE_COMMANDS:
            return
        if name in _FRACTIONS:
            self.emit("(", "(", start)
            self.argument()
            self.emit("op", "/", start)
            self.argument()
            self.emit(")", ")", start)
        elif name == "sqrt":
            self.square_root(start)
        elif name in ("left", "right", "mleft", "mright", "bigl", "bigr", "Bigl", "Bigr"):
            self.delimiter(start)
        elif name in _OPERATOR_COMMANDS:
            self.emit("op", _OPERATOR_COMMANDS[name], start)
        elif name in _BARS:
            self.emit("|", "|", start)
        elif name in _BRACKETS:
            self.emit(_BRACKETS[name], _BRACKETS[name], start)
        elif name in _FUNCTION_COMMANDS or name in GREEK or name == "pi":
            if self.text.startswith("_", self.position):  # \log_{2} x, \theta_{0}
                name += "_" + self.subscript()
            self.emit("name", name, start)
        elif name == "exponentialE":
            self.emit("name", "e", start)
        elif name in _TEXT_COMMANDS:
            self.text_name(start)
        else:
            command = literal("\\" + name)
            raise self.fail(f"the LaTeX command {command} is not supported", start)

    def square_root(self, start: int) -> None:
        """\\sqrt{a} as sqrt(a); \\sqrt[n]{a} as (a)^(1/(n))."""
        if self.position < len(self.text) and self.text[self.position] == "[":
            index_start = len(self.tokens)
            self.position += 1
            self.read("]", start)
            index = self.tokens[index_start:]
            del self.tokens[index_start:]
            self.emit("(", "(", start)
            self.argument()
            self.emit("op", "^", start)
            self.emit("(", "(", start)
            self.emit("num", "1", start)
            self.emit("op", "/", start)
            self.emit("(", "(", start)
            self.tokens.extend(index)
            self.emit(")", ")", start)
            self.emit(")", ")", start)
            self.emit(")", ")", start)
            return
        self.emit("name", "sqrt", start)
        self.argument()

    def delimiter(self, start: int) -> None:
        """The delimiter after \\left or \\right: ( ) [ ] | or \\vert."""
        text = self.text
        while self.position < len(text) and text[self.position] == " ":
            self.position += 1
        char = text[self.position : self.position + 1]
        if char in ("(", "["):
            self.emit("(", "(", start)
        elif char in (")", "]"):
            self.emit(")", ")", start)
        elif char == "|":
            self.emit("|", "|", start)
        elif char == "\\":
            name, _ = self.command()
            if name in _BRACKETS:
                self.emit(_BRACKETS[name], _BRACKETS[name], start)
                return
            if name not in _BARS:
                delimiter = literal("\\" + name)
                raise self.fail(f"the delimiter {delimiter} is not supported", start)
            self.emit("|", "|", start)
            return
        else:
            raise self.fail(f"the delimiter {literal(char)} is not supported", start)
        self.position += 1

    def text_name(self, start: int) -> None:
        """\\mathrm{e}, \\operatorname{sech}: a plain name in braces."""
        text = self.text
        if not text.startswith("{", self.position):
            raise self.fail("a name in braces must follow this command", start)
        close = text.find("}", self.position)
        if close < 0:
            raise self.fail("unbalanced `{`", self.position)
        name = text[self.position + 1 : close].strip()
        if not (name.isascii() and name.isalpha()):
            raise self.fail(f"{literal(name)} is not a name", start)
        self.emit("name", name, start)
        self.position = close + 1


def tokenize_latex(text: str) -> list[Token]:
    """The tokens of a LaTeX answer; MathInputError at the first thing outside the subset."""
    if "\\placeholder" in text:
        raise MathInputError("fill in the empty box", text.index("\\placeholder") + 1)
    reader = _Reader(text)
    reader.read()
    reader.tokens.append(Token("end", "", len(text) + 1))
    return reader.tokens
