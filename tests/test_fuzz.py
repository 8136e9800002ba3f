"""Fuzzing the doors a user's input comes through: scenario text, moves, journals and world files.

Whatever goes in, only the project's own errors may come out (a ``WargameError`` with a message,
which the CLI prints as one line); anything else is a bug. A refused move changes nothing.
Hypothesis runs derandomised with no example database, so CI sees the same examples every time;
the numbers of examples are chosen for this module to run in about 20 s on the 2-core machine.
"""

from __future__ import annotations

import contextlib
import json
import math
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT, SCENARIOS
from wargame import Game, Journal, WargameError, load_scenario, load_scenario_text
from wargame.economy.spec import load_world, load_world_text
from wargame.scenario.loader import scenario_hash, shipped_scenarios
from wargame.scenario.schema import Scenario

FUZZ = settings(max_examples=100, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow])

SHIPPED_TEXT = {name: (SCENARIOS / f"{name}.yaml").read_text(encoding="utf-8")
                for name in shipped_scenarios()}
STANDALONE = ("escalation-ladder", "embargo-shock")
"""Shipped scenarios without ``extends:``, which ``load_scenario_text`` can take whole (the rest
extend status-quo-2022, ~0.5 s a load; escalation-ladder-pessimistic stands in for them)."""
LADDER = load_scenario("escalation-ladder")
EMBARGO = load_scenario("embargo-shock")

JUNK = [
    "", "-", ":", "{", "[", "]", "'", '"', "\t", "  ", "null", "~", "1e999", "1.0e+999", "-.inf",
    ".nan", "!!float nan", "-1", "0", "1" + "0" * 400, "9" * 4400, "0x1F", "0o17", "1_000", "&a",
    "*a", "<<: {a: 1}", "? complex", "!!python/object:os.system", "!!binary AAAA", "!!set {a}",
    "!!omap [a: 1]", "!!timestamp 2025-02-30", "2025-13-40", "2022-02-30T25:00:00", "yes", "é",
    "\x00", "\x07", "\u202e", "\ufeff", "\U0001f600", "[" * 60 + "]" * 60, "{a: " * 30 + "1" +
    "}" * 30, "escalation-ladder.yaml", "fuzz.yaml", "/", "../../etc/hostname", "nowhere.yaml",
]
"""Values a person (or a bad editor, or an attacker) puts where a value goes: YAML's own
surprises, numbers beyond a float or beyond Python's 4300-digit limit, control and bidi
characters, deep nesting, and file names for ``extends:``."""


def _mutations(text: str) -> st.SearchStrategy[str]:
    """Edits a person makes by mistake: drop, duplicate or swap lines, change a value, insert
    junk or unicode, truncate; and a few of them at once."""
    lines = text.split("\n")
    index = st.integers(0, len(lines) - 1)
    junk = st.sampled_from(JUNK)

    def drop(i: int) -> str:
        return "\n".join(lines[:i] + lines[i + 1:])

    def duplicate(i: int) -> str:
        return "\n".join(lines[:i + 1] + lines[i:])

    def swap(i: int, j: int) -> str:
        changed = list(lines)
        changed[i], changed[j] = changed[j], changed[i]
        return "\n".join(changed)

    def replace_value(i: int, value: str) -> str:
        head, sep, _ = lines[i].partition(": ")
        changed = list(lines)
        changed[i] = f"{head}{sep or ': '}{value}"
        return "\n".join(changed)

    def insert(i: int, position: int, value: str) -> str:
        line = lines[i]
        position = min(position, len(line))
        changed = list(lines)
        changed[i] = line[:position] + value + line[position:]
        return "\n".join(changed)

    def reindent(i: int, by: int) -> str:
        changed = list(lines)
        changed[i] = " " * by + changed[i].lstrip(" ") if by >= 0 else changed[i][-by:]
        return "\n".join(changed)

    return st.one_of(
        st.builds(drop, index),
        st.builds(duplicate, index),
        st.builds(swap, index, index),
        st.builds(replace_value, index, junk),
        st.builds(replace_value, index, st.text(max_size=12)),
        st.builds(insert, index, st.integers(0, 80), junk),
        st.builds(reindent, index, st.integers(-4, 6)),
        st.builds(lambda k: text[:k], st.integers(0, len(text))),
    )


def _only_our_errors(call: Any, *args: Any, **kwargs: Any) -> Any:
    """Call; a ``WargameError`` with a one-line message is fine, anything else fails the test."""
    try:
        return call(*args, **kwargs)
    except WargameError as exc:
        message = str(exc)
        assert message.strip(), "an error with no message"
        assert "Traceback" not in message
        return None


