"""One tick of the supply network as a compiled loop, and the numpy fallback it must equal.

A step of ``SupplyNetwork`` is about thirty numpy calls on arrays of a few hundred elements: on
the reference world nearly all of its cost is numpy's per-call overhead, not arithmetic. This
kernel does the same arithmetic element by element in one numba-compiled function over the
network's own arrays (updated in place), so a step costs a few microseconds.

Same numbers, bit for bit, as the numpy path (``SupplyNetwork._step_numpy``, kept as the
fallback and as the reference the tests compare against): every operation is the one numpy does,
in the same order. Sums that numpy does with ``bincount`` are accumulated from +0.0 in index
order, as ``bincount`` does; ``minimum``/``maximum`` follow numpy's scalar rule (the first
operand when it is NaN or not greater/smaller); no fast-math, so no fused multiply-adds.

Which path runs: numba when it imports, once a process has taken ``NUMPY_STEPS_FIRST`` steps
(a one-game command never pays numba's second of loading); ``WARGAME_KERNEL=numba`` from the
first step, ``WARGAME_KERNEL=numpy`` never (to debug, or to compare). Compilation is cached on
disk next to this module (``cache=True``, or under ``NUMBA_CACHE_DIR``), so only the first
process after an install pays for it (about three seconds); ``warm_up`` pays it up front, which
a batch worker does when it starts. The kernel holds the GIL
(no ``nogil``), so games stepped from several threads never interleave inside it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import numpy as np

TINY = 1e-12
"""Below this a flow or a demand counts as zero (avoids 0/0 in ratios)."""

KERNEL_ENV = "WARGAME_KERNEL"
"""Set to ``numpy`` to step networks with the numpy fallback instead of the compiled kernel."""


def _minimum(a: float, b: float) -> float:
    """``np.minimum`` on two floats: NaN propagates; of two equal values, the first."""
    return a if (a <= b or a != a) else b


def _maximum(a: float, b: float) -> float:
    """``np.maximum`` on two floats: NaN propagates; of two equal values, the first."""
    return a if (a >= b or a != a) else b


def _step(dt: float,
          src: np.ndarray, dst: np.ndarray, a: np.ndarray, stock_target: np.ndarray,
          restock_rate: np.ndarray, limit: np.ndarray, dispensable: np.ndarray,
          essential_per_use: np.ndarray, slot_kind: np.ndarray, pooled: np.ndarray,
          sub_slot: np.ndarray, sub_alt_node: np.ndarray, sub_rate_dt: np.ndarray,
          sub_cap: np.ndarray, sub_pass: np.ndarray, final: np.ndarray, capacity: np.ndarray,
          fill: np.ndarray, stock: np.ndarray, need_rate: np.ndarray, delivered: np.ndarray,
          sub_level: np.ndarray, sub_delivered: np.ndarray, limits: np.ndarray,
          x: np.ndarray, demand: np.ndarray, produced: np.ndarray, sub_in: np.ndarray) -> None:
    """One step, in place on the state arrays (``fill`` to ``produced``); the equations and
    their order are ``SupplyNetwork._step_numpy``'s.

    Three passes over the edges (orders and shipments; availability and limits, each folded
    into its buyer's scarcest input or pooled shortfall as it is made; stocks) and two over the
    nodes. Indices are unsigned 32-bit (no negative-index wraparound, half the bytes);
    ``slot_kind`` is 0 for a channel that limits nothing, 1 for an input slot, 2 for a pooled
    node's slot; ``sub_in`` is a scratch array of zeros, left as it was found.

    Why the same bits: the Leontief minimum folds each node's slots in edge index order from
    +inf, as ``minimum.reduceat`` over the segment and its closing +inf does (``_minimum(inf,
    v)`` is ``v``, bit for bit, NaN included); a pooled node's shortfalls are added in index
    order from +0.0, as ``bincount`` adds them, leaving out its channels' +0.0 terms (a sum
    started from +0.0 is never -0.0, and s + 0.0 is s for any other s); orders are recomputed
    for the substitutes' slots instead of kept (the same operations on the same values);
    ``a * dt`` is the product numpy's ``a_dt`` holds.
    """
    from_orders = np.zeros(x.shape[0])
    _ship(src, stock_target, restock_rate, limit, fill, stock, need_rate, delivered, from_orders)
    _finish(dt, src, dst, a, stock_target, restock_rate, limit, dispensable, essential_per_use,
            slot_kind, pooled, sub_slot, sub_alt_node, sub_rate_dt, sub_cap, sub_pass, final,
            capacity, fill, stock, need_rate, delivered, sub_level, sub_delivered, limits, x,
            demand, produced, sub_in, from_orders)
    _restock(dt, dst, a, sub_slot, stock, delivered, x, sub_in)


def _ship(src: np.ndarray, stock_target: np.ndarray, restock_rate: np.ndarray,
          limit: np.ndarray, fill: np.ndarray, stock: np.ndarray, need_rate: np.ndarray,
          delivered: np.ndarray, from_orders: np.ndarray) -> None:
    """A step's first pass: each channel's order, shipment and delivery; suppliers' orders."""
    for e in range(src.shape[0]):
        ship = _minimum(need_rate[e] + _maximum(stock_target[e] - stock[e], 0.0)
                        * restock_rate[e], limit[e])
        supplier = src[e]
        delivered[e] = ship * fill[supplier]
        from_orders[supplier] += ship


