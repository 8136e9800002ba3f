"""Game behaviour on tiny scenarios where every number can be checked by hand."""

from __future__ import annotations

import textwrap

import pytest

import wargame
from tests.conftest import TINY, tiny
from wargame import Game, GameStateError, Move, MoveError, RequestError


def kinds(events):
    return [(e.week, e.kind) for e in events if e.kind != "turn"]


def test_a_lagged_move_is_announced_at_the_turn_start_and_takes_effect_after_its_lag():
    game = Game(tiny(), seed=1)
    pending = game.submit(Move(team="us", kind="raise_level", params={"by": 0.3}))
    assert pending.status == "submitted" and pending.effective_week is None
    events = game.advance()
    assert kinds(events) == [(0.0, "raise_level.announced"), (3.0, "raise_level")]
    assert events[1].cause == wargame.Cause("move", pending.id)
    assert game.indicators()["level"] == pytest.approx(0.3)


def test_a_move_whose_lag_runs_past_the_turn_stays_pending_as_announced():
    scenario = tiny("""
    injects:
      - {at_week: 2, move: {team: us, kind: raise_level, params: {by: 0.2}}}
    """)
    game = Game(scenario, seed=1)
    game.submit({"team": "us", "kind": "quiet"})
    assert [(p.kind, p.status) for p in game.pending()] == [("quiet", "submitted")]
    game.advance()  # the inject announces at week 2; effective at 5, after this turn's end
    (pending,) = game.pending("us")
    assert (pending.kind, pending.status, pending.effective_week) == ("raise_level",
                                                                      "announced", 5.0)
    assert game.pending("cn") == [] and game.indicators()["level"] == 0.0
    game.advance()
    assert game.pending() == [] and game.indicators()["level"] == pytest.approx(0.2)


def test_visibility_filters_events_and_indicators_per_team():
    game = Game(tiny(), seed=1)
    game.submit({"team": "us", "kind": "quiet"})
    game.advance()
    assert [e.kind for e in game.events("cn")] == ["turn"]
    assert [e.kind for e in game.events("us")] == ["quiet", "turn"]
    assert [e.kind for e in game.events()] == ["quiet", "turn"]
    assert "secret" not in game.indicators("cn")
    assert game.indicators("us")["secret"] == 1
    assert game.indicators()["secret"] == 1


def test_an_illegal_move_is_refused_and_changes_nothing():
    game = Game(tiny(), seed=1)
    before = game.journal.text()
    with pytest.raises(MoveError, match=r"move.params.by: must be ≤ 1 \(got 2\)"):
        game.submit({"team": "us", "kind": "raise_level", "params": {"by": 2}})
    with pytest.raises(MoveError, match="'gated' is not legal now"):
        game.submit({"team": "us", "kind": "gated"})
    assert game.journal.text() == before and game.pending() == []


def test_requires_opens_a_move_when_its_condition_starts_to_hold():
    game = Game(tiny(), seed=1)
    assert "gated" not in [o.kind for o in game.legal_moves("us")]
    game.override("level", 0.5, "the facilitator rules tension has risen")
    assert "gated" in [o.kind for o in game.legal_moves("us")]


def test_max_uses_counts_queued_moves_and_withdrawal_gives_the_use_back():
    game = Game(tiny(), seed=1)
    first = game.submit({"team": "us", "kind": "once_only"})
    with pytest.raises(MoveError, match="has no uses left"):
        game.submit({"team": "us", "kind": "once_only"})
    game.withdraw(first.id)
    assert game.pending() == []
    game.submit({"team": "us", "kind": "once_only"})
    game.advance()
    assert "once_only" not in [o.kind for o in game.legal_moves("us")]
    option = next(o for o in Game(tiny(), seed=1).legal_moves("us") if o.kind == "once_only")
    assert option.uses_left == 1


def test_a_move_cannot_be_withdrawn_once_announced():
    game = Game(tiny(), seed=1)
    pending = game.submit({"team": "us", "kind": "raise_level"})
    game.advance()  # announced at 0, effective at 3
    with pytest.raises(MoveError):
        game.withdraw(pending.id)


