"""What an equivalence check concludes, with the point that shows a difference."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Equivalence:
    """equivalent: True, False, or None when the engine cannot decide (the answer awaits review).

    how: "identical", "sampling", "symbolic", "values differ", "domain", "undecided", "time".
    point: variable -> value shown to the learner; answer/expected: values there (None: undefined).
    expected_shown: False when the expected expression is a constant: its value anywhere is the
    reference answer itself, so the learner is told only that theirs differs.
    """

    equivalent: bool | None
    how: str
    point: dict[str, str] = field(default_factory=dict)
    answer: str | None = None
    expected: str | None = None
    expected_shown: bool = True

    def __bool__(self) -> bool:
        return self.equivalent is True

    def describe(self) -> str:
        """The counterexample in words, e.g. "At x = 0.7 your answer is 1.93, the expected value is 2.41."."""
        if self.equivalent is not False or not (self.answer or self.expected):
            return ""
        where = ", ".join(f"{name} = {value}" for name, value in self.point.items())
        at = f"At {where}" if where else "Here"
        if not self.expected_shown and self.expected is not None:
            if self.answer is None:
                return f"{at} your answer is not defined, but the expected answer is."
            return f"{at} your answer is {self.answer}, which is not the expected value."
        if self.answer is None:
            return f"{at} your answer is not defined, but the expected answer is {self.expected}."
        if self.expected is None:
            return (
                f"{at} your answer is {self.answer}, but the expected answer is not defined there: "
                "check where your expression is defined."
            )
        return f"{at} your answer is {self.answer}, the expected value is {self.expected}."

    def as_data(self) -> dict:
        """The counterexample as feedback data: point, answer and expected values (as text)."""
        data = {"point": self.point, "answer": self.answer}
        return {**data, "expected": self.expected} if self.expected_shown else data
