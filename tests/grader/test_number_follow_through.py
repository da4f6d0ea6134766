"""Follow-through on numeric steps: a step built on a wrong earlier number is marked with the
learner's own earlier number, so the wrong step costs only its own marks."""

from grader import grade
from grader.spec import ExerciseDef, PartDef

SLOPE = PartDef("slope-m", "number", config={"answer": "2*p", "sigfigs": 4})
INTERCEPT = PartDef(
    "intercept",
    "number",
    config={
        "answer": "10 - 2*p*3",
        "sigfigs": 4,
        "follow_through": {"from": ["slope-m"], "answer": "10 - slope_m*3"},
    },
)
FIT = ExerciseDef("fit", "Fit", (SLOPE, INTERCEPT))


def answers(slope: str, intercept: str) -> dict:
    return {"parts": {"slope-m": {"value": slope}, "intercept": {"value": intercept}}}


def test_a_step_right_for_the_learners_own_wrong_number_gets_its_marks():
    result = grade(FIT, {"p": 1.5}, answers("4", "-2"))  # slope should be 3; 10 - 4*3 = -2
    assert result.parts["slope-m"].score == 0
    intercept = result.parts["intercept"]
    assert intercept.score == 1
    assert intercept.feedback[0].text.startswith("Correct for your answer to slope-m")
    assert result.score == 0.5


def test_a_step_wrong_for_the_learners_own_number_too_is_not_credited():
    result = grade(FIT, {"p": 1.5}, answers("4", "-3"))
    assert result.parts["intercept"].score == 0


def test_with_the_earlier_number_right_the_step_is_marked_as_usual():
    result = grade(FIT, {"p": 1.5}, answers("3", "1"))
    assert result.parts["intercept"].score == 1
    assert result.parts["intercept"].feedback[0].text == "Correct."
