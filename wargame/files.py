"""Every file the project reads or writes goes through here, so that none is lost or let in.

Why one module: the same four rules hold for scenarios, world files, journals, reports, tables and
batch results, and each was broken somewhere when every caller did its own I/O.

- **Read only regular files, and only as much as an input may be.** A FIFO, a device
  (``/dev/zero``, ``/dev/urandom``) or a socket would block or stream forever; a file is opened
  without blocking, checked on the open descriptor (no race with a rename), and read up to its
  limit plus one byte, so a file that grows or lies about its size (``/proc``) cannot exhaust
  memory.
- **Write atomically, keeping what was there.** A save is written to a temporary file beside the
  target, fsynced and renamed over it, so a reader sees the old file or the new, never half; the
  new file keeps the old one's permissions (or follows the umask); temporary files a killed
  process left behind are removed by the next save of the same file.
- **Never write over an input, nor over a file that is not ours unless forced**
  (``check_output``).
- **One writer per save** (``SaveLock``): a second game, host or UI on the same save is refused
  while the first holds it; the lock is the operating system's, so a killed process releases it.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Callable, Iterable
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, Self

import filelock

from wargame.errors import OutputError, WargameError

ErrorFactory = Callable[[str], Exception]
"""Builds the caller's own error (a ``ScenarioError`` with its file, a ``JournalError``) from a
message saying what is wrong with the file."""


# ---- reading --------------------------------------------------------------------------------

def read_regular_file(path: str | Path, limit: int, error: ErrorFactory, *,
                      what: str = "file") -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; else ``error(message)``.

    ``message`` says what is wrong without naming the file (``file not found``, ``is not a
    regular file ...``), so each caller names it in its own style (``x.yaml: ...``, an ``Issue``
    with the file).
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
                             | getattr(os, "O_NOCTTY", 0))
    except (FileNotFoundError, NotADirectoryError, ValueError):  # ValueError: a NUL in the name
        raise error("file not found") from None
    except IsADirectoryError:
        raise error(f"is a directory, not a {what}") from None
    except OSError as exc:
        raise error(f"cannot read file: {exc.strerror or exc}") from None
    try:
        info = os.fstat(descriptor)
        if stat.S_ISDIR(info.st_mode):
            raise error(f"is a directory, not a {what}")
        if not stat.S_ISREG(info.st_mode):
            raise error(f"is not a regular file (a device, FIFO or socket); a {what} must be a "
                        "file")
        if info.st_size > limit:
            raise error(f"file is {info.st_size} bytes; a {what} may be at most {limit} bytes")
        chunks: list[bytes] = []
        remaining = limit + 1
        while remaining > 0:
            chunk = os.read(descriptor, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        data = b"".join(chunks)
    except OSError as exc:
        raise error(f"cannot read file: {exc.strerror or exc}") from None
    finally:
        os.close(descriptor)
    if len(data) > limit:
        raise error(f"a {what} may be at most {limit} bytes (the file grew while being read)")
    return data


def is_regular_file(path: str | Path) -> bool:
    """True for an existing regular file (following symbolic links); never blocks."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def resolved(path: str | Path) -> Path:
    """``path`` absolute, with ``..`` and symbolic links resolved as far as they go. Never raises:
    a link loop, a name too long or one the file system cannot encode resolves as far as it can,
    and reading it then says what is wrong (``pathlib.Path.resolve`` raises ``RuntimeError`` on
    a loop)."""
    try:
        return Path(os.path.realpath(path))
    except (OSError, ValueError):
        return Path(os.path.abspath(path))


def exists(path: str | Path) -> bool:
    """``os.path.exists``: False, not an exception, for a name too long or not encodable."""
    return os.path.exists(path)


def is_within(path: Path, folders: Iterable[Path]) -> bool:
    """Whether ``path`` (resolved, symbolic links followed) lies inside one of ``folders``."""
    target = resolved(path)
    return any(target.is_relative_to(resolved(folder)) for folder in folders)


# ---- writing --------------------------------------------------------------------------------

def _temp_prefix(path: Path) -> str:
    return f".{path.name}."


def _remove_stale_temps(path: Path) -> None:
    """Temporary files of this target left by processes that no longer run (a killed save)."""
    folder = path.parent if str(path.parent) else Path(".")
    prefix = _temp_prefix(path)
    try:
        candidates = [p for p in folder.iterdir()
                      if p.name.startswith(prefix) and p.name.endswith(".tmp")]
    except OSError:
        return
    for candidate in candidates:
        middle = candidate.name[len(prefix):-len(".tmp")]
        pid_text, _, token = middle.partition("-")
        if not pid_text.isdigit() or len(token) != 12:
            continue  # not one of ours
        if _running(int(pid_text)):
            continue
        with contextlib.suppress(OSError):
            candidate.unlink()


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return False  # our own earlier temp: a save of ours that failed half-way
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True
    return True


def _mode_for(path: Path) -> int:
    """The existing file's permissions, or what a new file gets under the umask."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def save_text_atomic(path: str | Path, text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8) atomically: see ``save_atomic``."""
    try:
        data = text.encode("utf-8")  # before anything is touched
    except UnicodeEncodeError as exc:  # the engine refuses such text at its boundary: a bug
        raise OutputError(f"{path}: cannot be saved: character {exc.start} is a lone surrogate, "
                          "not valid Unicode text") from None
    save_atomic(path, lambda handle: handle.write(data))


