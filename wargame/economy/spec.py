"""The supply network as data: nodes, edges, stocks, substitutes, indicators, parameters.

A world is read from YAML (``load_world``), validated once here with pydantic, and then handed to
``SupplyNetwork``, which copies it into numpy arrays. Nothing in the hot path touches these
models. Every number in a world file may be written plain (``0.05``) or with its source beside it
(``{value: 0.05, source: "assumption: ..."}``); the shipped default world uses the second form
throughout, so that each number can be traced (see ``docs/model/default-world.md``).

Bad world files raise ``InputTableError`` with one located issue per problem
(``world.yaml:41: edges[3].coefficient: ...``), never a traceback.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from wargame.errors import InputTableError, Issue
from wargame.files import read_regular_file
from wargame.sourced import Sourced, strip_sources
from wargame.validated import FieldIssues, Model
from wargame.yamlio import (
    issues_from_validation,
    not_utf8_issue,
    parse_yaml,
)

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
"""Node, region, sector and indicator ids: lower case, digits, underscores (as scenario ids)."""
EDGE_SEPARATOR = "->"
"""An edge is named ``supplier->buyer``."""
MAX_WORLD_BYTES = 2 * 1024 * 1024
"""A world is a few hundred lines; a larger file is a mistake."""
DEFAULT_WORLD = "default"
"""The name ``load_world`` resolves to the world shipped in ``wargame/economy/data``."""
WEEKS_PER_YEAR = 52.0
"""How a world's annual figures become weekly flows (``X bn a year over 52 weeks``), and back
for annual indicators."""

Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
Share = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
NonNegative = Annotated[float, Field(ge=0.0, allow_inf_nan=False)]
Positive = Annotated[float, Field(gt=0.0, allow_inf_nan=False)]


def edge_id(supplier: str, buyer: str) -> str:
    """The id of the edge from ``supplier`` to ``buyer``."""
    return f"{supplier}{EDGE_SEPARATOR}{buyer}"


class _Model(Model):
    """Frozen, strict about unknown keys (naming the allowed ones), documented by docstrings."""


class RegionSpec(_Model):
    """An economy: its name and its GDP, against which value added lost is a share."""

    id: Id
    """Region id, as nodes name it (e.g. ``china``)."""
    name: str = ""
    """Human-readable name for reports."""
    gdp: Positive
    """GDP (value added) a year at the baseline, in the world's value unit. Its nodes' baseline
    value added a year should add up to it (``wargame calibration`` shows how close it is)."""


class NodeSpec(_Model):
    """A country-sector: it produces one kind of output from the inputs on its incoming edges."""

    id: Id
    """Unique id, e.g. ``tw_foundry``."""
    name: str = ""
    """Human-readable name for reports and the UI."""
    region: Id
    """Region whose value added this node's output counts towards (e.g. ``china``)."""
    sector: Id
    """Sector, for losses by sector and for selecting edges (e.g. ``foundry``)."""
    controller: Id
    """Whose rules can close this node's outgoing edges (e.g. ``us``, ``allied``, ``china``,
    ``neutral``). "US-controlled edges" are selected by this, so it is data, not code."""
    output: Positive
    """Baseline gross output per week, in the world's value unit."""
    capacity: Positive | None = None
    """Most it can produce per week; ``None`` means ``output × (1 + spare_capacity)``."""
    value_added_share: Share
    """Value added per unit of output (wages, profits, taxes): what a loss of output costs."""
    inputs: Literal["complements", "pool"] = "complements"
    """How missing inputs limit output. ``complements`` (Leontief, the ARIO default): the
    scarcest essential input binds. ``pool``: the inputs are one good from several suppliers
    (a region's chip market), so shortfalls add up, each weighted by its essential share."""


