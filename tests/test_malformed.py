"""A corpus of malformed scenarios and moves, each with the exact message a user must see.

Scenario cases are files in tests/malformed/: the first line of each says
``# expect: <message>`` with ``{file}`` for the file's path and ``{dir}`` for its folder, so adding
a case is adding a file. Move cases are files in tests/malformed/moves/, the same
way: a ``move:`` submitted to (or a ``withdraw:`` of an id from) a real game of ``scenario:``
(default escalation-ladder) must be refused with its message and change nothing. Journals are
JSON lines, tampered in code below; too-large files are made at test time.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT
from wargame import (
    Game,
    Journal,
    JournalError,
    MoveError,
    RequestError,
    ScenarioError,
    WargameError,
    load_scenario,
    load_scenario_text,
)
from wargame.canonical import content_hash
from wargame.economy.spec import load_world
from wargame.errors import InputTableError
from wargame.scenario.loader import shipped_scenarios

CORPUS = ROOT / "tests" / "malformed"
CASES = sorted(CORPUS.glob("*.yaml"))


def _expected(case: Path, shown: str) -> str:
    first = case.read_bytes().split(b"\n", 1)[0].decode("utf-8")  # a case may not be UTF-8
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


MOVE_CASES = sorted((CORPUS / "moves").glob("*.yaml"))


def test_the_move_corpus_is_large_enough():
    assert len(MOVE_CASES) >= 20


def _game_for(case: dict) -> Game:
    """The case's scenario (a shipped name, or a file under tests/malformed/), every team human
    so that no doctrine moves behind the test's back."""
    source = case.get("scenario", "escalation-ladder")
    scenario = load_scenario(source if source in shipped_scenarios() else CORPUS / source)
    return Game(scenario, seed=1, human_teams=tuple(scenario.teams))


@pytest.mark.parametrize("case_file", MOVE_CASES, ids=lambda p: p.stem)
def test_malformed_move_is_refused_and_changes_nothing(case_file: Path):
    case = yaml.safe_load(case_file.read_text(encoding="utf-8"))
    assert set(case) <= {"scenario", "move", "withdraw"}, f"{case_file.name}: unknown keys"
    game = _game_for(case)
    before = (game.pending(), list(game.journal.lines()))
    with pytest.raises(MoveError) as caught:
        if "withdraw" in case:
            game.withdraw(case["withdraw"])
        else:
            game.submit(case["move"])
    assert str(caught.value) == _expected(case_file, "")
    assert (game.pending(), list(game.journal.lines())) == before


