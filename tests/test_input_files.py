"""Inputs are read only from regular files, within their size, from where they may be read.

A FIFO, a device or a socket given as a scenario, a base scenario, a world file, a journal or a
table used to block or stream forever; ``extends:`` followed any path (``/etc/passwd``, a link out
of the folder). Each case runs the real command in a subprocess with a timeout, so a regression
fails instead of hanging the suite.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, TINY

TIMEOUT = 60


def wargame(*args: str, cwd: Path, env: dict[str, str] | None = None
            ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "wargame", *args], cwd=cwd, text=True,
                          capture_output=True, timeout=TIMEOUT,
                          env={**os.environ, **(env or {})})


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.yaml"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("command", [
    ["validate", "{input}"], ["run", "{input}"], ["replay", "{input}"],
    ["report", "{input}"], ["shock", "{input}"],
])
@pytest.mark.parametrize("special", ["fifo", "/dev/zero", "/dev/urandom"])
def test_a_fifo_or_a_device_as_input_is_refused_at_once(command, special, fifo, tmp_path):
    path = str(fifo) if special == "fifo" else special
    result = wargame(*(part.replace("{input}", path) for part in command), cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "is not a regular file (a device, FIFO or socket)" in result.stderr
    assert "Traceback" not in result.stderr


def test_extends_and_a_world_file_through_a_fifo_are_refused(fifo, tmp_path):
    (tmp_path / "variant.yaml").write_text(f"extends: {fifo.name}\n")
    result = wargame("validate", "variant.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert "pipe.yaml: is not a regular file" in result.stderr
    (tmp_path / "world.yaml").write_text(TINY + f"economy: {{world: {fifo.name}}}\n")
    result = wargame("validate", "world.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert "world.yaml:" in result.stderr and "economy.world" in result.stderr


def test_extends_may_not_leave_the_scenario_folder(tmp_path):
    folder = tmp_path / "exercise"
    folder.mkdir()
    (tmp_path / "secret.yaml").write_text("password: hunter2\n")
    (folder / "absolute.yaml").write_text("extends: /etc/passwd\n")
    (folder / "relative.yaml").write_text("extends: ../secret.yaml\n")
    (folder / "link.yaml").symlink_to(tmp_path / "secret.yaml")
    (folder / "through-link.yaml").write_text("extends: link.yaml\n")
    for name, shown in [("absolute", "/etc/passwd"), ("relative", "../secret.yaml"),
                        ("through-link", f"link.yaml (a link to {tmp_path / 'secret.yaml'})")]:
        result = wargame("validate", f"{name}.yaml", cwd=folder)
        assert result.returncode == 1
        assert result.stderr.startswith(f"{name}.yaml:1: extends: {shown} is outside the "
                                        "folders a scenario may read from"), result.stderr
        assert "hunter2" not in result.stderr and "root:" not in result.stderr


def test_a_folder_can_be_allowed_explicitly(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "base.yaml").write_text(TINY)
    exercise = tmp_path / "exercise"
    exercise.mkdir()
    (exercise / "variant.yaml").write_text("extends: ../shared/base.yaml\nmeta: {name: Mine}\n")
    assert wargame("validate", "variant.yaml", cwd=exercise).returncode == 1
    allowed = wargame("validate", "variant.yaml", cwd=exercise,
                      env={"WARGAME_SCENARIO_PATH": str(shared)})
    assert allowed.returncode == 0, allowed.stderr
    assert "ok: variant.yaml (Mine)" in allowed.stdout


def test_a_base_in_a_subfolder_and_the_shipped_library_are_allowed(tmp_path):
    (tmp_path / "bases").mkdir()
    (tmp_path / "bases" / "base.yaml").write_text(TINY)
    (tmp_path / "variant.yaml").write_text("extends: bases/base.yaml\n")
    assert wargame("validate", "variant.yaml", cwd=tmp_path).returncode == 0
    library = ROOT / "scenarios"
    variant = library / "escalation-ladder-pessimistic.yaml"
    assert "extends:" in variant.read_text()
    assert wargame("validate", str(variant), cwd=tmp_path).returncode == 0


def test_odd_paths_are_clear_errors_not_crashes(tmp_path):
    """A link loop, a name too long for the file system, a name that is not UTF-8 (it reaches
    Python as lone surrogates, which printing the message used to choke on)."""
    (tmp_path / "loop.yaml").symlink_to("loop.yaml")
    (tmp_path / "extends-loop.yaml").write_text("extends: loop.yaml\n")
    (tmp_path / "world-loop.yaml").write_text(TINY + "economy: {world: loop.yaml}\n")
    (tmp_path / "surrogate.yaml").write_text('extends: "\\ud800"\n')
    cases = {
        "loop.yaml": "loop.yaml: cannot read file: Too many levels of symbolic links",
        "extends-loop.yaml": "loop.yaml: cannot read file: Too many levels of symbolic links",
        "world-loop.yaml": "world-loop.yaml:",
        "x" * 5000: "cannot read file: File name too long",
        "surrogate.yaml": "surrogate.yaml:1: extends: a name may not contain a lone surrogate",
    }
    for name, message in cases.items():
        result = wargame("validate", name, cwd=tmp_path)
        assert result.returncode == 1, (name[:20], result.stderr)
        assert message in result.stderr, (name[:20], result.stderr)
        assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    odd = os.fsencode(tmp_path) + b"/\xff.yaml"
    with open(odd, "wb") as handle:
        handle.write(b"meta: {name: x}\n")
    result = subprocess.run([sys.executable, "-m", "wargame", "validate", odd], cwd=tmp_path,
                            capture_output=True, timeout=TIMEOUT)
    assert result.returncode == 1
    assert b"\\udcff.yaml" in result.stderr and b"Traceback" not in result.stderr
