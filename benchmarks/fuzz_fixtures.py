"""The fuzz benchmark's sandbox: copies of the shipped scenarios (so ``extends:`` resolves), valid
journals, batch results, a table, and the files that are not files (a FIFO, a directory, a
symbolic link loop, a link to ``/dev/zero``), all in a temporary folder that ``restore`` puts back
after every input, so one input cannot change what the next one reads.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import sys
from pathlib import Path

from fuzz_common import REPO

from wargame import Game, load_scenario, shipped_scenarios
from wargame.scenario.loader import _shipped_dir

SPECIAL = {"fifo", "dir", "loop.yaml", "dangling.yaml", "zero.yaml"}


def _ladder_journal() -> str:
    """A game that uses every record: moves, a withdrawal, a step, white-cell actions, a fork."""
    game = Game(load_scenario("escalation-ladder"), seed=5, human_teams=("us",))
    game.submit({"team": "us", "kind": "tighten_controls", "params": {"levels": 2}})
    pending = game.submit({"team": "us", "kind": "signal_resolve", "params": {}})
    game.withdraw(pending.id)
    game.step(1.5)
    game.override("tension", 0.5, "calibration: tension é 🙂")
    game.inject_event({"kind": "crisis", "description": "A strait incident"}, "exercise")
    game.advance()
    game.inject_move({"team": "cn", "kind": "retaliate", "params": {"severity": 0.4}}, "why")
    game.advance()
    game = game.fork(9, (1,), human_teams=("us", "cn"))
    game.advance()
    return game.journal.text()


def _played(name: str, turns: int, seed: int = 1) -> str:
    game = Game(load_scenario(name), seed=seed)
    for _ in range(turns):
        game.advance()
    return game.journal.text()


class Fixtures:
    """The sandbox and its pristine state."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.dir = root / "fixtures"
        self.scratch = root / "scratch"
        self.pristine = root / "pristine"
        self.journals: dict[str, str] = {}
        self._stats: dict[str, tuple[int, int, int]] = {}

    def build(self) -> Fixtures:
        for folder in (self.dir, self.scratch, self.pristine):
            folder.mkdir(parents=True, exist_ok=True)
        d = self.dir
        for name in shipped_scenarios():
            shutil.copy(_shipped_dir() / f"{name}.yaml", d / f"{name}.yaml")
        shutil.copy(REPO / "wargame" / "economy" / "data" / "default-world.yaml", d / "world.yaml")
        shutil.copy(REPO / "tests" / "economy" / "data" / "germany_1995_beutel.csv",
                    d / "table.csv")
        (d / "tiny.csv").write_text(",a,b,output,final\na,10,20,100,70\nb,30,5,80,45\n",
                                    encoding="utf-8")
        (d / "good.yaml").write_text((d / "escalation-ladder.yaml").read_text(encoding="utf-8"),
                                     encoding="utf-8")
        (d / "bad.yaml").write_text("meta: {name: x, start: 2025-01-06, horizon_weeks: 1, "
                                    "turn_weeks: 4}\nteams: {us: {name: US}}\n", encoding="utf-8")
        (d / "empty.yaml").write_text("", encoding="utf-8")
        (d / "big.yaml").write_text("meta:\n  name: big\n# " + "x" * 1_100_000 + "\n",
                                    encoding="utf-8")
        self.journals = {
            "ladder": _ladder_journal(),
            "embargo": _played("embargo-shock", 3),
            "status-quo": _played("status-quo-2022", 2),
        }
        for path in sorted((REPO / "tests" / "fixtures" / "journals").glob("*.jsonl")):
            self.journals[path.stem] = path.read_text(encoding="utf-8")
        (d / "game.jsonl").write_text(self.journals["ladder"], encoding="utf-8")
        (d / "sq.jsonl").write_text(self.journals["status-quo"], encoding="utf-8")
        lines = self.journals["ladder"].split("\n")
        move = next(i for i, line in enumerate(lines) if line.startswith('{"record":"move"'))
        lines_dup = list(lines)
        lines_dup[move] = lines[move].replace('"params":{', '"params":{"levels":3},"params":{', 1)
        (d / "dup.jsonl").write_text("\n".join(lines_dup), encoding="utf-8")
        lines_sur = [line.replace("calibration: tension", "calibration: \\ud800") for line in lines]
        (d / "surrogate.jsonl").write_text("\n".join(lines_sur), encoding="utf-8")
        ladder = self.journals["ladder"]
        (d / "broken.jsonl").write_text(ladder[: len(ladder) // 2], encoding="utf-8")
        self._batches(d)
        os.mkfifo(d / "fifo")
        (d / "dir").mkdir()
        (d / "dir" / "inside.yaml").write_text("meta: {}\n", encoding="utf-8")
        os.symlink("loop.yaml", d / "loop.yaml")
        os.symlink("nowhere.yaml", d / "dangling.yaml")
        os.symlink("/dev/zero", d / "zero.yaml")
        for entry in d.iterdir():
            if entry.name not in SPECIAL:
                target = self.pristine / entry.name
                if entry.is_dir():
                    shutil.copytree(entry, target, symlinks=True)
                else:
                    shutil.copy(entry, target)
        self._stats = self._snapshot()
        return self

    def _batches(self, d: Path) -> None:
        """Two small batch results for summary, compare and plot (one replication each...)."""
        from wargame.cli import main

        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            for name, extra in (("a", []), ("b", ["--set", "rules.cn_retaliates.probability=0.2"])):
                main(["mc", "escalation-ladder", "--runs", "3", "--jobs", "1", "--quiet",
                      "--out", str(d / "results" / name), *extra])

    def _snapshot(self) -> dict[str, tuple[int, int, int]]:
        stats: dict[str, tuple[int, int, int]] = {}
        for folder, _, files in os.walk(self.dir):
            for name in [*files, ""]:
                path = os.path.join(folder, name) if name else folder
                with contextlib.suppress(OSError):
                    info = os.lstat(path)
                    if not name:  # a folder: only that it is there (files come and go in it)
                        stats[os.path.relpath(path, self.dir)] = (0, 0, info.st_mode)
                        continue
                    stats[os.path.relpath(path, self.dir)] = (info.st_mtime_ns, info.st_size,
                                                              info.st_mode)
        return stats

    def changed(self) -> list[str]:
        now = self._snapshot()
        return sorted(name for name in set(now) | set(self._stats)
                      if now.get(name) != self._stats.get(name))

    def restore(self) -> list[str]:
        """Put back every fixture an input changed, removed or added; returns their names."""
        changed = self.changed()
        if not changed:
            return []
        for name in changed:
            path = self.dir / name
            if name == ".":
                continue
            if path.is_symlink() or path.is_file() or (path.exists() and not path.is_dir()):
                with contextlib.suppress(OSError):
                    path.unlink()
            elif path.is_dir() and not (self.pristine / name).is_dir() and name != "dir":
                shutil.rmtree(path, ignore_errors=True)
        for name in changed:
            top = name.split(os.sep)[0]
            if top == ".":
                continue
            source = self.pristine / top
            target = self.dir / top
            if top == "fifo" and not target.exists():
                os.mkfifo(target)
            elif top == "dir" and not (target / "inside.yaml").exists():
                shutil.rmtree(target, ignore_errors=True)
                target.mkdir()
                (target / "inside.yaml").write_text("meta: {}\n", encoding="utf-8")
            elif top in ("loop.yaml", "dangling.yaml", "zero.yaml") and not target.is_symlink():
                if target.is_dir():
                    shutil.rmtree(target, ignore_errors=True)
                with contextlib.suppress(OSError):
                    os.unlink(target)
                os.symlink({"loop.yaml": "loop.yaml", "dangling.yaml": "nowhere.yaml",
                            "zero.yaml": "/dev/zero"}[top], target)
            elif source.is_dir():
                shutil.rmtree(target, ignore_errors=True)
                shutil.copytree(source, target, symlinks=True)
            elif source.exists():
                shutil.copy(source, target)
        self._stats = self._snapshot()
        return changed

    def clean_scratch(self) -> None:
        for entry in list(self.scratch.iterdir()):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    entry.unlink()


def main() -> None:  # a quick look at the sandbox: python benchmarks/fuzz_fixtures.py DIR
    root = Path(sys.argv[1])
    Fixtures(root).build()
    print("\n".join(sorted(p.name for p in (root / "fixtures").iterdir())))


if __name__ == "__main__":
    main()
