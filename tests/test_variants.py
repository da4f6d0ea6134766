"""Seeded variants: the same seed draws the same parameters, degenerate variants are redrawn."""

import pytest

from courseware.models import Exercise
from courseware.variants import current_attempt, derive_seed, new_attempt
from grader.params import ParamSpecError, draw_params
from tests.support.people import learner_in, make_course, make_user

SPECS = {
    "a": {"int": [-3, 3], "not": [0]},
    "d": {"choice": [1, 0.5, 0.1]},
    "x0": {"decimal": [-2, 2], "step": "0.5"},
}


def test_the_same_seed_draws_the_same_variant():
    assert draw_params(SPECS, 1234) == draw_params(SPECS, 1234)


def test_draws_respect_ranges_steps_and_exclusions():
    seen = [draw_params(SPECS, seed) for seed in range(300)]
    assert {p["a"] for p in seen} == {-3, -2, -1, 1, 2, 3}
    assert {p["d"] for p in seen} == {1, 0.5, 0.1}
    assert {p["x0"] for p in seen} == {-2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2}


def test_pinned_variants_do_not_change():
    # A refactor must not silently change what learners see for a given seed.
    assert draw_params(SPECS, 7) == {"a": 3, "d": 0.5, "x0": 1}
    assert draw_params({"n": {"int": [1, 1000]}}, 42) == {"n": 90}


def test_degenerate_variants_are_redrawn_deterministically():
    specs = {"a": {"int": [1, 3]}, "n": {"int": [1, 3]}}
    draws = [draw_params(specs, seed, redraw_if="a == n") for seed in range(100)]
    assert all(p["a"] != p["n"] for p in draws)
    assert draws == [draw_params(specs, seed, redraw_if="a == n") for seed in range(100)]


def test_a_variant_drawn_again_is_a_copy_of_its_own():
    specs = {"a": {"int": [1, 3]}, "v": {"choice": [[1, 2], [3, 4]]}}
    first = draw_params(specs, 5, redraw_if="a == 2")
    first["a"] = 99
    first["v"].append(0)
    assert draw_params(specs, 5, redraw_if="a == 2") != first
    assert draw_params(specs, 5, redraw_if="a == 2") == draw_params(specs, 5, redraw_if="a == 2")


def test_an_impossible_redraw_condition_is_an_authoring_error():
    with pytest.raises(ParamSpecError):
        draw_params({"a": {"int": [1, 1]}}, 1, redraw_if="a == 1")


def test_seeds_depend_on_learner_exercise_and_attempt_number():
    seeds = {
        derive_seed(slug, learner, n) for slug in ("x", "y") for learner in (1, 2) for n in (1, 2)
    }
    assert len(seeds) == 8
    assert all(0 <= s < 2**53 for s in seeds)
    assert derive_seed("x", 1, 1) == derive_seed("x", 1, 1)


@pytest.mark.django_db
def test_a_learner_keeps_their_variant_until_they_ask_for_another(bank):
    learner = learner_in(make_course())
    exercise = Exercise.objects.get(slug="m1-rise-over-run")
    first = current_attempt(learner, exercise)
    assert current_attempt(learner, exercise) == first
    second = new_attempt(learner, exercise)
    assert second.number == 2
    assert current_attempt(learner, exercise) == second
    assert second.seed != first.seed
    assert (
        draw_params(
            exercise.current_version.spec["params"],
            first.seed,
            exercise.current_version.spec["redraw_if"],
        )
        == first.params
    )


@pytest.mark.django_db
def test_two_learners_get_their_own_variants(bank):
    exercise = Exercise.objects.get(slug="m1-rise-over-run")
    seeds = {current_attempt(make_user(f"l{i}"), exercise).seed for i in range(5)}
    assert len(seeds) == 5


@pytest.mark.django_db
def test_a_seed_draws_the_same_variant_from_the_database_as_from_the_file(bank):
    # jsonb keeps an object's keys in its own order: the stored parameters are an ordered list,
    # so every exercise draws in the file's order wherever its spec comes from.
    from tests.conftest import parsed_bank

    from_files = {loaded.spec["slug"]: loaded.spec for loaded in parsed_bank().exercises}
    stored = {e.slug: e.current_version.spec for e in Exercise.objects.all()}
    assert set(stored) == set(from_files)
    for slug, spec in from_files.items():
        for seed in (0, 1, 7, 4242, 2**40 + 3):
            assert draw_params(stored[slug]["params"], seed, stored[slug]["redraw_if"]) == (
                draw_params(spec["params"], seed, spec["redraw_if"])
            ), (slug, seed)


def test_the_product_rule_seed_4242_is_the_files_variant():
    from django.conf import settings

    from exercises.loader import read_exercise
    from exercises.topics import read_taxonomy

    root = settings.EXERCISES_DIR
    path = root / "m1-what-is-calculus" / "m1-product-rule.yaml"
    loaded = read_exercise(path, "m1-what-is-calculus", root, [], read_taxonomy(root))
    drawn = draw_params(loaded.spec["params"], 4242, loaded.spec["redraw_if"])
    assert (drawn["u"], drawn["v"], drawn["a"]) == ("x^3 - a", "sqrt(x)", 5)


def test_parameters_are_drawn_in_declared_order_not_in_key_order():
    declared = [["zeta", {"int": [1, 100]}], ["a", {"int": [1, 100]}]]
    as_jsonb_returns = {"a": {"int": [1, 100]}, "zeta": {"int": [1, 100]}}
    assert draw_params(declared, 5) == draw_params(dict(declared), 5)
    assert draw_params(declared, 5) != draw_params(as_jsonb_returns, 5)
