"""A corpus of malformed scenarios and moves, each with the exact message a user must see.

Scenario cases are files in tests/malformed/: the first line of each says
``# expect: <message>`` with ``{file}`` for the file's path and ``{dir}`` for its folder, so adding
a case is adding a file. Move cases are below: a move submitted to a real game must be refused
with its message and change nothing.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from wargame import Game, MoveError, WargameError, load_scenario

CORPUS = ROOT / "tests" / "malformed"
CASES = sorted(CORPUS.glob("*.yaml"))


def _expected(case: Path, shown: str) -> str:
    first = case.read_text(encoding="utf-8").split("\n", 1)[0]
    assert first.startswith("# expect: "), f"{case.name}: first line must be '# expect: ...'"
    return (first.removeprefix("# expect: ")
            .replace("{file}", shown).replace("{dir}", str(Path(shown).parent)))


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 20


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_malformed_scenario_gets_its_exact_message(case: Path, monkeypatch):
    monkeypatch.chdir(ROOT)
    shown = str(case.relative_to(ROOT))
    with pytest.raises(WargameError) as caught:
        load_scenario(shown)
    assert str(caught.value) == _expected(case, shown)


@pytest.mark.parametrize("case", CASES[:3], ids=lambda p: p.stem)
def test_validate_prints_the_same_message_and_exits_1(case: Path):
    shown = str(case.relative_to(ROOT))
    done = subprocess.run([sys.executable, "-m", "wargame", "validate", shown], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert _expected(case, shown) in done.stderr + done.stdout
    assert "Traceback" not in done.stderr


MOVE_CASES = [
    pytest.param({"team": "us", "kind": "invade"},
                 "move.kind: unknown move 'invade' for team 'us' (expected one of: "
                 "tighten_controls, signal_resolve, kill_switch)", id="unknown-kind"),
    pytest.param({"team": "eu", "kind": "tighten_controls"},
                 "move.team: unknown team 'eu' (expected one of: us, cn)", id="unknown-team"),
    pytest.param({"team": "us", "kind": "tighten_controls", "params": {"levels": 9}},
                 "move.params.levels: must be ≤ 3 (got 9)", id="param-above-bound"),
    pytest.param({"team": "us", "kind": "tighten_controls", "params": {"levels": 1.5}},
                 "move.params.levels: must be a whole number (got 1.5)", id="param-not-integer"),
    pytest.param({"team": "us", "kind": "tighten_controls", "params": {"level": 2}},
                 "move.params.level: unknown parameter (expected one of: levels)",
                 id="param-unknown"),
    pytest.param({"team": "us", "kind": "signal_resolve", "params": {"clarity": "loud"}},
                 "move.params.clarity: must be one of: muddled, clear (got 'loud')",
                 id="choice-not-in-list"),
    pytest.param({"team": "us", "kind": "signal_resolve", "params": {"public": "yes"}},
                 "move.params.public: must be true or false (got 'yes')", id="boolean-as-text"),
    pytest.param({"team": "cn", "kind": "retaliate", "params": {"severity": float("nan")}},
                 "move.params.severity: must be a finite number (got nan)", id="nan-param"),
    pytest.param({"team": "us", "kind": "kill_switch"},
                 "move.kind: 'kill_switch' is not in the team's catalogue now (legal now: "
                 "tighten_controls, signal_resolve)", id="not-legal-now"),
    pytest.param({"team": "us"}, "move.kind: required field missing", id="missing-kind"),
    pytest.param({"team": "us", "kind": "tighten_controls", "params": [1]},
                 "move.params: must be a mapping (got [1])", id="params-not-a-mapping"),
    pytest.param("junk", "move: must be a mapping (got 'junk')", id="not-a-mapping"),
]


@pytest.mark.parametrize(("move", "message"), MOVE_CASES)
def test_malformed_move_is_refused_and_changes_nothing(move, message):
    game = Game(load_scenario("escalation-ladder"), seed=1, human_teams=("us", "cn"))
    before = (game.pending(), list(game.journal.lines()))
    with pytest.raises(MoveError) as caught:
        game.submit(move)
    assert str(caught.value) == message
    assert (game.pending(), list(game.journal.lines())) == before


def test_withdrawing_an_unknown_move_names_it():
    game = Game(load_scenario("escalation-ladder"), seed=1, human_teams=("us",))
    with pytest.raises(MoveError) as caught:
        game.withdraw("m99")
    assert str(caught.value) == "move: no submitted move 'm99' to withdraw (withdrawable: none)"
