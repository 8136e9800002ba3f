"""The shock propagator's runtime: a supply network stepped as numpy arrays.

An adaptive regional input-output model in the ARIO family (Hallegatte 2008), cut down to what
the wargame needs: Leontief production in inputs capped by capacity, buffer stocks that deplete
and rebuild, proportional rationing by suppliers, substitution towards named alternatives after a
ramp, and per-edge open fractions and smuggling leakage that moves change. The equations, in the
order ``step`` applies them, are in ``docs/model/shock-propagator.md``.

Everything is arrays over edges (length ``E``) or nodes (``n``); a step is about thirty numpy
calls and no Python loop over nodes or edges, because a 520-week replication steps it 520 times
(DESIGN.md, "Where the time goes"). Names, selectors and validation live at the boundary
(setters, ``indicator_values``); the network is fully deterministic.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np

from wargame.economy.kernel import TINY as _TINY
from wargame.economy.kernel import compiled_run, compiled_step
from wargame.economy.spec import WEEKS_PER_YEAR, EdgeSelector, WorldSpec, edge_id
from wargame.errors import RequestError
from wargame.memo import per_object

LEVERAGE_BINDINGS = ("leverage", "leverage_index")
"""Bindings read from ``SupplyNetwork.leverage`` rather than the network's indicators:
``leverage`` in the world's value unit, ``leverage_index`` as a multiple of its value at the
start. The index is what a scenario's "1 = 2022" leverage should read: it stays 1 at the start
whatever the world's numbers (a sensitivity analysis moving stocks or the horizon changes the
bn figure, not the start's reading of the index)."""


