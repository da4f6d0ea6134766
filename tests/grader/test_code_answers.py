"""Code answers graded as a learner sees them: verdicts, per-test feedback, diagnoses, and every
protocol feature (function descriptors, tuples, raised exceptions, step-driven sessions)."""

from __future__ import annotations

import pytest

from grader.answers import code
from grader.results import InvalidAnswer, Verdict
from tests.support.sandbox import (
    CORRECT_D_SIGMA,
    EXERCISES,
    d_sigma_part,
    exercise_part,
    require_sandbox,
)


@pytest.fixture(autouse=True)
def sandbox_needed():
    require_sandbox()


def grade(source: str, part=None):
    return code.grade(part or d_sigma_part(seconds=5), {}, {"code": source})


def items(result, kind: str) -> list:
    return [item for item in result.feedback if item.type == kind]


def test_correct_d_sigma_is_correct_with_every_test_passed():
    result = grade(CORRECT_D_SIGMA)
    assert result.verdict == Verdict.CORRECT
    assert result.score == 1
    assert all(item.data["passed"] for item in items(result, "test"))


def test_an_equivalent_form_of_d_sigma_is_correct():
    result = grade(
        "import numpy as np\n\ndef d_sigma(z):\n    return 1 / (4 * np.cosh(z / 2) ** 2)\n"
    )
    assert result.verdict == Verdict.CORRECT


def test_visible_tests_show_inputs_expected_actual_and_tolerance():
    result = grade("import numpy as np\n\ndef d_sigma(z):\n    return 1 / (1 + np.exp(-z))\n")
    visible = [item for item in items(result, "test") if item.data["visible"]]
    assert visible[0].data["args"] == [[-2.0, 0.0, 2.0]]
    assert visible[0].data["expected"][1] == pytest.approx(0.25)
    assert visible[0].data["actual"][1] == pytest.approx(0.5)
    assert visible[0].data["rtol"] == 1e-9
    assert "expected" in visible[0].text and "got" in visible[0].text


def test_hidden_tests_show_pass_or_fail_but_not_their_values():
    result = grade("import numpy as np\n\ndef d_sigma(z):\n    return 1 / (1 + np.exp(-z))\n")
    hidden = [item for item in items(result, "test") if not item.data["visible"]]
    assert hidden and all(
        "expected" not in item.data and "args" not in item.data for item in hidden
    )
    assert all(item.text.endswith("(hidden): failed") for item in hidden)


def test_returning_sigma_instead_of_its_derivative_is_diagnosed():
    result = grade("import numpy as np\n\ndef d_sigma(z):\n    return 1 / (1 + np.exp(-z))\n")
    assert result.verdict == Verdict.INCORRECT
    assert result.rule == "sigma-not-derivative"
    assert "derivative" in items(result, "diagnosis")[0].text


def test_a_subtly_wrong_answer_is_incorrect():
    source = CORRECT_D_SIGMA.replace("s * (1 - s)", "s * (1 - s) * (1 + 1e-6)")
    assert grade(source).verdict == Verdict.INCORRECT


def test_code_that_fails_only_on_0d_arrays_gets_partial_credit():
    source = "import numpy as np\n\ndef d_sigma(z):\n    s = 1 / (1 + np.exp(-z))\n    return np.array([v * (1 - v) for v in s.ravel()]).reshape(z.shape) if z.ndim else z[0]\n"
    result = grade(source)
    assert result.verdict == Verdict.PARTIAL
    assert 0 < result.score < 1


def test_correct_but_slow_code_within_the_limit_is_correct():
    source = CORRECT_D_SIGMA.replace("    s = ", "    import time\n    time.sleep(0.1)\n    s = ")
    assert grade(source).verdict == Verdict.CORRECT


def test_changing_the_input_in_place_fails_the_tests():
    source = CORRECT_D_SIGMA.replace(
        "    s = 1 / (1 + np.exp(-z))", "    z *= -1\n    s = 1 / (1 + np.exp(z))"
    )
    result = grade(source)
    assert result.verdict == Verdict.INCORRECT
    assert "in place" in items(result, "test")[0].text