class EdgeSpec(_Model):
    """A supply relation: ``buyer`` needs ``coefficient`` of ``supplier``'s output per unit."""

    supplier: Id
    """Node that sells."""
    buyer: Id
    """Node that buys and uses the input."""
    coefficient: NonNegative | None = None
    """Input coefficient: value of supplier output used per unit value of buyer output (an
    input-output ``A`` entry). Zero declares a channel with no baseline trade. Give this or
    ``flow``."""
    flow: NonNegative | None = None
    """Baseline flow, per week (or per year in a world with ``per: year``): the coefficient is
    then the flow over the buyer's output. How input-output tables give trade."""
    essential: Share = 1.0
    """Share of the buyer's output that cannot be made without this input. 1 is strict Leontief
    (the ARIO default); below 1 the rest of the output does without it, a continuous form of
    Pichler et al. (2022)'s critical and non-critical inputs. Aggregate nodes need it: not every
    Chinese electronics line stops without US chips."""
    open: Share = 1.0
    """Initial open fraction: 1 is unrestricted trade, 0 is fully closed."""
    leakage: Share = 0.0
    """Initial share of the closed part that still gets through (smuggling)."""
    controller: Id | None = None
    """Whose rules close this edge, when not the supplier's controller (for example US
    foreign-direct-product rules reaching a foreign supplier)."""
    routes: dict[Id, Share] = {}
    """Shipping routes this trade uses, each with the share of the flow that takes it (e.g.
    ``{taiwan_strait: 0.3}``): a ``restrict_route`` effect closes that share of the flow."""

    @property
    def id(self) -> str:
        """``supplier->buyer``."""
        return edge_id(self.supplier, self.buyer)


class StockSpec(_Model):
    """A buffer stock of one input held by its buyer, in weeks of baseline use."""

    edge: str
    """The edge whose input is stocked, ``supplier->buyer``."""
    weeks: NonNegative
    """Target (and initial) stock, in weeks of baseline use of this input."""
    restock_weeks: Positive | None = None
    """Time constant for rebuilding towards the target; ``None`` uses the world default."""


class SubstituteSpec(_Model):
    """Where a buyer's demand for an input moves when its supplier goes dark."""

    edge: str
    """The input that can be substituted, as its edge ``supplier->buyer``."""
    by: Id
    """The alternative supplier; the channel ``by->buyer`` exists (or is created with no
    baseline trade) and its open fraction applies to substitute deliveries."""
    cap: Annotated[float, Field(gt=0.0, le=1.0, allow_inf_nan=False)]
    """Most of the input's flow the alternative can replace, as a share."""
    ramp_weeks: Positive
    """Weeks to ramp up from nothing to ``cap`` (linearly); falling back is immediate."""


class EdgeSelector(_Model):
    """Picks edges by their ends. Each given list must match; an omitted list matches all."""

    edges: tuple[str, ...] | None = None
    """Explicit edge ids."""
    controllers: tuple[Id, ...] | None = None
    """Edge controller (the supplier's controller unless the edge overrides it)."""
    supplier_nodes: tuple[Id, ...] | None = None
    """Supplier node ids."""
    supplier_regions: tuple[Id, ...] | None = None
    """Supplier regions."""
    supplier_sectors: tuple[Id, ...] | None = None
    """Supplier sectors."""
    supplier_controllers: tuple[Id, ...] | None = None
    """Supplier node controllers (ignores edge overrides)."""
    buyer_nodes: tuple[Id, ...] | None = None
    """Buyer node ids."""
    buyer_regions: tuple[Id, ...] | None = None
    """Buyer regions."""
    buyer_sectors: tuple[Id, ...] | None = None
    """Buyer sectors."""
    routes: tuple[Id, ...] | None = None
    """Shipping routes: edges that send some of their flow along one of them."""


