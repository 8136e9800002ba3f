"""``wargame serve`` on 127.0.0.1: a real server subprocess, a real aiohttp client sending the
headers a browser (or an attacker's page) would send, and the app's screen read off the stream.

Nothing here is mocked: each test talks HTTP and WebSocket to ``python -m wargame serve``, whose
app processes are real ``python -m tui`` processes started by textual-serve.
"""

from __future__ import annotations

import asyncio
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytest.importorskip("textual_serve")
aiohttp = pytest.importorskip("aiohttp")

SECRET = "SUPERSECRET-4242"
ANSI = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]"          # CSI: colours, cursor moves
                  rb"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"    # OSC: titles, links
                  rb"|\x1b[()=>][0-9A-Za-z]?")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (the app processes a server started), from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


class Served:
    """A ``wargame serve`` subprocess; ``url`` is the tokened address it printed."""

    def __init__(self, *args: str, cwd: Path) -> None:
        self.port = _free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "wargame", "serve", *args, "--port", str(self.port)],
            cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.output: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        self.url = self._wait_for_url()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.token = self.url.split("token=", 1)[1]
        self._wait_until_answering()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.output.append(line)

    def _wait_for_url(self) -> str:
        deadline = time.monotonic() + 60
        pattern = re.compile(rf"http://127\.0\.0\.1:{self.port}/\?token=[A-Za-z0-9_-]{{32,}}")
        while time.monotonic() < deadline:
            found = pattern.search("".join(self.output))
            if found:
                return found.group(0)
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError("the server printed no tokened URL:\n" + "".join(self.output))

    def _wait_until_answering(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("the server never listened")

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def root(tmp_path):
    """The folder served, with a secret beside it (outside) and a link to the secret inside."""
    folder = tmp_path / "root"
    folder.mkdir()
    (tmp_path / "secret.yaml").write_text(f"meta: {SECRET}\n")
    (folder / "link.yaml").symlink_to(tmp_path / "secret.yaml")
    (folder / "notes.txt").write_text("the host's notes\n")
    return folder


@pytest.fixture
def served(root):
    server = Served("escalation-ladder", "--root", str(root), cwd=root)
    yield server
    server.close()


def run(coroutine):
    return asyncio.run(coroutine)


async def get(url: str, **headers: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as client, client.get(url, headers=headers,
                                                              allow_redirects=False) as reply:
        return reply.status, await reply.text()


async def refused_websocket(url: str, **headers: str) -> int:
    """The handshake's HTTP status when the server refuses the upgrade (it must)."""
    async with aiohttp.ClientSession() as client:
        try:
            async with client.ws_connect(url, headers=headers):
                return 101
        except aiohttp.WSServerHandshakeError as exc:
            return exc.status


class Screen:
    """One connection to the served app: what it streams, as text; keys typed into it."""

    def __init__(self, client, socket) -> None:
        self.client = client
        self.socket = socket
        self.raw = b""

    @classmethod
    async def open(cls, served: Served, client) -> Screen:
        socket = await client.ws_connect(f"ws://127.0.0.1:{served.port}/ws/{served.token}",
                                         headers={"Origin": served.origin})
        screen = cls(client, socket)
        await socket.send_json(["resize", {"width": 100, "height": 30}])
        return screen

    @property
    def text(self) -> str:
        """What was streamed, escapes removed and blanks collapsed (so a wrap is a space)."""
        return " ".join(ANSI.sub(b"", self.raw).decode("utf-8", "replace").split())

    async def wait_for(self, wanted: str, timeout: float = 40.0) -> str:
        deadline = time.monotonic() + timeout
        while wanted not in self.text:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{wanted!r} never appeared; the stream was:\n{self.text}")
            try:
                message = await self.socket.receive(timeout=min(left, 1.0))
            except TimeoutError:
                continue
            if message.type == aiohttp.WSMsgType.BINARY:
                self.raw += message.data
            elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED,
                                  aiohttp.WSMsgType.ERROR):
                raise AssertionError(f"the app closed before {wanted!r}:\n{self.text}")
        return self.text

    async def type(self, *chunks: str) -> None:
        """Send each chunk as a person types it, with a pause after each (a key typed in the
        same burst as a Tab can reach the field the Tab left)."""
        self.raw = b""  # from now on, wait only for what these keys produce
        for keys in chunks:
            await self.socket.send_json(["stdin", keys])
            await asyncio.sleep(0.3)


TAB, ENTER, START, CLEAR = "\t", "\r", "\x07", "\x05\x15"  # ctrl+g starts; ctrl+e ctrl+u clears


# ---- item 1: a token on every route, Origin and Host checked, nothing started before ------------

def test_serve_prints_a_tokened_url_and_answers_only_with_the_token(served):
    base = served.origin
    assert run(get(f"{base}/"))[0] == 403
    assert run(get(f"{base}/?token=wrong"))[0] == 403
    assert run(get(f"{base}/?token={served.token[:-1]}"))[0] == 403
    assert run(get(f"{base}/download/some-key"))[0] == 403
    assert run(get(f"{base}/download/some-key?token={served.token}"))[0] == 404  # past the gate
    status, page = run(get(served.url))
    assert status == 200 and "<html" in page.lower()
    # the page hands the token on to its websocket, on the server's own address
    assert f"ws://127.0.0.1:{served.port}/ws/{served.token}" in page
    assert children(served.process.pid) == []  # no app was started by any of this


def test_serve_refuses_a_websocket_without_the_token_or_from_another_site(served):
    port, token, origin = served.port, served.token, served.origin
    good = f"ws://127.0.0.1:{port}/ws/{token}"
    assert run(refused_websocket(f"ws://127.0.0.1:{port}/ws", Origin=origin)) == 403
    assert run(refused_websocket(f"ws://127.0.0.1:{port}/ws/wrong", Origin=origin)) == 403
    assert run(refused_websocket(good, Origin="http://evil.example")) == 403  # a cross-site page
    assert run(refused_websocket(good, Origin=f"http://localhost:{port}")) == 403
    assert run(refused_websocket(good)) == 403  # no Origin at all
    # DNS rebinding: evil.example resolved to 127.0.0.1, so the browser sends its own Host
    assert run(refused_websocket(good, Origin=origin, Host=f"evil.example:{port}")) == 403
    assert run(get(served.url, Host=f"evil.example:{port}"))[0] == 403
    time.sleep(0.5)
    assert children(served.process.pid) == []  # refused before any app process started


def test_serve_does_not_list_its_static_folder(served):
    status, body = run(get(f"{served.origin}/static/"))
    assert status in (403, 404) and "textual.js" not in body
    status, _ = run(get(f"{served.origin}/static/js/textual.js"))
    assert status == 200  # the page's script is still served


# ---- item 1: a served app reads and writes only inside its root ----------------------------

def test_a_served_app_reads_and_writes_only_inside_its_root(served, root, tmp_path):
    async def scenario_field(screen: Screen, path: str) -> str:
        await screen.type(TAB, CLEAR, path + ENTER)  # the scenario file is the second field
        text = await screen.wait_for("outside the folder")
        await screen.type("\x1b[Z")  # shift+tab back to the shipped list
        return text

    async def play() -> None:
        async with aiohttp.ClientSession() as client:
            screen = await Screen.open(served, client)
            await screen.wait_for("Start the game")
            for path in ("../secret.yaml", str(tmp_path / "secret.yaml"), "link.yaml",
                         "../no-such-file.yaml"):
                text = await scenario_field(screen, path)
                assert SECRET not in text
                assert "file not found" not in text  # existence outside is not revealed
            await screen.socket.close()

            screen = await Screen.open(served, client)  # a fresh app: the form as it starts
            await screen.wait_for("Start the game")
            await screen.type(*[TAB] * 5, CLEAR, "../escape/game.jsonl", START)
            await screen.wait_for("outside the folder")
            await screen.type(CLEAR, "notes.txt", START)
            await screen.wait_for("not a wargame save")
            await screen.type(CLEAR, "games/game.jsonl", START)
            await screen.wait_for("Pass the terminal to")
            await screen.socket.close()

    run(play())
    assert not (tmp_path / "escape").exists()                     # no folder made outside
    assert (root / "notes.txt").read_text() == "the host's notes\n"  # not overwritten
    assert (root / "games" / "game.jsonl").read_text().startswith('{"record":"header"')


# ---- item 2: connections are separate games; the save one holds is refused to another -----------

def test_a_second_connection_is_told_the_save_is_in_use_and_gets_it_once_freed(served, root):
    async def play() -> None:
        async with aiohttp.ClientSession() as client:
            first = await Screen.open(served, client)
            await first.wait_for("Start the game")
            await first.type(START)
            await first.wait_for("Pass the terminal to")
            second = await Screen.open(served, client)
            await second.wait_for("in use by another game")  # said at once, on opening
            await second.type(START)
            await second.wait_for("in use by another game")  # and starting is refused
            assert (root / "wargame-save.jsonl").exists()
            await first.socket.close()  # the first game ends: its app exits, the lock goes
            deadline = time.monotonic() + 20
            while len(children(served.process.pid)) > 1 and time.monotonic() < deadline:
                await asyncio.sleep(0.2)
            await second.type(START)
            await second.wait_for("Overwrite it?")  # the save is free now; it holds a game
            await second.socket.close()

    run(play())


def test_serve_refuses_files_outside_its_root_at_the_command_line(root, tmp_path):
    outside = subprocess.run(
        [sys.executable, "-m", "wargame", "serve", str(tmp_path / "secret.yaml"), "--root",
         str(root), "--port", str(_free_port())], cwd=ROOT, capture_output=True, text=True,
        timeout=60)
    assert outside.returncode == 1 and "Traceback" not in outside.stderr
    assert "outside" in outside.stderr and SECRET not in outside.stderr + outside.stdout
    save = subprocess.run(
        [sys.executable, "-m", "wargame", "serve", "--root", str(root), "--save",
         str(tmp_path / "s.jsonl"), "--port", str(_free_port())], cwd=ROOT,
        capture_output=True, text=True, timeout=60)
    assert save.returncode == 1 and "outside" in save.stderr and "Traceback" not in save.stderr


def test_serve_binds_the_loopback_address_only(served):
    addresses = {line.split()[1] for line in Path("/proc/net/tcp").read_text().splitlines()[1:]
                 if line.split()[3] == "0A"}  # listening sockets
    ours = [a for a in addresses if int(a.split(":")[1], 16) == served.port]
    assert ours == ["0100007F:" + f"{served.port:04X}"]  # 127.0.0.1, not 0.0.0.0


# ---- its options: each described, and --seed handed to every app it starts ---------------------

def help_entries(text: str) -> dict[str, str]:
    """Each argument argparse lists (``--port PORT``, ``scenario``) and its help text, which
    follows on the same line or on the lines indented under it."""
    entries: dict[str, str] = {}
    name = None
    for line in text.splitlines():
        entry = re.match(r"^  (\S+(?: [A-Z_]+)?)(?:\s{2,}(.*))?$", line)
        if entry:
            name = entry.group(1)
            entries[name] = entry.group(2) or ""
        elif name is not None and line.startswith("    ") and line.strip():
            entries[name] = (entries[name] + " " + line.strip()).strip()
        elif not line.strip():
            name = None
    return entries


def test_serve_help_describes_every_option(tmp_path):
    done = subprocess.run([sys.executable, "-m", "wargame", "serve", "--help"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    entries = help_entries(done.stdout)
    assert {"scenario", "--port PORT", "--seed SEED", "--save FILE", "--root DIR"} <= set(
        entries), done.stdout
    for name, text in entries.items():
        assert len(text.split()) >= 3, f"{name}: no help in\n{done.stdout}"
    assert "default: 8000" in entries["--port PORT"] and "default: 0" in entries["--seed SEED"]


def test_serve_hands_its_seed_to_every_game_it_starts(root):
    server = Served("escalation-ladder", "--seed", "4242", "--root", str(root), cwd=root)
    try:
        async def open_one() -> list[str]:
            async with aiohttp.ClientSession() as client:
                screen = await Screen.open(served=server, client=client)
                text = await screen.wait_for("Start the game")
                assert "Seed 4242" in text  # the start screen's seed field, as the app shows it
                commands = [(Path("/proc") / str(pid) / "cmdline").read_bytes().split(b"\0")
                            for pid in children(server.process.pid)]
                await screen.socket.close()
                return [b" ".join(command).decode() for command in commands]

        commands = run(open_one())  # the app, or the shell textual-serve starts it with
        assert len(commands) == 1 and " --seed 4242 " in commands[0], commands
    finally:
        server.close()
