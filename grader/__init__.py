"""Tangent's grading engine: plain Python (no Django), a pure function of (exercise, params, answer)."""

from grader.grading import grade, run_examples, validate
from grader.results import GradeResult, Verdict

# Bump when a change in the engine may change a verdict; every grading records it.
GRADER_VERSION = "1"

__all__ = ["GRADER_VERSION", "GradeResult", "Verdict", "grade", "run_examples", "validate"]
