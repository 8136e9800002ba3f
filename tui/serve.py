"""``wargame serve``: textual-serve's ``Server``, closed to everyone but the host's own browser.

Why: a server on 127.0.0.1 is reachable by every web page the host's browser opens (a page can
open a WebSocket to any address, and DNS rebinding makes any name resolve to 127.0.0.1) and by
every user of the machine. Each WebSocket starts an app process that reads and writes files, so:

- a random token (``secrets``), printed in the URL to open, is required on the page, the
  WebSocket (as its last path segment, since textual-serve's script appends its own query) and
  downloads (by query or by the cookie the page sets), compared in constant time; without it the
  answer is 403 and no app process starts;
- the WebSocket's ``Origin`` must be the server's own, and every request's ``Host`` must be the
  bound ``127.0.0.1:PORT`` (a rebound name arrives with its own Host);
- ``/static/`` serves textual-serve's page assets (public files) without listing its folder.

What the app itself may touch is confined by ``--root`` (``tui/paths.py``).
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web
from textual_serve.server import Server

HOST = "127.0.0.1"
"""The only address served: the local machine."""

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class WargameServer(Server):
    def __init__(self, command: str, port: int, root: Path, token: str | None = None) -> None:
        super().__init__(command, host=HOST, port=port, title="wargame")
        self.root = root
        self.token = token or secrets.token_urlsafe(32)
        self.origin = self.public_url  # http://127.0.0.1:PORT (no :80 on port 80, as browsers)
        self.host_header = self.origin.split("://", 1)[1]
        self.cookie = f"wargame-token-{port}"  # cookies ignore ports: one name per server

    @property
    def url(self) -> str:
        """What the host opens: the page, with the token."""
        return f"{self.origin}/?token={self.token}"

    def _token_ok(self, given: str | None) -> bool:
        return given is not None and hmac.compare_digest(given.encode("utf-8", "replace"),
                                                         self.token.encode())

    def refusal(self, request: web.Request) -> str | None:
        """Why ``request`` is refused, or None when it may go on to its handler."""
        if request.headers.get("Host") != self.host_header:
            return f"this server answers only at {self.origin}/ (wrong Host header)"
        path = request.path
        if path.startswith("/static/"):
            return None
        if path == "/ws" or path.startswith("/ws/"):
            if request.headers.get("Origin") != self.origin:
                return "a WebSocket is accepted only from this server's own page (wrong Origin)"
            given: str | None = path[len("/ws/"):]
        elif path.startswith("/download/"):
            given = request.query.get("token") or request.cookies.get(self.cookie)
        else:
            given = request.query.get("token")
        if not self._token_ok(given):
            return "open the address wargame serve printed, with its token"
        return None

    async def _make_app(self) -> web.Application:
        @web.middleware
        async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
            reason = self.refusal(request)
            if reason is not None:
                return web.Response(status=403, text=f"403 Forbidden: {reason}\n")
            response = await handler(request)
            if request.path == "/":  # downloads open in a new tab without the token
                response.set_cookie(self.cookie, self.token, httponly=True, samesite="Strict",
                                    path="/")
            return response

        app = web.Application(middlewares=[guard])
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path))
        app.add_routes([
            web.get("/", self.handle_index, name="index"),
            # the token is the path: the page's script adds ?width=...&height=... to this URL
            web.get(f"/ws/{self.token}", self.handle_websocket, name="websocket"),
            web.get("/download/{key}", self.handle_download, name="download"),
            web.static("/static", self.statics_path, show_index=False, name="static"),
        ])
        app.on_startup.append(self.on_startup)
        app.on_shutdown.append(self.on_shutdown)
        return app

    async def on_startup(self, app: web.Application) -> None:
        print(f"wargame serve: open {self.url}\n"
              f"  only with this token; each browser connection is its own game, reading and "
              f"writing files only in {self.root} (Ctrl+C to stop)", flush=True)