def test_rules_fire_on_event_kind_when_condition_holds_after_their_delay():
    scenario = tiny("""
    rules:
      cn_answers:
        team: cn
        on: raise_level
        when: {indicator: level, op: ">=", value: 0.2}
        delay_weeks: 0.5
        move: {kind: respond}
    """)
    game = Game(scenario, seed=1)
    game.submit({"team": "us", "kind": "raise_level", "params": {"by": 0.1}})
    assert kinds(game.advance()) == [(0.0, "raise_level.announced"), (3.0, "raise_level")]
    game.submit({"team": "us", "kind": "raise_level", "params": {"by": 0.2}})
    events = game.advance()
    assert kinds(events) == [(4.0, "raise_level.announced"), (7.0, "raise_level"),
                             (7.5, "respond")]
    respond = events[-2]
    assert respond.cause.kind == "rule" and respond.cause.ref == "cn_answers"
    assert respond.cause.parent == events[1].id
    assert game.indicators()["level"] == pytest.approx(0.25)


def test_a_human_teams_doctrine_is_off():
    scenario = tiny("""
    rules:
      cn_answers: {team: cn, on: raise_level, move: {kind: respond}}
    """)
    game = Game(scenario, seed=1, human_teams=["cn"])
    game.submit({"team": "us", "kind": "raise_level"})
    assert [e.kind for e in game.advance()] == ["raise_level.announced", "raise_level", "turn"]


def test_rule_probability_draws_from_its_own_stream():
    scenario = tiny("""
    rules:
      coin: {team: cn, on: turn, probability: 0.5, move: {kind: respond}}
    """)
    fired = []
    for seed in range(200):
        game = Game(scenario, seed=seed)
        game.override("level", 1.0, "start high")
        game.run()
        fired.append(sum(e.kind == "respond" for e in game.events()))
    # three turn events per game, each a fair coin, but the last ends the game (no more moves)
    assert 0.85 < sum(fired) / len(fired) < 1.15


def test_triggers_fire_on_crossing_once_or_on_every_re_entry():
    scenario = tiny("""
    triggers:
      high_once:
        indicator: level
        op: ">="
        value: 0.5
        event: {kind: alarm, effects: [{op: enable_moves, team: us, moves: [gated]}]}
      high_every:
        indicator: level
        op: ">="
        value: 0.5
        once: false
        event: {kind: again}
    """)
    game = Game(scenario, seed=1)
    for value in (0.6, 0.2, 0.7):
        game.override("level", value, "test")
    assert [e.kind for e in game.events()] == [
        "override", "alarm", "again", "override", "override", "again"]
    alarm = game.events()[1]
    assert alarm.cause == wargame.Cause("trigger", "high_once", "e1")
    assert alarm.data == {"value": 0.6}


def test_a_trigger_already_true_at_the_start_does_not_fire():
    scenario = tiny("""
    triggers:
      calm: {indicator: level, op: "<", value: 0.5, event: {kind: calm_again}}
    """)
    game = Game(scenario, seed=1)
    game.run()
    assert "calm_again" not in [e.kind for e in game.events()]


def test_effects_clip_to_bounds_and_can_change_the_catalogue():
    scenario = tiny("""
    injects:
      - at_week: 1
        event:
          kind: lockdown
          effects:
            - {op: set, indicator: level, value: 5}
            - {op: disable_moves, team: cn, moves: [respond]}
      - at_week: 2
        move: {team: us, kind: raise_level, params: {by: 0.5}}
    """)
    game = Game(scenario, seed=1)
    game.advance()
    assert game.indicators()["level"] == 1.0
    assert [o.kind for o in game.legal_moves("cn")] == []
    announced = [e for e in game.events() if e.kind == "raise_level.announced"]
    assert announced[0].cause == wargame.Cause("inject", "1")