def test_a_syntax_error_gives_its_line_and_column():
    result = grade("import numpy as np\n\ndef d_sigma(z)\n    return z\n")
    assert result.verdict == Verdict.SYNTAX_ERROR
    assert result.feedback[0].data == {"line": 3, "column": 15}
    assert "line 3, column 15" in result.feedback[0].text


def test_the_traceback_is_trimmed_to_the_learners_own_code():
    result = grade("def helper(z):\n    return z.nosuch\n\ndef d_sigma(z):\n    return helper(z)\n")
    assert result.verdict == Verdict.ERROR
    trace = items(result, "traceback")[0].text
    assert 'File "submission.py", line 2, in helper' in trace
    assert "AttributeError" in trace
    assert "runner" not in trace and "server" not in trace


def test_an_exception_while_loading_is_shown_with_its_traceback():
    result = grade("import numpy as np\nx = 1 / 0\n\ndef d_sigma(z):\n    return z\n")
    assert result.verdict == Verdict.ERROR
    assert "ZeroDivisionError" in items(result, "traceback")[0].text


def test_a_missing_function_is_named():
    result = grade("def sigma_prime(z):\n    return z\n")
    assert result.verdict == Verdict.ERROR
    assert "`d_sigma`" in result.feedback[0].text


def test_an_infinite_loop_is_a_timeout():
    result = code.grade(
        d_sigma_part(seconds=1), {}, {"code": "def d_sigma(z):\n    while True:\n        pass\n"}
    )
    assert result.verdict == Verdict.TIMEOUT
    assert result.score == 0


def test_printed_output_is_shown_but_never_read_as_a_score():
    result = grade(
        "import numpy as np\n\ndef d_sigma(z):\n    print('score: 1.0 correct')\n    return 0 * z\n"
    )
    assert result.verdict == Verdict.INCORRECT
    assert "score: 1.0 correct" in items(result, "stdout")[0].text


def test_empty_or_oversized_code_is_not_an_attempt():
    with pytest.raises(InvalidAnswer):
        code.read(d_sigma_part(), {"code": "   "})
    with pytest.raises(InvalidAnswer, match="64 KB"):
        code.read(d_sigma_part(), {"code": "x = 1\n" * 12000})


def test_run_my_tests_runs_the_visible_tests_only():
    result = code.run_examples(d_sigma_part(seconds=5), {}, {"code": CORRECT_D_SIGMA})
    tests = items(result, "test")
    assert tests and all(item.data["visible"] for item in tests)
    assert result.verdict == Verdict.CORRECT


def test_grading_the_same_variant_twice_gives_the_same_feedback():
    source = "import numpy as np\n\ndef d_sigma(z):\n    return 1 / (1 + np.exp(-z))\n"
    first, second = grade(source), grade(source)
    assert [i.as_dict() for i in first.feedback] == [i.as_dict() for i in second.feedback]


def test_check_config_names_authoring_errors():
    part = exercise_part(
        "m3-chain-rule-and-neural-networks/m3-d-sigma", "not an identifier", forbidden="x"
    )
    errors = code.check_config(part)
    assert any("function" in e for e in errors) and any("forbidden" in e for e in errors)
    assert code.check_config(d_sigma_part()) == []


# --- protocol features, one exercise each --------------------------------------------------

NEWTON = exercise_part("m5-optimisation/m5-newton-py", "newton_raphson")
NEWTON_SOLUTION = """\
def newton_raphson(f, df, x0, tol=1e-10, max_iter=50):
    x = float(x0)
    for iteration in range(1, max_iter + 1):
        slope = df(x)
        if slope == 0:
            raise ValueError("f'(x) = 0")
        step = f(x) / slope
        x -= step
        if abs(step) < tol:
            return x, iteration
    raise ValueError("no convergence")
"""