def _finish(dt: float,
            src: np.ndarray, dst: np.ndarray, a: np.ndarray, stock_target: np.ndarray,
            restock_rate: np.ndarray, limit: np.ndarray, dispensable: np.ndarray,
            essential_per_use: np.ndarray, slot_kind: np.ndarray, pooled: np.ndarray,
            sub_slot: np.ndarray, sub_alt_node: np.ndarray, sub_rate_dt: np.ndarray,
            sub_cap: np.ndarray, sub_pass: np.ndarray, final: np.ndarray, capacity: np.ndarray,
            fill: np.ndarray, stock: np.ndarray, need_rate: np.ndarray, delivered: np.ndarray,
            sub_level: np.ndarray, sub_delivered: np.ndarray, limits: np.ndarray,
            x: np.ndarray, demand: np.ndarray, produced: np.ndarray, sub_in: np.ndarray,
            from_orders: np.ndarray) -> None:
    """A step after its shipments, before its stocks: substitution, demand, limits, output."""
    n = x.shape[0]
    k = sub_slot.shape[0]
    from_subs = np.zeros(n)
    for j in range(k):
        e = sub_slot[j]
        slot_orders = need_rate[e] + _maximum(stock_target[e] - stock[e], 0.0) * restock_rate[e]
        missing = 1.0 - delivered[e] / _maximum(slot_orders, TINY)
        level = _minimum(sub_level[j] + sub_rate_dt[j], _minimum(sub_cap[j], missing))
        sub_level[j] = level
        ship = level * slot_orders * sub_pass[j]
        alt = sub_alt_node[j]
        sub = ship * fill[alt]
        sub_delivered[j] = sub
        sub_in[e] += sub
        from_subs[alt] += ship
    target = np.empty(n)
    scarcest = np.empty(n)  # per node: its scarcest input's limit, or a pool's shortfall
    for i in range(n):
        # numpy adds the substitutes' orders as a second bincount (none without substitutes)
        total = final[i] + from_orders[i]
        demand[i] = total + from_subs[i] if k else total
        target[i] = _minimum(capacity[i], demand[i])
        scarcest[i] = 0.0 if pooled[i] else np.inf
    for e in range(src.shape[0]):
        buyer = dst[e]
        target_dst = target[buyer]
        avail = stock[e] + ((delivered[e] + sub_in[e]) if k else delivered[e]) * dt
        need = a[e] * target_dst
        need_rate[e] = need
        limit_e = target_dst * dispensable[e] + _minimum(avail, need * dt) * essential_per_use[e]
        limits[e] = limit_e
        kind = slot_kind[e]
        if kind == 1:
            scarcest[buyer] = _minimum(scarcest[buyer], limit_e)
        elif kind == 2:
            scarcest[buyer] += target_dst - limit_e
    for i in range(n):
        made = (_maximum(target[i] - scarcest[i], 0.0) if pooled[i]
                else _minimum(target[i], scarcest[i]))
        x[i] = made
        fill[i] = (made + TINY) / (demand[i] + TINY)
        produced[i] += made * dt


