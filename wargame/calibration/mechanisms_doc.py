"""The parameter tables of docs/model/mechanisms.md, generated from the base scenario.

Each mechanism section of that page holds a block between ``<!-- generated: M2 -->`` and
``<!-- end -->``: the numbers the base scenario writes for the mechanism, each with its value, its
range and group (an assumption) or its figure expression (a cited number), read from the
scenario's own ``{value, source}`` pairs, so the tables cannot drift from the model. A section's
numbers are those whose group starts with its prefix (``m2_`` for M2) and those its rows name by
path (cited figures, the calendar, a number another mechanism's group owns). The rows below say
how to gather them into a readable table: a label, ``--set`` path patterns (``fnmatch`` globs on
dotted paths; ``<a->b>`` stands for the index of the default world's edge ``a->b``) and a short
reason. A number of a section's groups that no row names still appears, in a row of its own, so
nothing is left out when the scenario gains a number.

The ``groups`` block lists every group of the scenario with its members and mechanism, and the
hand-written prose around the tables is checked by ``unknown_numbers``: every number it quotes
must be one the scenario (or a file it cites) writes.

Regenerate in place: ``python -m wargame.calibration.mechanisms_doc``; ``--check`` only reports.
"""

from __future__ import annotations

import argparse
import fnmatch
import math
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from wargame.calibration.assumptions import _file_chain, world_assumptions
from wargame.calibration.figures import figures
from wargame.calibration.sources import Assumption as Range
from wargame.calibration.sources import FigureSource, SourceError, parse
from wargame.files import save_text_atomic
from wargame.scenario.loader import load_scenario, scenario_numbers
from wargame.text import exact_number

BASE = "status-quo-2022"
DOC = Path(__file__).resolve().parents[2] / "docs" / "model" / "mechanisms.md"
REGENERATE = "python -m wargame.calibration.mechanisms_doc"
BLOCK = re.compile(r"(<!-- generated: (?P<key>[\w-]+) -->\n)(?P<body>.*?)(<!-- end -->)",
                   re.DOTALL)
_INDEX = re.compile(r"\[(\d+)\]")
_EDGE = re.compile(r"<([a-z0-9_]+->[a-z0-9_]+)>")


# ---- the scenario's numbers ----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Number:
    """One sourced number of the scenario (or of the world it embeds)."""

    path: str
    """Its ``--set`` path (dotted)."""
    value: float
    group: str | None
    """Its sensitivity group (an assumption), None for a cited figure."""
    low: float | None = None
    high: float | None = None
    expression: str | None = None
    """The figure expression (a cited number)."""
    reason: str = ""
    kind: str = "behaviour"
    world: bool = False

    @property
    def varied(self) -> bool:
        return self.low is not None and self.high is not None and self.low < self.high


@dataclass(frozen=True)
class Model:
    """What the tables are made of: the scenario's numbers in file order, then the world's."""

    numbers: tuple[Number, ...]
    edges: dict[str, int] = field(default_factory=dict)
    """The default world's edges, ``supplier->buyer`` → index."""


def _dotted(path: str) -> str:
    return _INDEX.sub(r".\1", path)


def load(source: str | Path = BASE) -> Model:
    """The sourced numbers of a scenario file (and the files it extends) and of its world."""
    scenario = load_scenario(source)
    by_path: dict[str, Number] = {}
    for file in _file_chain(source):
        for path, (number, text) in scenario_numbers(file).items():
            dotted = _dotted(path)
            try:
                parsed = parse(text)
            except SourceError:
                continue
            if isinstance(parsed, Range):
                group = parsed.group or dotted.rsplit(".", 1)[-1]
                by_path[dotted] = Number(dotted, float(number), group, parsed.low, parsed.high,
                                         reason=parsed.reason)
            elif isinstance(parsed, FigureSource):
                by_path[dotted] = Number(dotted, float(number), None,
                                         expression=parsed.expression)
    world = [Number(item.path, item.value, item.group, item.low, item.high, reason=item.reason,
                    kind=item.kind, world=True) for item in world_assumptions(scenario)]
    edges: dict[str, int] = {}
    if scenario.economy is not None:
        edges = {f"{edge.supplier}->{edge.buyer}": index
                 for index, edge in enumerate(scenario.economy.world.edges)}
    return Model((*by_path.values(), *world), edges)


# ---- what each section shows ---------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Row:
    label: str
    patterns: tuple[str, ...]
    """Globs on ``--set`` paths; the row lists its numbers in the patterns' order."""
    why: str


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    prefixes: tuple[str, ...]
    """Groups starting with one of these belong to the section."""
    rows: tuple[Row, ...]


def _row(label: str, patterns: str | Sequence[str], why: str) -> Row:
    return Row(label, (patterns,) if isinstance(patterns, str) else tuple(patterns), why)


US = "teams.us.moves."
CN = "teams.cn.moves."
ALLIES = "teams.allies.moves."
INDUSTRY = "teams.industry.moves."
RULES = ("rule_oct2022", "rule_oct2023", "rule_mar2024", "partial_access")
PER_RULE = "2022, 2023, 2024 rules; partial access"

