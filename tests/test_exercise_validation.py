"""The bank's self-test: every exercise passes, and planted authoring mistakes are reported."""

import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from exercises import validation
from exercises.validation import validate_bank
from grader.sandbox import SandboxUnavailable
from tests.support.sandbox import require_sandbox

BANK = Path(__file__).resolve().parent.parent / "exercises"
MODULE_1 = "m1-what-is-calculus"
D_SIGMA = "m3-chain-rule-and-neural-networks/m3-d-sigma"


@pytest.fixture
def bank_copy(tmp_path):
    root = tmp_path / "exercises"
    shutil.copytree(BANK, root, ignore=shutil.ignore_patterns("__pycache__", "management"))
    return root


def plant(root: Path, name: str, code: str) -> None:
    (root / D_SIGMA / "solutions" / name).write_text(code)


def edit(root: Path, slug: str, old: str, new: str) -> None:
    path = next(root.glob(f"*/{slug}.yaml"))
    text = path.read_text()
    assert old in text, f"{old!r} is not in {path.name}"
    path.write_text(text.replace(old, new, 1))


def reasons(root: Path, slug: str, seeds: int = 3) -> str:
    return "\n".join(str(problem) for problem in validate_bank(root, [slug], seeds))


def test_every_exercise_in_the_bank_passes_with_two_seeds():  # CI validates 50 seeds
    require_sandbox()
    assert [str(problem) for problem in validate_bank(BANK, seeds=2)] == []


def test_a_reference_answer_that_cannot_be_read_is_reported(bank_copy):
    edit(
        bank_copy,
        "m1-chain-rule",
        'answer: "diff(subs(outer, x, inner), x)"',
        'answer: "diff(subs(outer, x, inner), y)"',
    )
    found = reasons(bank_copy, "m1-chain-rule")
    assert "m1-chain-rule (seed 0): answer: grading the reference or a mistake failed" in found
    assert "`y` is not a variable" in found


def test_a_reference_answer_not_in_the_required_form_is_reported(bank_copy):
    edit(
        bank_copy,
        "m1-first-principles",
        'answer: "diff(a*x^n, x) + diff(a*x^n, x, 2)*h/2',
        'answer: "(a*(x + h)^n - a*x^n)/h + 0*(diff(a*x^n, x, 2)*h/2',
    )
    edit(
        bank_copy,
        "m1-first-principles",
        'diff(a*x^n, x, 4)*h^3/24"\n',
        'diff(a*x^n, x, 4)*h^3/24)"\n',
    )
    found = reasons(bank_copy, "m1-first-principles")
    assert "answer: the reference gets partial (0.75): " in found
    assert "simplify it" in found


def test_a_mistake_equal_to_the_answer_is_reported(bank_copy):
    edit(
        bank_copy,
        "m1-product-rule",
        'answer: "diff(u, x)*v"',
        'answer: "u*diff(v, x) + v*diff(u, x)"',
    )
    found = reasons(bank_copy, "m1-product-rule")
    assert "mistake 'missing-uv-prime': coincides with the right answer in this variant" in found


def test_a_degenerate_variant_is_reported_for_its_seed(bank_copy):
    # A run of 1 makes "forgot to divide by the run" give the right secant slope.
    edit(bank_copy, "m1-rise-over-run", "d: {choice: [0.5, 0.2, 0.1]}", "d: {choice: [1, 0.5]}")
    found = reasons(bank_copy, "m1-rise-over-run", seeds=10)
    assert "mistake 'forgot-to-divide': coincides with the right answer" in found
    assert "(seed " in found


def test_a_mistake_shadowed_by_an_earlier_rule_is_reported(bank_copy):
    edit(
        bank_copy,
        "m1-quotient-rule",
        'answer: "diff(u, x)/diff(v, x)"',
        'answer: "(u*diff(v, x) - diff(u, x)*v)/v^2"',
    )
    found = reasons(bank_copy, "m1-quotient-rule")
    assert (
        "mistake 'quotient-of-derivatives': is caught by another rule: 'numerator-reversed'"
        in found
    )


def test_an_unfilled_placeholder_is_reported(bank_copy):
    edit(bank_copy, "m1-power-sum", "Differentiate $f(x)", "Differentiate [[nope]] $f(x)")
    assert "prompt: placeholder left unfilled: [[nope]]" in reasons(bank_copy, "m1-power-sum")


def test_a_placeholder_naming_an_unknown_operator_is_reported(bank_copy):
    edit(
        bank_copy,
        "m1-power-sum",
        "Differentiate $f(x)",
        "Differentiate $[[tex: expand(c*x)]]$, $f(x)",
    )
    assert "prompt: unknown name `expand` in a placeholder" in reasons(bank_copy, "m1-power-sum")


def test_a_taylor_explorer_that_cannot_draw_at_a_centre_it_offers_is_reported(bank_copy):
    edit(bank_copy, "m4-taylor-explorer", 'centres: ["-1", "0", "1"]', 'centres: ["-1", "0", "c"]')
    assert "figure: the explorer does not draw" in reasons(bank_copy, "m4-taylor-explorer")


