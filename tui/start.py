"""The start screen: pick a scenario (shipped or a file), the seats people will play, a seed.

Under a root (``wargame serve``) the scenario and save fields are paths inside it
(``tui/paths.py``); a save another game holds is said at once, so the player picks another name.
"""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Footer, Header, Input, Label, Select, Static

from tui.forms import Tick
from tui.paths import Root
from tui.session import Session, shipped
from wargame import WargameError
from wargame.files import SaveLock, lock_path
from wargame.scenario.schema import Scenario


class StartScreen(Screen[None]):
    AUTO_FOCUS = "#scenario"
    BINDINGS = [Binding("ctrl+g", "start", "Start the game", id="start.start")]

    def __init__(self, scenario: str | None, seed: int, save: Path, root: Root | None = None
                 ) -> None:
        super().__init__()
        self.initial = scenario or "status-quo-2022"
        self.seed = seed
        self.save = save
        self.root = root or Root()
        self.scenario: Scenario | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="start-form"):
            yield Label("Scenario (shipped)")
            names = shipped()
            yield Select([(name, name) for name in names], id="scenario",
                         value=self.initial if self.initial in names else Select.NULL, compact=True)
            yield Label("…or a scenario file")
            yield Input(value="" if self.initial in names else self.initial,
                        placeholder="path/to/scenario.yaml", id="scenario-file", compact=True)
            yield Static("", id="scenario-info")
            yield Label("Seats played by people (the others follow their doctrines)")
            yield Vertical(id="seats")
            yield Label("Seed")
            yield Input(value=str(self.seed), type="integer", id="seed", compact=True)
            yield Label("Save file (autosaved every turn and every facilitator action)")
            yield Input(value=str(self.save), id="save", compact=True)
            yield Static("", id="start-error", classes="error")
            yield Button("Start the game", id="start-button", variant="primary", compact=True)
        yield Footer()

    async def on_mount(self) -> None:
        await self.load_choice()
        self._say_if_save_in_use(focus=True)

    def _say_if_save_in_use(self, focus: bool = False) -> None:
        """Another game (another browser connection, another terminal) has the save open: say
        so now, not after the form is filled in. Only a save with a lock beside it is tried,
        so opening the screen creates nothing."""
        try:
            save = self.root.save(self.query_one("#save", Input).value.strip())
            if not lock_path(save).exists():
                return
            SaveLock(save).acquire().release()
        except WargameError as exc:
            self.refuse(str(exc), field="#save" if focus else None)

    def refuse(self, message: str, field: str | None = None) -> None:
        """Show why the game cannot start (or clear it), focusing the field to change."""
        self.query_one("#start-error", Static).update(message)
        if field is not None:
            self.query_one(field).focus()

    @on(Select.Changed, "#scenario")
    async def _picked(self, event: Select.Changed) -> None:
        if event.value is Select.NULL:
            return
        self.query_one("#scenario-file", Input).value = ""
        await self.load_choice()

    @on(Input.Submitted, "#scenario-file")
    async def _typed(self) -> None:
        await self.load_choice()

    async def load_choice(self) -> None:
        """Load the chosen scenario (fast: no game yet) to list its teams as seats."""
        path = self.query_one("#scenario-file", Input).value.strip()
        select = self.query_one("#scenario", Select)
        choice = path or (None if select.value is Select.NULL else str(select.value))
        error = self.query_one("#start-error", Static)
        seats = self.query_one("#seats", Vertical)
        await seats.remove_children()
        self.scenario = None
        if not choice:
            return
        try:
            self.scenario = Session.load(self.root.scenario(choice))
        except WargameError as exc:
            error.update(str(exc))
            self.query_one("#scenario-info", Static).update("")
            return
        error.update("")
        self._say_if_save_in_use()  # still true after another scenario is chosen
        meta = self.scenario.meta
        self.query_one("#scenario-info", Static).update(
            f"{meta.name}: {meta.horizon_weeks:g} weeks from {meta.start}, "
            f"turns of {meta.turn_weeks:g} weeks")
        await seats.mount_all(Tick(f"{team.name} ({team_id})", value=index == 0,
                                   id=f"seat-{team_id}", compact=True)
                              for index, (team_id, team) in enumerate(self.scenario.teams.items()))

    @on(Button.Pressed, "#start-button")
    def _pressed(self) -> None:
        self.action_start()

    def action_start(self) -> None:
        error = self.query_one("#start-error", Static)
        if self.scenario is None:
            error.update("choose a scenario that loads first")
            return
        text = self.query_one("#seed", Input).value.strip()
        if not text.isdigit():
            error.update(f"seed: must be a whole number ≥ 0 (got {text!r})")
            return
        text_save = self.query_one("#save", Input).value.strip()
        if not text_save:
            error.update("save file: needed, the game is saved there every turn")
            return
        try:
            save = self.root.save(text_save)
        except WargameError as exc:
            self.refuse(str(exc), field="#save")
            return
        seats = tuple(team for team in self.scenario.teams
                      if self.query_one(f"#seat-{team}", Checkbox).value)
        error.update("")
        self.app.start_game(self.scenario, int(text), seats, save)  # type: ignore[attr-defined]