def _restock(dt: float, dst: np.ndarray, a: np.ndarray, sub_slot: np.ndarray,
             stock: np.ndarray, delivered: np.ndarray, x: np.ndarray, sub_in: np.ndarray
             ) -> None:
    """A step's last pass: stocks after this step's use; the scratch back to zeros."""
    k = sub_slot.shape[0]
    for e in range(dst.shape[0]):
        avail = stock[e] + ((delivered[e] + sub_in[e]) if k else delivered[e]) * dt
        stock[e] = avail - _minimum(avail, a[e] * dt * x[dst[e]])
    for j in range(k):
        sub_in[sub_slot[j]] = 0.0


def _run(steps: int, dt: float,
         src: np.ndarray, dst: np.ndarray, a: np.ndarray, stock_target: np.ndarray,
         restock_rate: np.ndarray, limit: np.ndarray, dispensable: np.ndarray,
         essential_per_use: np.ndarray, slot_kind: np.ndarray, pooled: np.ndarray,
         sub_slot: np.ndarray, sub_alt_node: np.ndarray, sub_rate_dt: np.ndarray,
         sub_cap: np.ndarray, sub_pass: np.ndarray, final: np.ndarray, capacity: np.ndarray,
         fill: np.ndarray, stock: np.ndarray, need_rate: np.ndarray, delivered: np.ndarray,
         sub_level: np.ndarray, sub_delivered: np.ndarray, limits: np.ndarray,
         x: np.ndarray, demand: np.ndarray, produced: np.ndarray, sub_in: np.ndarray) -> None:
    """``steps`` steps of ``dt`` in one call (a counterfactual path), ``_step``'s arrays. Each
    step's pass over the stocks is fused with the next step's shipments (the same operations
    on the same values: a channel's shipment reads its own new stock, and the fills and needs
    the previous step made), so a run makes two passes over the edges a step, not three."""
    if steps < 1:
        return
    k = sub_slot.shape[0]
    from_orders = np.zeros(x.shape[0])
    _ship(src, stock_target, restock_rate, limit, fill, stock, need_rate, delivered, from_orders)
    for step in range(steps):
        _finish(dt, src, dst, a, stock_target, restock_rate, limit, dispensable,
                essential_per_use, slot_kind, pooled, sub_slot, sub_alt_node, sub_rate_dt,
                sub_cap, sub_pass, final, capacity, fill, stock, need_rate, delivered,
                sub_level, sub_delivered, limits, x, demand, produced, sub_in, from_orders)
        if step == steps - 1:
            _restock(dt, dst, a, sub_slot, stock, delivered, x, sub_in)
            return
        from_orders[:] = 0.0
        for e in range(src.shape[0]):
            avail = stock[e] + ((delivered[e] + sub_in[e]) if k else delivered[e]) * dt
            left = avail - _minimum(avail, a[e] * dt * x[dst[e]])
            stock[e] = left
            ship = _minimum(need_rate[e] + _maximum(stock_target[e] - left, 0.0)
                            * restock_rate[e], limit[e])
            supplier = src[e]
            delivered[e] = ship * fill[supplier]
            from_orders[supplier] += ship
        for j in range(k):
            sub_in[sub_slot[j]] = 0.0


NUMPY_STEPS_FIRST = 3000
"""Steps a process takes on the numpy path before it loads the compiled kernel (unless told
otherwise). Importing numba and loading the cached kernel costs about a second; numpy steps the
reference world in about 60 µs. A command that plays one game (``wargame run``, the UI, a test's
subprocess) is over before the kernel would pay for itself; a batch crosses this within its
first few replications, and a batch worker loads it at once (``warm_up``). The numbers are the
same either way."""