def test_function_descriptors_and_tuples_grade_a_correct_newton_raphson():
    result = grade(NEWTON_SOLUTION, NEWTON)
    assert result.verdict == Verdict.CORRECT


def test_newton_raphson_that_does_not_raise_fails_the_exception_tests():
    source = NEWTON_SOLUTION.replace('raise ValueError("f\'(x) = 0")', "slope = 1e-300")
    source = source.replace('raise ValueError("no convergence")', "return x, max_iter")
    result = grade(source, NEWTON)
    assert result.verdict == Verdict.PARTIAL
    failed = [item for item in items(result, "test") if not item.data["passed"]]
    assert "raise ValueError" in failed[0].text


LINFIT = exercise_part("m6-regression/m6-linfit-py", "linfit", forbidden=["numpy.polyfit"])


def test_a_tuple_result_is_compared_item_by_item():
    source = "def linfit(x, y):\n    xb, yb = x.mean(), y.mean()\n    m = ((x - xb) * (y - yb)).sum() / ((x - xb) ** 2).sum()\n    return m, yb - m * xb\n"
    assert grade(source, LINFIT).verdict == Verdict.CORRECT


def test_an_uncentred_fit_is_diagnosed():
    result = grade("def linfit(x, y):\n    return (x * y).sum() / (x * x).sum(), 0.0\n", LINFIT)
    assert result.rule == "uncentred"


def test_a_forbidden_call_is_flagged_but_the_tests_decide():
    result = grade(
        "import numpy as np\n\ndef linfit(x, y):\n    return tuple(np.polyfit(x, y, 1))\n", LINFIT
    )
    assert result.verdict == Verdict.CORRECT
    assert any("numpy.polyfit" in item.text for item in items(result, "message"))


SANDPIT = exercise_part("m5-optimisation/m5-sandpit-strategy", "next_step", limits={"seconds": 10})


def test_a_step_driven_session_scores_a_good_strategy():
    source = """\
import numpy as np


def next_step(f, J, H):
    if np.linalg.eigvalsh(H)[0] > 0:
        step = -np.linalg.solve(H, J)
        return step / max(1.0, np.linalg.norm(step))
    return -0.5 * J / np.linalg.norm(J)
"""
    result = grade(source, SANDPIT)
    assert result.verdict == Verdict.CORRECT
    assert "reached the deepest point" in items(result, "test")[0].text


def test_a_timid_strategy_gets_partial_credit():
    result = grade("def next_step(f, J, H):\n    return -0.05 * J\n", SANDPIT)
    assert result.verdict == Verdict.PARTIAL


def test_a_strategy_that_raises_ends_its_trials_without_credit():
    result = grade("def next_step(f, J, H):\n    raise ValueError('no idea')\n", SANDPIT)
    assert result.verdict == Verdict.INCORRECT
    assert result.score == 0


GD = exercise_part("m5-optimisation/m5-gd-py", "gradient_descent")
GD_SOLUTION = """\
import numpy as np


def gradient_descent(grad, x0, gamma, n_steps):
    path = [np.array(x0, dtype=float)]
    for _ in range(n_steps):
        path.append(path[-1] - gamma * grad(path[-1]))
    return np.array(path)
"""


def test_a_gradient_descent_path_is_graded_against_the_reference_path():
    assert grade(GD_SOLUTION, GD).verdict == Verdict.CORRECT


def test_a_path_without_x0_fails_the_starts_at_x0_check_and_is_diagnosed():
    result = grade(GD_SOLUTION.replace("return np.array(path)", "return np.array(path[1:])"), GD)
    assert result.verdict == Verdict.INCORRECT
    assert result.rule == "missing-x0"


def test_a_descent_that_moves_x0_in_place_fails():
    source = GD_SOLUTION.replace(
        "    path = [np.array(x0, dtype=float)]",
        "    path = [np.array(x0, dtype=float)]\n    x0 -= gamma * grad(x0)",
    )
    result = grade(source, GD)
    assert "in place" in items(result, "test")[0].text


