"""The Sandpit engine: seeded landscapes, what a probe shows, when a round ends, score and feedback."""

import numpy as np
import pytest

from grader.answers import interactive
from grader.results import InvalidAnswer, Verdict
from grader.sandpit import (
    SCENARIOS,
    draw_clicks,
    draw_landscape,
    evaluate_strategy,
    probe,
    replay,
    score,
    simulate_strategy,
)
from grader.spec import PartDef

# Pinned outputs of the generator: a refactor must not silently change anyone's sandpit.
GOLDEN = [
    (1, "basic", (1.9318, 3.8919), 2, -2.0964),
    (42, "basic", (3.6565, 1.2804), 2, -2.5768),
    (1, "depth_only", (1.9318, 3.8919), 2, -2.0964),
    (1, "many_minima", (2.2354, 4.4364), 5, -2.4806),
    (42, "many_minima", (3.7706, 4.7688), 4, -3.1217),
    (1, "rocky", (3.9601, 4.8150), 127, -2.2603),
    (42, "rocky", (2.9878, 4.6484), 104, -1.8068),
    (1, "narrow_well", (4.0546, 3.6783), 3, -2.1181),
    (42, "narrow_well", (1.8097, 1.0755), 3, -2.0773),
]


def far_from_everything(landscape) -> tuple[float, float]:
    """A corner of the pit away from the bottom (and, for these seeds, from every dry hole)."""
    x, y = landscape.minimiser
    return (0.1 if x > 3 else 5.9, 0.1 if y > 3 else 5.9)


@pytest.mark.parametrize("seed, scenario, minimiser, minima, depth", GOLDEN)
def test_golden_landscapes_are_reproduced_exactly(seed, scenario, minimiser, minima, depth):
    landscape = draw_landscape(seed, scenario)
    assert landscape.minimiser == pytest.approx(minimiser, abs=1e-4)
    assert len(landscape.minima) == minima
    assert float(landscape.depth(1.0, 1.0)) == pytest.approx(depth, abs=1e-4)


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("seed", [3, 17])
def test_the_global_minimum_agrees_with_a_brute_force_fine_grid(scenario, seed):
    landscape = draw_landscape(seed, scenario)
    axis = np.linspace(0, 6, 601)
    gx, gy = np.meshgrid(axis, axis)
    depths = landscape.depth(gx, gy)
    lowest = np.unravel_index(np.argmin(depths), depths.shape)
    assert depths.min() >= landscape.deepest - 1e-9
    assert np.hypot(gx[lowest] - landscape.minimiser[0], gy[lowest] - landscape.minimiser[1]) < 0.02
    assert landscape.deepest == pytest.approx(-9.0)
    assert depths.max() == pytest.approx(-1.0, abs=0.02)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_bottom_is_never_against_the_wall(scenario):
    for seed in range(10):
        x, y = draw_landscape(seed, scenario).minimiser
        assert min(x, y, 6 - x, 6 - y) >= 0.3


def test_a_landscape_is_the_same_every_time_it_is_drawn():
    first = draw_landscape(7, "many_minima")
    draw_landscape.cache_clear()
    again = draw_landscape(7, "many_minima")
    assert again is not first
    assert again.minimiser == first.minimiser
    assert again.minima == first.minima


def test_unknown_scenarios_are_refused():
    with pytest.raises(ValueError, match="unknown scenario"):
        draw_landscape(1, "volcano")


def test_the_arrow_is_minus_the_gradient():
    landscape = draw_landscape(5, "basic")
    for x, y in [(1.0, 2.0), (4.5, 0.5), (3.3, 3.3)]:
        assert landscape.arrow(x, y) == pytest.approx(-landscape.gradient(x, y), abs=1e-5)


def test_depth_only_probes_show_the_depth_but_no_arrow():
    plain, blind = draw_landscape(5, "basic"), draw_landscape(5, "depth_only")
    with_arrow, without = probe(plain, 1.0, 1.0, 1), probe(blind, 1.0, 1.0, 1)
    assert without.arrow is None and with_arrow.arrow is not None
    assert without.depth == with_arrow.depth
    assert without.as_dict()["arrow"] is None


def test_a_probe_within_15_cm_of_the_bottom_wins_and_one_further_away_does_not():
    landscape = draw_landscape(1, "basic")
    x, y = landscape.minimiser
    assert probe(landscape, x + 0.14, y, 3).status == "found"
    assert probe(landscape, x, y - 0.16, 3).status == "playing"


def test_a_probe_on_another_local_minimum_is_a_dry_hole_and_play_goes_on():
    landscape = draw_landscape(1, "many_minima")
    trap = landscape.traps()[0]
    result = probe(landscape, trap[0] + 0.1, trap[1], 4)
    assert result.status == "trapped"
    assert result.dry_hole and not result.ended


