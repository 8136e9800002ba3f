"""The app as the screens see it, typed: ``game_app(self).submit_move(...)``.

Why a function and not ``self.app``: Textual types ``self.app`` as any ``App``, so calls to
``WargameApp``'s own methods (submit a move, hand over, roll back) went unchecked behind
``type: ignore``; the type checker now checks each call's name and arguments. The import is for
the type checker only: ``tui.app`` imports the screens, so the screens cannot import it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.dom import DOMNode

if TYPE_CHECKING:
    from tui.app import WargameApp


def game_app(node: DOMNode) -> WargameApp:
    """The ``WargameApp`` running ``node`` (every screen of this package runs in one)."""
    return cast("WargameApp", node.app)


__all__ = ["game_app"]