# ---- scenarios ----------------------------------------------------------------------------------

@settings(FUZZ, max_examples=50)
@given(st.sampled_from(STANDALONE).flatmap(lambda name: _mutations(SHIPPED_TEXT[name])))
def test_mutated_scenarios_load_or_fail_with_our_error(text):
    _only_our_errors(load_scenario_text, text, "fuzz.yaml")


@pytest.fixture(scope="module")
def variant_dir():
    """A folder with the base a variant extends, so ``extends:`` is followed for real."""
    folder = Path(tempfile.mkdtemp(prefix="wargame-fuzz-"))
    shutil.copy(SCENARIOS / "escalation-ladder.yaml", folder)
    yield folder
    shutil.rmtree(folder)


@settings(FUZZ, max_examples=40)  # ~0.1 s a load: the base is parsed every time
@given(_mutations(SHIPPED_TEXT["escalation-ladder-pessimistic"]))
def test_mutated_variants_load_through_extends_or_fail_with_our_error(variant_dir, text):
    path = variant_dir / "fuzz.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    _only_our_errors(load_scenario, path)


KEYS = st.sampled_from(["meta", "teams", "indicators", "rules", "triggers", "injects", "name",
                        "horizon_weeks", "turn_weeks", "start", "moves", "params", "op", "value",
                        "indicator", "team", "kind", "on", "x", "extends", "postures"])
SCALARS = st.sampled_from(JUNK) | st.integers(-10**6, 10**6).map(str) | st.text(max_size=6)


@st.composite
def yamlish(draw: st.DrawFn) -> str:
    """Text that is shaped like YAML (indented keys, list items, flow collections) so that the
    parser gets past line 1 and the validator sees odd structures, not just odd characters."""
    out = []
    for _ in range(draw(st.integers(1, 12))):
        indent = "  " * draw(st.integers(0, 4))
        shape = draw(st.integers(0, 4))
        key, value = draw(KEYS), draw(SCALARS)
        if shape == 0:
            out.append(f"{indent}{key}:")
        elif shape == 1:
            out.append(f"{indent}{key}: {value}")
        elif shape == 2:
            out.append(f"{indent}- {value}")
        elif shape == 3:
            out.append(f"{indent}{key}: {{{draw(KEYS)}: {value}}}")
        else:
            out.append(f"{indent}{key}: [{value}, {draw(SCALARS)}]")
    return "\n".join(out) + "\n"


@settings(FUZZ, max_examples=200)
@given(yamlish())
def test_yaml_shaped_text_loads_or_fails_with_our_error(text):
    _only_our_errors(load_scenario_text, text, "fuzz.yaml")


@FUZZ
@given(st.text(max_size=400))
def test_arbitrary_text_loads_or_fails_with_our_error(text):
    _only_our_errors(load_scenario_text, text, "fuzz.yaml")


# ---- moves --------------------------------------------------------------------------------------

EXTREMES = st.sampled_from([10**400, -10**400, 10**4000, 2**63, -(2**63), 1e308, -0.0, 5e-324])
"""Numbers beyond a float, at 64 bits, and at a float's edges (4000 digits, not 5000: hypothesis
must be able to print a failing example, and Python refuses ``repr`` past 4300 digits)."""
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers(-10**30, 10**30) | EXTREMES
    | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=3),
    max_leaves=8,
)


def _move_strategy(scenario: Scenario) -> st.SearchStrategy[Any]:
    """Moves close to legal (real teams, kinds and parameter names, with good and bad values)
    and far from it (junk kinds, junk structure)."""
    kinds = sorted({kind for team in scenario.teams.values() for kind in team.moves})
    params = sorted({name for team in scenario.teams.values() for spec in team.moves.values()
                     for name in spec.params}) or ["x"]
    values = JSONISH | st.integers(-2, 5) | st.floats(-1, 2) | st.sampled_from(
        ["muddled", "clear", "loud", ""])
    return st.one_of(
        st.fixed_dictionaries(
            {"team": st.sampled_from([*scenario.teams, "eu", "white", ""]),
             "kind": st.sampled_from([*kinds, "", "TIGHTEN", f"{kinds[0]}.announced"])},
            optional={"params": st.dictionaries(st.sampled_from([*params, "x", ""]), values,
                                                max_size=3) | JSONISH,
                      "extra": JSONISH},
        ),
        JSONISH,
    )