def test_poisson_source_rate_matches_and_active_if_thins():
    scenario = tiny("""
    sources:
      pings: {rate_per_week: 2.0, event: {kind: ping}}
      gated_pings:
        rate_per_week: 2.0
        active_if: {indicator: level, op: ">", value: 0.5}
        event: {kind: gated_ping}
    """)
    counts = []
    for seed in range(100):
        game = Game(scenario, seed=seed)
        game.run()
        counts.append(sum(e.kind == "ping" for e in game.events()))
        assert not any(e.kind == "gated_ping" for e in game.events())
    assert 22 < sum(counts) / len(counts) < 26  # 2 a week for 12 weeks


def test_adding_a_stream_leaves_the_other_streams_draws_unchanged():
    base = tiny("""
    sources:
      pings: {rate_per_week: 1.0, event: {kind: ping}}
    """)
    more = tiny("""
    sources:
      other: {rate_per_week: 3.0, event: {kind: other}}
      pings: {rate_per_week: 1.0, event: {kind: ping}}
    """)
    times = []
    for scenario in (base, more):
        game = Game(scenario, seed=11)
        game.run()
        times.append([e.week for e in game.events() if e.kind == "ping"])
    assert times[0] == times[1] and times[0]


def test_outcomes_measure_paths_and_events():
    scenario = tiny("""
    injects:
      - {at_week: 2, event: {kind: bump, effects: [{op: shift, indicator: level, by: 0.4}]}}
      - {at_week: 6.5, event: {kind: bump, effects: [{op: shift, indicator: level, by: -0.4}]}}
    outcomes:
      final: {indicator: level}
      peak: {indicator: level, stat: max}
      mean: {indicator: level, stat: mean}
      bumps: {event: bump}
      first_bump: {event: bump, stat: first_week}
      never: {event: raise_level, stat: first_week}
    """)
    game = Game(scenario, seed=1)
    game.run()
    out = game.outcomes()
    # ticks at weeks 0..12: level 0 at 0,1,2? the week-2 tick sees the bump (same instant, later)
    path = [v for _, v in game.history("level")]
    assert len(path) == 13
    assert out["final"] == 0.0 and out["peak"] == pytest.approx(0.4)
    assert out["mean"] == pytest.approx(sum(path) / len(path))
    assert out["bumps"] == 2 and out["first_bump"] == 2 and out["never"] is None


def test_advancing_past_the_horizon_is_refused():
    game = Game(tiny(), seed=1)
    game.run()
    assert game.over and game.turn == 3 and game.week == 12
    with pytest.raises(GameStateError, match="the game is over"):
        game.advance()
    with pytest.raises(MoveError, match="the game is over"):
        game.submit({"team": "us", "kind": "quiet"})


def test_the_last_turn_is_cut_at_the_horizon():
    scenario = wargame.load_scenario_text(
        tiny().model_dump_json(by_alias=True).replace('"horizon_weeks":12.0',
                                                      '"horizon_weeks":10.0'))
    game = Game(scenario, seed=1)
    game.run()
    assert game.turn == 3 and game.week == 10


def test_facilitator_actions_are_journalled_with_their_rationale():
    game = Game(tiny(), seed=1)
    game.inject_event({"kind": "cyber_attack", "visible_to": ["cn"],
                       "effects": [{"op": "shift", "indicator": "level", "by": 0.2}]},
                      "scripted surprise for the China cell")
    game.inject_move({"team": "cn", "kind": "respond"}, "adjudicated: China answers")
    game.override("secret", 3, "correcting a data-entry error")
    records = [r for r in game.journal.records if r["record"] == "facilitator"]
    assert [(r["id"], r["action"], r["rationale"]) for r in records] == [
        ("f1", "inject_event", "scripted surprise for the China cell"),
        ("f2", "inject_move", "adjudicated: China answers"),
        ("f3", "override", "correcting a data-entry error"),
    ]
    assert game.indicators() == {"level": pytest.approx(0.15), "secret": 3}
    override = game.events()[-1]
    assert override.visible_to == () and override.data["old"] == 0 and override.data["new"] == 3
    assert [e.kind for e in game.events("cn")] == ["cyber_attack", "respond"]