class IndicatorSpec(_Model):
    """A named number the network reports each tick (besides the automatic loss indicators)."""

    name: Id
    """Indicator id (as in scenarios)."""
    kind: Literal["output", "flow", "dependence", "annual_output", "annual_flow", "ratio",
                  "annual_leakage"]
    """``output``: output of ``nodes`` relative to baseline. ``flow``: deliveries on the selected
    edges relative to their baseline. ``dependence``: share of the selected edges' deliveries
    that come through edges controlled by ``controllers``. ``annual_output``: output of
    ``nodes`` at its current rate a year, in the value unit. ``annual_flow``: deliveries on the
    selected edges at their current rate a year. ``ratio``: deliveries on the selected edges (or,
    with ``nodes``, those nodes' output) as a share of deliveries on the edges ``of`` selects (or,
    with ``nodes``, on the selected edges). ``annual_leakage``: the part of the selected
    edges' deliveries that got through a restriction by leakage (smuggling), a year. All are
    multiplied by ``scale``."""
    nodes: tuple[Id, ...] = ()
    """Nodes, for ``output`` and ``annual_output``, and the numerator of a ``ratio`` of output
    to deliveries (China-based chip production over China's chip market)."""
    select: EdgeSelector = EdgeSelector()
    """Edges, for the kinds on edges."""
    of: EdgeSelector | None = None
    """The denominator's edges, for ``ratio``."""
    controllers: tuple[Id, ...] = ()
    """Edge controllers, for ``dependence``."""
    scale: float = 1.0
    """Multiplies the value (e.g. a unit conversion)."""
    description: str = ""
    """What it measures, for reports."""


class FigureSpec(_Model):
    """A cited public figure the world's numbers are derived from."""

    id: Id
    """Figure id; numbers cite it as ``figure:<id>``."""
    value: float
    """The figure as published."""
    unit: str
    """Its unit."""
    what: str
    """What it measures."""
    source: str
    """Where it is published."""


class Parameters(_Model):
    """Model-wide parameters (defaults documented in docs/model/shock-propagator.md)."""

    spare_capacity: NonNegative = 0.10
    """Capacity above baseline output, as a share, for nodes that give no ``capacity``."""
    stock_weeks: NonNegative = 4.0
    """Buffer stock of an input without a ``stocks`` entry, in weeks of baseline use."""
    restock_weeks: Positive = 8.0
    """Time constant for rebuilding stocks towards their target."""
    restock_headroom: NonNegative = 0.25
    """How far above its baseline flow an unrestricted edge can ship to rebuild stocks."""
    leverage_controllers: tuple[Id, ...] = ("us",)
    """Edge controllers whose cut-off ``leverage()`` measures."""
    leverage_region: Id = "china"
    """Region whose buyers are cut off and whose value added loss ``leverage()`` measures."""
    leverage_horizon_weeks: Positive = 26.0
    """Weeks over which ``leverage()`` sums the counterfactual loss."""
    leverage_buffers: Literal["current", "target"] = "current"
    """Which stocks ``leverage()`` starts its counterfactual from: the ``current`` ones (the
    cost of a cut-off now, buffers as they are) or each input's ``target`` (structural
    dependence: what the flows expose, whatever stocks happen to be on hand)."""


