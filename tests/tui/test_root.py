"""A rooted UI (what ``wargame serve --root`` starts) reads and writes only inside its root.

Real files and symbolic links in a temporary folder; the app driven by its Pilot."""

from __future__ import annotations

from textual.widgets import Input, Select

from tests.conftest import TINY
from tests.tui.test_app import SIZE, run_async, settle, start
from tests.tui.test_saves import error_text
from tui.app import WargameApp
from tui.dialogs import HandoverScreen

SECRET = "SUPERSECRET-4242"


def layout(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    (tmp_path / "secret.yaml").write_text(f"meta: {SECRET}\n")
    (root / "link.yaml").symlink_to(tmp_path / "secret.yaml")
    (tmp_path / "elsewhere").mkdir()
    (root / "away").symlink_to(tmp_path / "elsewhere")
    return root


async def choose_file(app, pilot, text: str) -> str:
    field = app.screen.query_one("#scenario-file", Input)
    field.value = text
    field.focus()
    await pilot.press("enter")
    await settle(app, pilot)
    return error_text(app)


@run_async
async def test_a_rooted_start_screen_reads_no_scenario_outside_its_root(tmp_path):
    root = layout(tmp_path)
    (root / "mine.yaml").write_text(TINY)
    app = WargameApp("escalation-ladder", save="s.jsonl", root=root)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        refusals = {}
        for text in ("../secret.yaml", str(tmp_path / "secret.yaml"), "link.yaml",
                     "sub/../../secret.yaml", "../no-such-file.yaml", "/etc/passwd"):
            shown = await choose_file(app, pilot, text)
            assert SECRET not in shown
            assert app.screen.scenario is None
            refusals[text] = shown.replace(text, "<path>")
        # the same words whether the file exists or not: nothing to probe
        assert len(set(refusals.values())) == 1, refusals
        assert "outside the folder" in refusals["/etc/passwd"]
        assert await choose_file(app, pilot, "mine.yaml") == ""  # inside: loads
        assert app.screen.scenario.meta.name == "Tiny"
        assert await choose_file(app, pilot, "status-quo-2022") == ""  # shipped, by name
        await choose_file(app, pilot, "")
        app.screen.query_one("#scenario", Select).value = "escalation-ladder"  # the list too
        await settle(app, pilot)
        assert app.screen.scenario is not None and error_text(app) == ""


@run_async
async def test_a_rooted_start_screen_saves_only_inside_its_root(tmp_path):
    root = layout(tmp_path)
    app = WargameApp("escalation-ladder", save="s.jsonl", root=root)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        save = app.screen.query_one("#save", Input)
        for text in ("../out/s.jsonl", str(tmp_path / "s.jsonl"), "away/s.jsonl",
                     "new/../../s.jsonl"):
            save.value = text
            await start(app, pilot)
            assert "outside the folder" in error_text(app), text
            assert app.session is None
        assert not (tmp_path / "out").exists() and not (tmp_path / "new").exists()
        assert list((tmp_path / "elsewhere").iterdir()) == []
        assert not (tmp_path / "s.jsonl").exists()
        save.value = "games/first.jsonl"  # relative to the root, folders made inside it
        await start(app, pilot)
        assert isinstance(app.screen, HandoverScreen)
        app.write_report()
        await settle(app, pilot)
    assert (root / "games" / "first.jsonl").exists()
    assert (root / "games" / "first.report.md").exists()
