"""The terminal UI driven by Textual's Pilot: full flows on a real game, saved to real files."""

from __future__ import annotations

import asyncio
import functools
import json

import pytest
from textual.widgets import Checkbox, Input, Select, TabbedContent

from tui.app import WargameApp
from tui.dialogs import ConfirmScreen, HandoverScreen
from tui.seat import SeatScreen
from tui.whitecell import WhiteCellScreen
from wargame import Game, Journal

SIZE = (100, 30)


def run_async(test):
    """Run an async test on a fresh event loop (no pytest plugin needed)."""
    @functools.wraps(test)
    def wrapper(*args, **kwargs):
        return asyncio.run(test(*args, **kwargs))
    return wrapper


async def settle(app, pilot) -> None:
    """Let the engine worker finish and the screens update."""
    for _ in range(3):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


async def start(app, pilot, seats=("us", "cn")) -> None:
    await settle(app, pilot)
    for team in ("us", "cn"):
        app.screen.query_one(f"#seat-{team}", Checkbox).value = team in seats
    await pilot.click("#start-button")
    await settle(app, pilot)


async def show_tab(app, pilot, tab: str) -> None:
    """Switch tab as a click on it would (focus leaves the previous tab's widgets)."""
    app.screen.set_focus(None)
    app.screen.query_one(TabbedContent).active = tab
    await settle(app, pilot)


async def enter_seat(app, pilot, seat: str) -> None:
    assert isinstance(app.screen, HandoverScreen) and app.screen.seat == seat
    await pilot.press("enter")
    await settle(app, pilot)


async def submit(app, pilot, kind: str, **params: str) -> str:
    screen = app.screen
    screen.query_one("#move-kind", Select).value = kind
    await settle(app, pilot)
    for name, value in params.items():
        screen.query_one(f"#param-{name}", Input).value = value
    await pilot.click("#submit")
    await settle(app, pilot)
    return str(screen.query_one("#move-error").render())


@run_async
async def test_a_full_exercise_two_teams_white_cell_rollback_save_and_resume(tmp_path):
    save = tmp_path / "exercise.jsonl"
    app = WargameApp("escalation-ladder", seed=7, save=save)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        await enter_seat(app, pilot, "us")
        assert isinstance(app.screen, SeatScreen)
        assert await submit(app, pilot, "tighten_controls", levels="2") == ""
        assert app.screen.query_one("#pending").row_count == 1
        await pilot.press("ctrl+e")
        await settle(app, pilot)
        await enter_seat(app, pilot, "cn")
        assert await submit(app, pilot, "retaliate", severity="0.5") == ""
        await pilot.press("ctrl+e")  # the last seat ends the turn: the game advances
        await settle(app, pilot)
        assert app.session.game.turn == 1
        assert isinstance(app.screen, HandoverScreen) and app.screen.seat == "us"

        # the white cell: an inject and an override, each with its rationale
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("ctrl+w")
        await settle(app, pilot)
        await enter_seat(app, pilot, "white")
        white = app.screen
        assert isinstance(white, WhiteCellScreen)
        await show_tab(app, pilot, "inject")
        white.query_one("#inject-kind", Select).value = "strait_incident"
        white.query_one("#inject-rationale", Input).value = "test the teams' nerves"
        await pilot.click("#fire")
        await settle(app, pilot)
        await show_tab(app, pilot, "override")
        white.query_one("#override-indicator", Select).value = "tension"
        white.query_one("#override-value", Input).value = "0.6"
        white.query_one("#override-rationale", Input).value = "the incident was worse"
        await pilot.click("#apply-override")
        await settle(app, pilot)
        assert app.session.game.indicators()["tension"] == pytest.approx(0.6)
        await pilot.press("ctrl+a")
        await settle(app, pilot)
        await pilot.press("ctrl+a")
        await settle(app, pilot)
        assert app.session.game.turn == 3

        # roll back to the start of turn 2 (the end of the first), confirmed
        await show_tab(app, pilot, "turns")
        white.query_one("#rollback-turn", Input).value = "2"
        await pilot.click("#rollback")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.click("#yes")
        await settle(app, pilot)
        assert app.session.game.turn == 1
        live_lines = list(app.session.game.journal.lines())
        live_indicators = app.session.game.indicators()

    # the autosave equals the live journal; resuming restores exactly that state
    assert save.read_text(encoding="utf-8").splitlines() == live_lines
    records = [json.loads(line) for line in live_lines]
    assert [r["record"] for r in records].count("move") == 2
    fresh = Game.replay(Journal.load(save), verify=True)
    assert fresh.indicators() == live_indicators

    resumed = WargameApp(resume=save)
    async with resumed.run_test(size=SIZE) as pilot:
        await settle(resumed, pilot)
        assert resumed.session.game.turn == 1
        assert resumed.session.game.indicators() == live_indicators
        assert list(resumed.session.game.journal.lines()) == live_lines
        assert isinstance(resumed.screen, HandoverScreen) and resumed.screen.seat == "us"