def test_graph_options_that_look_the_same_are_reported(bank_copy):
    edit(
        bank_copy,
        "m1-graph-derivative-match",
        "k*(x - r1)*(x - r2)*(x - r3)/4 + s",
        "diff(k*(x - r1)*(x - r2)*(x - r3)/4, x)",
    )
    found = reasons(bank_copy, "m1-graph-derivative-match")
    assert "options 'derivative' and 'shifted' draw the same graph" in found


def test_a_planted_buggy_solution_that_is_not_diagnosed_is_reported(bank_copy):
    require_sandbox()
    plant(
        bank_copy,
        "forgot-everything.py",
        "import numpy as np\n\ndef d_sigma(z):\n    return 0 * z\n",
    )
    found = reasons(bank_copy, "m3-d-sigma")
    assert "m3-d-sigma (seed 0): solutions/forgot-everything.py: is not diagnosed" in found


def test_a_planted_buggy_solution_that_passes_is_reported(bank_copy):
    require_sandbox()
    right = (bank_copy / D_SIGMA / "solutions" / "reference.py").read_text()
    plant(bank_copy, "sign.py", right)
    found = reasons(bank_copy, "m3-d-sigma")
    assert "solutions/sign.py: coincides with the right answer" in found


def test_a_planted_solution_diagnosed_as_another_mistake_is_reported(bank_copy):
    require_sandbox()
    plant(
        bank_copy, "sign.py", (bank_copy / D_SIGMA / "solutions" / "missing-factor.py").read_text()
    )
    found = reasons(bank_copy, "m3-d-sigma")
    assert "solutions/sign.py: is caught by another rule: 'missing-factor'" in found


def test_a_reference_solution_that_fails_is_reported(bank_copy):
    require_sandbox()
    plant(bank_copy, "reference.py", "def d_sigma(z):\n    return z\n")
    found = reasons(bank_copy, "m3-d-sigma")
    assert "m3-d-sigma (seed 0): answer: the reference gets incorrect (0.00)" in found


def test_a_code_exercise_is_graded_once_when_it_has_no_parameters(bank_copy):
    require_sandbox()
    plant(bank_copy, "forgot-everything.py", "def d_sigma(z):\n    return 0 * z\n")
    found = reasons(bank_copy, "m3-d-sigma", seeds=10)
    assert found.count("forgot-everything.py") == 1


def test_an_unavailable_sandbox_is_one_clear_problem_per_code_exercise(monkeypatch):
    def refuse():
        raise SandboxUnavailable("the code sandbox is unavailable: bubblewrap (bwrap) not found")

    monkeypatch.setattr(validation, "refuse_unless_ready", refuse)
    found = [str(p) for p in validate_bank(BANK, ["m3-d-sigma", "m5-gd-py", "m2-jacobian"], 2)]
    assert found == [
        "m3-d-sigma: code: the sandbox is unavailable: bubblewrap (bwrap) not found",
        "m5-gd-py: code: the sandbox is unavailable: bubblewrap (bwrap) not found",
    ]


def test_validate_exercises_prints_a_table_and_passes(capsys):
    call_command("validate_exercises", "--seeds", "2", "m1-rise-over-run", "m2-jacobian")
    out = capsys.readouterr().out
    assert "m1-rise-over-run" in out and "m2-jacobian" in out
    assert out.count(" ok") == 2
    assert "All good: 2 exercise(s), 2 seed(s) each" in out


def test_validate_exercises_fails_on_a_problem_and_names_it(bank_copy, capsys):
    edit(bank_copy, "m1-chain-rule", 'answer: "diff(subs(outer, x, inner), x)"', 'answer: "y"')
    with pytest.raises(CommandError, match="problem"):
        call_command(
            "validate_exercises", "--seeds", "2", "--path", str(bank_copy), "m1-chain-rule"
        )
    captured = capsys.readouterr()
    assert "2 failure(s)" in captured.out
    assert "`y` is not a variable" in captured.err


def test_validate_exercises_rejects_an_unknown_slug():
    with pytest.raises(CommandError):
        call_command("validate_exercises", "--seeds", "1", "m1-nope")


def test_preview_exercise_prints_the_prompt_answer_and_mistakes(capsys):
    call_command("preview_exercise", "m1-rise-over-run", "--seed", "0")
    out = capsys.readouterr().out
    assert "Let $f(x) = 3 x^{2} + 2 x$." in out
    assert "answer: -8.5" in out
    assert "mistake forgot-to-divide: -4.25" in out


def test_a_stated_precision_graded_with_another_tolerance_is_reported(bank_copy):
    edit(bank_copy, "m1-taming-beast", "sigfigs: 4", "tolerance: {rel: 0.001}")
    found = reasons(bank_copy, "m1-taming-beast", seeds=1)
    assert "asks for 4 significant figures: set `sigfigs: 4`" in found


def test_a_degenerate_variant_of_the_bank_is_reported(bank_copy):
    # Without its + b, the inner exponential collapses under log: "h(x) = 2x".
    edit(bank_copy, "m1-chain-rule", '"exp(a*x) + b"]}', '"exp(a*x)"]}')
    found = reasons(bank_copy, "m1-chain-rule", seeds=12)
    assert "the prompt no longer shows exp, log" in found
    assert "the prompt asks for a function but the reference is the constant" in found