def test_the_20th_probe_warns_and_the_25th_ends_the_round():
    landscape = draw_landscape(2, "basic")
    corner = far_from_everything(landscape)
    results = replay(landscape, [corner] * 30)
    assert len(results) == 25
    assert {r.status for r in results[:19]} == {"playing"}
    assert {r.status for r in results[19:24]} == {"warning"}
    assert results[-1].status == "failed" and results[-1].ended
    assert results[-1].as_dict()["probes_left"] == 0


def test_a_round_stops_at_the_probe_that_found_the_bottom():
    landscape = draw_landscape(2, "basic")
    corner = far_from_everything(landscape)
    results = replay(landscape, [corner, landscape.minimiser, corner])
    assert [r.status for r in results] == ["playing", "found"]


@pytest.mark.parametrize(
    "par, found_at, probes, practice, expected",
    [
        (6, 4, 4, False, 1.0),
        (6, 6, 6, False, 1.0),
        (6, 13, 13, False, 1 - 0.7 * 7 / 19),
        (6, 25, 25, False, 0.3),
        (12, 20, 20, False, 1 - 0.7 * 8 / 13),
        (10, None, 25, False, 0.0),
        (10, None, 10, True, 1.0),
        (10, None, 9, True, 0.0),
        (10, 18, 18, True, 1.0),
    ],
)
def test_the_score_follows_the_par_formula(par, found_at, probes, practice, expected):
    assert score(par, found_at, probes, practice) == pytest.approx(expected)


def part(scenario="basic", **config) -> PartDef:
    return PartDef(
        "answer", "interactive", 1.0, {"game": "sandpit", "scenario": scenario, **config}
    )


PARAMS = {"landscape_seed": 1234}


def play(part_def, points) -> tuple:
    result = interactive.grade(part_def, PARAMS, {"probes": [list(p) for p in points]})
    return result, [item.text for item in result.feedback]


def test_winning_within_par_gets_full_marks_and_says_so():
    basic = part()
    landscape = interactive.landscape_for(basic, PARAMS)
    result, texts = play(basic, [far_from_everything(landscape), landscape.minimiser])
    assert result.verdict == Verdict.CORRECT and result.score == 1.0
    assert texts[0] == "You found the deepest point in 2 probes (par 6)."


def test_winning_late_gets_partial_credit():
    basic = part()
    landscape = interactive.landscape_for(basic, PARAMS)
    corner = far_from_everything(landscape)
    result, _ = play(basic, [corner] * 12 + [landscape.minimiser])
    assert result.verdict == Verdict.PARTIAL
    assert result.score == pytest.approx(1 - 0.7 * 7 / 19)


def test_a_practice_round_gives_credit_for_exploring():
    practice = part(practice=True)
    corner = far_from_everything(interactive.landscape_for(practice, PARAMS))
    result, texts = play(practice, [corner] * 10)
    assert result.score == 1.0
    assert "Practice round: you get credit for exploring." in texts[0]


def test_feedback_reports_uphill_moves():
    basic = part()
    landscape = interactive.landscape_for(basic, PARAMS)
    start = np.array([1.0, 1.0])
    uphill = start + 0.3 * landscape.gradient(*start) / np.linalg.norm(landscape.gradient(*start))
    downhill = uphill + 0.3 * np.array(landscape.arrow(*uphill)) / np.hypot(
        *landscape.arrow(*uphill)
    )
    _, texts = play(basic, [start, uphill, downhill])
    assert "You moved uphill 50% of the time (1 of 2 moves)." in " ".join(texts)
    assert "The arrow points downhill: step along it, not against it." in " ".join(texts)


def test_feedback_relates_step_lengths_to_arrow_lengths():
    basic = part()
    landscape = interactive.landscape_for(basic, PARAMS)
    points, p = [], np.array(far_from_everything(landscape))
    for _ in range(5):  # steps proportional to the arrow: long where steep, short where flat
        points.append(tuple(p))
        p = p + 0.3 * np.array(landscape.arrow(*p))
    _, texts = play(basic, points)
    assert any("Long arrows mean the floor is steep" in text for text in texts)


def test_feedback_counts_dry_holes_and_suggests_restarting():
    scenario = part("many_minima")
    landscape = interactive.landscape_for(scenario, PARAMS)
    assert landscape.traps(), "this seed's landscape has dry holes"
    _, texts = play(scenario, [landscape.traps()[0]])
    assert any(
        t.startswith("You hit 1 dry hole") and "restart somewhere far away" in t for t in texts
    )


def test_depth_only_feedback_does_not_mention_arrows():
    blind = part("depth_only")
    landscape = interactive.landscape_for(blind, PARAMS)
    x, y = far_from_everything(landscape)
    _, texts = play(blind, [(x, y), (x, 3.0), (3.0, 3.0), (3.0, y)])
    assert not any("arrow" in text.lower() for text in texts[1:])


