"""Immutable containers for what leaves the engine.

Why: a move's parameters are one object shared by the journal record, the pending move, the
events it raises and the effect that reads them; a scenario's dicts are read by the engine as it
plays. If a caller could change them in place (``event.data["params"]["levels"] = 9``), a game's
result and its saved moves would change behind the engine's back. These are ``dict`` and ``list``
subclasses, so ``json``, pydantic and every reader treat them as the plain types; only the
mutating methods raise ``TypeError``, as ``tuple`` and ``MappingProxyType`` do.
"""

from __future__ import annotations

from typing import Any, NoReturn


def _refuse(self: object, *_args: Any, **_kwargs: Any) -> NoReturn:
    raise TypeError(f"{type(self).__name__} is read-only: it belongs to a game (copy it with "
                    "wargame.frozen.thaw to change a copy)")


class FrozenDict(dict[Any, Any]):
    """A ``dict`` that cannot be changed after it is made."""

    __slots__ = ()
    __setitem__ = __delitem__ = __ior__ = _refuse
    clear = pop = popitem = setdefault = update = _refuse

    def __reduce__(self) -> tuple[Any, ...]:  # pickling and copy.deepcopy build a new one
        return (FrozenDict, (dict(self),))

    def __copy__(self) -> FrozenDict:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> FrozenDict:
        return self


class FrozenList(list[Any]):
    """A ``list`` that cannot be changed after it is made."""

    __slots__ = ()
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse
    append = clear = extend = insert = pop = remove = reverse = sort = _refuse

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenList, (list(self),))

    def __copy__(self) -> FrozenList:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> FrozenList:
        return self

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(self))


EMPTY = FrozenDict()
"""The shared empty mapping (an event without data)."""


def freeze(value: Any) -> Any:
    """``value`` with every dict and list in it, at any depth, made read-only."""
    if isinstance(value, FrozenDict | FrozenList):
        return value
    if isinstance(value, dict):
        return FrozenDict({key: freeze(item) for key, item in value.items()})
    if isinstance(value, list | tuple) and not hasattr(value, "_fields"):  # not a named tuple
        frozen = [freeze(item) for item in value]
        return FrozenList(frozen) if isinstance(value, list) else tuple(frozen)
    return value


def thaw(value: Any) -> Any:
    """A deep, plain, changeable copy of ``value`` (dicts and lists)."""
    if isinstance(value, dict):
        return {key: thaw(item) for key, item in value.items()}
    if isinstance(value, list):
        return [thaw(item) for item in value]
    return value
