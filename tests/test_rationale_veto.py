"""A player's rationale on a move or a withdrawal, and the white cell's veto of a submitted move:
journalled, replayed byte for byte, in the after-action report, and (for the veto) seen by the
move's team only. Journals of games without either are unchanged."""

from __future__ import annotations

import json

import pytest

from tests.conftest import ROOT, tiny
from wargame import Game, MoveError, Scenario
from wargame.engine.events import PendingMove
from wargame.limits import MAX_RATIONALE
from wargame.report import html_report, markdown_report

TIGHTEN = {"team": "us", "kind": "tighten_controls", "params": {"levels": 2}}
RETALIATE = {"team": "cn", "kind": "retaliate"}
FIXTURE = ROOT / "tests" / "fixtures" / "journals" / "v2-escalation-ladder-inputs.jsonl"


@pytest.fixture
def game(ladder) -> Game:
    return Game(ladder, seed=4, human_teams=["us", "cn"])


def _records(game: Game, kind: str) -> list[dict]:
    return [r for r in game.journal.records if r["record"] == kind]


# ---- rationale ------------------------------------------------------------------------------

def test_a_rationale_is_journalled_on_the_move_and_the_withdrawal_and_on_the_pending_move(game):
    kept = game.submit(TIGHTEN, rationale="slow their fabs | before the summit")
    taken = game.submit(RETALIATE, rationale="answer in kind")
    game.withdraw(taken.id, rationale="we would rather talk")
    assert kept.rationale == "slow their fabs | before the summit"
    assert game.pending("us")[0].rationale == kept.rationale
    moves = _records(game, "move")
    assert [m.get("rationale") for m in moves] == [kept.rationale, "answer in kind"]
    assert list(moves[0])[-1] == "rationale"  # appended after the fields a move always has
    assert _records(game, "withdraw")[0]["rationale"] == "we would rather talk"
    game.advance()
    announced = game.pending("us")[0]
    assert announced.status == "announced" and announced.rationale == kept.rationale
    # in no event: other teams (and the team's own event log) never carry it
    assert not any("slow their fabs" in json.dumps(e.to_json()) for e in game.events())


def test_a_rationale_replays_byte_for_byte(game, tmp_path):
    first = game.submit(TIGHTEN, rationale="reason one\nwith a second line")
    game.submit(RETALIATE, rationale="reason two")
    game.withdraw("m2", rationale="changed our mind")
    game.advance()
    game.submit({"team": "cn", "kind": "retaliate"}, rationale="now, then")
    game.advance()
    save = tmp_path / "g.jsonl"
    game.journal.save(save)
    again = Game.replay(save)  # verify: every line regenerated and compared with the file
    assert again.journal.text() == save.read_text(encoding="utf-8")
    assert [r.get("rationale") for r in _records(again, "move")] == [
        first.rationale, "reason two", "now, then"]
    turn_one = Game.replay(again.journal.upto_turn(1))
    assert turn_one.pending("us")[0].rationale == first.rationale  # announced, in its lag


def test_the_report_shows_rationales_with_the_moves(game):
    game.submit(TIGHTEN, rationale="slow their fabs")
    game.submit(RETALIATE, rationale="answer in kind")
    game.withdraw("m2", rationale="we would rather talk")
    game.advance()
    md = markdown_report(game)
    assert "tighten\\_controls; rationale: slow their fabs" in md
    assert ("- m2, turn 1: retaliate (severity=0.3), rationale: answer in kind; withdrawn before "
            "the turn advanced (rationale for withdrawing: we would rather talk)") in md
    html = html_report(game)
    assert "tighten_controls; rationale: slow their fabs" in html
    assert "rationale for withdrawing: we would rather talk" in html
    assert "rationale:" not in markdown_report(Game(game.scenario, seed=4,
                                                    human_teams=["us"]))


@pytest.mark.parametrize("rationale, message", [
    ("x" * (MAX_RATIONALE + 1), f"at most {MAX_RATIONALE} characters"),
    (42, "must be text"),
    (["why"], "must be text"),
    ("   ", "blank"),
    ("bell\x07", "control character"),
])
def test_a_bad_rationale_is_refused_naming_the_field_and_changes_nothing(game, rationale,
                                                                         message):
    before = game.journal.text()
    with pytest.raises(MoveError, match=message) as info:
        game.submit(TIGHTEN, rationale=rationale)
    assert info.value.issues[0].path == "rationale"
    assert game.journal.text() == before and game.pending() == []
    move = game.submit(TIGHTEN)
    before = game.journal.text()
    with pytest.raises(MoveError, match=message):
        game.withdraw(move.id, rationale=rationale)
    assert game.journal.text() == before and game.pending() == [move]


def test_a_rationale_of_the_bound_is_accepted(game):
    assert game.submit(TIGHTEN, rationale="x" * MAX_RATIONALE).rationale == "x" * MAX_RATIONALE