def _compile() -> tuple[Callable[..., None] | None, Callable[..., None] | None, str]:
    """The compiled step and run, and the kernel's name; or (None, None, why numpy steps)."""
    if _mode() == "numpy":
        return None, None, f"numpy ({KERNEL_ENV}=numpy)"
    try:
        import numba
    except ImportError:  # an install without numba: the numpy path gives the same numbers
        return None, None, "numpy (numba is not installed)"
    options: dict[str, Any] = {"cache": True, "error_model": "numpy", "fastmath": False}
    global _minimum, _maximum, _ship, _finish, _restock, _step, _run
    _minimum = numba.njit(inline="always", **options)(_minimum)
    _maximum = numba.njit(inline="always", **options)(_maximum)
    _ship = numba.njit(**options)(_ship)
    _finish = numba.njit(**options)(_finish)
    _restock = numba.njit(**options)(_restock)
    _step = numba.njit(**options)(_step)
    _run = numba.njit(**options)(_run)
    return _step, _run, f"numba {numba.__version__}"


def _mode() -> str:
    """``numpy``, ``numba`` (from the first step) or ``auto`` (after ``NUMPY_STEPS_FIRST``)."""
    mode = os.environ.get(KERNEL_ENV, "auto").strip().lower()
    return mode if mode in ("numpy", "numba") else "auto"


_chosen: tuple[Callable[..., None] | None, Callable[..., None] | None, str] | None = None
_numpy_steps_left = NUMPY_STEPS_FIRST


def compiled_step(steps: int = 1) -> Callable[..., None] | None:
    """The compiled step for the next ``steps`` steps, or None while the numpy path runs them:
    always without numba or with ``WARGAME_KERNEL=numpy``; for a process's first
    ``NUMPY_STEPS_FIRST`` steps unless ``WARGAME_KERNEL=numba`` or ``warm_up`` was called."""
    global _numpy_steps_left
    if _chosen is None:
        if _numpy_steps_left > 0 and _mode() == "auto":
            _numpy_steps_left -= steps
            return None
        _choose()
    assert _chosen is not None
    return _chosen[0]


def compiled_run(steps: int) -> Callable[..., None] | None:
    """``_run`` compiled, for ``steps`` steps in one call; None as ``compiled_step``."""
    if compiled_step(steps) is None:
        return None
    assert _chosen is not None
    return _chosen[1]


def _choose() -> None:
    global _chosen
    if _chosen is None:
        _chosen = _compile()


def kernel_name() -> str:
    """The step that runs once chosen, for benchmarks and reports: ``numba 0.68.1`` or
    ``numpy (why)``. Naming it chooses it (and imports numba)."""
    _choose()
    assert _chosen is not None
    return _chosen[2]


def warm_up() -> None:
    """Compile (or load from the on-disk cache) the kernel now, on a two-node network with a
    substitute and a pooled node, so that a worker's first replication does not pay for it.
    The arrays have the types a network passes (``SupplyNetwork._kernel_arrays``): unsigned
    32-bit indices, and read-only all but the state and the scratch, so that this is the one
    signature games use."""
    _choose()
    assert _chosen is not None
    step, run = _chosen[0], _chosen[1]
    if step is None or run is None:
        return

    def fixed(values: list[Any], dtype: Any = np.float64) -> np.ndarray:
        array = np.array(values, dtype=dtype)
        array.flags.writeable = False
        return array

    def state(*values: float) -> np.ndarray:
        return np.array(values, dtype=np.float64)

    index = np.uint32
    arrays = (
        fixed([0, 1], index), fixed([1, 0], index), fixed([0.2, 0.2]), fixed([1.0, 1.0]),
        fixed([0.5, 0.5]), fixed([0.5, 2.5]), fixed([0.0, 0.5]), fixed([5.0, 2.5]),
        fixed([1, 2], np.int8), fixed([True, False], np.bool_), fixed([0], index),
        fixed([0], index), fixed([0.25]), fixed([0.5]), fixed([1.0]),
        state(8.0, 8.0), fixed([12.0, 12.0]),
        state(1.0, 1.0), state(1.0, 1.0), state(2.0, 2.0), state(2.0, 2.0), state(0.0),
        state(0.0), state(10.0, 10.0, np.inf), state(10.0, 10.0), state(10.0, 10.0),
        state(0.0, 0.0), state(0.0, 0.0))
    step(1.0, *arrays)
    run(2, 1.0, *arrays)