class WorldSpec(_Model):
    """A supply network: what the shock propagator steps."""

    name: str = "world"
    """Title for reports."""
    description: str = ""
    """What the world represents."""
    value_unit: str = "bn USD"
    """Unit of output and losses."""
    per: Literal["week", "year"] = "week"
    """The time unit of outputs, capacities and flows in the file: ``year`` lets the numbers be
    the published annual figures. They are divided by 52 when the file is read, so a loaded world
    is always ``per: week`` (GDP is always a year)."""
    figures: tuple[FigureSpec, ...] = ()
    """Cited figures the numbers are derived from."""
    regions: tuple[RegionSpec, ...] = ()
    """The economies, with their GDP (losses are then also shares of it). When given, every
    node's region must be one of them; when omitted, regions are the nodes' and a region's GDP
    is taken as its nodes' baseline value added."""
    parameters: Parameters = Parameters()
    """Model-wide parameters."""
    nodes: tuple[NodeSpec, ...]
    """Country-sector nodes."""
    edges: tuple[EdgeSpec, ...]
    """Supply edges."""
    stocks: tuple[StockSpec, ...] = ()
    """Buffer stocks that differ from ``parameters.stock_weeks``."""
    substitutes: tuple[SubstituteSpec, ...] = ()
    """Alternative suppliers."""
    indicators: tuple[IndicatorSpec, ...] = ()
    """Named indicators beyond the automatic value-added losses by region."""

    @model_validator(mode="before")
    @classmethod
    def _weekly(cls, data: Any) -> Any:
        """Numbers given per year become per week, and flows become coefficients, before the
        fields validate: the network steps weeks and works on coefficients."""
        if not isinstance(data, dict):
            return data
        per_year = data.get("per") == "year"
        nodes = data.get("nodes")
        edges = data.get("edges")
        if not isinstance(nodes, list | tuple) or not isinstance(edges, list | tuple):
            return data
        scale = 1.0 / WEEKS_PER_YEAR if per_year else 1.0
        outputs: dict[str, float] = {}
        new_nodes = []
        for node in nodes:
            if isinstance(node, dict):
                node = dict(node)
                for key in ("output", "capacity"):
                    if _is_number(node.get(key)):
                        node[key] = node[key] * scale
                if isinstance(node.get("id"), str) and _is_number(node.get("output")):
                    outputs[node["id"]] = node["output"]
            new_nodes.append(node)
        new_edges = []
        for edge in edges:
            if isinstance(edge, dict) and _is_number(edge.get("flow")):
                edge = dict(edge)
                flow = edge.pop("flow") * scale
                buyer_id = edge.get("buyer")  # not validated yet: may be any value
                buyer = outputs.get(buyer_id) if isinstance(buyer_id, str) else None
                if edge.get("coefficient") is not None:
                    edge["flow"] = flow  # both given: refused below, at the field
                elif buyer:
                    edge["coefficient"] = flow / buyer
                else:
                    edge["flow"] = flow
            new_edges.append(edge)
        # The numbers are weekly from here on: a dump (a journal, --set) re-validates as is.
        return {**data, "per": "week", "nodes": new_nodes, "edges": new_edges}

    @model_validator(mode="after")
    def _consistent(self) -> WorldSpec:
        issues: list[tuple[str, str]] = []
        nodes = {node.id: node for node in self.nodes}
        if len(nodes) != len(self.nodes):
            seen: set[str] = set()
            for i, node in enumerate(self.nodes):
                if node.id in seen:
                    issues.append((f"nodes.{i}.id", f"duplicate node id '{node.id}'"))
                seen.add(node.id)
        for i, node in enumerate(self.nodes):
            if node.capacity is not None and node.capacity < node.output:
                issues.append((f"nodes.{i}.capacity",
                               f"must be at least the output {node.output:g} "
                               f"(got {node.capacity:g})"))
        edges: dict[str, EdgeSpec] = {}
        for i, edge in enumerate(self.edges):
            if edge.flow is not None:
                issues.append((f"edges.{i}.flow", "give a coefficient or a flow, not both"
                               if edge.coefficient is not None else
                               "the buyer's output is needed to turn a flow into a coefficient"))
            elif edge.coefficient is None:
                issues.append((f"edges.{i}.coefficient", "required: a coefficient or a flow"))
            for end in ("supplier", "buyer"):
                name = getattr(edge, end)
                if name not in nodes:
                    issues.append((f"edges.{i}.{end}", _unknown("node", name, nodes)))
            if edge.id in edges:
                issues.append((f"edges.{i}", f"duplicate edge '{edge.id}'"))
            edges[edge.id] = edge
        stocked: set[str] = set()
        for i, stock in enumerate(self.stocks):
            if stock.edge not in edges:
                issues.append((f"stocks.{i}.edge", _unknown("edge", stock.edge, edges)))
            elif stock.edge in stocked:
                issues.append((f"stocks.{i}.edge", f"second stock for '{stock.edge}'"))
            stocked.add(stock.edge)
        for i, sub in enumerate(self.substitutes):
            substituted = edges.get(sub.edge)
            if substituted is None:
                issues.append((f"substitutes.{i}.edge", _unknown("edge", sub.edge, edges)))
            elif (substituted.coefficient or 0.0) <= 0.0:
                issues.append((f"substitutes.{i}.edge",
                               f"'{sub.edge}' has no baseline trade to substitute"))
            if sub.by not in nodes:
                issues.append((f"substitutes.{i}.by", _unknown("node", sub.by, nodes)))
            elif substituted is not None and sub.by in (substituted.supplier,
                                                        substituted.buyer):
                issues.append((f"substitutes.{i}.by",
                               "the alternative must differ from both ends of the edge"))
        declared = [region.id for region in self.regions]
        issues += [(f"regions.{i}.id", "'world' is the name of the sum of the regions")
                   for i, r in enumerate(declared) if r == "world"]
        if len(set(declared)) != len(declared):
            issues += [(f"regions.{i}.id", f"duplicate region id '{r}'")
                       for i, r in enumerate(declared) if declared.index(r) != i]
        if declared:
            for i, node in enumerate(self.nodes):
                if node.region not in declared:
                    issues.append((f"nodes.{i}.region", _unknown("region", node.region,
                                                                  declared)))
        names: set[str] = set(_loss_indicator_names(self))
        for i, indicator in enumerate(self.indicators):
            if indicator.name in names:
                issues.append((f"indicators.{i}.name",
                               f"duplicate indicator name '{indicator.name}'"))
            names.add(indicator.name)
            for j, node_id in enumerate(indicator.nodes):
                if node_id not in nodes:
                    issues.append((f"indicators.{i}.nodes.{j}",
                                   _unknown("node", node_id, nodes)))
            if indicator.kind in ("output", "annual_output") and not indicator.nodes:
                issues.append((f"indicators.{i}.nodes", "an output indicator needs nodes"))
            if indicator.kind == "ratio" and (indicator.of is None) == (not indicator.nodes):
                issues.append((f"indicators.{i}.of", "a ratio is of edges over 'of' edges, or of "
                                                     "'nodes' output over the selected edges"))
            if indicator.kind == "dependence" and not indicator.controllers:
                issues.append((f"indicators.{i}.controllers",
                               "a dependence indicator needs controllers"))
            for j, edge_name in enumerate(indicator.select.edges or ()):
                if edge_name not in edges:
                    issues.append((f"indicators.{i}.select.edges.{j}",
                                   _unknown("edge", edge_name, edges)))
        issues += _balance_issues(self, nodes)
        if issues:
            raise _WorldIssues(issues)
        return self

    @property
    def region_ids(self) -> tuple[str, ...]:
        """Regions: the declared ones in their order, else in order of first appearance among
        the nodes."""
        if self.regions:
            return tuple(region.id for region in self.regions)
        return tuple(dict.fromkeys(node.region for node in self.nodes))

    @property
    def sectors(self) -> tuple[str, ...]:
        """Sectors in order of first appearance among the nodes."""
        return tuple(dict.fromkeys(node.sector for node in self.nodes))

    @property
    def edge_ids(self) -> tuple[str, ...]:
        """Declared edges' ids (``SupplyNetwork`` adds channels that substitutes need)."""
        return tuple(edge.id for edge in self.edges)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _loss_indicator_names(world: WorldSpec) -> list[str]:
    regions = world.region_ids
    return ([f"va_loss_{r}" for r in regions] + ["va_loss_world"]
            + [f"va_lost_{r}" for r in regions] + ["va_lost_world"])


