"""The sensitivity analysis (Morris over the declared assumption groups) on a scenario whose
answer is known: x's start moves x's final value one for one, y's start cannot touch it."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.montecarlo.conftest import run_wargame
from wargame.errors import WargameError
from wargame.montecarlo.sensitivity import (
    LEVELS,
    behaviour_groups,
    morris_design,
    morris_problem,
    point_overrides,
    posture_paths,
    sensitivity,
    sensitivity_lines,
    step,
    stuck_value,
)

TINY = """
meta: {name: Tiny uncertainty, start: 2025-01-06, horizon_weeks: 12, turn_weeks: 4}
teams: {us: {name: US, moves: {wait: {}}}}
indicators:
  x: {initial: {value: 1.0, source: "assumption [0.5, 1.5] (drives_x): where x starts"},
      min: -100, max: 100}
  y: {initial: {value: 0.0, source: "assumption [0, 1] (only_y): where y starts"},
      min: -100, max: 100}
  z: {initial: {value: 2, source: "assumption [1, 3] (only_y): z starts here"},
      min: -100, max: 100}
  fixed: {initial: {value: 0.5, source: "assumption [0.5, 0.5]: a normalisation, not varied"}}
sources:
  shock:
    rate_per_week: {value: 0.5, source: "assumption [0.2, 1.0] (shocks): how often"}
    event: {kind: shock, effects: [{op: shift, indicator: x, by: 0.1}]}
rules:
  answer: {team: us, on: shock, move: {kind: wait},
           probability: {value: 0.5, source: "assumption [0.2, 0.8] (answers): how often"},
           max_fires: {value: 3, source: "assumption [1, 5] (answers): a whole number"}}
outcomes:
  final_x: {indicator: x, stat: final}
  final_y: {indicator: y, stat: final}
postures:
  push:
    team: us
    injects:
      - {at_week: 1, event: {kind: push, effects: [{op: shift, indicator: x,
          by: {value: 0.3, source: "assumption [0.1, 0.6] (push_size): the push"}}]}}
  hold:
    team: us
    rules:
      answer: {team: us, on: shock, probability: 0, move: {kind: wait}}
    injects:
      - {at_week: 1, event: {kind: hold, effects: [{op: shift, indicator: y, by: 0.1}]}}
