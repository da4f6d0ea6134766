"""The one error the math parser raises: a located, learner-readable message."""

from __future__ import annotations

from grader.results import InvalidAnswer


class MathInputError(InvalidAnswer):
    """Text that cannot be read as math; `column` (1-based) points at the problem when known."""

    def __init__(self, message: str, column: int | None = None):
        super().__init__(message, column=column)