BALANCE_TOLERANCE = 1e-4
"""Numbers in files are rounded: a pass-through node whose inputs are its output may sum to a
hair over 1."""


def _balance_issues(world: WorldSpec, nodes: dict[str, NodeSpec]) -> list[tuple[str, str]]:
    """A supplier cannot sell more to other nodes than it produces (final demand ≥ 0), and a
    buyer's inputs cannot cost more than its output (coefficients sum ≤ 1)."""
    issues = []
    sold: dict[str, float] = dict.fromkeys(nodes, 0.0)
    bought: dict[str, float] = dict.fromkeys(nodes, 0.0)
    for edge in world.edges:
        if edge.supplier in nodes and edge.buyer in nodes and edge.coefficient is not None:
            sold[edge.supplier] += edge.coefficient * nodes[edge.buyer].output
            bought[edge.buyer] += edge.coefficient
    for i, node in enumerate(world.nodes):
        if sold[node.id] > node.output * (1.0 + BALANCE_TOLERANCE):
            issues.append((f"nodes.{i}.output",
                           f"'{node.id}' sells {sold[node.id]:.6g} a week to other nodes but "
                           f"produces only {node.output:.6g} (lower coefficients or raise output)"))
        if bought[node.id] + node.value_added_share > 1.0 + BALANCE_TOLERANCE:
            issues.append((f"nodes.{i}.value_added_share",
                           f"'{node.id}' inputs ({bought[node.id]:.4g} per unit) plus value "
                           f"added share ({node.value_added_share:g}) exceed 1"))
    return issues