def inland_slope(landscape) -> tuple[float, float]:
    """A point on a slope at least 1.2 m from the walls, so a metre's step stays in the pit."""
    for x in np.linspace(1.2, 4.8, 7):
        for y in np.linspace(1.2, 4.8, 7):
            if np.linalg.norm(landscape.gradient(x, y)) > 1e-3:
                return (float(x), float(y))
    raise AssertionError("a flat pit")


def test_depth_only_probes_beside_the_last_one_feel_for_the_slope_and_are_not_moves_uphill():
    blind = part("depth_only")
    landscape = interactive.landscape_for(blind, PARAMS)
    here = np.array(inland_slope(landscape))
    down = -landscape.gradient(*here) / np.linalg.norm(landscape.gradient(*here))
    feel_uphill = here - 0.2 * down  # the prompt's advice: a second probe close by, either way
    step_down = here + 1.0 * down
    _, texts = play(blind, [here, feel_uphill, here, step_down])
    assert "You moved uphill 0% of the time (0 of 1 move). Well done" in " ".join(texts)


def test_with_arrows_a_short_step_uphill_is_still_a_move_uphill():
    basic = part()
    landscape = interactive.landscape_for(basic, PARAMS)
    here = np.array(inland_slope(landscape))
    up = landscape.gradient(*here) / np.linalg.norm(landscape.gradient(*here))
    _, texts = play(basic, [here, here + 0.2 * up])
    assert "You moved uphill 100% of the time (1 of 1 move)." in " ".join(texts)


@pytest.mark.parametrize(
    "payload, message",
    [
        ({"probes": "lots"}, "list of points"),
        ({"probes": [[1, 2]] * 26}, "at most 25"),
        ({"probes": [[1, 7]]}, "Probe 1 must be a point"),
        ({"probes": [[1]]}, "Probe 1 must be a point"),
        ({"probes": [[1, float("nan")]]}, "Probe 1 must be a point"),
    ],
)
def test_unreadable_probe_lists_are_invalid_not_wrong(payload, message):
    with pytest.raises(InvalidAnswer, match=message):
        interactive.read(part(), payload)


def test_an_unplayed_round_scores_nothing():
    result, texts = play(part(), [])
    assert result.score == 0 and texts == ["You have not played this round."]


def test_parts_of_one_attempt_get_different_floors():
    one = PartDef("gradient", "interactive", 1.0, {"game": "sandpit"})
    two = PartDef("again", "interactive", 1.0, {"game": "sandpit"})
    first, second = interactive.landscape_for(one, PARAMS), interactive.landscape_for(two, PARAMS)
    assert first.minimiser != second.minimiser


def test_authoring_mistakes_in_a_sandpit_part_are_reported():
    bad = PartDef("p", "interactive", 1.0, {"game": "chess", "scenario": "lava", "par": 30})
    errors = " ".join(interactive.check_config(bad))
    assert "parts.p.game" in errors and "parts.p.scenario" in errors and "parts.p.par" in errors
    assert interactive.check_config(part("rocky", par=8)) == []


def step_along(gamma):
    return lambda f, J, H: -gamma * J


def test_gradient_descent_with_a_sensible_step_finds_most_bottoms():
    landscapes = [draw_landscape(seed, "basic") for seed in range(30)]
    report = evaluate_strategy(step_along(0.2), landscapes)
    assert report.success_rate >= 0.8
    assert report.mean_clicks is not None and report.mean_clicks < 6


def test_a_fixed_step_to_the_right_mostly_leaves_the_pit():
    landscapes = [draw_landscape(seed, "basic") for seed in range(15)]
    report = evaluate_strategy(lambda f, J, H: np.array([1.0, 0.0]), landscapes)
    assert report.success_rate < 0.3
    assert report.causes["left_pit"] > 0


def test_a_step_function_that_raises_ends_the_click_and_names_the_error():
    landscape = draw_landscape(4, "basic")

    def singular(f, J, H):
        raise np.linalg.LinAlgError("singular matrix")

    run = simulate_strategy(singular, landscape, draw_clicks(landscape, 3))
    assert not run.found
    assert [c.outcome for c in run.clicks] == ["raised"] * 3
    assert run.clicks[0].error == "LinAlgError"


def test_a_non_finite_step_ends_the_click():
    landscape = draw_landscape(4, "basic")
    run = simulate_strategy(lambda f, J, H: [np.nan, 0.0], landscape, [(1.0, 1.0)])
    assert run.clicks[0].outcome == "non_finite"


def test_the_step_function_sees_only_f_J_and_H_and_cannot_change_the_landscape():
    landscape = draw_landscape(4, "basic")
    seen = []

    def nosy(f, J, H):
        seen.append((type(f), J.shape, H.shape))
        J[:] = 0  # writing into its arguments must not matter
        return -0.2 * H @ np.ones(2)

    simulate_strategy(nosy, landscape, [(1.0, 1.0)], steps_per_click=2)
    assert seen[0] == (float, (2,), (2, 2))
    assert landscape.gradient(1.0, 1.0).any()
