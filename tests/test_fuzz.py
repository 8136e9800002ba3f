"""Fuzzing the doors a user's input comes through: scenario text, moves, journals and world files.

Whatever goes in, only the project's own errors may come out (a ``WargameError`` with a message,
which the CLI prints as one line); anything else is a bug. A refused move changes nothing.
Hypothesis runs derandomised, so CI sees the same examples every time.
"""

from __future__ import annotations

import json
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import SCENARIOS
from wargame import Game, Journal, WargameError, load_scenario, load_scenario_text
from wargame.economy.spec import load_world_text

FUZZ = settings(max_examples=120, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow])

SHIPPED_TEXT = {
    name: (SCENARIOS / f"{name}.yaml").read_text(encoding="utf-8")
    for name in ("escalation-ladder", "embargo-shock")
}
LADDER = load_scenario("escalation-ladder")


def _mutations(text: str) -> st.SearchStrategy[str]:
    """Edits a person makes by mistake: drop, duplicate or swap lines, change a character,
    replace a value, insert unicode, truncate."""
    lines = text.split("\n")
    n = len(lines)
    index = st.integers(0, n - 1)
    junk = st.sampled_from(["", "-", ":", "{", "[", "]", "'", '"', "\t", "  ", "null", "~", "1e999",
                            "-1", "0", ".nan", "&a", "*a", "!!python/object:os.system", "é",
                            "\x00", "\u202e", "\ud7ff", "yes", "2025-13-40", "!!binary AAAA"])

    def drop(i):
        return "\n".join(lines[:i] + lines[i + 1:])

    def duplicate(i):
        return "\n".join(lines[:i + 1] + lines[i:])

    def swap(i, j):
        changed = list(lines)
        changed[i], changed[j] = changed[j], changed[i]
        return "\n".join(changed)

    def replace_value(i, value):
        line = lines[i]
        head, sep, _ = line.partition(": ")
        changed = list(lines)
        changed[i] = f"{head}{sep or ': '}{value}"
        return "\n".join(changed)

    def insert(i, position, value):
        line = lines[i]
        position = min(position, len(line))
        changed = list(lines)
        changed[i] = line[:position] + value + line[position:]
        return "\n".join(changed)

    return st.one_of(
        st.builds(drop, index),
        st.builds(duplicate, index),
        st.builds(swap, index, index),
        st.builds(replace_value, index, junk),
        st.builds(replace_value, index, st.text(max_size=12)),
        st.builds(insert, index, st.integers(0, 80), junk),
        st.builds(lambda k: text[:k], st.integers(0, len(text))),
    )


def _only_our_errors(call, *args, **kwargs):
    try:
        return call(*args, **kwargs)
    except WargameError as exc:
        assert str(exc).strip(), "an error with no message"
        return None


@FUZZ
@given(st.sampled_from(sorted(SHIPPED_TEXT)).flatmap(lambda name: _mutations(SHIPPED_TEXT[name])))
def test_mutated_scenarios_load_or_fail_with_our_error(text):
    _only_our_errors(load_scenario_text, text, "fuzz.yaml")


@FUZZ
@given(st.text(max_size=400))
def test_arbitrary_text_loads_or_fails_with_our_error(text):
    _only_our_errors(load_scenario_text, text, "fuzz.yaml")


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers(-10**30, 10**30)
    | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=3),
    max_leaves=8,
)
KINDS = st.sampled_from(["tighten_controls", "signal_resolve", "kill_switch", "retaliate",
                         "patrol", "", "TIGHTEN", "tighten_controls.announced"])
PARAM_NAMES = st.sampled_from(["levels", "clarity", "public", "severity", "x", ""])
MOVES = st.one_of(
    st.fixed_dictionaries(
        {"team": st.sampled_from(["us", "cn", "eu", ""]), "kind": KINDS},
        optional={"params": st.dictionaries(PARAM_NAMES, JSONISH, max_size=3) | JSONISH,
                  "extra": JSONISH},
    ),
    JSONISH,
)


@FUZZ
@given(MOVES)
def test_random_moves_are_taken_or_refused_without_change(move):
    game = Game(LADDER, seed=3, human_teams=("us", "cn"))
    before = (game.pending(), list(game.journal.lines()))
    taken = _only_our_errors(game.submit, move)
    if taken is None:
        assert (game.pending(), list(game.journal.lines())) == before
    else:
        game.advance()  # an accepted move must also play out without a foreign error


def _journal_text() -> str:
    game = Game(LADDER, seed=5, human_teams=("us",))
    game.submit({"team": "us", "kind": "tighten_controls", "params": {"levels": 2}})
    game.advance()
    game.advance()
    return "\n".join(game.journal.lines()) + "\n"


JOURNAL_TEXT = _journal_text()


def _journal_mutations() -> st.SearchStrategy[str]:
    lines = JOURNAL_TEXT.rstrip("\n").split("\n")
    records = [json.loads(line) for line in lines]
    index = st.integers(0, len(lines) - 1)

    def retype(i, key_choice, value):
        changed = [dict(record) for record in records]
        keys = sorted(changed[i])
        changed[i][keys[key_choice % len(keys)]] = value
        return "\n".join(json.dumps(record, allow_nan=True) for record in changed) + "\n"

    def drop(i):
        return "\n".join(lines[:i] + lines[i + 1:]) + "\n"

    return st.one_of(
        st.builds(retype, index, st.integers(0, 50), JSONISH),
        st.builds(drop, index),
        _mutations(JOURNAL_TEXT),
    )


@FUZZ
@given(_journal_mutations())
def test_tampered_journals_parse_and_replay_or_fail_with_our_error(text):
    journal = _only_our_errors(Journal.parse, text, "fuzz.jsonl")
    if journal is not None:
        _only_our_errors(Game.replay, journal)


@FUZZ
@given(st.text(max_size=300))
def test_arbitrary_text_as_a_journal_fails_with_our_error(text):
    _only_our_errors(Journal.parse, text, "fuzz.jsonl")


WORLD_TEXT = (SCENARIOS.parent / "wargame" / "economy" / "data" / "default-world.yaml").read_text(
    encoding="utf-8")


@settings(FUZZ, max_examples=40)  # a world validates its balance: ~0.1 s a load
@given(_mutations(WORLD_TEXT))
def test_mutated_world_files_load_or_fail_with_our_error(text):
    world = _only_our_errors(load_world_text, text, "fuzz-world.yaml")
    if world is not None:
        assert all(math.isfinite(node.output) for node in world.nodes)