def _unknown(kind: str, name: str, known: Iterable[str]) -> str:
    names = sorted(known)
    shown = ", ".join(names[:12]) + (", ..." if len(names) > 12 else "")
    return f"unknown {kind} '{name}' (known: {shown})"


class _WorldIssues(FieldIssues):
    """Cross-field problems, each with a dotted path (``edges.3.buyer``) relative to the world."""

    def __init__(self, issues: list[tuple[str, str]]) -> None:
        super().__init__([(tuple(int(part) if part.isdigit() else part
                                 for part in dotted.split(".")), message)
                          for dotted, message in issues])


# --- Loading ---------------------------------------------------------------------------------

def _read_text(source: str | Path) -> tuple[str, str]:
    if isinstance(source, str) and source == DEFAULT_WORLD:
        text = resources.files("wargame.economy").joinpath("data/default-world.yaml")
        return text.read_text(encoding="utf-8"), "wargame/economy/data/default-world.yaml"
    shown = str(source)
    data = read_regular_file(source, MAX_WORLD_BYTES,
                             lambda message: InputTableError(Issue(message, file=shown)),
                             what="world")
    try:
        return data.decode("utf-8"), shown
    except UnicodeDecodeError as exc:
        raise not_utf8_issue(exc, shown, InputTableError) from None


def load_world_text(text: str, file: str = "<world>") -> WorldSpec:
    """Validate a world given as YAML text; ``file`` names it in error messages."""
    return _load(text, file)[0]


def _load(text: str, file: str) -> tuple[WorldSpec, Sourced]:
    located = parse_yaml(text, file, InputTableError)
    data, sources = strip_sources(located.data, file, located.where, InputTableError)
    if not isinstance(data, dict):
        found = "an empty file" if data is None else type(data).__name__
        raise InputTableError(Issue(f"a world must be a mapping of sections (got {found})",
                                    file=file, line=1))
    try:
        return WorldSpec.model_validate(data), sources
    except ValidationError as exc:
        raise InputTableError(issues_from_validation(exc, data, located.where, file)) from None


def load_world(source: str | Path) -> WorldSpec:
    """Load and validate a world: ``"default"`` is the shipped default world, else a YAML path.

    The default world is read once per process: every scenario on it names it, and parsing its
    YAML with line marks costs about half a second. A ``WorldSpec`` is frozen, so one shared
    instance cannot be changed behind anyone's back."""
    if isinstance(source, str) and source == DEFAULT_WORLD:
        return _default_world()
    text, shown = _read_text(source)
    return _load(text, shown)[0]


@functools.cache
def _default_world() -> WorldSpec:
    text, shown = _read_text(DEFAULT_WORLD)
    return _load(text, shown)[0]


def world_sources(source: str | Path) -> dict[str, str]:
    """Each sourced number's path (``nodes[3].output``) and its source text, in file order."""
    return {path: source for path, (_, source) in world_numbers(source).items()}


def world_numbers(source: str | Path) -> Sourced:
    """Each sourced number's path, the number as written in the file (annual in a ``per: year``
    world) and its source, in file order."""
    text, shown = _read_text(source)
    return _load(text, shown)[1]