def test_unknown_team_in_human_teams_is_an_error():
    with pytest.raises(RequestError, match="unknown team 'xx'"):
        Game(tiny(), seed=1, human_teams=["xx"])


def test_run_stops_after_the_requested_weeks():
    game = Game(tiny(), seed=1)
    game.run(weeks=5)
    assert game.week == 8  # whole turns: the turn that crosses week 5 is played out


def test_triggers_that_re_cross_each_other_forever_stop_with_a_clear_error():
    scenario = tiny("""
    triggers:
      up:
        indicator: level
        op: ">="
        value: 0.5
        once: false
        event: {kind: up, effects: [{op: set, indicator: level, value: 0}]}
      down:
        indicator: level
        op: "<"
        value: 0.5
        once: false
        event: {kind: down, effects: [{op: set, indicator: level, value: 1}]}
    """)
    game = Game(scenario, seed=1)
    before = game.journal.text()
    with pytest.raises(GameStateError, match="fired in a chain of 64 events"):
        game.override("level", 0.9, "start the loop")
    assert game.journal.text() == before  # the override that looped is not kept


def with_intel(intel: str, extra: str = "") -> wargame.Scenario:
    """The tiny scenario with its indicators replaced by ``intel``."""
    base = TINY.split("indicators:")[0]
    return wargame.load_scenario_text(base + intel + textwrap.dedent(extra), "tiny.yaml")


INTEL = """
indicators:
  level:
    initial: 0.0
    min: 0
    max: 1
    intel:
      cn: {lag_weeks: 2}
  secret:
    initial: 0
    visible_to: [us]
    intel:
      us: {noise_sd: 0.5}
"""


def test_a_team_reads_an_indicator_with_its_lag_while_the_white_cell_sees_the_truth():
    scenario = with_intel(INTEL, """
    injects:
      - {at_week: 0.5, event: {kind: jump, effects: [{op: set, indicator: level, value: 0.8}]}}
    """)
    game = Game(scenario, seed=1)
    game.advance()  # weeks 0..4; the jump at 0.5 reaches China's reading 2 ticks after week 1
    truth = game.history("level")
    seen = game.history("level", team="cn")
    assert [v for _, v in truth] == [0.0, 0.8, 0.8, 0.8, 0.8]
    assert [v for _, v in seen] == [0.0, 0.0, 0.0, 0.8, 0.8]
    assert game.indicators("us")["level"] == 0.8 == game.indicators()["level"]


def test_noisy_readings_are_fixed_per_tick_and_deterministic():
    scenario = with_intel(INTEL)
    game = Game(scenario, seed=3)
    game.run()
    readings = [v for _, v in game.history("secret", team="us")]
    assert readings[0] == 0 and len(set(readings[1:])) > 5  # a new error every tick
    assert game.indicators("us")["secret"] == readings[-1] == game.indicators("us")["secret"]
    assert game.indicators()["secret"] == 0  # the truth is untouched
    again = Game(scenario, seed=3)
    again.run()
    assert [v for _, v in again.history("secret", team="us")] == readings
    errors = [v for v in readings[1:]]
    assert abs(sum(errors) / len(errors)) < 0.5  # centred on the truth (0)


def test_a_doctrine_decides_on_its_teams_reading_not_the_truth():
    scenario = with_intel(INTEL, """
    injects:
      - {at_week: 0.5, event: {kind: jump, effects: [{op: set, indicator: level, value: 0.8}]}}
    rules:
      cn_reacts:
        team: cn
        on: turn
        when: {indicator: level, op: ">=", value: 0.5}
        move: {kind: respond}
    """)
    game = Game(scenario, seed=1)
    game.advance()  # at week 4 China's reading (of week 2) is already 0.8: it responds
    assert [e.kind for e in game.events()][-1] == "respond"
    lagged = with_intel(INTEL.replace("lag_weeks: 2", "lag_weeks: 10"), """
    injects:
      - {at_week: 0.5, event: {kind: jump, effects: [{op: set, indicator: level, value: 0.8}]}}
    rules:
      cn_reacts:
        team: cn
        on: turn
        when: {indicator: level, op: ">=", value: 0.5}
        move: {kind: respond}
    """)
    game = Game(lagged, seed=1)
    game.advance()
    assert "respond" not in [e.kind for e in game.events()]


