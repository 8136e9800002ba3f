"""A cache of one result per object, for work done once per scenario or world, not per game.

Scenarios and worlds are frozen pydantic models: what is derived from one (its JSON dump and
hash, a prepared supply network) cannot go stale while it lives. Hashing such a model by value
would walk all of it on every look-up, so entries are keyed by identity; each entry holds the
object itself, so its ``id`` cannot be reused by another object while the entry is kept, and
only the last few objects are kept (a batch uses one scenario; a session a handful).
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

Key = TypeVar("Key")
Result = TypeVar("Result")

KEPT = 16
"""Objects remembered per cached function (least recently used dropped first)."""


def per_object(function: Callable[[Key], Result]) -> Callable[[Key], Result]:
    """``function(obj)`` computed once per object (by identity) among the last ``KEPT``."""
    entries: OrderedDict[int, tuple[Key, Result]] = OrderedDict()
    lock = threading.Lock()  # a UI thread and a worker thread may start games at once

    @functools.wraps(function)
    def cached(obj: Key) -> Result:
        key = id(obj)
        with lock:
            entry = entries.get(key)
            if entry is not None and entry[0] is obj:
                entries.move_to_end(key)
                return entry[1]
        result = function(obj)
        with lock:
            entries[key] = (obj, result)
            entries.move_to_end(key)
            while len(entries) > KEPT:
                entries.popitem(last=False)
        return result

    return cached
