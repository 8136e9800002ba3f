"""Named random streams, each independent of the others, all derived from one seed.

Every stream's generator is keyed by the stream's *name*, not by the order streams were created
in, so adding a stream (a new source, a new rule) leaves every other stream's draws unchanged.
A replication of a batch passes its own ``SeedSequence`` (``spawn_key=(i,)``), and its streams
hang below it.

Draws are taken from numpy in blocks and served as Python floats: one ``Generator.random()`` call
for a single number costs about 0.3 µs, a buffered one about 0.05 µs.
"""

from __future__ import annotations

import hashlib
import math

import numpy as np

from wargame.errors import RequestError

_BLOCK = 256


def checked_seed(seed: object, spawn_key: object = ()) -> tuple[int, tuple[int, ...]]:
    """``(seed, spawn_key)`` as whole numbers ≥ 0, which is all a ``SeedSequence`` takes; anything
    else (a negative seed from a command line or an edited journal, ``1.5`` or ``"7"`` from a
    script) is the user's error, said in words rather than numpy's ``ValueError`` from deep inside
    the first draw, and never silently rounded."""
    whole = _whole(seed)
    try:
        keys = tuple(_whole(k) for k in spawn_key)  # type: ignore[attr-defined]
    except TypeError:
        keys = (-1,)
    if whole < 0 or any(k < 0 for k in keys):
        raise RequestError(f"seed and spawn key must be whole numbers ≥ 0 (got seed {seed!r}, "
                             f"spawn key {spawn_key!r})")
    return whole, keys


def _whole(value: object) -> int:
    """An ``int`` (or numpy integer), else -1: a float, text or bool is not a seed."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        return -1
    return int(value)


def _name_key(name: str) -> int:
    """A stable 32-bit key for a stream name (Python's ``hash`` is salted per process)."""
    return int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=4).digest(), "big")


class Stream:
    """One named stream of uniform draws, buffered."""

    __slots__ = ("_buffer", "_generator", "_next", "_normal_buffer", "_normal_next", "name")

    def __init__(self, name: str, generator: np.random.Generator) -> None:
        self.name = name
        self._generator = generator
        self._buffer: list[float] = []
        self._next = 0
        self._normal_buffer: list[float] = []
        self._normal_next = 0

    def reseed(self, generator: np.random.Generator) -> None:
        """Draw from ``generator`` from now on (a fork of the game takes new futures)."""
        self._generator = generator
        self._buffer = []
        self._next = 0
        self._normal_buffer = []
        self._normal_next = 0

    def random(self) -> float:
        """A uniform draw in [0, 1)."""
        if self._next >= len(self._buffer):
            self._buffer = self._generator.random(_BLOCK).tolist()
            self._next = 0
        value = self._buffer[self._next]
        self._next += 1
        return value

    def normal(self) -> float:
        """A standard normal draw (its own buffer: uniform draws are not shifted by it)."""
        if self._normal_next >= len(self._normal_buffer):
            self._normal_buffer = self._generator.standard_normal(_BLOCK).tolist()
            self._normal_next = 0
        value = self._normal_buffer[self._normal_next]
        self._normal_next += 1
        return value

    def exponential(self, mean: float) -> float:
        """An exponential draw with the given mean (a Poisson process's gap)."""
        return -mean * math.log(1.0 - self.random())

    def bernoulli(self, probability: float) -> bool:
        """True with the given probability; draws nothing when the answer is certain."""
        if probability >= 1.0:
            return True
        if probability <= 0.0:
            return False
        return self.random() < probability


class RandomStreams:
    """The game's randomness: one root ``SeedSequence`` and a stream per name below it."""

    def __init__(self, seed: int, spawn_key: tuple[int, ...] = ()) -> None:
        self.seed = seed
        self.spawn_key = tuple(spawn_key)
        self._streams: dict[str, Stream] = {}

    def stream(self, name: str) -> Stream:
        """The stream called ``name``, created on first use."""
        stream = self._streams.get(name)
        if stream is None:
            stream = Stream(name, self.generator(name))
            self._streams[name] = stream
        return stream

    def generator(self, name: str) -> np.random.Generator:
        """A numpy generator for block draws by a subsystem (e.g. the economy), keyed by name."""
        sequence = np.random.SeedSequence(self.seed, spawn_key=(*self.spawn_key, _name_key(name)))
        return np.random.Generator(np.random.PCG64(sequence))

    def reseed(self, seed: int, spawn_key: tuple[int, ...] = ()) -> None:
        """Give every stream, existing and future, draws from a new seed (streams stay keyed by
        name, so each fork's future is independent of the order streams were made in)."""
        self.seed = seed
        self.spawn_key = tuple(spawn_key)
        for name, stream in self._streams.items():
            stream.reseed(self.generator(name))