@run_async
async def test_invalid_input_in_every_form_is_shown_inline_and_changes_nothing(tmp_path):
    save = tmp_path / "bad.jsonl"
    app = WargameApp("escalation-ladder", seed=1, save=save)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.screen.query_one("#seed", Input).value = "-3"
        await pilot.click("#start-button")
        await settle(app, pilot)
        assert "seed: must be a whole number" in str(app.screen.query_one("#start-error").render())
        app.screen.query_one("#scenario-file", Input).value = "no/such/file.yaml"
        await pilot.press("tab")
        app.screen.query_one("#scenario-file", Input).focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert "file not found" in str(app.screen.query_one("#start-error").render())
        app.screen.query_one("#scenario-file", Input).value = ""  # back to the shipped choice
        await pilot.press("enter")
        await settle(app, pilot)
        app.screen.query_one("#seed", Input).value = "1"
        await start(app, pilot, seats=("us",))
        await enter_seat(app, pilot, "us")
        before = list(app.session.game.journal.lines())
        assert "must be ≤ 3 (got 9)" in await submit(app, pilot, "tighten_controls", levels="9")
        assert "must be a whole number" in await submit(app, pilot, "tighten_controls",
                                                        levels="1.5")
        await pilot.click("#submit")  # nothing chosen... the previous choice stays; clear it
        app.screen.query_one("#move-kind", Select).clear()
        await settle(app, pilot)
        await pilot.click("#submit")
        await settle(app, pilot)
        assert "choose a move first" in str(app.screen.query_one("#move-error").render())
        assert list(app.session.game.journal.lines()) == before
        assert app.screen.query_one("#pending").row_count == 0

        await pilot.press("ctrl+w")
        await settle(app, pilot)
        await enter_seat(app, pilot, "white")
        white = app.screen
        await show_tab(app, pilot, "inject")
        await pilot.click("#fire")
        await settle(app, pilot)
        assert "choose an event" in str(white.query_one("#inject-error").render())
        await show_tab(app, pilot, "override")
        white.query_one("#override-indicator", Select).value = "tension"
        white.query_one("#override-value", Input).value = "abc"
        await pilot.click("#apply-override")
        await settle(app, pilot)
        assert "value: must be a number" in str(white.query_one("#override-error").render())
        white.query_one("#override-value", Input).value = "0.5"
        await pilot.pause(0.3)  # a button ignores a click while it still shows the last press
        await pilot.click("#apply-override")
        await settle(app, pilot)
        assert "rationale" in str(white.query_one("#override-error").render())
        await show_tab(app, pilot, "turns")
        white.query_one("#rollback-turn", Input).value = "7"
        await pilot.click("#rollback")
        await settle(app, pilot)
        assert "from 1 to 1" in str(white.query_one("#turns-error").render())
        assert list(app.session.game.journal.lines()) == before


@run_async
async def test_a_player_sees_only_their_team_and_withdraws_a_pending_move(tmp_path):
    app = WargameApp("escalation-ladder", seed=3, save=tmp_path / "s.jsonl")
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        await enter_seat(app, pilot, "us")
        await submit(app, pilot, "tighten_controls", levels="1")
        assert app.screen.query_one("#pending").row_count == 1
        await pilot.click("#withdraw")
        await settle(app, pilot)
        assert app.screen.query_one("#pending").row_count == 0
        assert app.session.game.pending("us") == []
        panel = str(app.screen.query_one("#indicators").render())
        labels = {name: spec.name or name
                  for name, spec in app.session.game.scenario.indicators.items()}
        for name in app.session.game.scenario.indicators:
            assert (labels[name] in panel) == (name in app.session.game.indicators("us"))


@run_async
async def test_the_palette_offers_seats_advance_save_and_report(tmp_path):
    app = WargameApp("escalation-ladder", seed=3, save=tmp_path / "s.jsonl")
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        for wanted in ("Seat: United States", "White cell", "Advance the turn", "Save",
                       "After-action report"):
            assert wanted in titles
        app.write_report()
        await settle(app, pilot)
        assert "# After-action report" in (tmp_path / "s.report.md").read_text()[:300]
        assert (tmp_path / "s.report.html").exists()


@run_async
async def test_the_white_cell_steps_a_week_inside_the_turn(tmp_path):
    save = tmp_path / "s.jsonl"
    app = WargameApp("escalation-ladder", seed=3, save=save)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, seats=("us",))
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("ctrl+w")
        await settle(app, pilot)
        await enter_seat(app, pilot, "white")
        await pilot.press("ctrl+t")
        await settle(app, pilot)
        assert app.session.game.week == 1 and app.session.game.turn == 0
        assert "week 1/52" in str(app.screen.query_one("#status").render())
    assert Game.replay(Journal.load(save), verify=True).week == 1


@run_async
async def test_the_event_log_fills_when_shown_and_filters_as_you_type(tmp_path):
    app = WargameApp("escalation-ladder", seed=7, save=tmp_path / "s.jsonl")
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, seats=("us",))
        for _ in range(3):
            await enter_seat(app, pilot, "us")
            await pilot.press("ctrl+e")
            await settle(app, pilot)
        await enter_seat(app, pilot, "us")
        table = app.screen.query_one("#events")
        assert table.row_count == 0                       # hidden tab: not built yet
        await show_tab(app, pilot, "events-tab")
        seen = [e for e in app.session.game.events("us") if e.kind != "turn"]
        assert table.row_count == len(seen) > 0
        app.screen.query_one("#event-search", Input).value = "patrol"
        await settle(app, pilot)
        assert 0 < table.row_count == sum(
            "patrol" in f"{e.actor} {e.kind} {e.description} {e.cause}".lower() for e in seen)
        app.screen.query_one("#event-search", Input).value = "no such thing"
        await settle(app, pilot)
        assert table.row_count == 0
