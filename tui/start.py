"""The start screen: pick a scenario (shipped or a file), the seats people will play, a seed.

Under a root (``wargame serve``) the scenario and save fields are paths inside it
(``tui/paths.py``); a save another game holds is said at once, so the player picks another name.
"""

from __future__ import annotations

from pathlib import Path

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Footer, Header, Input, Label, Select, Static

from tui.forms import Tick, whole_number
from tui.paths import Root
from tui.session import Session, shipped
from tui.typed import game_app
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
        self.loaded: str | None = None
        """The choice (a typed path or a shipped name) ``scenario`` was loaded from."""
        self.ticks: dict[str, bool] = {}
        """Each seat's tick as last shown, carried over when a scenario with the same team is
        loaded (a failed load shows no seats but forgets no ticks)."""
        self.shown_teams: tuple[str, ...] = ()
        """The teams whose seats were last listed."""
        self.unseen_seats = False
        """True when a reload has just listed other teams than were shown: Start then asks
        the person to choose among them first, rather than start with seats nobody looked at."""

    def compose(self) -> ComposeResult:
        yield Header()
        # not a Tab stop: its fields are, and focusing one scrolls it into view
        with VerticalScroll(id="start-form", can_focus=False):
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
            # select_on_focus off: a key typed on arrival adds to the value, not replaces it;
            # no type="integer": it dropped the "." of 12.5 and started seed 125 (read_seed says)
            yield Input(value=str(self.seed), id="seed", compact=True, select_on_focus=False)
            yield Label("Save file (autosaved every turn and every facilitator action)")
            yield Input(value=str(self.save), id="save", compact=True, select_on_focus=False)
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

    @on(Input.Blurred, "#scenario-file")
    async def _left_field(self) -> None:
        """Tabbing (or clicking) out of the file field loads what was typed, so the seats
        listed next are the typed scenario's."""
        if self._choice() != self.loaded:
            await self.load_choice()

    async def on_key(self, event: events.Key) -> None:
        """Tab out of the file field loads what was typed before the focus moves, so it moves
        to the first seat listed (the next field), not past seats that appear only after the
        blur (a person's next Space then ticked nothing and landed in the save field)."""
        field = self.query_one("#scenario-file", Input)
        if event.key == "tab" and self.focused is field and self._choice() != self.loaded:
            event.stop()
            event.prevent_default()
            await self.load_choice()
            if self.focused is field:
                self.focus_next()

    @on(events.DescendantFocus, "#seats Checkbox")
    @on(Checkbox.Changed, "#seats Checkbox")
    def _seats_seen(self) -> None:
        self.unseen_seats = False

    def _choice(self) -> str | None:
        """What the form names now: the typed path, else the shipped scenario chosen."""
        path = self.query_one("#scenario-file", Input).value.strip()
        select = self.query_one("#scenario", Select)
        return path or (None if select.value is Select.NULL else str(select.value))

    async def load_choice(self) -> None:
        """Load the chosen scenario (fast: no game yet) to list its teams as seats."""
        choice = self._choice()
        error = self.query_one("#start-error", Static)
        seats = self.query_one("#seats", Vertical)
        self.ticks.update({str(box.id).removeprefix("seat-"): box.value
                           for box in seats.query(Checkbox)})
        lost_focus = self.focused is not None and seats in self.focused.ancestors
        before = tuple(box.id for box in seats.query(Checkbox))
        self.loaded = choice
        self.scenario = None
        if not choice:
            await self._no_seats(seats)
            return
        try:
            self.scenario = Session.load(self.root.scenario(choice))
        except WargameError as exc:
            await self._no_seats(seats)
            error.update(str(exc))
            self.query_one("#scenario-info", Static).update("")
            return
        error.update("")
        self._say_if_save_in_use()  # still true after another scenario is chosen
        meta = self.scenario.meta
        self.query_one("#scenario-info", Static).update(
            f"{meta.name}: {meta.horizon_weeks:g} weeks from {meta.start}, "
            f"turns of {meta.turn_weeks:g} weeks")
        teams = list(self.scenario.teams.items())
        ids = tuple(team_id for team_id, _ in teams)
        if tuple(f"seat-{team_id}" for team_id in ids) == before:
            return  # the same seats, ticked as they are
        known = any(team_id in self.ticks for team_id in ids)
        await seats.remove_children()
        await seats.mount_all(
            Tick(f"{team.name} ({team_id})", id=f"seat-{team_id}", compact=True,
                 value=self.ticks.get(team_id, index == 0 and not known))
            for index, (team_id, team) in enumerate(teams))
        self.unseen_seats = bool(self.shown_teams) and ids != self.shown_teams
        self.shown_teams = ids
        if lost_focus or self.focused is None:  # the seat it was on is gone: the first one
            self.query_one("#seats Checkbox").focus()

    @staticmethod
    async def _no_seats(seats: Vertical) -> None:
        """The seats' heading is not left over nothing: a line says why no seat is listed."""
        await seats.remove_children()
        await seats.mount(Static("No seats until a scenario that loads is named.",
                                 id="no-seats"))

    @on(Button.Pressed, "#start-button")
    async def _pressed(self) -> None:
        await self.action_start()

    async def action_start(self) -> None:
        """Start what the form says now: a path typed without Enter is loaded here, and one
        that does not load is said (the loader's file:line: field: why), starting nothing."""
        error = self.query_one("#start-error", Static)
        if self._choice() != self.loaded or self.scenario is None:
            await self.load_choice()
        if self.scenario is None:
            if self._choice() is None:
                self.refuse("choose a scenario first", field="#scenario")
            else:  # the loader's message is on the form already
                typed = self.query_one("#scenario-file", Input).value.strip()
                self.query_one("#scenario-file" if typed else "#scenario").focus()
            return
        if self.unseen_seats:
            self.unseen_seats = False
            self.refuse(f"{self.scenario.meta.name} is loaded: choose its seats, then start "
                        "again", field="#seats Checkbox")
            return
        text = self.query_one("#seed", Input).value.strip()
        seed = whole_number(text)
        if seed is None or seed < 0:
            self.refuse(f"seed: must be a whole number ≥ 0 (got {text!r})", field="#seed")
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
        game_app(self).start_game(self.scenario, seed, seats, save)
