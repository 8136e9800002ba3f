"""The start screen takes the scenario a person typed, whether or not they pressed Enter in it.

A person types a path and presses Start (or ctrl+g): the typed file is what starts, and a file
that is missing or not a valid scenario is said on the form (the loader's file:line: field: why)
with nothing started. Real files in a temporary folder; keys typed through the Pilot."""

from __future__ import annotations

from textual.widgets import Checkbox, Input

from tests.conftest import TINY
from tests.tui.test_app import SIZE, run_async, settle
from tests.tui.test_saves import error_text
from tui.app import WargameApp
from tui.dialogs import HandoverScreen
from tui.start import StartScreen


async def type_path(app, pilot, text: str) -> None:
    """Click into the scenario file field and type ``text`` (no Enter)."""
    await pilot.click("#scenario-file")
    field = app.screen.query_one("#scenario-file", Input)
    await pilot.press("end", *["backspace"] * len(field.value), *text)


@run_async
async def test_start_uses_the_typed_scenario_file_without_enter(
        tmp_path, monkeypatch):
    (tmp_path / "mine.yaml").write_text(TINY)
    monkeypatch.chdir(tmp_path)  # a short relative path: fewer keys to type
    app = WargameApp("escalation-ladder", save=tmp_path / "s.jsonl")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await type_path(app, pilot, "mine.yaml")
        await pilot.click("#start-button")
        await settle(app, pilot)
        assert isinstance(app.screen, HandoverScreen)
        assert app.session is not None
        assert app.session.game.scenario.meta.name == "Tiny"  # not the shipped one


@run_async
async def test_a_missing_or_invalid_typed_scenario_is_said_and_nothing_starts(
        tmp_path, monkeypatch):
    (tmp_path / "bad.yaml").write_text(TINY.replace("horizon_weeks: 12", "horizon_weeks: soon"))
    monkeypatch.chdir(tmp_path)  # a short relative path: fewer keys to type
    app = WargameApp("escalation-ladder", save=tmp_path / "s.jsonl")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await type_path(app, pilot, "nope.yaml")
        await pilot.press("ctrl+g")  # the footer's key starts too
        await settle(app, pilot)
        assert isinstance(app.screen, StartScreen) and app.session is None
        assert error_text(app) == "nope.yaml: file not found"
        assert app.focused is app.screen.query_one("#scenario-file")  # the field to change
        await type_path(app, pilot, "bad.yaml")
        await pilot.click("#start-button")
        await settle(app, pilot)
        assert isinstance(app.screen, StartScreen) and app.session is None
        assert error_text(app) == ("bad.yaml:5: meta.horizon_weeks: must be a "
                                   "number (got 'soon')")
        assert not (tmp_path / "s.jsonl").exists()  # nothing was started, nothing saved


@run_async
async def test_a_typed_scenario_with_other_teams_shows_its_seats_before_starting(
        tmp_path, monkeypatch):
    """The seats ticked were another scenario's: list the typed one's and let the person
    choose, rather than start a game with seats they never saw."""
    other = TINY.replace("  us:\n    name: United States", "  red:\n    name: Red").replace(
        "  cn:\n    name: China", "  blue:\n    name: Blue").replace("[us]", "[red]")
    (tmp_path / "other.yaml").write_text(other)
    monkeypatch.chdir(tmp_path)  # a short relative path: fewer keys to type
    app = WargameApp("escalation-ladder", save=tmp_path / "s.jsonl")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await type_path(app, pilot, "other.yaml")
        await pilot.click("#start-button")
        await settle(app, pilot)
        assert isinstance(app.screen, StartScreen) and app.session is None
        assert "choose its seats" in error_text(app)
        assert [box.id for box in app.screen.query(Checkbox)] == ["seat-red", "seat-blue"]
        app.screen.query_one("#seat-blue", Checkbox).value = True
        await pilot.click("#start-button")
        await settle(app, pilot)
        assert isinstance(app.screen, HandoverScreen)
        assert app.session.game.scenario.meta.name == "Tiny"
        assert app.session.seats == ("red", "blue")


@run_async
async def test_tabbing_out_of_the_scenario_field_lists_the_typed_scenarios_seats(
        tmp_path, monkeypatch):
    other = TINY.replace("  us:\n    name: United States", "  red:\n    name: Red").replace(
        "[us]", "[red]")
    (tmp_path / "other.yaml").write_text(other)
    monkeypatch.chdir(tmp_path)  # a short relative path: fewer keys to type
    app = WargameApp("escalation-ladder", save=tmp_path / "s.jsonl")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await type_path(app, pilot, "other.yaml")
        await pilot.press("tab")
        await settle(app, pilot)
        assert [box.id for box in app.screen.query(Checkbox)] == ["seat-red", "seat-cn"]
        assert "Tiny" in str(app.screen.query_one("#scenario-info").render())


@run_async
async def test_tab_out_of_the_scenario_field_lands_on_the_seats_it_lists(tmp_path, monkeypatch):
    """A person types a shipped name in the file field and presses Tab: the focus is on the
    first seat (the next field in order), not on Seed past the seats that appeared meanwhile;
    Space then ticks that seat, and a Space typed in the save field adds to its path."""
    (tmp_path / "other.yaml").write_text(TINY.replace("  us:\n    name: United States",
                                                      "  red:\n    name: Red").replace(
        "[us]", "[red]"))
    monkeypatch.chdir(tmp_path)
    app = WargameApp(None, save=tmp_path / "s.jsonl")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        for typed, seats in (("nope", []), ("escalation-ladder", ["seat-us", "seat-cn"]),
                             ("other.yaml", ["seat-red", "seat-cn"])):
            await type_path(app, pilot, typed)
            await pilot.press("tab")
            await settle(app, pilot)
            assert [box.id for box in app.screen.query(Checkbox)] == seats
            assert app.focused is not None
            assert app.focused.id == (seats[0] if seats else "seed"), typed
        ticked = app.screen.query_one("#seat-red", Checkbox).value
        await pilot.press("space")
        await settle(app, pilot)
        assert app.screen.query_one("#seat-red", Checkbox).value is not ticked
        await pilot.press("tab", "tab", "tab")  # seat-cn, seed, save
        save = app.screen.query_one("#save", Input)
        assert app.focused is save
        await pilot.press("space")
        assert save.value == f"{tmp_path / 's.jsonl'} "  # added to, not replaced


@run_async
async def test_a_scenario_that_does_not_load_says_there_are_no_seats(tmp_path, monkeypatch):
    """The seats' heading is not left with nothing under it: a line says why there are none,
    and goes once a scenario loads."""
    monkeypatch.chdir(tmp_path)
    app = WargameApp("escalation-ladder", save=tmp_path / "s.jsonl")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert not app.screen.query("#no-seats")
        await type_path(app, pilot, "nope.yaml")
        await pilot.press("enter")
        await settle(app, pilot)
        assert not app.screen.query(Checkbox)
        note = app.screen.query_one("#seats #no-seats")
        assert "no seats" in str(note.render()).lower()
        await type_path(app, pilot, "escalation-ladder")
        await pilot.press("enter")
        await settle(app, pilot)
        assert not app.screen.query("#no-seats")
        assert [box.id for box in app.screen.query(Checkbox)] == ["seat-us", "seat-cn"]