FD_TESTS = """\
import numpy as np

from grader.answers.code_cases import ANY_VALUE, Case, finite_difference_audit


def f(x):
    return float(np.sum(x**4) + x[0] * x[1])


def cases(params, rng):
    audit = finite_difference_audit(f)
    return [Case(args=(rng.normal(size=3),), expected=ANY_VALUE, checks=[audit], visible=True)]
"""


@pytest.mark.parametrize(
    ("cross_term", "verdict"),
    [("g[0] += x[1]; g[1] += x[0]", Verdict.CORRECT), ("pass", Verdict.INCORRECT)],
)
def test_a_finite_difference_audit_judges_gradient_code(tmp_path, cross_term, verdict):
    tests = tmp_path / "tests.py"
    tests.write_text(FD_TESTS)
    part = d_sigma_part(seconds=5)
    part.config.update(function="grad", tests_source=tests.read_text())
    result = grade(f"def grad(x):\n    g = 4 * x**3\n    {cross_term}\n    return g\n", part)
    assert result.verdict == verdict
    if verdict == Verdict.INCORRECT:
        assert "finite-difference" in items(result, "test")[0].text


SCIPY_D_SIGMA = "from scipy.special import expit\n\n\ndef d_sigma(z):\n    s = expit(z)\n    return s * (1 - s)\n"


def test_scipy_cannot_be_imported_unless_the_exercise_allows_it():
    result = grade(SCIPY_D_SIGMA)
    assert result.verdict == Verdict.ERROR
    assert "scipy" in items(result, "traceback")[0].text


def test_scipy_can_be_imported_where_the_exercise_allows_it():
    part = d_sigma_part(seconds=5)
    part.config["allow_scipy"] = True
    assert grade(SCIPY_D_SIGMA, part).verdict == Verdict.CORRECT


BACKPROP_FOLDER = EXERCISES / "m3-chain-rule-and-neural-networks/m3-backprop-assignment"
BACKPROP = exercise_part(
    "m3-chain-rule-and-neural-networks/m3-backprop-assignment", "assignment", limits={"seconds": 10}
)


def test_weights_not_transposed_in_backprop_are_named_although_numpy_raised():
    """Only W2 untransposed, through np.dot: the J_W1/J_b1 tests raise, and the diagnosis names W2."""
    reference = (BACKPROP_FOLDER / "solutions" / "reference.py").read_text()
    source = reference.replace('P["W2"].T @ d2', 'np.dot(P["W2"], d2)')
    assert source != reference
    result = code.grade(BACKPROP, {"seed": 11}, {"code": source})
    assert result.verdict == Verdict.PARTIAL
    assert result.rule == "weights-not-transposed"
    diagnoses = {item.text for item in items(result, "diagnosis")}
    assert diagnoses == {
        "δ goes back through the transposed weights: δ1 = (W2ᵀ δ2) ⊙ σ′(z1). "
        "W2 itself, of shape 7×6, cannot multiply δ2."
    }


def test_an_input_perturbed_and_restored_within_round_off_is_not_changed():
    # The common finite-difference habit: x += h, evaluate, x -= h leaves ~1e-16 of residue.
    source = CORRECT_D_SIGMA.replace(
        "    s = 1 / (1 + np.exp(-z))", "    z += 0.1\n    z -= 0.1\n    s = 1 / (1 + np.exp(-z))"
    )
    assert grade(source).verdict == Verdict.CORRECT


def test_a_hidden_test_says_when_the_input_was_changed_in_place():
    source = CORRECT_D_SIGMA.replace(
        "    s = 1 / (1 + np.exp(-z))", "    z *= -1\n    s = 1 / (1 + np.exp(z))"
    )
    hidden = [item.text for item in items(grade(source), "test") if "(hidden)" in item.text]
    assert hidden
    assert all("failed: your function changed its input array in place" in t for t in hidden)