SECTIONS: tuple[Section, ...] = (
    Section("M1", ("m1_",), (
        _row("dates of the rules (weeks from 7 October 2022)",
             ["injects.0.at_week", "injects.5.at_week", "injects.6.at_week",
              "injects.9.at_week", "injects.12.at_week"],
             "the rules of October 2022, October 2023, March 2024, the AI Diffusion Rule "
             "(January 2025) and its rescission (May 2025)"),
        _row("lags: 2023 rule (and its publication stage), 2024 rule",
             [US + "rule_oct2023.lag_weeks", US + "rule_oct2023.stages.0.at_weeks",
              US + "rule_mar2024.lag_weeks"],
             "the rules' own effective dates"),
        _row(f"`licensed_share` ({PER_RULE})",
             [f"{US}{rule}.params.licensed_share.default" for rule in RULES],
             "presumption of denial: few licences; partial access keeps its frontier tier shut"),
        _row(f"stringency `s = c − c·licensed`: offset c ({PER_RULE})",
             [f"{US}{rule}.effects.0.value.offset" for rule in RULES],
             "c, the share of US-controlled trade into China's chip nodes the rule covers"),
        _row(f"stringency: scale −c ({PER_RULE})",
             [f"{US}{rule}.effects.0.value.scale" for rule in RULES],
             "the same c, read by the stringency indicator"),
        _row(f"open fraction `o = (1 − c) + c·licensed`: scale c ({PER_RULE})",
             [f"{US}{rule}.effects.1.open.scale" for rule in RULES],
             "the same c, read by the network"),
        _row(f"open fraction: offset 1 − c ({PER_RULE})",
             [f"{US}{rule}.effects.1.open.offset" for rule in RULES],
             "the uncovered trade still flows"),
        _row("AI Diffusion Rule: stringency; its rescission",
             [US + "ai_diffusion_rule.effects.0.by", US + "rescind_diffusion_rule.effects.0.by"],
             "denial was already presumed: the rule closes routes through third countries"),
        _row("AI Diffusion Rule: open to Southeast Asian transshipment (`quota_share`), to the "
             "rest of the world",
             [US + "ai_diffusion_rule.params.quota_share.default",
              US + "ai_diffusion_rule.effects.2.open"],
             "the caps leave middle-tier buyers most of their purchases, bind few elsewhere"),
        _row("AI Diffusion Rule's costs: `police_coop`, `allied_alignment`; what the rescission "
             "wins back of each",
             [US + "ai_diffusion_rule.effects.3.by", US + "ai_diffusion_rule.effects.4.by",
              US + "rescind_diffusion_rule.effects.2.by",
              US + "rescind_diffusion_rule.effects.3.by"],
             "seed 000: the rule antagonises partners such as Singapore"),
        _row("Entity List: firms a batch; stringency per firm; batches a 4-week turn",
             [US + "entity_list_addition.params.entities.default",
              US + "entity_list_addition.effects.0.by.scale", "rules.us_entity_list.probability"],
             "BIS lists firms in batches of a handful to a few dozen, a few times a year"),
        _row("licence backlog: applications a week at full controls (hundreds); backlog that "
             "draws complaints",
             ["flows.backlog_builds.rate.terms.0.coef", "rules.us_licensing.when.value"],
             "applications for China arrive with stringency"),
        _row("licensing capacity: share decided a week at start; its floor; a funding round",
             ["indicators.licensing_capacity.initial", "indicators.licensing_capacity.min",
              US + "fund_licensing.effects.0.by"],
             "BIS decides a tenth of pending applications a week; more officers, faster"),
        _row("Congress funds officers: chance a turn; rounds at most",
             ["rules.us_licensing.probability", "rules.us_licensing.max_fires"],
             "now and then, once the backlog is large"),
    )),
    Section("M2", ("m2_",), (
        _row("`self_sufficiency` at start",
             "indicators.self_sufficiency.initial",
             "China-based production over China's chip market, 2021's figure and the default "
             "world's 2022"),
        _row("growth rate g (a week)", "flows.capability_grows.rate.terms.0.coef",
             "calibrated on the pre-control forecast: the share grows as IC Insights expected "
             "with no controls"),
        _row("tool denial's slowdown of learning (η)",
             "indicators.cn_innovation_efficiency.formula.terms.1.coef",
             "without EUV China's fabs climb the nodes by DUV multi-patterning"),
        _row("`tool_denial` weights: US stringency; allied controls; guardrails",
             [f"indicators.tool_denial.formula.terms.{i}.coef" for i in range(3)],
             "US firms hold EDA and most tools; ASML makes every EUV tool; a small part"),
        _row("investment time constant: 1/τ (terms for the target's 1, the push, the level)",
             [f"flows.investment_adjusts.rate.terms.{i}.coef" for i in (0, 4, 5)],
             "budgets follow a decision within about half a year; fixed, so the target stays "
             "at 2022's level without controls"),
        _row("response to stringency (/τ)", "flows.investment_adjusts.rate.terms.1.coef",
             "a full embargo doubles the investment target (seed 000)"),
        _row("response to a cloud cut-off (/τ)", "flows.investment_adjusts.rate.terms.2.coef",
             "domestic compute replaces rented compute (M5)"),
        _row("response to a kill switch once used (/τ)",
             "flows.investment_adjusts.rate.terms.3.coef",
             "coercion used early backfires, for good (M9)"),
        _row("programmes' `boost`: 2022 rules; Big Fund III; embargo; kill switch; cloud",
             ["rules.cn_invests_2022.move.params.boost", "rules.cn_invests_2024.move.params.boost",
              "rules.cn_invests_embargo.move.params.boost",
              "rules.cn_invests_cutoff.move.params.boost",
              "rules.cn_invests_cloud.move.params.boost"],
             "seed 004: an independent, controllable supply chain; bigger answers to bigger "
             "shocks"),
        _row("chance of the 2022 programme", "rules.cn_invests_2022.probability",
             "China answers the 2022 rules with new support for its chipmakers"),
        _row("programmes' delays: 2022; embargo; kill switch; cloud",
             ["rules.cn_invests_2022.delay_weeks", "rules.cn_invests_embargo.delay_weeks",
              "rules.cn_invests_cutoff.delay_weeks", "rules.cn_invests_cloud.delay_weeks"],
             "a package within two months; an emergency programme within a month"),
        _row("`china-self-reliance` posture: boosts (2022, 2024); delay",
             ["postures.china-self-reliance.rules.cn_invests_2022.move.params.boost",
              "postures.china-self-reliance.rules.cn_invests_2024.move.params.boost",
              "postures.china-self-reliance.rules.cn_invests_2022.delay_weeks"],
             "seed 004, section 5: core technologies first"),
        _row("Big Fund III window (week)", "injects.7.at_week", "24 May 2024"),
        _row("push per firm put on the Entity List", US + "entity_list_addition.effects.1.by.scale",
             "the state helps listed firms replace US suppliers"),
        _row("ceilings of `cn_policy_push`, `cn_investment`",
             ["indicators.cn_policy_push.max", "indicators.cn_investment.max"],
             "bounds the runs never reach"),
        _row("leverage's normalisation 1/(1 − s0) (M7)", "indicators.leverage.formula.terms.0.coef",
             "moves with the starting self-sufficiency, so 2022 reads 1"),
    )),
    Section("M3", ("m3_",), (
        _row("`interdiction` weights: enforcement; partner police, industry reports",
             [f"indicators.interdiction.formula.terms.{i}.coef" for i in range(3)],
             "three comparable channels, enforcement the largest"),
        _row("`interdiction` ceiling", "indicators.interdiction.max",
             "some smuggled chips always get through"),
        _row("`enforcement`, `police_coop` at start",
             ["indicators.enforcement.initial", "indicators.police_coop.initial"],
             "thin BIS enforcement in 2022; transshipment hubs cooperate unevenly"),
        _row("smuggling network's `share`: the move's default; the rules' (2022, 2023, "
             "embargo, partial access, rebuilt); `china-pressure`",
             [CN + "smuggling_network.params.share.default",
              "rules.cn_smuggles_2022.move.params.share",
              "rules.cn_smuggles_2023.move.params.share",
              "rules.cn_smuggles_embargo.move.params.share",
              "rules.cn_smuggles_frontier.move.params.share",
              "rules.cn_rebuilds_network.move.params.share",
              "postures.china-pressure.rules.cn_smuggles_2022.move.params.share"],
             "the share of the blocked trade a network tries to move"),
        _row("chance China builds a network: 2022, 2023, embargo, partial access; rebuilds "
             "after an arrest",
             ["rules.cn_smuggles_2022.probability", "rules.cn_smuggles_2023.probability",
              "rules.cn_smuggles_embargo.probability", "rules.cn_smuggles_frontier.probability",
              "rules.cn_rebuilds_network.probability"],
             "seed 000: a global web of illicit trade"),
        _row("rebuild only when the leak share is below", "rules.cn_rebuilds_network.when.value",
             "when little still gets through"),
        _row("delays: building a network (move lag); commissioning one (rules, "
             "`china-pressure`); rebuilding",
             [CN + "smuggling_network.lag_weeks", "rules.cn_smuggles_*.delay_weeks",
              "postures.china-pressure.rules.cn_smuggles_2022.delay_weeks",
              "rules.cn_rebuilds_network.delay_weeks"],
             "shell firms and integrators in third countries take one to four months"),
        _row("leak share's edges: up (3), then down (3)",
             [f"triggers.leak_{way}_{i}.value" for way, steps in
              (("up", (1, 2, 3)), ("down", (3, 2, 1))) for i in steps],
             "`set_leakage` takes a number: the leak share reaches the network in steps"),
        _row("leakage set at each edge: up (3), then down (3)",
             [f"triggers.leak_{way}_{i}.event.effects.0.share" for way, steps in
              (("up", (1, 2, 3)), ("down", (3, 2, 1))) for i in steps],
             "the leakage of a leak share within the band"),
        _row("smuggled value a week per unit of `smuggled_volume` (bn USD)",
             "flows.smuggled_accumulates.rate.terms.0.coef",
             "the default world's US accelerators into Chinese AI compute, a week"),
        _row("arrests: rate a week while smuggling runs",
             "sources.transshipment_arrest.rate_per_week",
             "about five seizures a year (Singapore, Malaysia, US prosecutions)"),
        _row("arrests need `smuggled_volume` above; each takes off the effort",
             ["sources.transshipment_arrest.active_if.value",
              "sources.transshipment_arrest.event.effects.0.by"],
             "smuggling worth seizing; a seizure closes a small part of the network"),
        _row("Singapore arrests: week; `police_coop`; smuggling effort",
             ["injects.10.at_week", "injects.10.event.effects.0.by",
              "injects.10.event.effects.1.by"],
             "27 February 2025; partner police acting; the network loses a channel"),
        _row("partner police after an arrest: until `police_coop` reaches; chance; rounds at most; "
             "a round's rise",
             ["rules.allies_police.when.value", "rules.allies_police.probability",
              "rules.allies_police.max_fires", ALLIES + "police_cooperation.effects.0.by"],
             "an arrest sometimes leads a partner to cooperate more"),
        _row("enforcement budget: a rise (move default); chance after an arrest; rises at most; "
             "delay",
             [US + "enforcement_budget.params.increase.default", "rules.us_enforces.probability",
              "rules.us_enforces.max_fires", "rules.us_enforces.delay_weeks"],
             "BIS's funding roughly doubled over a decade, in steps"),
        _row("`weaponized-interdependence`: chance; rises at most; delay",
             ["postures.weaponized-interdependence.rules.us_enforces.probability",
              "postures.weaponized-interdependence.rules.us_enforces.max_fires",
              "postures.weaponized-interdependence.rules.us_enforces.delay_weeks"],
             "seed 000's enforcement: more, and more often, than on the path taken"),
    )),
    Section("M4", ("m4_",), (
        _row("R&D funded a week at 2022 sales (bn USD)", "flows.sales_fund_rd.rate.terms.0.coef",
             "US chip firms' R&D of 2022, a week"),
        _row("`industry_pressure` at start; a lobbying push; fading (a week)",
             ["indicators.industry_pressure.initial", INDUSTRY + "lobby_for_access.effects.0.by",
              "flows.pressure_fades.rate.terms.0.coef"],
             "reported only: nothing in the base reads it"),
        _row("firms lobby: against the 2023 rules (chance, delay); against the quotas (chance)",
             ["rules.industry_lobbies.probability", "rules.industry_lobbies.delay_weeks",
              "rules.industry_lobbies_quotas.probability"],
             "seed 000: revenue funds R&D"),
    )),
    Section("M5", (), (
        _row("cloud's input coefficient and essential share in Chinese AI compute",
             ["economy.world.edges.<us_cloud->cn_ai_compute>.coefficient",
              "economy.world.edges.<us_cloud->cn_ai_compute>.essential"],
             "the default world's numbers (docs/model/default-world.md)"),
        _row("investment response to a cut-off (/τ, M2)",
             "flows.investment_adjusts.rate.terms.2.coef",
             "domestic compute replaces rented compute"),
        _row("China's compute programme after a cut-off: boost; delay",
             ["rules.cn_invests_cloud.move.params.boost", "rules.cn_invests_cloud.delay_weeks"],
             "a programme within a month"),
    )),
    Section("M6", ("m6_",), (
        _row("`set_tariff`'s default rate (points); points to a share",
             [US + "set_tariff.params.rate_pp.default", US + "set_tariff.effects.0.value.scale"],
             "seed 000's yearly step; a unit conversion"),
        _row("`set_tariff`: lag; comments close",
             [US + "set_tariff.lag_weeks", US + "set_tariff.stages.0.at_weeks"],
             "notice, comments, then the tariff in force"),
        _row("demand for Chinese electronics per tariff point",
             US + "set_tariff.effects.1.factor.scale", "buyers turn to other suppliers"),
        _row("China's import share: per unit tariff (a week)",
             "flows.tariff_shifts_imports.rate.terms.0.coef",
             "strategic tech imports move away from China"),
        _row("China's import share: displacement by allied output in the US (a week)",
             ["flows.tariff_shifts_imports.rate.terms.1.coef",
              "flows.tariff_shifts_imports.rate.terms.2.coef"],
             "friend-shoring replaces Chinese suppliers; one rate, fixed (it enters twice)"),
        _row("allied output in the US per unit tariff (a week, M10)",
             "flows.allied_output_moves.rate.terms.0.coef", "tariffs pull allied production in"),
        _row("`weaponized-interdependence` schedule: weeks",
             "postures.weaponized-interdependence.injects.*.at_week",
             "ten points a year; the fifth step brought inside the horizon"),
        _row("`weaponized-interdependence` schedule: rates (points)",
             "postures.weaponized-interdependence.injects.*.move.params.rate_pp",
             "seed 000: ten points a year for five years"),
    )),
    Section("M7", ("m7_",), (
        _row("counterfactual horizon (weeks)", "economy.world.parameters.leverage_horizon_weeks",
             "the default world's parameter (docs/model/shock-propagator.md)"),
        _row("recomputed every (weeks)", "economy.leverage_every_weeks",
             "each costs two counterfactual runs; the crisis follows a fresh value"),
        _row("normalisation 1/(1 − s0) (group m2_start)",
             "indicators.leverage.formula.terms.0.coef",
             "China's import share at the start, so that 2022 reads 1"),
        _row("latch: 1/tick (four terms)", "flows.leverage_latched.rate.terms.*.coef",
             "follows leverage every tick until the crisis, then holds; tied to the tick"),
        _row("`leverage_at_crisis` at start", "indicators.leverage_at_crisis.initial",
             "overwritten at the first tick"),
        _row("crisis week (M8)", "injects.13.at_week",
             "the library's hypothetical crisis, October 2025"),
    )),
    Section("M8", ("m8_",), (
        _row("crisis week", "injects.13.at_week",
             "October 2025, after the yearly leverage recomputation"),
        _row("`resolve` at start; drift a week; ceiling; cost of standing down",
             ["indicators.resolve.initial", "flows.resolve_drifts.rate.terms.0.coef",
              "indicators.resolve.max", CN + "de_escalate.effects.1.by"],
             "the cost China's leaders would accept, on the scale of the expected cost"),
        _row("`signal_clarity`, `credibility` at start",
             ["indicators.signal_clarity.initial", "indicators.credibility.initial"],
             "2022's muddled statements (strategic ambiguity)"),
        _row("credibility time constant: 1/13 (two terms)",
             "flows.credibility_follows_signals.rate.terms.*.coef",
             "Beijing's belief follows US signals; fixed, so it settles on the clarity"),
        _row("answers on the path taken: chance of answering a provocation; its clarity; "
             "clarity after a quarantine",
             ["rules.us_answers_salami.probability", "rules.us_answers_salami.move.params.clarity",
              "rules.us_answers_quarantine.move.params.clarity"],
             "muddled, as in 2022; a quarantine draws a clearer, still hedged statement"),
        _row("`weaponized-interdependence` clarities: public signal; private warning; answers "
             "to provocations; to a quarantine",
             ["postures.weaponized-interdependence.rules.us_signals.move.params.clarity",
              "postures.weaponized-interdependence.rules.us_warns_privately.move.params.clarity",
              "postures.weaponized-interdependence.rules.us_answers_salami.move.params.clarity",
              "postures.weaponized-interdependence.rules.us_answers_quarantine.move.params."
              "clarity"],
             "seed 000: a clear, consistently signalled cut-off"),
        _row("US delays: answers (provocation, quarantine, posture's answers); cut-off in a "
             "blockade",
             ["rules.us_answers_salami.delay_weeks", "rules.us_answers_quarantine.delay_weeks",
              "postures.weaponized-interdependence.rules.us_answers_salami.delay_weeks",
              "rules.us_kill_on_blockade.delay_weeks"],
             "a statement within a week; a cut-off within a week to a month"),
        _row("chance of a cut-off in a blockade (path taken)",
             "rules.us_kill_on_blockade.probability",
             "likely, not promised"),
        _row("salami provocation: tension; resolve; credibility",
             [CN + "salami_provocation.effects.0.by", CN + "salami_provocation.effects.1.by",
              CN + "salami_provocation.effects.2.by"],
             "below any bright line: small rises, and the threat erodes if unanswered"),
        _row("provocations: stop at tension; chance a turn (path taken; `china-pressure`: stop "
             "at, chance)",
             ["rules.cn_salami.when.value", "rules.cn_salami.probability",
              "postures.china-pressure.rules.cn_salami.when.value",
              "postures.china-pressure.rules.cn_salami.probability"],
             "about two a year on the path taken, five under pressure"),
        _row("decision thresholds on the case for force: quarantine; blockade; stand down; "
             "invade",
             ["rules.cn_quarantines.when.value", "rules.cn_blockades.when.value",
              "rules.cn_stands_down.when.value", "rules.cn_invades.when.value"],
             "a probe a little below zero, a blockade above it, an invasion well above"),
        _row("chances: quarantine; blockade; invasion",
             ["rules.cn_quarantines.probability", "rules.cn_blockades.probability",
              "rules.cn_invades.probability"],
             "a quarantine is a cheap probe; an invasion seldom follows"),
        _row("delays: blockade after quarantine; standing down; invasion; lifting under a "
             "cut-off",
             ["rules.cn_blockades.delay_weeks", "rules.cn_stands_down.delay_weeks",
              "rules.cn_invades.delay_weeks", "rules.cn_lifts_under_cutoff.delay_weeks"],
             "a month; two months; half a year; a quarter of shortage"),
        _row("a cut-off that bites: China's compute below; chance Beijing lifts",
             ["rules.cn_lifts_under_cutoff.when.value", "rules.cn_lifts_under_cutoff.probability"],
             "seed 000's deterrence by the kill switch"),
        _row("Beijing's reading of its margin: lag; noise",
             ["indicators.deterrence_margin.intel.cn.lag_weeks",
              "indicators.deterrence_margin.intel.cn.noise_sd"],
             "current but uncertain: the decision is a gamble, not a threshold"),
        _row("strait tension: start; calm level/200 and 1/200 (a week)",
             ["indicators.strait_tension.initial", "flows.tension_relaxes.rate.terms.0.coef",
              "flows.tension_relaxes.rate.terms.1.coef"],
             "tense after the August 2022 exercises; relaxes slowly"),
        _row("tension: crisis; quarantine; blockade (set); kill switch; mineral ban; lifting a "
             "blockade; de-escalation",
             ["injects.13.event.effects.1.by", CN + "quarantine.effects.1.by",
              CN + "blockade.effects.1.value", US + "kill_switch.effects.4.by",
              CN + "mineral_export_ban.effects.2.by", CN + "lift_blockade.effects.2.by",
              CN + "de_escalate.effects.0.by"],
             "steps toward (1) or away from conflict"),
        _row("flare-ups: rate a week; tension each",
             ["sources.strait_flareup.rate_per_week", "sources.strait_flareup.event.effects.0.by"],
             "about one a year (a transit, a visit, an exercise)"),
        _row("blockade: Taiwan's exports, imports (open)",
             [CN + "blockade.effects.2.open", CN + "blockade.effects.3.open"],
             "CSIS \"Lights Out?\": cargo at a fifth of normal"),
        _row("blockade: third-country shipping through the strait; demand of homes and "
             "services; of power-intensive manufacturing",
             [CN + "blockade.effects.4.open", CN + "blockade.effects.5.factor",
              CN + "blockade.effects.6.factor"],
             "ships rerouted; power at under a third of demand, rationed"),
        _row("quarantine: Taiwan's exports, imports; strait shipping (open)",
             [CN + "quarantine.effects.2.open", CN + "quarantine.effects.3.open",
              CN + "quarantine.effects.4.open"],
             "inspections and delays, far less than a blockade"),
        _row("invasion: Taiwan's fab capacity", CN + "invasion.effects.2.factor",
             "the island's fabs stop in a war"),
    )),
    Section("M9", ("m9_",), (
        _row("`mineral_export_ban`: default severity; lag",
             [CN + "mineral_export_ban.params.severity.default",
              CN + "mineral_export_ban.lag_weeks"],
             "licensing of gallium and germanium: announced, in force four weeks later"),
        _row("Beijing's windows (weeks): gallium and germanium; ban to the US; rare earths",
             ["injects.2.at_week", "injects.8.at_week", "injects.11.at_week"],
             "July 2023, December 2024, April 2025"),
        _row("chances at the windows: 2023; 2024; 2025",
             ["rules.cn_minerals_2023.probability", "rules.cn_minerals_2024.probability",
              "rules.cn_minerals_2025.probability"],
             "Beijing weighs each"),
        _row("severities at the windows: 2023; 2024; 2025",
             ["rules.cn_minerals_2023.move.params.severity",
              "rules.cn_minerals_2024.move.params.severity",
              "rules.cn_minerals_2025.move.params.severity"],
             "a third, about half, more than half of the exports withheld"),
        _row("`china-pressure`: severity; delay",
             ["postures.china-pressure.rules.cn_minerals_early.move.params.severity",
              "postures.china-pressure.rules.cn_minerals_early.delay_weeks"],
             "severe bans a month after the first US rule: the path seed 000 says backfires"),
        _row("diversification at start", "indicators.allied_mineral_diversification.initial",
             "allies had moved a little off China since 2010"),
        _row("diversification rate (a week per unit of ban; two terms)",
             "flows.minerals_diversify.rate.terms.*.coef",
             "Japan cut its dependence substantially within a few years of 2010; fixed (it "
             "enters twice)"),
        _row("allies diversify after a ban: chance; delay; step; other suppliers' capacity",
             ["rules.allies_diversify.probability", "rules.allies_diversify.delay_weeks",
              ALLIES + "diversify_minerals.effects.0.by",
              ALLIES + "diversify_minerals.effects.1.factor"],
             "new mines, refiners and stockpiles"),
        _row("lasting shift: at diversification; China's links stay open at",
             ["triggers.allies_diversified.value",
              "triggers.allies_diversified.event.effects.0.open"],
             "half diversified, the lever is blunted for good"),
    )),
    Section("M10", ("m10_",), (
        _row("CHIPS funding (bn USD): at start; `chips_act`'s default",
             ["indicators.us_chips_funding.initial", US + "chips_act.params.amount_bn.default"],
             "the CHIPS and Science Act"),
        _row("capacity a week per bn USD committed", "flows.fabs_come_online.rate.terms.0.coef",
             "a leading-edge fab takes about three years"),
        _row("new fab capacity: a fab commitment (`build_us_fab`); industry's chance to commit",
             [INDUSTRY + "build_us_fab.effects.0.by", "rules.industry_builds.probability"],
             "CHIPS money draws fabs in Arizona, New York, Texas"),
        _row("allied output in the US: per unit of new capacity, per unit tariff (M6; a week); "
             "a bloc's pledges; an allied fab",
             ["flows.allied_output_moves.rate.terms.1.coef",
              "flows.allied_output_moves.rate.terms.0.coef", US + "bloc_initiative.effects.1.by",
              ALLIES + "friend_shore_fabs.effects.0.by"],
             "friend-shoring: TSMC in Arizona, Samsung in Texas"),
        _row("allies friend-shore after a bloc initiative: chance; delay",
             ["rules.allies_friend_shore.probability", "rules.allies_friend_shore.delay_weeks"],
             "half the time, within two months"),
        _row("ceilings of `us_fab_capacity`, `allied_us_output`",
             ["indicators.us_fab_capacity.max", "indicators.allied_us_output.max"],
             "bounds the runs never reach"),
        _row("`allied_alignment` at start; a bloc initiative; friend-shoring; hedging; China's "
             "open cooperation",
             ["indicators.allied_alignment.initial", US + "bloc_initiative.effects.0.by",
              ALLIES + "friend_shore_fabs.effects.1.by", ALLIES + "hedge.effects.0.by",
              CN + "open_cooperation.effects.1.by"],
             "allies followed Washington on some technology policy, not all"),
        _row("windows (weeks): tool-control talks (January 2023); guardrails (September 2023)",
             ["injects.1.at_week", "injects.4.at_week"], "the real decisions' dates"),
        _row("alignment needed to align (2023; 2024; after an embargo) and to sanction a "
             "blockade",
             ["rules.allies_align_2023.when.value", "rules.allies_align_2024.when.value",
              "rules.allies_align_embargo.when.value",
              "rules.allies_sanction_blockade.when.value"],
             "about as close to Washington as in 2022"),
        _row("chances: align 2023; 2024; after an embargo; sanction a blockade",
             ["rules.allies_align_2023.probability", "rules.allies_align_2024.probability",
              "rules.allies_align_embargo.probability",
              "rules.allies_sanction_blockade.probability"],
             "the Netherlands and Japan agreed in January 2023 under US pressure"),
        _row("allied tool trade left licensed: 2023; 2024; after an embargo",
             ["rules.allies_align_2023.move.params.open",
              "rules.allies_align_2024.move.params.open",
              "rules.allies_align_embargo.move.params.open"],
             "the Dutch and Japanese rules licensed about half, then less"),
        _row("`align_export_controls`: lag; negotiated",
             [ALLIES + "align_export_controls.lag_weeks",
              ALLIES + "align_export_controls.stages.0.at_weeks"],
             "Japan's rules took effect in July, the Dutch in September 2023"),
        _row("delays: align 2024; after an embargo; sanction a blockade",
             ["rules.allies_align_2024.delay_weeks", "rules.allies_align_embargo.delay_weeks",
              "rules.allies_sanction_blockade.delay_weeks"],
             "a decision within two months; sanctions within a fortnight"),
        _row("allies hedge after the AI Diffusion Rule: chance; delay",
             ["rules.allies_hedge.probability", "rules.allies_hedge.delay_weeks"],
             "those left out of the top tier keep their distance"),
    )),
    Section("M11", ("m11_",), (
        _row("co-authorship growth with no restriction (papers a year)",
             "indicators.coauthorship_growth.formula.terms.0.coef", "2016-2019's growth"),
        _row("`research_restriction` at start; the slope of growth on it",
             ["indicators.research_restriction.initial",
              "indicators.coauthorship_growth.formula.terms.1.coef"],
             "the 2020 level: the line through 2016-2019's and 2020's growth"),
        _row("yearly growth accumulated a week", "flows.coauthorship_accumulates.rate.terms.0.coef",
             "a unit conversion"),
        _row("US research security on the path taken: chance a turn; tightenings at most; step",
             ["rules.us_research_security.probability", "rules.us_research_security.max_fires",
              "rules.us_research_security.move.params.step"],
             "seed 004 sees a downward trend under review, without dates"),
        _row("`maximal-embargo`: step; delay",
             ["postures.maximal-embargo.rules.us_research_security.move.params.step",
              "postures.maximal-embargo.rules.us_research_security.delay_weeks"],
             "a maximal embargo decouples research too, within a month"),
        _row("China's open cooperation: restriction eased; delay (`china-self-reliance`)",
             [CN + "open_cooperation.effects.0.by",
              "postures.china-self-reliance.rules.cn_opens.delay_weeks"],
             "seed 004, section 5: multilateral scientific cooperation"),
        _row("innovation penalty: China's; the US's",
             ["indicators.cn_innovation_efficiency.formula.terms.2.coef",
              "indicators.us_innovation_efficiency.formula.terms.1.coef"],
             "seed 004: decoupling slows both sides, without a number"),
    )),
    Section("M12", ("m12_",), (
        _row("outbound review: in force (lag); proposed rule; final rule",
             [US + "outbound_investment_review.lag_weeks",
              US + "outbound_investment_review.stages.0.at_weeks",
              US + "outbound_investment_review.stages.1.at_weeks"],
             "the order of August 2023 to the rule in force in January 2025"),
        _row("order's window (week)", "injects.3.at_week", "9 August 2023"),
        _row("time constant: 1/26 (two terms)",
             ["flows.us_capital_adjusts.rate.terms.0.coef",
              "flows.us_capital_adjusts.rate.terms.2.coef"],
             "US capital follows the rules; fixed, so it settles on 1 without a review"),
        _row("capital cut (/26)", "flows.us_capital_adjusts.rate.terms.1.coef",
             "new deals barred, older holdings kept"),
        _row("capital's weight in China's effective investment",
             "indicators.cn_effective_investment.formula.terms.1.coef",
             "a small part of China's chip investment"),
        _row("ceiling of `us_capital_in_cn`", "indicators.us_capital_in_cn.max",
             "a bound the runs never reach"),
    )),
    Section("M13", ("m13_",), (
        _row("`industry_reporting` at start; guidelines; partnership",
             ["indicators.industry_reporting.initial", US + "enforcement_guidelines.effects.0.by",
              INDUSTRY + "trusted_partnership.effects.0.by"],
             "rare, unsystematic reporting before; a partnership makes it systematic"),
        _row("guidelines: lag; comments close",
             [US + "enforcement_guidelines.lag_weeks",
              US + "enforcement_guidelines.stages.0.at_weeks"],
             "draft, comments, final text"),
        _row("industry answers guidelines: chance; delay; the partnership's lag",
             ["rules.industry_partners.probability", "rules.industry_partners.delay_weeks",
              INDUSTRY + "trusted_partnership.lag_weeks"],
             "seed 000's trusted partnership"),
        _row("reported orders: reporting needed; chance after an arrest; smuggling effort each",
             ["rules.industry_reports.when.value", "rules.industry_reports.probability",
              INDUSTRY + "report_suspicious_order.effects.0.by"],
             "a flagged order closes one buyer of the network"),
        _row("reporting's weight in `interdiction` (M3)",
             "indicators.interdiction.formula.terms.2.coef", "one of three comparable channels"),
    )),
    Section("other", ("intel", "numerics", "observables", "reporting"), (
        _row("tick (weeks)", "meta.tick_weeks", "the fastest time constant is 13 weeks"),
        _row("US intelligence lag (weeks): self-sufficiency; resolve; China's compute; "
             "smuggling; leverage",
             [f"indicators.{name}.intel.us.lag_weeks" for name in
              ("self_sufficiency", "resolve", "cn_compute", "smuggled_volume", "leverage")],
             "what US analysts read, and how late"),
        _row("US intelligence noise (sd): the same",
             [f"indicators.{name}.intel.us.noise_sd" for name in
              ("self_sufficiency", "resolve", "cn_compute", "smuggled_volume", "leverage")],
             "how well they read it"),
        _row("observables: customs imports over chips bought abroad; foreign-owned fabs' share; "
             "accelerators per bn USD smuggled",
             ["indicators.cn_chip_imports_bn.formula.terms.0.coef",
              "indicators.cn_self_sufficiency_owned.formula.terms.1.coef",
              "indicators.smuggled_ai_chips.formula.terms.0.coef"],
             "the model's numbers on the published series' bases (docs/model/calibration.md)"),
        _row("reported events: self-sufficiency milestone; compute shortage",
             ["triggers.self_reliance_milestone.value", "triggers.compute_shortage.value"],
             "nothing reacts to them: not varied"),
    )),
)