def test_intel_for_a_team_that_cannot_see_the_indicator_is_an_error():
    with pytest.raises(wargame.ScenarioError,
                       match=r"indicators.secret.intel.cn: team 'cn' cannot see this indicator"):
        with_intel(INTEL.replace("us: {noise_sd: 0.5}", "cn: {noise_sd: 0.5}"))


def test_stages_mark_the_way_from_announcement_to_effect():
    scenario = wargame.load_scenario_text(TINY.replace(
        "        lag_weeks: 3\n",
        "        lag_weeks: 3\n        stages: [{name: comment_closes, at_weeks: 2}]\n"), "t.yaml")
    game = Game(scenario, seed=1)
    move = game.submit({"team": "us", "kind": "raise_level"})
    events = game.advance()
    assert kinds(events) == [(0.0, "raise_level.announced"), (2.0, "raise_level.comment_closes"),
                             (3.0, "raise_level")]
    assert events[1].cause == wargame.Cause("move", move.id)
    with pytest.raises(wargame.ScenarioError, match=r"stages\[0\].at_weeks: must be before"):
        wargame.load_scenario_text(TINY.replace(
            "        lag_weeks: 3\n",
            "        lag_weeks: 3\n        stages: [{name: late, at_weeks: 3}]\n"), "t.yaml")


def test_a_doctrine_does_not_react_to_an_event_its_team_cannot_see():
    scenario = tiny("""
    rules:
      cn_notices: {team: cn, on: quiet, move: {kind: respond}}
      us_notices: {team: us, on: quiet, move: {kind: raise_level}}
    """)
    game = Game(scenario, seed=1)
    game.submit({"team": "us", "kind": "quiet"})  # visible to the US only
    kinds_seen = [e.kind for e in game.advance()]
    assert "respond" not in kinds_seen and "raise_level.announced" in kinds_seen


DYNAMICS = """
indicators:
  level: {initial: 0.0, min: 0, max: 1}
  secret: {initial: 0}
  stringency: {initial: 0.5}
  investment: {initial: 0.0}
  capability: {initial: 1.0}
  pressure:
    formula: {terms: [{coef: 2.0, of: [stringency, capability]}, {coef: -1.0}]}
flows:
  invest:
    indicator: investment
    rate: {terms: [{coef: 0.1, of: [stringency]}]}
  learn:
    indicator: capability
    rate: {terms: [{coef: 0.5, of: [investment]}]}
"""


def test_flows_integrate_rates_every_tick_on_one_state_and_formulas_follow():
    game = Game(with_intel(DYNAMICS), seed=1)
    assert game.indicators()["pressure"] == pytest.approx(2 * 0.5 * 1.0 - 1)  # at the start
    game.advance()  # four weekly ticks, explicit Euler on the state before each tick
    investment, capability = 0.0, 1.0
    for _ in range(4):
        investment, capability = investment + 0.1 * 0.5, capability + 0.5 * investment
    values = game.indicators()
    assert values["investment"] == pytest.approx(investment)
    assert values["capability"] == pytest.approx(capability)
    assert values["pressure"] == pytest.approx(2 * 0.5 * capability - 1)


def test_formula_and_flow_references_are_checked():
    with pytest.raises(wargame.ScenarioError, match=r"flows.invest.rate.terms\[0\].of\[0\]: "
                                                    r"unknown indicator 'nope'"):
        with_intel(DYNAMICS.replace("of: [stringency]}]}", "of: [nope]}]}"))
    with pytest.raises(wargame.ScenarioError, match="a flow needs a stock"):
        with_intel(DYNAMICS.replace("indicator: capability", "indicator: pressure"))
    with pytest.raises(wargame.ScenarioError, match="a formula may use only derived indicators"):
        with_intel(DYNAMICS.replace("of: [stringency, capability]", "of: [pressure]"))
