"""SVG snapshots of every screen at 80×24 (pytest-textual-snapshot; Textual is pinned exactly).

Update after an intended change with ``pytest tests/tui --snapshot-update`` and look at the SVGs
(tests/tui/__snapshots__/) before committing them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Checkbox, Input, Select, TabbedContent

from tui.app import WargameApp

SIZE = (80, 24)


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    """The save path is shown on the start screen: keep it the same on every machine."""
    monkeypatch.chdir(tmp_path)


def app(_tmp_path: Path) -> WargameApp:
    return WargameApp("escalation-ladder", seed=7, save="exercise.jsonl")


async def settle(pilot) -> None:
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def started(pilot, seats=("us", "cn")) -> None:
    await settle(pilot)
    for team in ("us", "cn"):
        pilot.app.screen.query_one(f"#seat-{team}", Checkbox).value = team in seats
    pilot.app.screen.query_one("#start-button").press()
    await settle(pilot)


async def at_us_seat(pilot) -> None:
    await started(pilot)
    await pilot.press("enter")
    await settle(pilot)


def test_start_screen(snap_compare, tmp_path):
    assert snap_compare(app(tmp_path), terminal_size=SIZE, run_before=settle)


def test_handover_screen_hides_everything(snap_compare, tmp_path):
    assert snap_compare(app(tmp_path), terminal_size=SIZE, run_before=started)


def test_seat_moves_tab_with_a_pending_move(snap_compare, tmp_path):
    async def run_before(pilot):
        await at_us_seat(pilot)
        screen = pilot.app.screen
        screen.query_one("#move-kind", Select).value = "tighten_controls"
        await settle(pilot)
        screen.query_one("#param-levels", Input).value = "2"
        screen.query_one("#submit").press()
        await settle(pilot)
        pilot.app.clear_notifications()
        await settle(pilot)

    assert snap_compare(app(tmp_path), terminal_size=SIZE, run_before=run_before)


def test_seat_move_form_shows_an_inline_error(snap_compare, tmp_path):
    async def run_before(pilot):
        await at_us_seat(pilot)
        screen = pilot.app.screen
        screen.query_one("#move-kind", Select).value = "tighten_controls"
        await settle(pilot)
        screen.query_one("#param-levels", Input).value = "9"
        screen.query_one("#submit").press()
        await settle(pilot)

    assert snap_compare(app(tmp_path), terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("tab", ["situation", "events-tab"])
def test_seat_situation_and_events(snap_compare, tmp_path, tab):
    async def run_before(pilot):
        await at_us_seat(pilot)
        pilot.app.screen.set_focus(None)
        pilot.app.screen.query_one(TabbedContent).active = tab
        await settle(pilot)

    assert snap_compare(app(tmp_path), terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("tab", ["truth", "inject", "override", "turns"])
def test_white_cell_console(snap_compare, tmp_path, tab):
    async def run_before(pilot):
        await at_us_seat(pilot)
        await pilot.press("ctrl+w")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        pilot.app.screen.set_focus(None)
        pilot.app.screen.query_one(TabbedContent).active = tab
        await settle(pilot)

    assert snap_compare(app(tmp_path), terminal_size=SIZE, run_before=run_before)


def test_white_cell_sees_the_teams_pending_moves(snap_compare, tmp_path):
    async def run_before(pilot):
        await at_us_seat(pilot)
        screen = pilot.app.screen
        screen.query_one("#move-kind", Select).value = "tighten_controls"
        await settle(pilot)
        screen.query_one("#param-levels", Input).value = "2"
        screen.query_one("#submit").press()
        await settle(pilot)
        await pilot.press("ctrl+w")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        pilot.app.clear_notifications()
        pilot.app.screen.set_focus(None)
        pilot.app.screen.query_one(TabbedContent).active = "moves-tab"
        await settle(pilot)

    assert snap_compare(app(tmp_path), terminal_size=SIZE, run_before=run_before)


def test_white_cell_override_shows_value_bounds_and_a_refusal(snap_compare, tmp_path):
    async def run_before(pilot):
        await at_us_seat(pilot)
        await pilot.press("ctrl+w")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = pilot.app.screen
        screen.set_focus(None)
        screen.query_one(TabbedContent).active = "override"
        await settle(pilot)
        screen.query_one("#override-indicator", Select).value = "tension"
        screen.query_one("#override-value", Input).value = "1.5"
        screen.query_one("#override-rationale", Input).value = "the incident was worse"
        screen.query_one("#apply-override").press()
        await settle(pilot)

    assert snap_compare(app(tmp_path), terminal_size=SIZE, run_before=run_before)


def test_rollback_asks_for_confirmation(snap_compare, tmp_path):
    async def run_before(pilot):
        await at_us_seat(pilot)
        await pilot.press("ctrl+w")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        pilot.app.confirm_rollback(1)
        await settle(pilot)

    assert snap_compare(app(tmp_path), terminal_size=SIZE, run_before=run_before)


def test_help_screen(snap_compare, tmp_path):
    async def run_before(pilot):
        await at_us_seat(pilot)
        await pilot.press("f1")
        await settle(pilot)

    assert snap_compare(app(tmp_path), terminal_size=SIZE, run_before=run_before)


def test_the_screenshots_in_the_docs_are_the_current_snapshots():
    """docs/img/tui-*.svg are copies of snapshots: when a screen changes, copy them again."""
    root = Path(__file__).parent
    shots = sorted((root.parent.parent / "docs" / "img").glob("tui-*.svg"))
    assert len(shots) >= 8
    for shot in shots:
        name = shot.stem.removeprefix("tui-")
        if "-" in name:
            base, variant = name.rsplit("-", 1)
            name = f"{base}[{variant}]"
        snapshot = root / "__snapshots__" / "test_snapshots" / f"test_{name}.svg"
        assert snapshot.exists(), f"{shot.name}: no snapshot {snapshot.name}"
        assert shot.read_bytes() == snapshot.read_bytes(), (
            f"{shot.name} is out of date: copy {snapshot} over it")