def _try_moves(scenario: Scenario, actions: list[tuple[str, Any]]) -> None:
    """Play ``actions`` (submit a move, withdraw an id, advance) on a fresh game: each is taken or
    refused with our error, a refused submit or withdraw changes nothing, and the game plays on."""
    game = Game(scenario, seed=3, human_teams=tuple(scenario.teams))
    for action, value in actions:
        before = (game.pending(), list(game.journal.lines()))
        if action == "advance":
            _only_our_errors(game.advance)
            continue
        call = game.submit if action == "submit" else game.withdraw
        if _only_our_errors(call, value) is None and action == "submit":
            assert (game.pending(), list(game.journal.lines())) == before
    _only_our_errors(game.advance)
    again = _only_our_errors(Game.replay, Journal.parse(game.journal.text(), "played.jsonl"))
    assert again is not None and again.journal.text() == game.journal.text()


def _actions(scenario: Scenario) -> st.SearchStrategy[list[tuple[str, Any]]]:
    ids = st.sampled_from(["m1", "m2", "m3", "", "e1"]) | JSONISH
    return st.lists(st.one_of(st.tuples(st.just("submit"), _move_strategy(scenario)),
                              st.tuples(st.just("withdraw"), ids),
                              st.tuples(st.just("advance"), st.none())), max_size=6)


@settings(FUZZ, max_examples=80)
@given(_actions(LADDER))
def test_random_moves_are_taken_or_refused_without_change(actions):
    _try_moves(LADDER, actions)


@settings(FUZZ, max_examples=40)
@given(_actions(EMBARGO))
def test_random_moves_on_the_supply_network_are_taken_or_refused(actions):
    _try_moves(EMBARGO, actions)


# ---- the white cell -----------------------------------------------------------------------------

NUMBERS = st.one_of(st.floats(0, 1), st.floats(-1, 2), JSONISH)
INDICATORS = st.one_of(st.sampled_from(["tension", "trade_openness"]), st.just("x") | JSONISH)
EFFECTS = st.one_of(
    st.builds(lambda i, v: {"op": "shift", "indicator": i, "by": v}, INDICATORS, NUMBERS),
    st.builds(lambda i, v: {"op": "set", "indicator": i, "value": v}, INDICATORS, NUMBERS),
    st.builds(lambda i, v: {"op": "scale", "indicator": i, "factor": v}, INDICATORS, NUMBERS),
    st.dictionaries(st.sampled_from(["op", "indicator", "by", "team", "moves"]), JSONISH),
)
EVENTS = st.one_of(
    st.fixed_dictionaries(
        {"kind": st.sampled_from(["crisis", "talks.open"])},
        optional={"effects": st.lists(EFFECTS, max_size=2),
                  "actor": st.sampled_from(["us", "cn", "eu"]),
                  "visible_to": st.sampled_from(["all", ["us"], ["eu"], "us"])},
    ),
    st.dictionaries(st.sampled_from(["kind", "actor", "effects", "visible_to", "x"]), JSONISH),
    JSONISH,
)
NEAR_LEGAL_MOVES = st.fixed_dictionaries(
    {"team": st.just("us"), "kind": st.sampled_from(["tighten_controls", "signal_resolve"])},
    optional={"params": st.fixed_dictionaries({}, optional={"levels": st.integers(0, 4)})},
)
ACTIONS = st.one_of(
    st.tuples(st.just("override"), INDICATORS, NUMBERS),
    st.tuples(st.just("inject_event"), EVENTS),
    st.tuples(st.just("inject_move"), NEAR_LEGAL_MOVES | _move_strategy(LADDER)),
)
RATIONALES = st.one_of(*[st.just("the exercise needs it")] * 3, st.sampled_from(["", " "]), JSONISH)
"""Mostly a good rationale, so that the action itself is what is tested."""


@settings(FUZZ, max_examples=150)  # most actions are refused: enough are taken to test both
@given(ACTIONS, RATIONALES)
def test_white_cell_actions_are_taken_or_refused_without_change(action, rationale):
    game = Game(LADDER, seed=4)
    before = (game.indicators(), list(game.journal.lines()))
    name, *args = action
    if _only_our_errors(getattr(game, name), *args, rationale) is None:
        assert (game.indicators(), list(game.journal.lines())) == before
    _only_our_errors(game.advance)


# ---- journals -----------------------------------------------------------------------------------