class SupplyNetwork:
    """The supply network's state, stepped one tick at a time.

    Build it from a validated ``WorldSpec``; change it through the setters (they take effect at
    the next ``step``); read it through ``indicator_values``, ``losses_by_region``,
    ``edge_status`` and ``leverage``. ``copy`` is cheap, for counterfactuals and rollback.
    """

    # Static arrays are shared between copies; the mutable state is copied (see ``copy``).
    _STATE = ("_open", "_leak", "_cap_factor", "_x", "_demand", "_fill", "_stock", "_sub_level",
              "_delivered", "_sub_delivered", "_produced", "_limits", "_need_rate",
              "_final", "_leak_fraction")

    def __init__(self, world: WorldSpec) -> None:
        self.world = world
        p = world.parameters
        nodes = world.nodes
        self.node_ids: tuple[str, ...] = tuple(node.id for node in nodes)
        self._node_index = {name: i for i, name in enumerate(self.node_ids)}
        n = len(nodes)

        # Channels: declared edges, then the ones substitutes need that were not declared.
        specs = list(world.edges)
        extra: list[tuple[str, str, str | None]] = []
        declared = {edge.id for edge in specs}
        for sub in world.substitutes:
            buyer = sub.edge.split("->", 1)[1]
            if edge_id(sub.by, buyer) not in declared:
                declared.add(edge_id(sub.by, buyer))
                extra.append((sub.by, buyer, None))
        ends = [(e.supplier, e.buyer, e.controller) for e in specs] + extra
        self.edge_ids: tuple[str, ...] = tuple(edge_id(s, b) for s, b, _ in ends)
        self._edge_index = {name: i for i, name in enumerate(self.edge_ids)}
        m = len(ends)

        idx = self._node_index
        self._src = np.array([idx[s] for s, _, _ in ends], dtype=np.intp)
        self._dst = np.array([idx[b] for _, b, _ in ends], dtype=np.intp)
        coefficient = [e.coefficient or 0.0 for e in specs] + [0.0] * len(extra)
        self._a = np.array(coefficient, dtype=float)
        self._x0 = np.array([node.output for node in nodes], dtype=float)
        self._cap0 = np.array([node.capacity if node.capacity is not None
                               else node.output * (1.0 + p.spare_capacity) for node in nodes])
        self._va_share = np.array([node.value_added_share for node in nodes], dtype=float)
        self._z0 = self._a * self._x0[self._dst]
        self._final = self._x0 - np.bincount(self._src, self._z0, minlength=n)
        self._final0 = np.maximum(self._final, 0.0)
        self._final = self._final0.copy()
        self._va0 = self._va_share * self._x0
        self._slot = self._a > 0.0
        self._essential = np.array([e.essential for e in specs] + [1.0] * len(extra))

        weeks = np.full(m, p.stock_weeks)
        restock = np.full(m, p.restock_weeks)
        for stock in world.stocks:
            i = self._edge_index[stock.edge]
            weeks[i] = stock.weeks
            if stock.restock_weeks is not None:
                restock[i] = stock.restock_weeks
        self._stock_target = weeks * self._z0
        self._restock_rate = 1.0 / restock
        self._headroom = p.restock_headroom

        self._dispensable = 1.0 - self._essential
        # Leontief min over each node's input slots by one ``minimum.reduceat``: each node's
        # segment lists its slots and ends with index m, an extra +inf element of the limits
        # array, so that a node without inputs is limited by nothing.
        order: list[int] = []
        starts: list[int] = []
        for i in range(n):
            starts.append(len(order))
            order += [int(e) for e in np.flatnonzero(self._slot & (self._dst == i))] + [m]
        self._slot_order = np.array(order, dtype=np.intp)
        self._slot_starts = np.array(starts, dtype=np.intp)
        self._limits = np.full(m + 1, np.inf)
        # Pooled nodes: their inputs' shortfalls add up (each weighted by its essential share)
        # instead of the scarcest binding.
        pooled = np.array([node.inputs == "pool" for node in nodes])
        self._pooled_nodes = np.flatnonzero(pooled)
        self._pooled_slot = pooled[self._dst] & self._slot

        subs = world.substitutes
        self._sub_slot = np.array([self._edge_index[s.edge] for s in subs], dtype=np.intp)
        self._sub_alt_edge = np.array(
            [self._edge_index[edge_id(s.by, s.edge.split("->", 1)[1])] for s in subs],
            dtype=np.intp)
        self._sub_alt_node = self._src[self._sub_alt_edge]
        self._sub_cap = np.array([s.cap for s in subs], dtype=float)
        self._sub_rate = self._sub_cap / np.array([s.ramp_weeks for s in subs], dtype=float)
        self._n_subs = len(subs)
        k = len(subs)
        # The compiled kernel's own view of the same structure: unsigned 32-bit indices, each
        # channel's part in its buyer's production (0 none, 1 an input slot, 2 a pooled node's
        # slot), which nodes pool, and a scratch array of zeros it adds substitutes into.
        self._k_src = self._src.astype(np.uint32)
        self._k_dst = self._dst.astype(np.uint32)
        self._k_sub_slot = self._sub_slot.astype(np.uint32)
        self._k_sub_alt_node = self._sub_alt_node.astype(np.uint32)
        self._k_slot_kind = np.where(self._slot, np.where(self._pooled_slot, 2, 1), 0
                                     ).astype(np.int8)
        self._k_pooled = pooled.astype(np.bool_)
        # Which channel carries each substitute delivery (for flows and indicators).
        self._sub_on_edge = np.zeros((m, k))
        self._sub_on_edge[self._sub_alt_edge, np.arange(k)] = 1.0
        # With at most two substitutes on any channel, adding each channel's deliveries in
        # index order (bincount) is exactly the dense product: its sums are of at most two
        # non-zero terms, and a + b = b + a. With more, the product is kept, since BLAS adds
        # in an order of its own and a result must not move by a bit.
        self._sub_by_bincount = k == 0 or int(np.bincount(self._sub_alt_edge).max()) <= 2

        self._leverage_cut = EdgeSelector(controllers=p.leverage_controllers,
                                          buyer_regions=(p.leverage_region,))
        """The edges ``leverage`` closes: the leverage controllers' into the leverage region."""
        self._leverage_edges: list[np.ndarray] = []
        """Their indices, once selected (a list, so that copies share it: hashing the selector
        to look its selection up costs more than a leverage reading's other work)."""
        self._selections: dict[EdgeSelector, dict[str, int]] = {}
        """Edge selections already made (shared by copies: they depend on static data only)."""
        # Names for selectors, losses and indicators.
        by_id = {node.id: node for node in nodes}
        self.regions: tuple[str, ...] = world.region_ids
        self.sectors: tuple[str, ...] = world.sectors
        self._node_region = np.array([self.regions.index(node.region) for node in nodes])
        self._node_sector = np.array([self.sectors.index(node.sector) for node in nodes])
        self._region_matrix = (self._node_region[None, :]
                               == np.arange(len(self.regions))[:, None]).astype(float)
        self._sector_matrix = (self._node_sector[None, :]
                               == np.arange(len(self.sectors))[:, None]).astype(float)
        self._edge_controller = tuple(c if c is not None else by_id[s].controller
                                      for s, _, c in ends)
        edge_routes = [dict(e.routes) for e in specs] + [{} for _ in extra]
        # What an edge selector matches on: the names of each edge's ends, and its routes.
        self._edge_meta: tuple[dict[str, str], ...] = tuple(
            {"edge": edge_id(s, b), "controller": ctrl,
             "supplier_node": s, "supplier_region": by_id[s].region,
             "supplier_sector": by_id[s].sector, "supplier_controller": by_id[s].controller,
             "buyer_node": b, "buyer_region": by_id[b].region, "buyer_sector": by_id[b].sector}
            for (s, b, _), ctrl in zip(ends, self._edge_controller, strict=True))
        self._edge_on_routes = tuple(
            frozenset(route for route, share in routes.items() if share > 0.0)
            for routes in edge_routes)
        self._routes = {route: np.array([r.get(route, 0.0) for r in edge_routes])
                        for route in sorted({route for r in edge_routes for route in r})}
        va_year = self._region_matrix @ self._va0 * WEEKS_PER_YEAR
        gdp_given = {region.id: region.gdp for region in world.regions}
        self._gdp = np.array([gdp_given.get(region, va_year[r])
                              for r, region in enumerate(self.regions)])
        self._names = self._compile_indicators()

        # Mutable state.
        self._open = np.array([e.open for e in specs] + [1.0] * len(extra), dtype=float)
        self._leak = np.array([e.leakage for e in specs] + [0.0] * len(extra), dtype=float)
        self._cap_factor = np.ones(n)
        self._x = self._x0.copy()
        self._demand = self._x0.copy()
        self._fill = np.ones(n)
        self._stock = self._stock_target.copy()
        self._sub_level = np.zeros(len(subs))
        self._delivered = self._z0.copy()
        self._sub_delivered = np.zeros(len(subs))
        self._produced = np.zeros(n)
        self._need_rate = self._z0.copy()
        self.week = 0.0
        self._at_rest = True
        self._dirty = True
        self._refresh()
        self._rescale(1.0)
        for name, value in self.__dict__.items():  # shared by every copy: nobody may change them
            if isinstance(value, np.ndarray) and name not in self._STATE:
                value.flags.writeable = False
        self._k_sub_in = np.zeros(m)
        """The kernel's scratch, shared by copies: every step leaves it all zeros again, and the
        kernel holds the GIL, so no two steps use it at once."""
        self._pristine = self.copy()
        """The network as built, which ``start_leverage`` reads (moves change ``self``)."""
        self._start_leverage: list[float] = []
        """``start_leverage``, once computed (a list, so that copies share it)."""

    @classmethod
    def for_world(cls, world: WorldSpec) -> SupplyNetwork:
        """A fresh network of ``world``: a copy of one built once per world object, so that a
        batch of thousands of games builds the arrays (and compiles the indicators) once."""
        return _prepared(world).copy()

    # --- Dynamics ------------------------------------------------------------------------------

    def step(self, dt_weeks: float = 1.0) -> None:
        """Advance the network by ``dt_weeks`` (flows are per week; stocks are levels)."""
        dt = float(dt_weeks)
        if not dt > 0.0:
            raise RequestError(f"dt_weeks must be positive (got {dt_weeks!r})")
        self.week += dt
        if self._dirty:
            self._refresh()
        if self._at_rest:
            # Nothing has been disturbed since the start: the baseline is an exact fixed point
            # of the equations below, so the step changes nothing but time.
            self._produced += self._x0 * dt
            return
        if dt != self._dt:
            self._rescale(dt)
        kernel = compiled_step()
        if kernel is None:
            self._step_numpy(dt)
            return
        kernel(dt, *self._kernel_arrays())

    def run(self, steps: int, dt_weeks: float = 1.0) -> None:
        """``steps`` steps of ``dt_weeks``: the same as calling ``step`` that many times (with no
        move between them), in one call of the compiled kernel where it runs."""
        dt = float(dt_weeks)
        run = compiled_run(steps) if steps > 1 else None
        if run is None:
            for _ in range(steps):
                self.step(dt)
            return
        self.step(dt)  # checks dt, refreshes what moves changed, rescales, leaves rest
        if self._at_rest:
            for _ in range(steps - 1):
                self.step(dt)
            return
        for _ in range(steps - 1):
            self.week += dt
        run(steps - 1, dt, *self._kernel_arrays())

    def _kernel_arrays(self) -> tuple[Any, ...]:
        """The arrays ``kernel._step`` takes after ``dt``, in its order."""
        return (self._k_src, self._k_dst, self._a, self._stock_target, self._restock_rate,
                self._limit, self._dispensable, self._essential_per_use, self._k_slot_kind,
                self._k_pooled, self._k_sub_slot, self._k_sub_alt_node, self._sub_rate_dt,
                self._sub_cap, self._sub_pass, self._final, self._capacity,
                self._fill, self._stock, self._need_rate, self._delivered, self._sub_level,
                self._sub_delivered, self._limits, self._x, self._demand, self._produced,
                self._k_sub_in)

    def _step_numpy(self, dt: float) -> None:
        """The step as numpy calls: the fallback when numba is missing, and the reference the
        compiled kernel (``kernel.py``) is tested against, bit for bit."""
        dst = self._dst
        # Orders: what each buyer plans to make (last tick's demand, capped by capacity) times
        # the coefficient, plus refilling stocks towards their target.
        orders = self._need_rate + np.maximum(self._stock_target - self._stock, 0.0) \
            * self._restock_rate
        shipped = np.minimum(orders, self._limit)
        delivered = shipped * self._fill[self._src]
        if self._n_subs:
            # Substitution: each rule ramps towards the share of its input that is missing.
            slot = self._sub_slot
            slot_orders = orders[slot]
            missing = 1.0 - delivered[slot] / np.maximum(slot_orders, _TINY)
            level = np.minimum(self._sub_level + self._sub_rate_dt,
                               np.minimum(self._sub_cap, missing))
            self._sub_level = level
            sub_shipped = level * slot_orders * self._sub_pass
            self._sub_delivered = sub_delivered = sub_shipped * self._fill[self._sub_alt_node]
            m, n = self._a.shape[0], self._x0.shape[0]
            inflow = delivered + np.bincount(slot, sub_delivered, minlength=m)
            demand = (self._final + np.bincount(self._src, shipped, minlength=n)
                      + np.bincount(self._sub_alt_node, sub_shipped, minlength=n))
        else:
            inflow = delivered
            demand = self._final + np.bincount(self._src, shipped, minlength=self._x0.shape[0])
        self._delivered = delivered
        # Production: the target is what customers order, capped by capacity; each input
        # limits it by its shortfall times its essential share (strict Leontief at 1):
        # limit = target·(1 − essential) + essential·min(available, use at target)/(a·dt).
        target = np.minimum(self._capacity, demand)
        target_dst = target[dst]
        available = self._stock + inflow * dt
        self._need_rate = need_rate = self._a * target_dst
        limits = self._limits
        np.multiply(target_dst, self._dispensable, out=limits[:-1])
        limits[:-1] += np.minimum(available, need_rate * dt) * self._essential_per_use
        x = np.minimum(target, np.minimum.reduceat(limits[self._slot_order], self._slot_starts))
        if self._pooled_nodes.size:
            # limit = target − shortfall for each input; a pool loses the sum of the shortfalls.
            short = np.where(self._pooled_slot, target_dst - limits[:-1], 0.0)
            lost = np.bincount(dst, short, minlength=x.shape[0])[self._pooled_nodes]
            pooled_target = target[self._pooled_nodes]
            x[self._pooled_nodes] = np.maximum(pooled_target - lost, 0.0)
        self._stock = available - np.minimum(available, self._a_dt * x[dst])
        self._fill = (x + _TINY) / (demand + _TINY)
        self._x = x
        self._demand = demand
        self._produced += x * dt

    def _rescale(self, dt: float) -> None:
        """Cache the arrays that depend on the tick length (usually constant)."""
        self._dt = dt
        self._a_dt, self._essential_per_use, self._sub_rate_dt = self._scaled(dt)

    def _scaled(self, dt: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``a·dt``, the essential share per unit of input used in ``dt`` and the substitutes'
        ramp in ``dt``: read-only, like every array the kernel takes but its state (so that
        it is compiled for one signature)."""
        a_dt = self._a * dt
        arrays = (a_dt, self._essential / np.where(self._slot, a_dt, np.inf),
                  self._sub_rate * dt)
        for array in arrays:
            array.flags.writeable = False
        return arrays

    def _refresh(self) -> None:
        """Recompute what only moves change: pass-through, channel limits, capacity."""
        opened = self._open
        passing, self._limit, self._sub_pass = self._channels(opened)
        self._leak_fraction = (1.0 - opened) * self._leak / np.maximum(passing, _TINY)
        self._capacity = self._cap0 * self._cap_factor
        self._capacity.flags.writeable = False
        self._need_rate = self._a * np.minimum(self._capacity, self._demand)[self._dst]
        if self._at_rest and not (opened.min() >= 1.0 and self._cap_factor.min() >= 1.0):
            self._at_rest = False
        self._dirty = False

    def _channels(self, opened: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """With the edges ``opened`` so (and leakage as set): the share of each edge's trade
        that passes, each channel's limit and the substitutes' pass-through (the last two
        read-only). Channel limit: the permitted share of baseline trade; an unrestricted edge
        can surge by the headroom to rebuild stocks, a restricted one (or smuggling) cannot."""
        passing = opened + (1.0 - opened) * self._leak
        limit = self._z0 * np.where(opened >= 1.0, 1.0 + self._headroom, passing)
        sub_pass = passing[self._sub_alt_edge]
        limit.flags.writeable = sub_pass.flags.writeable = False
        return passing, limit, sub_pass

    # --- Moves ---------------------------------------------------------------------------------

    def set_edge_open(self, edge: str, fraction: float) -> None:
        """Set the open fraction of one edge (1 unrestricted, 0 closed)."""
        self._open[self._edge(edge)] = _share(fraction, "open fraction")
        self._dirty = True

    def set_edges_open(self, selector: EdgeSelector | Mapping[str, Any] | Iterable[str],
                       fraction: float) -> tuple[str, ...]:
        """Set the open fraction of every selected edge; returns the edges changed.

        ``selector`` is an ``EdgeSelector``, a mapping of its fields (for example
        ``{"controllers": ["us"], "buyer_regions": ["china"]}``) or an iterable of edge ids.
        """
        value = _share(fraction, "open fraction")
        chosen = self.select_edges(selector)
        self._open[list(chosen.values())] = value
        self._dirty = True
        return tuple(chosen)

    def set_leakage(self, edge: str, share: float) -> None:
        """Set the share of an edge's closed part that still gets through (smuggling)."""
        self._leak[self._edge(edge)] = _share(share, "leakage share")
        self._dirty = True

    def set_capacity_factor(self, node: str, factor: float) -> None:
        """Scale a node's capacity (0 shut down, 1 normal, above 1 expanded)."""
        value = float(factor)
        if not (value >= 0.0 and np.isfinite(value)):
            raise RequestError(f"capacity factor must be a number ≥ 0 (got {factor!r})")
        self._cap_factor[self._node(node)] = value
        self._dirty = True

    def set_final_demand_factor(self, node: str, factor: float) -> None:
        """Scale a node's final demand (households, governments, the rest of the world) from
        its baseline: a tariff or a boycott lowers it, stimulus raises it."""
        value = float(factor)
        if not (value >= 0.0 and np.isfinite(value)):
            raise RequestError(f"final demand factor must be a number ≥ 0 (got {factor!r})")
        i = self._node(node)
        self._final[i] = self._final0[i] * value
        self._at_rest = False

    def select_edges(self, selector: EdgeSelector | Mapping[str, Any] | Iterable[str]
                     ) -> dict[str, int]:
        """The selected edges' ids and indices, in network order."""
        if isinstance(selector, str):
            selector = [selector]
        if isinstance(selector, Mapping):
            try:
                selector = EdgeSelector.model_validate(selector)
            except ValueError as exc:
                raise RequestError(f"invalid edge selector: {exc}") from None
        if not isinstance(selector, EdgeSelector):
            return {name: self._edge(name) for name in selector}
        chosen = self._selections.get(selector)
        if chosen is None:
            chosen = self._selections[selector] = self._select(selector)
        return dict(chosen)

    def _select(self, selector: EdgeSelector) -> dict[str, int]:
        for name in selector.edges or ():
            self._edge(name)
        fields = {
            "edge": selector.edges, "controller": selector.controllers,
            "supplier_node": selector.supplier_nodes,
            "supplier_region": selector.supplier_regions,
            "supplier_sector": selector.supplier_sectors,
            "supplier_controller": selector.supplier_controllers,
            "buyer_node": selector.buyer_nodes, "buyer_region": selector.buyer_regions,
            "buyer_sector": selector.buyer_sectors,
        }
        wanted = {key: set(values) for key, values in fields.items() if values is not None}
        routes = set(selector.routes) if selector.routes is not None else None
        return {meta["edge"]: i
                for i, (meta, on) in enumerate(zip(self._edge_meta, self._edge_on_routes,
                                                   strict=True))
                if all(meta[key] in values for key, values in wanted.items())
                and (routes is None or on & routes)}

    def route_shares(self, route: str) -> np.ndarray:
        """Per edge, the share of its flow that takes ``route`` (0 for edges off it)."""
        shares = self._routes.get(route)
        return np.zeros(len(self.edge_ids)) if shares is None else shares.copy()

    @property
    def route_ids(self) -> tuple[str, ...]:
        """The shipping routes some edge's trade takes."""
        return tuple(self._routes)

    def gdp_by_region(self) -> dict[str, float]:
        """Each region's GDP a year at the baseline (declared, or its nodes' value added)."""
        return dict(zip(self.regions, self._gdp.tolist(), strict=True))

    # --- Reading -------------------------------------------------------------------------------

    def indicator_names(self) -> tuple[str, ...]:
        """Indicator names, in the order ``indicator_values`` gives them: the world's own, then
        ``va_loss_<region>`` and ``va_loss_world`` (value added lost per week now), then
        ``va_lost_<region>`` and ``va_lost_world`` (lost in total since the start)."""
        return self._names

    def indicator_values(self) -> dict[str, float]:
        """Current value of every indicator, as Python floats, in ``indicator_names`` order."""
        return dict(zip(self._names, self.indicator_list(), strict=True))

    def indicator_list(self, places: tuple[int, ...] | None = None) -> list[float]:
        """``indicator_values``' values alone, in ``indicator_names`` order; or only those at
        ``places`` (positions in ``indicator_names``), in that order, computing only the
        products they need (once a tick: a game reads only the indicators it binds)."""
        if places is None:
            carried = self._carried()
            values = np.concatenate([self._block(kind, carried) for kind in range(6)])
            return values[self._ind_order].tolist()
        return self.indicator_reader(places)()

    def indicator_reader(self, places: tuple[int, ...]) -> Callable[[], list[float]]:
        """``indicator_list(places)`` as a function planned once (a game reads it each tick)."""
        spots = [self._ind_block[place] for place in places]
        kinds = tuple(sorted({kind for kind, _ in spots}))
        needs_carried = any(kind in (1, 2, 4, 5) for kind in kinds)
        where = [(kinds.index(kind), row) for kind, row in spots]
        block = self._block

        def read() -> list[float]:
            carried = self._carried() if needs_carried else self._delivered
            blocks = [block(kind, carried).tolist() for kind in kinds]
            return [blocks[number][row] for number, row in where]

        return read

    def _block(self, kind: int, carried: np.ndarray) -> np.ndarray:
        """One kind of indicator as the products ``_compile_indicators`` made (0 output, 1 flow,
        2 dependence and ratios of flows, 3 lost, 4 leakage, 5 shares of output)."""
        if kind == 0:
            return self._ind_nodes @ self._x + self._ind_offset
        if kind == 1:
            return self._ind_flow @ carried
        if kind == 2:
            return (self._dep_num @ carried / np.maximum(self._dep_den @ carried, _TINY)
                    * self._dep_scale)
        if kind == 3:
            return self._ind_lost @ self._lost_output()
        if kind == 4:
            return self._ind_leak @ (carried * self._leak_fraction)
        return (self._share_num @ self._x / np.maximum(self._share_den @ carried, _TINY)
                * self._share_scale)

    def output(self) -> dict[str, float]:
        """Current output per week of each node."""
        return dict(zip(self.node_ids, self._x.tolist(), strict=True))

    def stocks(self) -> dict[str, float]:
        """Current stock of each edge's input at its buyer, in weeks of baseline use (0 for
        channels without baseline trade)."""
        weeks = self._stock / np.where(self._z0 > 0.0, self._z0, np.inf)
        return dict(zip(self.edge_ids, weeks.tolist(), strict=True))

    def flows(self) -> dict[str, float]:
        """Deliveries per week on each edge in the last step (substitute volumes included)."""
        return dict(zip(self.edge_ids, self._carried().tolist(), strict=True))

    def losses_by_region(self, cumulative: bool = False) -> dict[str, float]:
        """Value added lost per week now (or in total so far) by region; negative is a gain."""
        return dict(zip(self.regions, (self._region_matrix @ self._lost(cumulative)).tolist(),
                        strict=True))

    def losses_by_sector(self, cumulative: bool = False) -> dict[str, float]:
        """Value added lost per week now (or in total so far) by sector; negative is a gain."""
        return dict(zip(self.sectors, (self._sector_matrix @ self._lost(cumulative)).tolist(),
                        strict=True))

    def losses_by_node(self, cumulative: bool = False) -> dict[str, float]:
        """Value added lost per week now (or in total so far) by node; negative is a gain."""
        return dict(zip(self.node_ids, self._lost(cumulative).tolist(), strict=True))

    def edge_status(self) -> list[tuple[str, float, float]]:
        """Every edge's id, open fraction and leakage share, for a UI."""
        return list(zip(self.edge_ids, self._open.tolist(), self._leak.tolist(), strict=True))

    def leverage(self, relative: bool = False) -> float:
        """Value added the leverage region would lose if every edge controlled by the leverage
        controllers into it closed now, over the horizon, against carrying on as now.

        Both paths are stepped from the current state on copies (two passes of
        ``leverage_horizon_weeks`` steps, about a millisecond for the default world), so call
        it at decision points, not every tick. Leakage stays as set: smuggling erodes leverage.
        ``relative`` divides by the region's baseline value added over the horizon.
        """
        p = self.world.parameters
        if p.leverage_region not in self.regions:
            return 0.0
        region = self.regions.index(p.leverage_region)
        weights = self._region_matrix[region] * self._va_share
        horizon = p.leverage_horizon_weeks
        lost = self._counterfactuals_lost(horizon)
        if lost is None:
            status_quo, cut = self.copy(), self.copy()
            if p.leverage_buffers == "target":
                for copy in (status_quo, cut):
                    copy._stock = self._stock_target.copy()
            cut.set_edges_open(self._leverage_cut, 0.0)
            whole = int(horizon)
            for path in (status_quo, cut):
                path.run(whole)
                if horizon > whole:
                    path.step(horizon - whole)
            lost = (status_quo._lost_output(), cut._lost_output())
        loss = float(weights @ (lost[1] - lost[0]))
        if relative:
            return loss / (float(weights @ self._x0) * horizon)
        return loss

    def _counterfactuals_lost(self, horizon: float) -> tuple[np.ndarray, np.ndarray] | None:
        """``leverage``'s two paths (carrying on, and the leverage edges closed), each stepped
        ``horizon`` weeks from now by the compiled kernel on copies of the state arrays alone:
        their output lost since the start, by node. The same steps, in the same order, as
        ``copy`` then ``run`` (a copy refreshes what moves change: with nothing changed since
        this network's last refresh, it gets the arrays this network has, and the cut path
        gets them with its edges' open fraction at 0, by the same ``_channels``). None where
        that shortcut does not hold (a move not yet applied, a network still at rest, the
        numpy path running): ``leverage`` then copies the network."""
        whole = int(horizon)
        if self._dirty or self._at_rest or whole < 1:
            return None
        run = compiled_run(2 * whole)
        if run is None:
            return None
        p = self.world.parameters
        if not self._leverage_edges:
            self._leverage_edges.append(np.array(
                list(self.select_edges(self._leverage_cut).values()), dtype=np.intp))
        opened = self._open.copy()
        opened[self._leverage_edges[0]] = 0.0
        _, cut_limit, cut_sub_pass = self._channels(opened)
        one = self._scaled(1.0) if self._dt != 1.0 else None
        rest = horizon - whole
        last = self._scaled(rest) if rest > 0.0 else None
        lost = []
        for limit, sub_pass in ((self._limit, self._sub_pass), (cut_limit, cut_sub_pass)):
            arrays = list(self._kernel_arrays())
            arrays[5], arrays[14] = limit, sub_pass
            for place in range(17, 27):  # the state, copied
                arrays[place] = arrays[place].copy()
            if p.leverage_buffers == "target":
                arrays[18] = self._stock_target.copy()
            week = self.week
            for _ in range(whole):
                week += 1.0
            if one is not None:
                arrays[7], arrays[12] = one[1], one[2]
            run(whole, 1.0, *arrays)
            if last is not None:
                week += rest
                arrays[7], arrays[12] = last[1], last[2]
                run(1, rest, *arrays)
            lost.append(self._x0 * week - arrays[26])
        return lost[0], lost[1]

    def start_leverage(self, relative: bool = False) -> float:
        """``leverage`` of the network as built (before any move), computed once per world."""
        if not self._start_leverage:
            self._start_leverage[:] = [self._pristine.leverage(), self._pristine.leverage(True)]
        return self._start_leverage[int(relative)]

    def copy(self) -> SupplyNetwork:
        """An independent copy of the state (static arrays are shared, never mutated)."""
        other = object.__new__(SupplyNetwork)
        other.__dict__.update(self.__dict__)
        for name in self._STATE:
            setattr(other, name, getattr(self, name).copy())
        other._dirty = True
        return other

    # --- Internals -----------------------------------------------------------------------------

    def _carried(self) -> np.ndarray:
        """Deliveries on each channel last step: own trade plus substitute volumes it carried."""
        if self._n_subs:
            if self._sub_by_bincount:
                return self._delivered + np.bincount(self._sub_alt_edge, self._sub_delivered,
                                                     minlength=self._delivered.shape[0])
            return self._delivered + self._sub_on_edge @ self._sub_delivered
        return self._delivered

    def _lost_output(self) -> np.ndarray:
        """Output lost in total since the start, by node (baseline path minus actual)."""
        return self._x0 * self.week - self._produced

    def _lost(self, cumulative: bool) -> np.ndarray:
        if cumulative:
            return self._va_share * self._lost_output()
        return self._va_share * (self._x0 - self._x)

    def _edge(self, edge: str) -> int:
        try:
            return self._edge_index[edge]
        except (KeyError, TypeError):
            raise RequestError(f"unknown edge '{edge}' (edges are named supplier->buyer; "
                               f"this world has {len(self.edge_ids)})") from None

    def _node(self, node: str) -> int:
        try:
            return self._node_index[node]
        except (KeyError, TypeError):
            known = ", ".join(self.node_ids)
            raise RequestError(f"unknown node '{node}' (known: {known})") from None

    def _compile_indicators(self) -> tuple[str, ...]:
        """Indicators as a few matrices, so ``indicator_values`` is a handful of products.

        Rows of ``_ind_nodes`` act on output (``output`` indicators and current losses, with
        ``_ind_offset`` holding the baseline term), ``_ind_flow`` and ``_dep_num/_dep_den`` on
        deliveries, ``_ind_lost`` on cumulative lost output; ``_ind_order`` puts them back in
        name order.
        """
        n, m = len(self.node_ids), len(self.edge_ids)
        node_rows: list[tuple[str, np.ndarray, float]] = []
        flow_rows: list[tuple[str, np.ndarray]] = []
        dep_rows: list[tuple[str, np.ndarray, np.ndarray, float]] = []
        lost_rows: list[tuple[str, np.ndarray]] = []
        names: list[str] = []
        leak_rows: list[tuple[str, np.ndarray]] = []
        share_rows: list[tuple[str, np.ndarray, np.ndarray, float]] = []
        for spec in self.world.indicators:
            names.append(spec.name)
            if spec.kind in ("output", "annual_output"):
                mask = np.zeros(n)
                mask[[self._node_index[name] for name in spec.nodes]] = 1.0
                weight = (spec.scale / float(mask @ self._x0) if spec.kind == "output"
                          else spec.scale * WEEKS_PER_YEAR)
                node_rows.append((spec.name, mask * weight, 0.0))
                continue
            mask = np.zeros(m)
            mask[list(self.select_edges(spec.select).values())] = 1.0
            if spec.kind == "flow":
                base = float(mask @ self._z0)
                flow_rows.append((spec.name, mask * spec.scale / base if base > 0.0
                                  else mask * 0.0))
            elif spec.kind == "annual_flow":
                flow_rows.append((spec.name, mask * spec.scale * WEEKS_PER_YEAR))
            elif spec.kind == "annual_leakage":
                leak_rows.append((spec.name, mask * spec.scale * WEEKS_PER_YEAR))
            elif spec.kind == "ratio" and spec.nodes:
                assert spec.of is None  # checked by WorldSpec
                output = np.zeros(n)
                output[[self._node_index[name] for name in spec.nodes]] = 1.0
                share_rows.append((spec.name, output, mask, spec.scale))
            elif spec.kind == "ratio":
                assert spec.of is not None  # checked by WorldSpec
                of = np.zeros(m)
                of[list(self.select_edges(spec.of).values())] = 1.0
                dep_rows.append((spec.name, mask, of, spec.scale))
            else:
                wanted = set(spec.controllers)
                ctrl = np.array([c in wanted for c in self._edge_controller], dtype=float)
                dep_rows.append((spec.name, mask * ctrl, mask, spec.scale))
        weighted = self._region_matrix * self._va_share
        for r, region in enumerate(self.regions):
            names.append(f"va_loss_{region}")
            node_rows.append((names[-1], -weighted[r], float(weighted[r] @ self._x0)))
        names.append("va_loss_world")
        node_rows.append((names[-1], -self._va_share, float(self._va_share @ self._x0)))
        for r, region in enumerate(self.regions):
            names.append(f"va_lost_{region}")
            lost_rows.append((names[-1], weighted[r]))
        names.append("va_lost_world")
        lost_rows.append((names[-1], self._va_share.copy()))

        def stack(rows: list[Any], width: int, column: int = 1) -> np.ndarray:
            return np.array([row[column] for row in rows]).reshape(len(rows), width)

        self._ind_nodes = stack(node_rows, n)
        self._ind_offset = np.array([row[2] for row in node_rows])
        self._ind_flow = stack(flow_rows, m)
        self._dep_num = stack(dep_rows, m)
        self._dep_den = stack(dep_rows, m, 2)
        self._dep_scale = np.array([row[3] for row in dep_rows])
        self._ind_lost = stack(lost_rows, n)
        self._ind_leak = stack(leak_rows, m)
        self._share_num = stack(share_rows, n)
        self._share_den = stack(share_rows, m, 2)
        self._share_scale = np.array([row[3] for row in share_rows])
        computed = [row[0] for row in (*node_rows, *flow_rows, *dep_rows, *lost_rows,
                                       *leak_rows, *share_rows)]
        position = {name: i for i, name in enumerate(computed)}
        self._ind_order = np.array([position[name] for name in names], dtype=np.intp)
        sizes = (len(node_rows), len(flow_rows), len(dep_rows), len(lost_rows), len(leak_rows),
                 len(share_rows))
        block_of = [(kind, row) for kind, size in enumerate(sizes) for row in range(size)]
        self._ind_block = tuple(block_of[position[name]] for name in names)
        """Per indicator (in name order), its kind of product (``_block``) and row in it."""
        return tuple(names)


@per_object
def _prepared(world: WorldSpec) -> SupplyNetwork:
    """The network of ``world`` as built, never stepped or moved: ``for_world`` copies it."""
    return SupplyNetwork(world)


def _share(value: float, what: str) -> float:
    number = float(value)
    if not 0.0 <= number <= 1.0:
        raise RequestError(f"{what} must be between 0 and 1 (got {value!r})")
    return number