def test_a_too_large_scenario_is_refused_before_it_is_parsed(tmp_path: Path):
    big = tmp_path / "big.yaml"
    big.write_text("meta:\n  description: " + "x" * (1024 * 1024) + "\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(big)
    assert str(caught.value) == (f"{big}: file is 1048598 bytes; a scenario may be at most "
                                 "1048576 bytes")
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(big.read_text(encoding="utf-8"), "big.yaml")
    assert str(caught.value) == "big.yaml: a scenario may be at most 1048576 bytes"


def test_a_too_large_world_file_is_refused(tmp_path: Path):
    big = tmp_path / "world.yaml"
    big.write_text("name: " + "x" * (2 * 1024 * 1024) + "\n", encoding="utf-8")
    with pytest.raises(InputTableError) as caught:
        load_world(big)
    assert str(caught.value) == (f"{big}: file is 2097159 bytes; a world may be at most "
                                 "2097152 bytes")


def test_world_files_get_the_same_located_messages(tmp_path: Path):
    """The world loader shares the YAML reader: one case each for syntax, nesting and encoding."""
    cases = {
        "name: a\nname: b\n": "2: duplicate key 'name'",
        "name: " + "[" * 60 + "]" * 60 + "\n": "1: invalid YAML: nested more than 50 levels deep",
        "name: a\n\tnodes: {}\n": "2: invalid YAML: a tab character: YAML is indented with spaces",
    }
    for text, message in cases.items():
        world = tmp_path / "world.yaml"
        world.write_text(text, encoding="utf-8")
        with pytest.raises(InputTableError) as caught:
            load_world(world)
        assert str(caught.value) == f"{world}:{message}"
    world.write_bytes(b"name: a\ndescription: caf\xe9\n")
    with pytest.raises(InputTableError) as caught:
        load_world(world)
    assert str(caught.value) == (f"{world}:2: not UTF-8 text: byte 0xe9 cannot be decoded "
                                 "(save the file as UTF-8)")


def _saved_journal_lines() -> list[str]:
    game = Game(load_scenario("escalation-ladder"), seed=5, human_teams=("us",))
    game.submit({"team": "us", "kind": "tighten_controls", "params": {"levels": 2}})
    game.advance()
    return list(game.journal.lines())


def _with_header(lines: list[str], change) -> str:
    header = json.loads(lines[0])
    change(header)
    return "\n".join([json.dumps(header), *lines[1:]]) + "\n"


JOURNAL_CASES = [
    pytest.param(lambda lines: lines[0] + "\n" + "[" * 100_000 + "]" * 100_000 + "\n",
                 "j.jsonl:2: damaged journal: not JSON (nested too deeply)", id="deep-json"),
    pytest.param(lambda lines: "[" * 100_000 + "\n",
                 "j.jsonl:1: not a wargame journal (line 1 is not JSON)", id="deep-header"),
    pytest.param(lambda lines: lines[0] + '\n{"record":"advance","turn":' + "9" * 5000 + "}\n",
                 "j.jsonl:2: damaged journal: not JSON (number too long)", id="number-too-long"),
    pytest.param(lambda lines: _with_header(lines, lambda h: h.update(seed=-1)),
                 "j.jsonl:1: damaged header: seed: must be ≥ 0 (got -1)", id="negative-seed"),
    pytest.param(lambda lines: _with_header(lines, lambda h: h.update(spawn_key=[2, -1])),
                 "j.jsonl:1: damaged header: spawn_key[1]: must be ≥ 0 (got -1)",
                 id="negative-spawn-key"),
    pytest.param(lambda lines: _with_header(lines, lambda h: (
                     h["scenario"]["meta"].update(horizon_weeks=[1]),
                     h.update(scenario_hash=content_hash(h["scenario"])))),
                 "the journal's scenario does not validate: scenario.meta.horizon_weeks: must be "
                 "a number (got [1])", id="scenario-does-not-validate"),
    pytest.param(lambda lines: _with_header(
                     lines, lambda h: h["scenario"]["meta"].update(horizon_weeks=40)),
                 "j.jsonl:1: the scenario does not match its recorded hash (edited or damaged)",
                 id="scenario-edited"),
    pytest.param(lambda lines: lines[0] + '\n{"record":"advance","turn":1,"turn":2}\n',
                 "j.jsonl:2: damaged journal: duplicate key 'turn' in one record",
                 id="duplicate-key"),
    pytest.param(lambda lines: lines[0][:-1] + ',"seed":3}\n' + "\n".join(lines[1:]) + "\n",
                 "j.jsonl:1: damaged header: duplicate key 'seed' in one record",
                 id="duplicate-key-in-header"),
    pytest.param(lambda lines: lines[0] + '\n{"record":"step","turn":1,"week":NaN}\n',
                 "j.jsonl:2: damaged journal: not JSON (NaN is not a number JSON allows)",
                 id="nan"),
    pytest.param(lambda lines: lines[0] + '\n{"record":"facilitator","id":"f1","turn":1,'
                 '"week":0,"action":"override","rationale":"r","detail":{"value":1}}\n',
                 "j.jsonl:2: damaged journal: detail.indicator: required field missing",
                 id="override-without-indicator"),
    pytest.param(lambda lines: lines[0] + '\n{"record":"step","turn":1,"week":"1"}\n',
                 "j.jsonl:2: damaged journal: week: must be a number (got '1')",
                 id="text-where-a-number-goes"),
    pytest.param(lambda lines: "\n".join([lines[0], lines[1].replace(":", ": ", 1),
                                          *lines[2:]]) + "\n",
                 "replay diverges from the journal at line 2", id="whitespace-edited"),
]


@pytest.mark.parametrize(("tamper", "message"), JOURNAL_CASES)
def test_tampered_journal_gets_its_exact_message(tamper, message):
    with pytest.raises(JournalError) as caught:
        Game.replay(Journal.parse(tamper(_saved_journal_lines()), "j.jsonl"))
    assert str(caught.value).split(":\n")[0] == message


def test_a_negative_seed_is_the_users_error_not_numpys():
    with pytest.raises(RequestError) as caught:
        Game(load_scenario("escalation-ladder"), seed=-1)
    assert str(caught.value) == ("seed and spawn key must be whole numbers ≥ 0 (got seed -1, "
                                 "spawn key ())")
    done = subprocess.run([sys.executable, "-m", "wargame", "run", "escalation-ladder",
                           "--seed", "-1"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr.strip()) == (
        1, "error: seed and spawn key must be whole numbers ≥ 0 (got seed -1, spawn key ())")
