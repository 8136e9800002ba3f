"""Which files a UI may read and write: inside its root, and saves it may replace.

Why: ``wargame serve`` hands the start screen's file fields to whoever drives the browser, so the
host chooses a folder (``--root``) and the UI resolves every scenario and save path against it
and refuses what leaves it — after ``..`` and symbolic links are resolved, before anything is
read, created or written, with the same words whether the file exists or not (nothing to probe,
nothing of an outside file echoed). ``wargame play`` at a terminal has no root: its user can read
their own files anyway.

And a save is replaced only when it is one: a file whose first line is not a wargame journal's
header is never overwritten, and an existing journal only after the player confirms.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from wargame import shipped_scenarios
from wargame.errors import OutputError, ScenarioError, WargameError
from wargame.files import is_regular_file, is_within, starts_with
from wargame.report import is_report as written_by_wargame

JOURNAL_MARKER = b'{"record":"header","format":"wargame-journal"'
"""How every journal's first line starts (the engine writes the header with these keys first)."""

is_journal = starts_with(JOURNAL_MARKER)


def is_report(path: Path) -> bool:
    """An after-action report wargame wrote (``wargame.report.is_report``), so a report beside
    a save may replace an older one, never another file; not a FIFO, which would block."""
    return is_regular_file(path) and written_by_wargame(path)


class Root:
    """The folder a UI may use, or none (``folder=None``: anywhere, as at a terminal)."""

    def __init__(self, folder: str | Path | None = None) -> None:
        self.folder = None if folder is None else Path(folder).resolve()

    def _inside(self, text: str, error: type[WargameError]) -> Path:
        assert self.folder is not None
        path = Path(text)
        if not path.is_absolute():
            path = self.folder / path
        try:
            inside = is_within(path, [self.folder])
        except (OSError, RuntimeError, ValueError):  # a link loop, a NUL in the name
            inside = False
        if not inside:
            raise error(f"{text}: outside the folder this game may use ({self.folder}); give a "
                        "path inside it")
        return path

    def scenario(self, text: str) -> str | Path:
        """What to load for ``text`` (a shipped name or a file path), or ``ScenarioError``.

        A shipped name stays selectable wherever the root is, unless the root has a file of that
        name (the loader's rule: a file wins over a name)."""
        if self.folder is None:
            return text
        if text in shipped_scenarios() and not (self.folder / text).exists():
            return Path(str(resources.files("wargame.scenarios"))) / f"{text}.yaml"
        return self._inside(text, ScenarioError)

    def save(self, text: str) -> Path:
        """The save file ``text`` names, or ``OutputError`` when it is outside the root."""
        if self.folder is None:
            return Path(text)
        return self._inside(text, OutputError)

    def check(self, path: Path) -> Path:
        """``path`` itself, or ``OutputError`` when it is outside the root (a report beside a
        save whose name is a link out, say)."""
        return path if self.folder is None else self._inside(str(path), OutputError)


def replaceable_save(path: Path) -> bool:
    """Whether a new game may go to ``path`` after asking: ``False`` when nothing is there (no
    need to ask); ``True`` for an existing journal; ``OutputError`` for anything else."""
    if path.is_dir():
        raise OutputError(f"{path}: is a directory; give a file name for the save")
    if not path.exists():
        return False
    if not is_regular_file(path):  # a FIFO would block the read below
        raise OutputError(f"{path}: is not a regular file; give a file name for the save")
    if not is_journal(path):
        raise OutputError(f"{path}: exists and is not a wargame save (its first line is not a "
                          "wargame journal header), so it is never overwritten; choose another "
                          "name")
    return True
