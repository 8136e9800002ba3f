"""docs/model/mechanisms.md stays true to the base scenario.

Its parameter tables are generated from the scenario's ``{value, source}`` pairs
(wargame/calibration/mechanisms_doc.py): they must equal what the generator writes now, every
mechanism group of the scenario must show in its mechanism's section, every number of the
scenario in some table, and every number of the hand-written text must be one the scenario (or a
figure it cites, or the mechanism tests it quotes) writes: a value changed in the scenario and
left in the prose is caught.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT
from wargame.calibration import mechanisms_doc as doc
from wargame.calibration.assumptions import declared

DOC = ROOT / "docs" / "model" / "mechanisms.md"
SCENARIO = ROOT / "scenarios" / f"{doc.BASE}.yaml"
MECHANISM_GROUP = re.compile(r"^m(\d+)_")


@pytest.fixture(scope="module")
def model() -> doc.Model:
    return doc.load(doc.BASE)


@pytest.fixture(scope="module")
def text() -> str:
    return DOC.read_text(encoding="utf-8")


def _section(text: str, key: str) -> str:
    parts = text.split(f"\n## {key} ", 1)
    assert len(parts) == 2, f"docs/model/mechanisms.md has no section '## {key} '"
    return parts[1].split("\n## ", 1)[0]


def _known() -> set[float]:
    scenario = SCENARIO.read_text(encoding="utf-8")
    quoted = (ROOT / "tests" / "test_mechanisms.py").read_text(encoding="utf-8")
    return doc.known_numbers([scenario, *doc.cited_figures(scenario), quoted])


def test_the_generated_tables_are_current(model, text):
    _, stale = doc.update(text, model)
    assert not stale, (
        f"docs/model/mechanisms.md: the generated block(s) {', '.join(stale)} differ from the "
        f"scenario; regenerate them with `{doc.REGENERATE}` (or python -c \"from "
        "wargame.calibration.mechanisms_doc import main; main()\") and review the diff")


def test_every_section_has_its_generated_block_inside_it(text):
    keys = doc.blocks(text)
    expected = [section.key for section in doc.SECTIONS] + ["groups"]
    assert sorted(keys) == sorted(expected), f"generated blocks {keys}, expected {expected}"
    for number in range(1, 14):
        assert f"<!-- generated: M{number} -->" in _section(text, f"M{number}"), (
            f"M{number}: its generated table is not in its section")


def test_every_mechanism_group_of_the_base_appears_in_its_section(text):
    groups = {item.group for item in declared(doc.BASE)
              if item.origin != "world" and item.kind == "behaviour"}
    mechanism = sorted(group for group in groups if MECHANISM_GROUP.match(group))
    assert mechanism, "the base scenario declares no mechanism group (m1_... to m13_...)"
    missing = []
    for group in mechanism:
        match = MECHANISM_GROUP.match(group)
        assert match is not None
        number = int(match.group(1))
        if not 1 <= number <= 13 or f"`{group}`" not in _section(text, f"M{number}"):
            missing.append(group)
    assert not missing, (f"groups in no mechanism section of docs/model/mechanisms.md: "
                         f"{missing} (name them in a row of SECTIONS, "
                         "wargame/calibration/mechanisms_doc.py, and regenerate)")
    others = sorted(group for group in groups - set(mechanism)
                    if group not in doc.OTHER_GROUPS)
    assert not others, f"groups of no mechanism that OTHER_GROUPS does not describe: {others}"


def test_every_number_of_the_base_is_in_some_table(model):
    assert not doc.unplaced(model)


def test_the_rows_describe_their_numbers(model):
    """A number of a section's groups that no row names gets a row of its own, marked: keep
    SECTIONS up to date so the tables stay readable."""
    unnamed = [(section.key, numbers[0].path) for section in doc.SECTIONS
               for label, numbers, _ in doc.section_rows(section, model)
               if label.endswith("(not yet described)")]
    assert not unnamed, f"numbers no row of SECTIONS names: {unnamed}"


def test_the_hand_written_numbers_are_the_scenarios(text):
    unknown = doc.unknown_numbers(text, _known())
    assert not unknown, (
        "docs/model/mechanisms.md quotes numbers the base scenario (and the figures it cites, "
        "and tests/test_mechanisms.py) does not write, stale or mistyped: "
        + ", ".join(f"line {line}: {number}" for line, number in unknown))


@pytest.mark.parametrize("stale", [
    "| growth rate g | 0.0007 a week | assumption |",
    "`d us_rd_funding/dt = 0.9646·us_revenue` bn USD a week",
    "`leverage = 0.0141172·leverage_bn·(1 − self_sufficiency)`",
    "`d smuggled_total/dt = 0.2308·smuggled_volume`",
])
def test_a_stale_hand_written_number_is_caught(stale):
    """Numbers the page quoted before the scenario moved on (g before its calibration on the
    pre-control forecast, the R&D rate on 2023's sales, leverage's constant normalisation)."""
    known = _known()
    assert doc.unknown_numbers(stale, known)
    assert not doc.unknown_numbers("`d self_sufficiency/dt = g·E·η·(1 − self_sufficiency)`, "
                                   "g = 0.00020606 a week", known)


def test_seed_quotes_and_years_are_not_checked():
    known = doc.known_numbers(["0.5"])
    assert not doc.unknown_numbers("> an average annual increase of more than 5123 papers\n"
                                   "In 2022 and 2025, 0.5.", known)
    assert doc.unknown_numbers("0.51", known) == [(1, "0.51")]


def test_a_changed_scenario_number_makes_its_table_stale(model, text):
    growth = "flows.capability_grows.rate.terms.0.coef"
    numbers = tuple(dataclasses.replace(number, value=0.0002) if number.path == growth
                    else number for number in model.numbers)
    _, stale = doc.update(text, dataclasses.replace(model, numbers=numbers))
    assert stale == ["M2"]


def test_the_command_checks_and_rewrites(model, tmp_path: Path, text, capsys, monkeypatch):
    monkeypatch.setattr(doc, "load", lambda source=doc.BASE: model)
    page = tmp_path / "mechanisms.md"
    page.write_text(text.replace("<!-- generated: M4 -->\n", "<!-- generated: M4 -->\nold\n"),
                    encoding="utf-8")
    assert doc.main([str(page), "--check"]) == 1
    assert "M4" in capsys.readouterr().err
    assert doc.main([str(page)]) == 0
    assert page.read_text(encoding="utf-8") == text
    assert doc.main([str(page), "--check"]) == 0