"""


def tiny_scenario(folder: Path) -> str:
    path = folder / "tiny.yaml"
    path.write_text(TINY, encoding="utf-8")
    return str(path)


@pytest.fixture
def tiny(tmp_path: Path) -> str:
    return tiny_scenario(tmp_path)


def test_groups_are_the_declared_behaviour_assumptions_with_a_range(tiny):
    _, groups = behaviour_groups(tiny)
    by_name = {group.name: group for group in groups}
    assert list(by_name) == sorted(by_name)  # sorted; the point-range normalisation left out
    assert set(by_name) == {"answers", "drives_x", "only_y", "push_size", "shocks"}
    assert [m.path for m in by_name["only_y"].members] == ["indicators.y.initial",
                                                           "indicators.z.initial"]
    assert not any(m.whole for m in by_name["only_y"].members)  # floats in the scenario
    fires = by_name["answers"].members[1]
    assert fires.path == "rules.answer.max_fires" and fires.whole and fires.at(0.6) == 3


def test_the_default_world_varies_behaviours_never_its_accounting():
    from wargame.calibration.assumptions import declared

    _, groups = behaviour_groups("status-quo-2022")
    members = {m.path for group in groups for m in group.members}
    found = declared("status-quo-2022")
    wanted = {a.path for a in found if a.kind == "behaviour" and a.low < a.high}
    assert members == wanted  # read from the declarations, whatever they hold now
    sizes = {a.path for a in found if a.kind == "size"}
    assert sizes and not members & sizes


def test_the_design_is_a_valid_morris_sample_and_members_share_a_quantile(tiny):
    from SALib import ProblemSpec
    from SALib.analyze import morris as morris_analyze

    scenario, groups = behaviour_groups(tiny)
    problem = morris_problem(groups)
    ProblemSpec(problem)  # SALib's own checks of names and bounds
    design = morris_design(groups, 6, seed=3)
    size = len(groups) + 1
    assert design.shape == (6 * size, len(groups))
    levels = np.linspace(0, 1, LEVELS)
    assert np.isclose(design[..., None], levels).any(axis=-1).all()  # on the grid
    for trajectory in design.reshape(6, size, len(groups)):
        moves = np.abs(np.diff(trajectory, axis=0))
        assert ((moves > 1e-12).sum(axis=1) == 1).all()  # one group a step
        assert np.allclose(moves.max(axis=1), step())
        assert ((moves > 1e-12).sum(axis=0) == 1).all()  # each group once
    # SALib's analysis accepts it: a linear response in one group has mu* = its slope
    y = 2.0 * design[:, 1]
    found = morris_analyze.analyze(problem, design, y, num_levels=LEVELS, seed=1)
    assert np.isclose(found["mu_star"][1], 2.0) and np.allclose(np.delete(found["mu_star"], 1), 0)
    # each member at the group's quantile of its own range (a whole number rounded)
    overrides = point_overrides(groups, [0.25] * len(groups), posture_paths(scenario, []))
    assert overrides["indicators.y.initial"] == pytest.approx(0.25)
    assert overrides["indicators.z.initial"] == pytest.approx(1.5)
    assert overrides["rules.answer.max_fires"] == 2 and isinstance(
        overrides["rules.answer.max_fires"], int)
    assert overrides["indicators.x.initial"] == pytest.approx(0.75)
    assert "indicators.fixed.initial" not in overrides


def test_posture_numbers_land_where_the_posture_puts_them(tiny):
    from wargame.montecarlo.overrides import apply_overrides
    from wargame.scenario.postures import with_postures

    scenario, groups = behaviour_groups(tiny)
    base, push, hold = (posture_paths(scenario, names) for names in ([], ["push"], ["hold"]))
    inside = "postures.push.injects.0.event.effects.0.by"
    assert base(inside) is None and hold(inside) is None  # a posture not applied: no effect
    assert push(inside) == "injects.0.event.effects.0.by"
    assert base("rules.answer.probability") == "rules.answer.probability"
    assert hold("rules.answer.probability") is None  # the posture replaced the rule: its choice
    held = apply_overrides(with_postures(scenario, ["hold"]),
                           point_overrides(groups, [1.0] * len(groups), hold))
    assert held.rules["answer"].probability == 0
    pushed = apply_overrides(with_postures(scenario, ["push"]),
                             point_overrides(groups, [1.0] * len(groups), push))
    assert pushed.injects[0].event.effects[0].by == pytest.approx(0.6)


def test_a_group_that_cannot_move_an_outcome_has_mu_star_zero_and_one_that_must_has_more(
        tiny, tmp_path):
    result = sensitivity(tiny, trajectories=4, runs=5, jobs=1, out=tmp_path / "a",
                         progress=False)
    assert result.left_out == ["push_size"]  # only in a posture not applied
    assert [g.name for g in result.groups] == ["answers", "drives_x", "only_y", "shocks"]
    on_x = {e.group: e for e in result.ranking("final_x")}
    on_y = {e.group: e for e in result.ranking("final_y")}
    # x's start moves x's end one for one over its range [0.5, 1.5]: mu* = 1, on every path
    assert on_x["drives_x"].mu_star == pytest.approx(1.0)
    assert on_x["drives_x"].sigma == pytest.approx(0.0, abs=1e-9)
    assert on_x["shocks"].mu_star > 0  # more shocks, higher x
    for group in ("only_y", "answers"):  # common random numbers: exactly no effect
        assert on_x[group].mu_star == 0 and on_x[group].noise == 0
    assert on_y["only_y"].mu_star == pytest.approx(1.0)
    assert all(on_y[g].mu_star == 0 for g in ("drives_x", "shocks", "answers"))
    assert result.ranking("final_x")[0].mu_star >= result.ranking("final_x")[-1].mu_star
    rows = (tmp_path / "a" / "sensitivity.csv").read_text().splitlines()
    assert rows[0].startswith("outcome,label,rank,group") and len(rows) == 1 + 2 * 4


RARE = TINY.replace("""sources:
""", """sources:
  rare:
    rate_per_week: {value: 0.0001, source: "assumption [0.00005, 0.0002] (rare_odds): seldom"}
    event: {kind: rare, effects: [{op: shift, indicator: hits, by: 1}]}