def save_atomic(path: str | Path, write: Callable[[BinaryIO], object]) -> None:
    """Replace ``path`` with what ``write(handle)`` writes, so that a reader sees the old file or
    the new, never half.

    The temporary file lives in the same folder (a rename is atomic only within a file system),
    named ``.<name>.<pid>-<random>.tmp`` so that a later save can tell a killed process's leftover
    from a save in progress. fsync before the rename makes the data durable before it becomes
    visible; fsync of the folder makes the rename itself durable. A missing folder is created.
    Problems (a folder that cannot be made, a target that is a directory or a device, a read-only
    place) are ``OutputError``s naming the path.
    """
    path = Path(path)
    try:
        target = os.stat(path)
    except (OSError, ValueError):
        target = None
    if target is not None and not stat.S_ISREG(target.st_mode):
        kind = "a directory" if stat.S_ISDIR(target.st_mode) else "not a regular file (a device, " \
            "FIFO or socket)"
        raise OutputError(f"{path}: is {kind}; give the name of a file to write")
    folder = path.parent if str(path.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{path}: cannot create its folder {folder}: "
                          f"{exc.strerror or exc}") from None
    _remove_stale_temps(path)
    temp = folder / f"{_temp_prefix(path)}{os.getpid()}-{secrets.token_hex(6)}.tmp"
    mode = _mode_for(path)
    try:
        descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write here: {exc.strerror or exc}") from None
    try:
        try:
            with os.fdopen(descriptor, "wb") as handle:
                write(handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temp, mode)  # the umask applied at creation; an old file's mode may differ
            os.replace(temp, path)
        except OSError as exc:
            raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _fsync_folder(folder)


def _fsync_folder(folder: Path) -> None:
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file (hard links and symbolic links included)."""
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return resolved(a) == resolved(b)


def check_output(path: str | Path, *, inputs: Iterable[str | Path] = (), force: bool = False,
                 ours: Callable[[Path], bool] | None = None, what: str = "output") -> Path:
    """Refuse an output path that would lose something; returns it as a ``Path``.

    Never an input (whatever ``force`` says); never a directory; an existing file only when
    ``ours(path)`` recognises it as one this tool wrote for the same purpose (a report over an
    older report), or with ``force``.
    """
    path = Path(path)
    for source in inputs:
        if same_file(path, Path(source)):
            raise OutputError(f"{path}: is the input {source}; the {what} must go to another "
                              "file (it would overwrite the input)")
    if os.path.isdir(path):
        raise OutputError(f"{path}: is a directory; give a file name for the {what}")
    if exists(path) and not is_regular_file(path):
        raise OutputError(f"{path}: is not a regular file (a device, FIFO or socket); give the "
                          f"name of a file for the {what}")
    if exists(path) and not force and not (ours is not None and ours(path)):
        kind = "" if ours is None else f" and is not a wargame {what}"
        raise OutputError(f"{path}: already exists{kind}; choose another name, or pass --force "
                          "to replace it")
    return path


def starts_with(marker: bytes) -> Callable[[Path], bool]:
    """A recogniser for ``check_output``: the file's first bytes are ``marker``."""

    def recognise(path: Path) -> bool:
        try:
            with open(path, "rb") as handle:
                return handle.read(len(marker)) == marker
        except OSError:
            return False

    return recognise


# ---- one writer per save ----------------------------------------------------------------------

def lock_path(path: Path) -> Path:
    """The lock beside a save: ``.<name>.lock`` (hidden; the save itself is replaced on every
    write, so it cannot carry the lock)."""
    return path.parent / f".{path.name}.lock"


class SaveLock:
    """Exclusive use of a file by one writer: a save by one game (a UI, a host, ``run
    --journal``), a results folder by one batch.

    ``acquire`` fails at once with ``error`` (``OutputError`` by default) when another process
    (or another lock in this one) holds it. The operating system releases the lock when its
    holder exits, however it exits, so a killed game never leaves a save locked.
    """

    SAVE_IN_USE = ("this save is in use by another game (a wargame play, host or serve session "
                   "has it open); close that one, or choose another save file")

    def __init__(self, path: str | Path, *, shown: str | Path | None = None,
                 in_use: str = SAVE_IN_USE, error: type[WargameError] = OutputError) -> None:
        """``shown``: how messages name what is locked (default ``path``); ``in_use``: what a
        second writer is told; ``error``: the error class raised."""
        self.path = Path(path)
        self._shown = self.path if shown is None else shown
        self._in_use = in_use
        self._error = error
        self._lock = filelock.FileLock(str(lock_path(self.path)), timeout=0,
                                       is_singleton=False, thread_local=False)

    def acquire(self) -> Self:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._lock.acquire()
        except filelock.Timeout:
            raise self._error(f"{self._shown}: {self._in_use}") from None
        except OSError as exc:
            raise self._error(f"{self._shown}: cannot lock it: {exc.strerror or exc}") from None
        return self

    def release(self) -> None:
        self._lock.release()

    @property
    def held(self) -> bool:
        return self._lock.is_locked

    def __enter__(self) -> Self:
        return self.acquire()

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()