def _journal_lines() -> list[str]:
    game = Game(LADDER, seed=5, human_teams=("us",))
    game.submit({"team": "us", "kind": "tighten_controls", "params": {"levels": 2}})
    game.advance()
    game.fork(9, (1,), human_teams=("us", "cn"))
    game.advance()
    return list(game.journal.lines())


JOURNAL_LINES = _journal_lines()
JOURNAL_TEXT = "\n".join(JOURNAL_LINES) + "\n"
RECORDS = [json.loads(line) for line in JOURNAL_LINES]
JSON_JUNK = st.sampled_from(["[" * 100_000, "9" * 5000, "NaN", "-Infinity", "1e999", "\ufeff{}",
                             '{"record": "advance"}', '{"a": 1, "a": 2}', "{}", "[]", "null"])


def _leaves(value: Any, path: tuple = ()) -> list[tuple]:
    if isinstance(value, dict):
        return [leaf for key, item in value.items() for leaf in _leaves(item, (*path, key))]
    if isinstance(value, list) and value:
        return [leaf for i, item in enumerate(value) for leaf in _leaves(item, (*path, i))]
    return [path]


SCENARIO_LEAVES = _leaves(RECORDS[0]["scenario"])


def _set(data: Any, path: tuple, value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def _lines_text(records: list[dict]) -> str:
    return "\n".join(json.dumps(record, allow_nan=True) for record in records) + "\n"


def _journal_mutations() -> st.SearchStrategy[str]:
    index = st.integers(0, len(RECORDS) - 1)

    def retype(i: int, key_choice: int, value: Any) -> str:
        changed = json.loads(json.dumps(RECORDS))
        keys = sorted(changed[i])
        changed[i][keys[key_choice % len(keys)]] = value
        return _lines_text(changed)

    def replace_line(i: int, line: str) -> str:
        return "\n".join([*JOURNAL_LINES[:i], line, *JOURNAL_LINES[i + 1:]]) + "\n"

    def edit_scenario(leaf: int, value: Any, rehash: bool) -> str:
        """Change one value of the scenario a journal carries; with ``rehash`` also its hash, as
        someone editing the file on purpose would, so that the changed scenario is played."""
        changed = json.loads(json.dumps(RECORDS))
        _set(changed[0]["scenario"], SCENARIO_LEAVES[leaf], value)
        if rehash:
            with contextlib.suppress(Exception):  # not valid: replay must say so in its words
                changed[0]["scenario_hash"] = scenario_hash(
                    Scenario.model_validate(changed[0]["scenario"]))
        return _lines_text(changed)

    header_values = JSONISH | st.integers(-3, 3) | st.sampled_from([["us"], ["eu"], [-1], [2**64]])
    return st.one_of(
        st.builds(retype, index, st.integers(0, 50), JSONISH),
        st.builds(retype, st.just(0), st.integers(0, 50), header_values),
        st.builds(replace_line, index, JSON_JUNK),
        st.builds(edit_scenario, st.integers(0, len(SCENARIO_LEAVES) - 1),
                  JSONISH | st.floats(-2, 2) | st.integers(-2, 60), st.booleans()),
        _mutations(JOURNAL_TEXT),
    )


@settings(FUZZ, max_examples=150)
@given(_journal_mutations())
def test_tampered_journals_parse_and_replay_or_fail_with_our_error(text):
    journal = _only_our_errors(Journal.parse, text, "fuzz.jsonl")
    if journal is not None:
        game = _only_our_errors(Game.replay, journal)
        if game is not None:
            _only_our_errors(game.advance)


@FUZZ
@given(st.text(max_size=300))
def test_arbitrary_text_as_a_journal_fails_with_our_error(text):
    _only_our_errors(Journal.parse, text, "fuzz.jsonl")


# ---- world files --------------------------------------------------------------------------------

WORLD_TEXT = (ROOT / "wargame" / "economy" / "data" / "default-world.yaml").read_text(
    encoding="utf-8")


@settings(FUZZ, max_examples=12)  # a world validates its balance: ~0.1 s a load, twice
@given(_mutations(WORLD_TEXT))
def test_mutated_world_files_load_or_fail_with_our_error(variant_dir, text):
    world = _only_our_errors(load_world_text, text, "fuzz-world.yaml")
    if world is not None:
        assert all(math.isfinite(node.output) for node in world.nodes)
    path = variant_dir / "fuzz-world.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    from_file = _only_our_errors(load_world, path)
    assert (from_file is None) == (world is None)