""").replace("""  fixed:""", """  hits: {initial: 0, min: 0, max: 100}
  fixed:""").replace("""  final_y:""", """  final_hits: {indicator: hits, stat: final}
  final_y:""")


def test_an_outcome_the_few_seeds_never_see_move_is_called_unresolved(tmp_path):
    """A rare event (a blockade) that none of the design's seeds produced gives mu* 0 and a
    noise floor of 0 for every group, its own odds included: read as "nothing matters" unless
    the output says the replications never saw it move."""
    path = tmp_path / "rare.yaml"
    path.write_text(RARE, encoding="utf-8")
    result = sensitivity(str(path), trajectories=3, runs=3, jobs=1, out=tmp_path / "a",
                         progress=False)
    on_hits = {e.group: e for e in result.ranking("final_hits")}
    assert on_hits["rare_odds"].mu_star == 0 and on_hits["rare_odds"].noise == 0
    assert result.unresolved == {"final_hits": (result.points, 0.0)}
    text = "\n".join(sensitivity_lines(result, top=0))
    assert f"unresolved: at {result.points} of {result.points} points every replication gave 0" \
        in text
    rows = (tmp_path / "a" / "sensitivity.csv").read_text().splitlines()
    assert rows[0].endswith(",resolved")
    assert {row.split(",")[-1] for row in rows[1:] if row.startswith("final_hits")} == {"False"}
    assert {row.split(",")[-1] for row in rows[1:] if row.startswith("final_x")} == {"True"}
    # an outcome that moves is not flagged, even where most of its points agree with each other
    assert "final_x" not in result.unresolved and "final_y" not in result.unresolved
    assert stuck_value([np.array([0.0, 0.0])] * 9 + [np.array([1.0, 0.0])]) == (9, 0.0)
    assert stuck_value([np.array([0.0, 0.0])] * 8 + [np.array([1.0, 0.0])] * 2) is None
    assert stuck_value([np.array([float(i)] * 2) for i in range(10)]) is None


def test_same_seed_same_numbers_and_a_rerun_resumes(tiny, tmp_path):
    options = {"trajectories": 3, "runs": 3, "jobs": 1, "seed": 4, "progress": False,
               "groups": ["drives_x", "shocks", "only_y"]}
    first = sensitivity(tiny, out=tmp_path / "a", **options)
    second = sensitivity(tiny, out=tmp_path / "b", **options)
    assert first.records() == second.records()
    point = tmp_path / "a" / "points" / "0003" / "manifest.json"
    written = point.stat().st_mtime_ns
    again = sensitivity(tiny, out=tmp_path / "a", **options)  # every point done: none rerun
    assert point.stat().st_mtime_ns == written and again.records() == first.records()
    plan = json.loads((tmp_path / "a" / "sensitivity.json").read_text())
    assert plan["method"] == "morris" and len(plan["design"]) == 3 * 4
    with pytest.raises(WargameError, match="another plan"):
        sensitivity(tiny, out=tmp_path / "a", **{**options, "runs": 4})
    # another choice of outcomes is read from the points on disk, nothing rerun
    only_y = sensitivity(tiny, out=tmp_path / "a", outcomes=["final_y"], **options)
    assert point.stat().st_mtime_ns == written
    assert only_y.records() == [row for row in first.records() if row["outcome"] == "final_y"]


def test_a_scenario_edited_under_an_analysis_is_never_mixed_into_it(tiny, tmp_path):
    from wargame.montecarlo.sensitivity import PointJob, run_point

    options = {"trajectories": 2, "runs": 2, "jobs": 1, "progress": False,
               "groups": ["drives_x", "shocks"]}
    done = sensitivity(tiny, out=tmp_path / "a", **options)
    plan = json.loads((tmp_path / "a" / "sensitivity.json").read_text())
    Path(tiny).write_text(TINY.replace("rate_per_week: {value: 0.5", "rate_per_week: {value: 0.6"),
                          encoding="utf-8")
    with pytest.raises(WargameError, match="another plan"):  # a resume after the edit
        sensitivity(tiny, out=tmp_path / "a", **options)
    job = PointJob(0, tiny, plan["scenario_hash"], (), {}, 2, 0, str(tmp_path / "p"))
    with pytest.raises(WargameError, match="the scenario changed while the analysis ran"):
        run_point(job)  # a worker that loads the edited file
    assert done.points == 6


@pytest.mark.parametrize(("options", "message"), [
    ({"runs": 0}, "runs must be a whole number ≥ 1"),
    ({"trajectories": 1}, "trajectories must be a whole number ≥ 2"),
    ({"runs": "3"}, "runs must be a whole number"),
    ({"groups": ["nope"]}, "unknown assumption group"),
    ({"groups": ["push_size", "shocks"]}, "postures not applied"),
    ({"groups": ["shocks"]}, "fewer than two groups"),
    ({"outcomes": ["nope"]}, "unknown outcome 'nope'"),
    ({"outcomes": ["final_x:better"]}, "final_x:higher or final_x:lower"),
    ({"outcomes": "final_x"}, "a list of outcome names"),
    ({"postures": ["nope"]}, "unknown posture 'nope'"),
    ({"out": None}, "out must be the path of a folder"),
])
def test_bad_arguments_are_named(tiny, tmp_path, options, message):
    arguments = {"trajectories": 2, "runs": 1, "jobs": 1, "out": tmp_path / "o",
                 "progress": False, **options}
    with pytest.raises(WargameError, match=message):
        sensitivity(tiny, **arguments)


def test_the_command_runs_end_to_end_on_a_pool(tiny, tmp_path):
    out = tmp_path / "cli"
    shown = run_wargame("sensitivity", tiny, "--trajectories", "2", "--runs", "3", "--jobs", "2",
                        "--out", str(out), "--groups", "drives_x,only_y,shocks", "--quiet")
    assert shown.returncode == 0, shown.stderr
    assert "2 trajectories × 4 points × 3 replications" in shown.stdout
    assert "final_x [final_x]" in shown.stdout and "mu*" in shown.stdout
    for name in ("sensitivity.csv", "plots/sensitivity-heatmap.png",
                 "plots/sensitivity-bars.png"):
        assert (out / name).stat().st_size > 0
    wrong = run_wargame("sensitivity", tiny, "--groups", "nope", "--out", str(tmp_path / "x"))
    assert wrong.returncode == 1 and wrong.stderr.startswith("error: unknown assumption group")
    assert "Traceback" not in wrong.stderr
