"""The work a scenario can ask for is bounded, and hitting a bound is a clear error that loses
nothing: the action that hit it is undone, so the game (and its save) stays as it was.

Hang cases run in a subprocess with a timeout, so a regression fails the test instead of hanging
the suite.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from tests.conftest import ROOT, tiny
from wargame import Game, GameStateError, load_scenario_text
from wargame.limits import MAX_CHAIN, MAX_EVENTS_PER_WEEK

LOOP = """
rules:
  answer_raise: {{team: cn, on: raise_level, move: {{kind: respond}}}}
  answer_respond: {{team: cn, on: respond, delay_weeks: {delay}, move: {{kind: respond}}}}
"""


def _run_in_subprocess(code: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def test_a_rule_answering_itself_at_once_stops_with_the_rule_named_and_the_turn_undone():
    game = Game(tiny(LOOP.format(delay=0)), seed=1, human_teams=["us"])
    game.advance()
    game.submit({"team": "us", "kind": "raise_level", "params": {"by": 0.1}})
    before = (game.journal.text(), game.turn, game.week, game.indicators())
    with pytest.raises(GameStateError, match=f"rule 'answer_respond' acted in a chain of "
                                             f"{MAX_CHAIN} events"):
        game.advance()
    assert (game.journal.text(), game.turn, game.week, game.indicators()) == before
    assert [p.kind for p in game.pending("us")] == ["raise_level"]  # still submitted
    assert Game.replay(game.journal).journal.text() == before[0]


def test_a_rule_loop_with_a_tiny_delay_stops_instead_of_hanging():
    code = "\n".join([
        "from tests.conftest import tiny",
        "from wargame import Game, GameStateError",
        f"game = Game(tiny({LOOP.format(delay='1e-9')!r}), seed=1, human_teams=['us'])",
        "game.submit({'team': 'us', 'kind': 'raise_level', 'params': {'by': 0.1}})",
        "try:",
        "    game.advance()",
        "except GameStateError as exc:",
        "    print(exc)",
    ])
    result = _run_in_subprocess(code)
    assert f"more than {MAX_EVENTS_PER_WEEK} events a week is a loop" in result.stdout, \
        result.stderr
    assert "most from rule answer_respond" in result.stdout


def test_a_diverging_flow_is_an_error_naming_the_indicator_and_the_flow():
    scenario = tiny("""
    flows:
      runaway: {indicator: secret, rate: {terms: [{coef: 1.0e300, of: [secret, secret]}]}}
    """)
    game = Game(scenario, seed=1)
    game.override("secret", 2.0, "start it growing")
    with pytest.raises(GameStateError, match=r"indicator 'secret' became inf at week \d+ "
                                             r"\(from its flow 'runaway'\)"):
        game.run()


def test_a_bounded_indicator_driven_to_nan_is_an_error_not_a_silent_value():
    scenario = tiny("""
    flows:
      unstable:
        indicator: level
        rate:
          terms: [{coef: 1.0e300, of: [secret, secret]}, {coef: -1.0e300, of: [secret, secret]}]
    """)
    game = Game(scenario, seed=1)
    game.override("secret", 1e200, "make the rate inf - inf")
    with pytest.raises(GameStateError, match="indicator 'level' became nan"):
        game.advance()
    assert game.turn == 0  # the turn that diverged is undone
    assert all(value == value for value in game.indicators().values())


def test_a_scenario_asking_for_too_many_events_fails_at_validation_not_in_play():
    with pytest.raises(Exception, match="at most 100000 events over the horizon"):
        load_scenario_text(textwrap.dedent("""
        meta: {name: Busy, start: 2025-01-06, horizon_weeks: 5200, turn_weeks: 52}
        teams: {us: {name: US}}
        sources:
          noise: {rate_per_week: 30, event: {kind: noise}}
        """))


def test_the_mean_of_an_indicator_near_the_largest_float_is_that_value_not_an_overflow():
    scenario = load_scenario_text(textwrap.dedent("""
    meta: {name: Huge, start: 2025-01-06, horizon_weeks: 52, turn_weeks: 4}
    teams: {cn: {name: CN}}
    indicators:
      x: {initial: 1.7976931348623157e+308}
    outcomes:
      mean_x: {indicator: x, stat: mean}
    """))
    game = Game(scenario, seed=0)
    game.run()
    assert game.outcomes()["mean_x"] == pytest.approx(1.7976931348623157e308)