OTHER_GROUPS = {
    "calendar": "the dates of the real decisions (M1, M2, M9, M10, M12)",
    "intel": "what the US reads of China, and how late (fog of war)",
    "numerics": "the integration step",
    "observables": "history on the published series' bases (docs/model/calibration.md)",
    "reporting": "events only reported",
}
"""The scenario's groups that are not one mechanism's."""


# ---- rendering -----------------------------------------------------------------------------------

def _cell(number: Number) -> str:
    if number.expression is not None:
        return exact_number(number.value)
    assert number.low is not None and number.high is not None
    if not number.varied:
        return f"{exact_number(number.value)} (fixed)"
    return f"{exact_number(number.value)} [{exact_number(number.low)}, {exact_number(number.high)}]"


def _source(number: Number) -> str:
    if number.expression is not None:
        return f"figure `{number.expression}`"
    return f"`{number.group}`"


def _runs(cells: Sequence[str]) -> str:
    """Consecutive equal cells once, with how many: ``a ×2; b``."""
    parts: list[tuple[str, int]] = []
    for cell in cells:
        if parts and parts[-1][0] == cell:
            parts[-1] = (cell, parts[-1][1] + 1)
        else:
            parts.append((cell, 1))
    return "; ".join(cell if count == 1 else f"{cell} ×{count}" for cell, count in parts)


