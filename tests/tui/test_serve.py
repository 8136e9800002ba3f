"""``wargame serve`` serves the app to a browser on 127.0.0.1 (a real server, a real request)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.conftest import ROOT

pytest.importorskip("textual_serve")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_answers_on_localhost_with_the_app_page(tmp_path):
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "wargame", "serve", "escalation-ladder",
                               "--port", str(port), "--save", str(tmp_path / "s.jsonl")],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
    try:
        deadline = time.monotonic() + 60
        page = None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as reply:
                    page = reply.read().decode("utf-8", "replace")
                    break
            except OSError:
                time.sleep(0.3)
        assert page is not None, "the server never answered"
        assert "<html" in page.lower()
        assert f"ws://127.0.0.1:{port}/ws" in page  # the app streams over a local websocket
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