def test_journals_without_rationales_are_unchanged():
    """The fixture was written before rationales and vetoes existed: the same inputs played
    through today's API (no rationale) write the same records, byte for byte."""
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    game = Game(Scenario.model_validate(header["scenario"]), seed=header["seed"],
                human_teams=header["human_teams"])
    for record in map(json.loads, lines[1:]):
        kind = record["record"]
        if kind == "move":
            game.submit({k: record[k] for k in ("team", "kind", "params")})
        elif kind == "withdraw":
            game.withdraw(record["move"])
        elif kind == "advance":
            game.advance()
        elif kind == "step":
            game.step(record["week"] - game.week)
        elif kind == "fork":
            game = game.fork(record["seed"], tuple(record["spawn_key"]),
                             human_teams=record["human_teams"])
        elif kind == "facilitator":
            action, detail, why = record["action"], record["detail"], record["rationale"]
            if action == "inject_event":
                game.inject_event(detail, why)
            elif action == "inject_move":
                game.inject_move(detail, why)
            else:
                game.override(detail["indicator"], detail["value"], why)
    assert list(game.journal.lines())[1:] == lines[1:]


def test_pending_move_keeps_its_positional_construction():
    move = PendingMove("m1", "us", "tighten_controls", {}, "submitted", None, 6.0)
    assert move.rationale is None


# ---- veto -----------------------------------------------------------------------------------

def test_a_veto_strikes_the_move_is_journalled_and_only_the_team_sees_it(game):
    submitted = game.submit(RETALIATE)
    event = game.veto(submitted.id, "not before the talks")
    assert event.kind == "veto" and event.actor is None and event.visible_to == ("cn",)
    assert event.cause.kind == "facilitator"
    assert submitted.id in event.description
    assert "retaliate" in event.description and "not before the talks" in event.description
    assert event.data == {"move": submitted.id, "team": "cn", "kind": "retaliate",
                          "rationale": "not before the talks"}
    assert [e.id for e in game.events("cn")] == [event.id]
    assert game.events("us") == []  # another team does not learn of it
    assert event in game.events()  # the white cell sees all
    assert game.pending() == []
    (record,) = _records(game, "facilitator")
    assert record["action"] == "veto" and record["detail"] == {"move": submitted.id}
    assert record["rationale"] == "not before the talks"
    game.advance()
    assert not any(e.kind.startswith("retaliate") for e in game.events())


def test_a_veto_gives_the_use_back():
    game = Game(tiny(), seed=1)
    move = game.submit({"team": "us", "kind": "once_only"})  # max_uses: 1
    with pytest.raises(MoveError, match="has no uses left"):
        game.submit({"team": "us", "kind": "once_only"})
    game.veto(move.id, "not this turn")
    assert {o.kind: o.uses_left for o in game.legal_moves("us")}["once_only"] == 1
    game.submit({"team": "us", "kind": "once_only"})


def test_a_veto_replays_byte_for_byte_and_is_in_the_report(game, tmp_path):
    game.submit(TIGHTEN)
    move = game.submit(RETALIATE, rationale="answer in kind")
    game.veto(move.id, "not before the talks")
    game.advance()
    game.advance()
    save = tmp_path / "g.jsonl"
    game.journal.save(save)
    again = Game.replay(save)
    assert again.journal.text() == save.read_text(encoding="utf-8")
    assert again.events("us") == game.events("us")
    md = markdown_report(game)
    assert ("- m2, turn 1: retaliate (severity=0.3), rationale: answer in kind; vetoed by the "
            "white cell (f1: not before the talks)") in md
    assert "| f1 | 1 | 0.0 | veto | move=m2 | not before the talks |" in md
    decided = md.split("### China (cn)")[1].split("Withdrawn or not played")[0]
    assert "Its players made no moves." in decided  # a vetoed move is no decision
    assert "vetoed by the white cell (f1: not before the talks)" in html_report(game)


@pytest.mark.parametrize("move_id, message", [
    ("m9", "no submitted move 'm9' to veto"),
    (7, "a move id is text"),
    ("m1", "announced at the turn's start and can no longer be vetoed"),
])
def test_vetoing_an_unknown_or_announced_move_is_refused_and_changes_nothing(game, move_id,
                                                                              message):
    game.submit(TIGHTEN)
    game.advance()  # m1 is announced (in its lag)
    game.submit(RETALIATE)
    before, pending = game.journal.text(), game.pending()
    with pytest.raises(MoveError, match=message) as info:
        game.veto(move_id, "no")
    assert info.value.issues[0].path == "move"
    assert game.journal.text() == before and game.pending() == pending


def test_a_veto_needs_a_rationale(game):
    move = game.submit(RETALIATE)
    before = game.journal.text()
    with pytest.raises(MoveError, match="rationale") as info:
        game.veto(move.id, "  ")
    assert info.value.issues[0].path == "rationale"
    assert game.journal.text() == before and game.pending() == [move]


def test_rollback_and_fork_across_a_veto(game):
    game.advance()
    move = game.submit(RETALIATE)
    game.veto(move.id, "not yet")
    game.submit(TIGHTEN, rationale="instead")
    game.advance()
    game.advance()
    played = game.journal
    game.rollback(2)
    assert game.turn == 2
    assert game.journal.text() == played.upto_turn(2).text()
    assert [e.kind for e in game.events("cn") if e.kind == "veto"] == ["veto"]
    game.rollback(1)  # back before the veto: the move and its veto are gone
    assert not any(e.kind == "veto" for e in game.events())
    assert _records(game, "facilitator") == []
    fork = Game.replay(played).fork(seed=3, at_turn=2)
    assert fork.journal.text().startswith(played.upto_turn(2).text())
    fork.advance()
    assert Game.replay(fork.journal).journal.text() == fork.journal.text()