def _differing(first: list[str], other: list[str]) -> int | None:
    """The one step where two paths differ (None: they differ in none or in more)."""
    if len(first) != len(other):
        return None
    steps = [i for i, (a, b) in enumerate(zip(first, other, strict=True)) if a != b]
    return steps[0] if len(steps) == 1 else None


def _where(paths: Sequence[str]) -> str:
    """The paths, in order, each run of paths that differ in one step written once with that
    step as ``{a,b,...}`` (so the paths still read in the order of the values)."""
    split = [path.split(".") for path in paths]
    runs: list[tuple[list[str], int | None, list[str]]] = []  # (path, step, its values)
    for parts in split:
        if runs:
            base, step, values = runs[-1]
            here = _differing(base, parts)
            if here is not None and step in (None, here) and parts[here] not in values:
                runs[-1] = (base, here, [*values, parts[here]])
                continue
        runs.append((parts, None, []))
    shown = []
    for base, step, values in runs:
        steps = list(base)
        if step is not None:
            steps[step] = "{" + ",".join([base[step], *values]) + "}"
        shown.append(f"`{'.'.join(steps)}`")
    return ", ".join(shown)


def _escape(text: str) -> str:
    return text.replace("|", "\\|")


def _patterns(row: Row, model: Model) -> list[str]:
    def edge(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in model.edges:
            raise KeyError(f"no edge {name} in the default world (row {row.label!r})")
        return str(model.edges[name])

    return [_EDGE.sub(edge, pattern) for pattern in row.patterns]


def _members(section: Section, model: Model) -> list[Number]:
    """The section's numbers: its groups' and those its rows name, in model order."""
    patterns = [pattern for row in section.rows for pattern in _patterns(row, model)]
    return [number for number in model.numbers
            if (number.group is not None and not number.world and bool(section.prefixes)
                and number.group.startswith(section.prefixes))
            or any(fnmatch.fnmatchcase(number.path, pattern) for pattern in patterns)]


def section_rows(section: Section, model: Model) -> list[tuple[str, list[Number], str]]:
    """(label, numbers, reason) for each row of a section, its unnamed numbers last."""
    members = _members(section, model)
    taken: set[str] = set()
    rows: list[tuple[str, list[Number], str]] = []
    for row in section.rows:
        chosen: list[Number] = []
        for pattern in _patterns(row, model):
            for number in members:
                if number.path not in taken and fnmatch.fnmatchcase(number.path, pattern):
                    chosen.append(number)
                    taken.add(number.path)
        if not chosen:
            raise LookupError(f"{section.key}: the row {row.label!r} matches no number of the "
                              "scenario (a path moved? edit SECTIONS in "
                              "wargame/calibration/mechanisms_doc.py)")
        rows.append((row.label, chosen, row.why))
    for number in members:
        if number.path not in taken:
            rows.append((f"`{number.path.rsplit('.', 2)[-2]}.{number.path.rsplit('.', 1)[-1]}` "
                         "(not yet described)", [number], number.reason))
    return rows


def render_section(section: Section, model: Model) -> str:
    lines = ["| parameter | value [range] | group or source | where (`--set` path) | reason |",
             "|---|---|---|---|---|"]
    for label, numbers, why in section_rows(section, model):
        cells = _runs([_cell(number) for number in numbers])
        named = [_source(number) for number in numbers]
        sources = named[0] if len(set(named)) == 1 else _runs(named)
        lines.append(f"| {_escape(label)} | {cells} | {_escape(sources)} | "
                     f"{_escape(_where([number.path for number in numbers]))} | {_escape(why)} |")
    return "\n".join(lines) + "\n"


def owner(group: str) -> str:
    """The section a scenario group belongs to (``M2``), or what it is for."""
    for section in SECTIONS:
        if section.key != "other" and group.startswith(section.prefixes):
            return section.key
    return OTHER_GROUPS.get(group, "")


def render_groups(model: Model) -> str:
    groups: dict[str, list[Number]] = {}
    world: dict[str, list[Number]] = {}
    for number in model.numbers:
        if number.group is not None:
            (world if number.world else groups).setdefault(number.group, []).append(number)

    def order(name: str) -> tuple[int, int, str]:
        match = re.match(r"m(\d+)_", name)
        return (0, int(match.group(1)), name) if match else (1, 0, name)

    lines = ["| group | mechanism | members | varied | kind |", "|---|---|---|---|---|"]
    for name in sorted(groups, key=order):
        members = groups[name]
        kinds = "/".join(sorted({number.kind for number in members}))
        lines.append(f"| `{name}` | {owner(name) or '(none)'} | {len(members)} | "
                     f"{sum(number.varied for number in members)} | {kinds} |")
    members = [number for numbers in world.values() for number in numbers]
    sizes = sum(number.kind == "size" for number in members)
    lines += ["", f"{len(groups)} groups, {sum(map(len, groups.values()))} numbers in the "
              f"scenario file; the default world it embeds declares {len(world)} more groups "
              f"({len(members)} numbers: {len(members) - sizes} behaviour, {sizes} size), "
              "described in [default-world.md](default-world.md); its "
              "`leverage_horizon_weeks` is M7's."]
    return "\n".join(lines) + "\n"


def render(key: str, model: Model) -> str:
    if key == "groups":
        return render_groups(model)
    for section in SECTIONS:
        if section.key == key:
            return render_section(section, model)
    raise KeyError(f"no generated block {key!r} (expected groups or one of "
                   f"{', '.join(section.key for section in SECTIONS)})")


def update(text: str, model: Model) -> tuple[str, list[str]]:
    """The page with every generated block rewritten, and the keys of the blocks that changed."""
    changed: list[str] = []

    def replace(match: re.Match[str]) -> str:
        body = render(match["key"], model)
        if body != match["body"]:
            changed.append(match["key"])
        return match.group(1) + body + match.group(4)

    return BLOCK.sub(replace, text), changed


def blocks(text: str) -> list[str]:
    return [match["key"] for match in BLOCK.finditer(text)]


def unplaced(model: Model) -> list[str]:
    """Scenario numbers that no generated block would show (none, while ``other`` takes the
    groups of no mechanism)."""
    shown = {number.path for section in SECTIONS for number in _members(section, model)}
    return [number.path for number in model.numbers
            if not number.world and number.path not in shown]


# ---- the hand-written numbers --------------------------------------------------------------------

_NUMBER = re.compile(r"(?<![\w.])\d+(?:,\d{3})*(?:\.\d+)?(?![\w])")
_YEAR = range(1990, 2036)


def _numbers(text: str) -> list[float]:
    return [float(token.replace(",", "")) for token in _NUMBER.findall(text)]


def known_numbers(texts: Iterable[str]) -> set[float]:
    """Every number written in the given texts (a scenario file, the figures it cites, ...)."""
    return {abs(value) for text in texts for value in _numbers(text)}


def _is_known(value: float, known: set[float]) -> bool:
    if value in known or (value.is_integer() and int(value) in _YEAR):
        return True
    return any(math.isclose(value, other, rel_tol=1e-3) for other in known)


def unknown_numbers(text: str, known: set[float]) -> list[tuple[int, str]]:
    """(line, number) for each number of a page's hand-written text that is in none of the
    ``known`` numbers (to 0.1 %): seed quotes (lines starting ``>``) and generated blocks are
    left out, years are allowed."""
    text = BLOCK.sub(lambda match: "\n" * match.group(0).count("\n"), text)
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith(">"):
            continue
        for token in _NUMBER.findall(line):
            if not _is_known(float(token.replace(",", "")), known):
                found.append((number, token))
    return found


def cited_figures(scenario_text: str) -> list[str]:
    """The figures file's rows whose ids a scenario's text names."""
    return [f"{figure.text} {figure.note}" for figure_id, figure in figures().items()
            if re.search(rf"\b{re.escape(figure_id)}\b", scenario_text)]


# ---- command line --------------------------------------------------------------------------------

def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m wargame.calibration.mechanisms_doc",
        description="Rewrite the generated tables of docs/model/mechanisms.md from the base "
                    "scenario.")
    parser.add_argument("doc", nargs="?", type=Path, default=DOC)
    parser.add_argument("--scenario", default=BASE)
    parser.add_argument("--check", action="store_true",
                        help="only say whether the tables are current (exit 1 if not)")
    args = parser.parse_args(argv)
    text = args.doc.read_text(encoding="utf-8")
    new, changed = update(text, load(args.scenario))
    if args.check:
        if changed:
            print(f"{args.doc}: stale generated block(s) {', '.join(changed)}; run {REGENERATE}",
                  file=sys.stderr)
            return 1
        print(f"{args.doc}: {len(blocks(text))} generated blocks, all current")
        return 0
    if changed:
        save_text_atomic(args.doc, new)
    print(f"{args.doc}: {len(changed)} of {len(blocks(text))} generated blocks rewritten")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
