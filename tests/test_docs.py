"""Code in the README and docs/ runs as written, so the docs cannot drift from the tool.

- ```python blocks are executed, each on its own, in a temporary directory.
- ```console blocks are transcripts: each `$ command` line runs in bash (in one temporary directory
  per block, where `scenarios/`, `examples/` and `benchmarks/` of the repository are visible), must
  exit 0 and print what follows it. A line `...` in the expected output stands for any lines, and
  `...` inside a line for any text, as doctest's ELLIPSIS does.
- ```bash / ```sh / ```shell blocks are scripts: run whole, must exit 0.
- A block preceded by a line `<!-- not run: reason -->` is skipped, and says why.
- Any other fenced block must be a data or text language (yaml, json, text, mermaid, ...).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT

DOCUMENTS = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").rglob("*.md"))]
FENCE = re.compile(r"^```([A-Za-z0-9_+-]*)[^\n]*\n(.*?)^```[ \t]*$", re.DOTALL | re.MULTILINE)
NOT_RUN = re.compile(r"<!--\s*not run:\s*(.+?)\s*-->\s*$")
RUN_LANGUAGES = {"python", "console", "bash", "sh", "shell"}
TEXT_LANGUAGES = {"yaml", "json", "jsonl", "text", "mermaid", "toml", "csv", "markdown", "md",
                  "ini", "diff", "svg", "html", ""}
VISIBLE = ("scenarios", "examples", "benchmarks")
COMMAND_SECONDS = 300


@dataclass(frozen=True)
class Block:
    document: Path
    line: int
    language: str
    code: str
    skipped_because: str | None

    @property
    def name(self) -> str:
        return f"{self.document.relative_to(ROOT)}:{self.line}"


def _blocks() -> list[Block]:
    blocks = []
    for document in DOCUMENTS:
        if not document.exists():
            continue
        text = document.read_text(encoding="utf-8")
        for match in FENCE.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            before = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1]
            reason = NOT_RUN.search(before)
            blocks.append(Block(document, line, match.group(1).lower(), match.group(2),
                                reason.group(1) if reason else None))
    return blocks


BLOCKS = _blocks()


def _params(languages: set[str]) -> list:
    return [
        pytest.param(block, id=block.name,
                     marks=[pytest.mark.skip(reason=block.skipped_because)]
                     if block.skipped_because else [])
        for block in BLOCKS if block.language in languages
    ]


def _workspace(tmp_path: Path) -> Path:
    for name in VISIBLE:
        if (ROOT / name).exists():
            (tmp_path / name).symlink_to(ROOT / name)
    return tmp_path


def _environment() -> dict[str, str]:
    env = dict(os.environ, COLUMNS="100", NO_COLOR="1", TERM="dumb")
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def _expected_pattern(expected: list[str]) -> re.Pattern[str]:
    """The transcript's output as a regex: `...` lines match any lines, `...` in a line any text."""
    parts = []
    for line in expected:
        if line.strip() == "...":
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            pieces = [re.escape(piece) for piece in line.rstrip().split("...")]
            parts.append(r"[^\n]*?".join(pieces) + r"\n")
    return re.compile("".join(parts))


def _transcript(code: str) -> list[tuple[str, list[str]]]:
    steps: list[tuple[str, list[str]]] = []
    for line in code.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        elif steps:
            steps[-1][1].append(line)
        elif line.strip():
            raise AssertionError(f"console block output before any `$ command`: {line!r}")
    while steps and steps[-1][1] and not steps[-1][1][-1].strip():
        steps[-1][1].pop()
    return steps


@pytest.mark.parametrize("block", _params({"python"}))
def test_python_blocks_run(block: Block, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    exec(compile(block.code, block.name, "exec"), {"__name__": "__doc__"})


@pytest.mark.parametrize("block", _params({"console"}))
def test_console_transcripts_match(block: Block, tmp_path):
    steps = _transcript(block.code)
    assert steps, f"{block.name}: a console block with no `$ command`"
    cwd = _workspace(tmp_path)
    for command, expected in steps:
        done = subprocess.run(["bash", "-c", command], cwd=cwd, env=_environment(),
                              capture_output=True, text=True, timeout=COMMAND_SECONDS)
        assert done.returncode == 0, (
            f"{block.name}: `{command}` exited {done.returncode}\n{done.stdout}\n{done.stderr}")
        actual = "\n".join(line.rstrip() for line in done.stdout.splitlines()) + "\n"
        while expected and not expected[-1].strip():
            expected.pop()
        if expected:
            pattern = _expected_pattern(expected)
            assert pattern.fullmatch(actual), (
                f"{block.name}: `{command}` printed\n{actual}\nexpected\n" + "\n".join(expected))


@pytest.mark.parametrize("block", _params({"bash", "sh", "shell"}))
def test_shell_blocks_run(block: Block, tmp_path):
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", block.code], cwd=_workspace(tmp_path),
                          env=_environment(), capture_output=True, text=True,
                          timeout=COMMAND_SECONDS)
    assert done.returncode == 0, f"{block.name} exited {done.returncode}\n{done.stderr}"


def test_every_fenced_block_is_run_or_says_why_not():
    unknown = [f"{block.name} (```{block.language})" for block in BLOCKS
               if block.language not in RUN_LANGUAGES | TEXT_LANGUAGES]
    assert not unknown, "fenced blocks in a language the docs test neither runs nor knows: " \
        + ", ".join(unknown)
    assert any(block.language == "python" for block in BLOCKS)


def test_the_transcript_matcher_can_fail():
    pattern = _expected_pattern(["ok: a.yaml (A)", "...", "done in ... s"])
    assert pattern.fullmatch("ok: a.yaml (A)\nx\ny\ndone in 3.2 s\n")
    assert pattern.fullmatch("ok: a.yaml (A)\ndone in 3.2 s\n")
    assert not pattern.fullmatch("ok: b.yaml (B)\ndone in 3.2 s\n")
    assert not pattern.fullmatch("ok: a.yaml (A)\ndone in 3.2 s\nextra\n")


LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


@pytest.mark.parametrize("document", [d for d in DOCUMENTS if d.exists()],
                         ids=lambda d: str(d.relative_to(ROOT)))
def test_relative_links_point_at_files_that_exist(document):
    text = document.read_text(encoding="utf-8")
    broken = [target for target in LINK.findall(text)
              if "://" not in target and not (document.parent / target).exists()]
    assert not broken, f"{document.relative_to(ROOT)}: broken links {broken}"
