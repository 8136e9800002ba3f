"""The doors the fuzz benchmark pushes inputs through, one class each: scenario files, generated
scenarios, moves, white-cell actions, journals, ``--set`` values, command lines, and mutation of
what the API returns.

Each target makes an input from a seeded ``random.Random`` (``generate``: plain data, so the
runner can pickle it, shrink it and print it), plays it (``run``: every call through
``Context.api``, every game it ends with saved and replayed), proposes smaller inputs for the
reducer (``shrink``), and writes a reproducer people can run without this script
(``reproducer``: Python source and the files it needs).
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import io
import itertools
import json
import math
import os
import random
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fuzz_common import (
    HANG,
    LEAK,
    NUM_TOKENS,
    NUMBERS,
    OWN_DIRS,
    SURPRISES,
    TEXTS,
    TRACEBACK,
    UNREPLAYABLE,
    WRONG,
    YAML_TOKENS,
    Context,
    Finding,
    FuzzTimeout,
    check_save,
    check_scenario_numbers,
    check_state,
    duplicate_keys,
    exception_cause,
    finite,
    normalise,
    pyrepr,
    shorten,
    text_literal,
    where,
)
from fuzz_fixtures import Fixtures

from wargame import Game, Journal, Move, Scenario, load_scenario, load_scenario_text
from wargame.scenario.loader import scenario_dump, scenario_hash
from wargame.scenario.params import BooleanParam, ChoiceParam, IntegerParam, NumberParam

Payload = dict[str, Any]


class Raw(str):
    """A YAML token written into generated text as it is (``1:30``, ``.nan``, ``[[[``)."""


def weighted(r: random.Random, choices: dict[Any, float]) -> Any:
    return r.choices(list(choices), weights=list(choices.values()))[0]


def ddmin(items: list[Any], keep: int = 0) -> Iterator[list[Any]]:
    """Smaller versions of a list, largest cuts first (delta debugging's complements); the
    first ``keep`` items stay (a journal's header)."""
    head, body = items[:keep], items[keep:]
    size = len(body) // 2
    while size >= 1:
        for start in range(0, len(body), size):
            yield head + body[:start] + body[start + size:]
        size //= 2


# ---- the shared game loop -----------------------------------------------------------------------

def play(ctx: Context, scenario: Scenario, seed: Any = 0, turns: int = 13,
         humans: Any = ()) -> Game | None:
    """Play up to ``turns`` turns, checking the state after each; save and replay at the end."""
    ok, game = ctx.api("Game(scenario)", Game, scenario, seed=seed, human_teams=humans)
    if not ok:
        return None
    check_state(game, "the start")
    for turn in range(turns):
        if game.over:
            break
        ok, _ = ctx.api(f"advance (turn {turn + 1})", game.advance)
        if not ok:
            break
        check_state(game, "advance")
    check_save(ctx, game, f"{game.turn} turns")
    return game


def refusal_changed(before: tuple, game: Game) -> bool:
    return before != snapshot(game)


def snapshot(game: Game) -> tuple:
    return (list(game.journal.lines()), [(p.id, p.status) for p in game.pending()],
            game.indicators(), game.turn, game.week)


REPRO_HEAD = '''"""{title}

Found by benchmarks/fuzz.py ({target} target). Expected: a WargameError (or success), never
{expectation}.
"""
import math, shutil, tempfile
from importlib import resources
from pathlib import Path

import numpy as np

import wargame
from wargame import Game, Journal, Move, WargameError, load_scenario, load_scenario_text

sandbox = Path(tempfile.mkdtemp(prefix="wargame-repro-"))
for shipped in wargame.shipped_scenarios():  # for extends: relative to the file
    shutil.copy(Path(str(resources.files("wargame.scenarios"))) / f"{{shipped}}.yaml", sandbox)


def attempt(what, call, *args, **kwargs):
    try:
        return call(*args, **kwargs)
    except WargameError as exc:
        print(f"refused ({{what}}): {{str(exc)[:200]}}")
        return None

'''

EXPECTATIONS = {
    TRACEBACK: "another exception", HANG: "running past the time or memory bound",
    UNREPLAYABLE: "a save that cannot be written or replayed",
    LEAK: "a changed game after mutating what the API returned",
    WRONG: "a silently wrong result",
}


def repro_head(target: str, finding: Finding) -> str:
    return REPRO_HEAD.format(title=f"{finding.kind}: {finding.cause}".replace('"""', "'''"),
                             target=target, expectation=EXPECTATIONS.get(finding.kind, "this"))


REPRO_PLAY = '''
def play(scenario, seed=0, turns=13, humans=()):
    game = attempt("Game", Game, scenario, seed=seed, human_teams=humans)
    if game is None:
        return None
    for _ in range(turns):
        if game.over or attempt("advance", game.advance) is None:
            break
        print({name: v for name, v in game.indicators().items() if not math.isfinite(v)} or "",
              game.outcomes())  # finite indicators; outcomes that can be read
    game.journal.save(sandbox / "save.jsonl")               # must not fail
    again = Game.replay(sandbox / "save.jsonl", verify=True)  # must replay
    assert again.journal.text() == game.journal.text()
    return game
'''


class Target:
    name = ""
    weight = 1.0

    def __init__(self, fixtures: Fixtures, scenarios: dict[str, Scenario]) -> None:
        self.fixtures = fixtures
        self.scenarios = scenarios

    def generate(self, r: random.Random) -> Payload:
        raise NotImplementedError

    def run(self, payload: Payload, ctx: Context) -> None:
        raise NotImplementedError

    def shrink(self, payload: Payload) -> Iterator[Payload]:
        return iter(())

    def reproducer(self, payload: Payload, finding: Finding) -> tuple[str, dict[str, bytes]]:
        return repro_head(self.name, finding) + f"# input: {pyrepr(payload)[:5000]}\n", {}


# ---- scenario files -----------------------------------------------------------------------------

NUMBER_RE = re.compile(r"(?<![\w.\-])-?\d+(?:\.\d+)?(?:e[-+]?\d+)?(?![\w.:\-])")
KEYVAL_RE = re.compile(r"^(\s*(?:- )?[A-Za-z_][\w-]*:)[ ]+(\S.*)$")
EXTENDS_PATHS = [
    "fifo", "dir", "loop.yaml", "dangling.yaml", "zero.yaml", "/dev/zero", "/dev/null",
    "/dev/urandom", "/proc/self/status", "big.yaml", "empty.yaml", "fuzz.yaml", "nope.yaml", "''",
    "'~'", "[a]", "x" * 5000, "game.jsonl", "bad.yaml", "escalation-ladder.yaml", "world.yaml",
    "../../../../etc/hostname", "\u202e.yaml", "dir/../escalation-ladder.yaml", "/", ".",
    "fifo/x", "escalation-ladder-pessimistic.yaml", "table.csv", "1", "'a\\0b'", "\"a\\x00b\"",
]
WORLD_PATHS = [
    "fifo", "/dev/zero", "zero.yaml", "dir", "big.yaml", "game.jsonl", "escalation-ladder.yaml",
    "world.yaml", "nope.yaml", "default", "Default", "''", "1", "[a]", "/dev/null", "loop.yaml",
    "table.csv", "{}", "{name: x}",
]


def mutate_lines(r: random.Random, lines: list[str]) -> tuple[list[str], str]:
    """One edit a person, an editor or an attacker makes to a scenario file."""
    lines = list(lines)
    n = len(lines)
    i = r.randrange(n) if n else 0
    op = weighted(r, {"number": 5, "value": 4, "drop": 1, "dup": 1, "swap": 0.5,
                      "reindent": 0.5, "insert": 1, "truncate": 0.3, "extends": 1.2,
                      "world": 0.6, "dupkey": 0.6, "section": 0.3, "alias": 0.3,
                      "big": 0.05, "bom": 0.1, "crlf": 0.1, "tab": 0.2})
    if not lines:
        return [r.choice(YAML_TOKENS)], "replace-all"
    if op == "number":
        candidates = [k for k, line in enumerate(lines)
                      if not line.lstrip().startswith("#") and NUMBER_RE.search(line)]
        if candidates:
            k = r.choice(candidates)
            matches = list(NUMBER_RE.finditer(lines[k]))
            m = r.choice(matches)
            token = r.choice(NUM_TOKENS)
            lines[k] = lines[k][:m.start()] + token + lines[k][m.end():]
            return lines, f"number line {k + 1} -> {token[:20]}"
        op = "value"
    if op == "value":
        candidates = [k for k, line in enumerate(lines) if KEYVAL_RE.match(line)]
        k = r.choice(candidates) if candidates else i
        m = KEYVAL_RE.match(lines[k])
        token = r.choice(YAML_TOKENS)
        lines[k] = (m.group(1) if m else lines[k] + ":") + " " + token
        return lines, f"value line {k + 1} -> {token[:20]}"
    if op == "drop":
        del lines[i]
    elif op == "dup":
        lines.insert(i, lines[i])
    elif op == "swap":
        j = r.randrange(n)
        lines[i], lines[j] = lines[j], lines[i]
    elif op == "reindent":
        lines[i] = " " * r.randrange(0, 7) + lines[i].lstrip(" ")
    elif op == "insert":
        line = lines[i]
        at = r.randrange(len(line) + 1)
        lines[i] = line[:at] + r.choice(YAML_TOKENS[:60] + TEXTS[:20]) + line[at:]
    elif op == "truncate":
        text = "\n".join(lines)
        return text[: r.randrange(len(text) + 1)].split("\n"), "truncate"
    elif op == "extends":
        path = r.choice(EXTENDS_PATHS)
        k = next((k for k, line in enumerate(lines) if line.startswith("extends:")), None)
        if k is None:
            lines.insert(0, f"extends: {path}")
        else:
            lines[k] = f"extends: {path}"
        return lines, f"extends: {path[:30]}"
    elif op == "world":
        path = r.choice(WORLD_PATHS)
        k = next((k for k, line in enumerate(lines) if line.strip().startswith("world:")), None)
        if k is None:
            lines += ["economy:", f"  world: {path}"]
        else:
            lines[k] = lines[k].split("world:")[0] + f"world: {path}"
        return lines, f"world: {path[:30]}"
    elif op == "dupkey":
        candidates = [k for k, line in enumerate(lines) if KEYVAL_RE.match(line)
                      and not line.lstrip().startswith("- ")]
        if candidates:
            k = r.choice(candidates)
            lines.insert(k + 1, lines[k])
    elif op == "section":
        lines += [r.choice(["meta:", "teams:", "rules:", "indicators:"]), "  x: 1"]
    elif op == "alias":
        candidates = [k for k, line in enumerate(lines) if KEYVAL_RE.match(line)]
        if len(candidates) >= 2:
            a, b = sorted(r.sample(candidates, 2))
            lines[a] = KEYVAL_RE.match(lines[a]).group(1) + " &x " + KEYVAL_RE.match(
                lines[a]).group(2)
            lines[b] = KEYVAL_RE.match(lines[b]).group(1) + " *x"
    elif op == "big":
        lines.append("# " + "x" * 1_050_000)
    elif op == "bom":
        lines[0] = "\ufeff" + lines[0]
    elif op == "crlf":
        lines = [line + "\r" for line in lines]
    elif op == "tab":
        lines[i] = "\t" + lines[i]
    return lines, f"{op} line {i + 1}"


class ScenarioFiles(Target):
    """Mutated copies of the shipped scenario files, loaded from a file beside the originals."""

    name = "scenario"
    weight = 0.13
    texts: dict[str, str] = {}
    BASES = {"escalation-ladder": 0.45, "escalation-ladder-pessimistic": 0.2,
             "embargo-shock": 0.12, "taiwan-blockade": 0.006, "maximal-embargo": 0.006,
             "mineral-ban": 0.006, "salami-tactics": 0.006, "salami-tactics-clear-answers": 0.006,
             "smuggling-enforcement": 0.006, "smuggling-unenforced": 0.006,
             "weaponized-interdependence": 0.006, "ai-diffusion-rule": 0.006,
             "status-quo-2022": 0.01}

    def generate(self, r: random.Random) -> Payload:
        base = weighted(r, self.BASES)
        if base not in self.texts:
            self.texts[base] = (self.fixtures.dir / f"{base}.yaml").read_text(encoding="utf-8")
        lines = self.texts[base].split("\n")
        ops = []
        for _ in range(r.choice([1, 1, 1, 2, 2, 3])):
            lines, op = mutate_lines(r, lines)
            ops.append(op)
        heavy = "status-quo" in "".join(lines[:20]) or base not in (
            "escalation-ladder", "escalation-ladder-pessimistic", "embargo-shock")
        world = None
        if r.random() < 0.06:  # a world file of its own, mutated, beside the scenario
            if "world" not in self.texts:
                self.texts["world"] = (self.fixtures.dir / "world.yaml").read_text(
                    encoding="utf-8")
            world = self.texts["world"].split("\n")
            for _ in range(r.choice([1, 1, 2])):
                world, op = mutate_lines(r, world)
                ops.append(f"world file: {op}")
            k = next((k for k, line in enumerate(lines) if line.strip().startswith("world:")),
                     None)
            if k is None:
                lines += ["economy:", "  world: fuzzworld.yaml"]
            else:
                lines[k] = lines[k].split("world:")[0] + "world: fuzzworld.yaml"
        return {"base": base, "lines": lines, "ops": ops, "seed": r.randrange(100),
                "turns": 4 if heavy else 13, "world": world}

    def run(self, payload: Payload, ctx: Context) -> None:
        path = ctx.fixtures / "fuzz.yaml"
        path.write_text("\n".join(payload["lines"]), encoding="utf-8", errors="surrogatepass")
        world = ctx.fixtures / "fuzzworld.yaml"
        if payload.get("world") is not None:
            world.write_text("\n".join(payload["world"]), encoding="utf-8",
                             errors="surrogatepass")
        try:
            ok, scenario = ctx.api("load_scenario(file)", load_scenario, path)
        finally:
            path.unlink()
            world.unlink(missing_ok=True)
        if ok:
            check_scenario_numbers(scenario, "scenario file")
            play(ctx, scenario, payload["seed"], payload["turns"])

    def shrink(self, payload: Payload) -> Iterator[Payload]:
        for lines in ddmin(payload["lines"]):
            yield {**payload, "lines": lines}
        if payload.get("world") is not None:
            for world in ddmin(payload["world"]):
                yield {**payload, "world": world}

    def reproducer(self, payload: Payload, finding: Finding) -> tuple[str, dict[str, bytes]]:
        text = "\n".join(payload["lines"])
        world = payload.get("world")
        world_code = "" if world is None else f"""
WORLD = {text_literal(chr(10).join(world))}  # the file fuzzworld.yaml the scenario names
(sandbox / "fuzzworld.yaml").write_text(WORLD, encoding="utf-8", errors="surrogatepass")
"""
        code = repro_head(self.name, finding) + REPRO_PLAY + f'''
# the file is {{id}}.yaml beside this script, written into a folder with the shipped scenarios
# CLI: cd <that folder> && wargame run {{id}}.yaml --seed {payload["seed"]}
TEXT = {text_literal(text)}{world_code}
path = sandbox / "fuzz.yaml"
path.write_text(TEXT, encoding="utf-8", errors="surrogatepass")
scenario = attempt("load", load_scenario, path)
if scenario is not None:
    play(scenario, seed={payload["seed"]}, turns={payload["turns"]})
'''
        files = {".yaml": text.encode("utf-8", "surrogatepass")}
        if world is not None:
            files["-world.yaml"] = "\n".join(world).encode("utf-8", "surrogatepass")
        return code, files


# ---- generated scenarios ------------------------------------------------------------------------

def emit_scalar(value: Any) -> str:
    if isinstance(value, Raw):
        return str(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        return repr(float(value))
    if isinstance(value, str):
        plain = all(c.isprintable() and not 0xD800 <= ord(c) <= 0xDFFF for c in value)
        return json.dumps(value, ensure_ascii=not plain)
    if isinstance(value, dict) and not value:
        return "{}"
    if isinstance(value, list) and not value:
        return "[]"
    return json.dumps(str(value))


def emit(tree: dict[str, Any]) -> str:
    """Block-style YAML of a tree whose leaves may be ``Raw`` tokens."""
    out: list[str] = []

    def pair(key: str, value: Any, depth: int) -> list[str]:
        pad = "  " * depth
        if isinstance(value, dict) and value:
            lines = [f"{pad}{key}:"]
            for k, v in value.items():
                lines += pair(k, v, depth + 1)
            return lines
        if isinstance(value, list) and value:
            lines = [f"{pad}{key}:"]
            for item in value:
                lines += element(item, depth + 1)
            return lines
        return [f"{pad}{key}: {emit_scalar(value)}"]

    def element(item: Any, depth: int) -> list[str]:
        pad = "  " * depth
        if isinstance(item, dict) and item:
            lines = []
            for k, v in item.items():
                lines += pair(k, v, depth + 1)
            lines[0] = pad + "- " + lines[0][len(pad) + 2:]
            return lines
        if isinstance(item, list) and item:
            lines = [f"{pad}-"]
            for sub in item:
                lines += element(sub, depth + 1)
            return lines
        return [f"{pad}- {emit_scalar(item)}"]

    for key, value in tree.items():
        out += pair(key, value, 0)
    return "\n".join(out) + "\n"


def get_path(data: Any, path: tuple) -> Any:
    for step in path:
        in_dict = isinstance(data, dict) and step in data
        in_list = isinstance(data, list) and isinstance(step, int) and 0 <= step < len(data)
        if in_dict or in_list:
            data = data[step]
        else:
            raise KeyError(step)
    return data


class Synth:
    """One generated scenario: small and valid most of the time, with extremes where the engine
    must bound its work (the clock, sources, rule delays, flows, triggers) and YAML 1.1
    surprises where numbers go."""

    def __init__(self, r: random.Random) -> None:
        self.r = r
        self.surprises: list[tuple[tuple, str]] = []
        self.odd = r.choice([0.0, 0.02, 0.05, 0.05, 0.1, 0.2])
        """How often a number is replaced by an extreme, per input: some inputs are valid and
        play, others are all edges."""

    def num(self, normal: Any, path: tuple, odd: float | None = None) -> Any:
        r = self.r
        if r.random() >= (self.odd if odd is None else min(odd, 2 * self.odd)):
            return normal
        if r.random() < 0.75:
            token = r.choice(NUM_TOKENS)
            if token in SURPRISES:
                self.surprises.append((path, token))
            return Raw(token)
        return r.choice([v for v in NUMBERS if isinstance(v, int | float | type(None))])

    def tree(self) -> dict[str, Any]:
        r = self.r
        many = r.random() < 0.02
        horizon = r.choice([4, 8, 12, 20, 52, 100] + ([5200] if r.random() < 0.05 else []))
        meta: dict[str, Any] = {
            "name": "Fuzz" if r.random() > self.odd else r.choice(
                [*TEXTS[:12], Raw("!!binary AAAA"), Raw("!!binary G1szMW0="),
                 Raw("!!binary 4oCu")]),
            "start": Raw("2025-01-06" if r.random() > self.odd else r.choice(
                ["2025-02-30", "9999-12-31", "0001-01-01", "1e3", "'2025-01-06'", "2025-1-6"])),
            "horizon_weeks": self.num(horizon, ("meta", "horizon_weeks")),
            "turn_weeks": self.num(r.choice([1, 2, 4, 4]), ("meta", "turn_weeks")),
        }
        if r.random() < 0.7:
            meta["tick_weeks"] = self.num(r.choice([1, 1, 0.5, 0.25, 2]), ("meta", "tick_weeks"))
        indicators = {}
        names = ["x", "y", "z"][: r.randint(1, 3)]
        for name in names:
            spec: dict[str, Any] = {}
            if name == "z" and r.random() < 0.4:
                spec["formula"] = {"terms": [{"coef": self.num(1.0, ("indicators", "z", "formula",
                                                                     "terms", 0, "coef")),
                                              "of": names[:2]}]}
            else:
                spec["initial"] = self.num(0.5, ("indicators", name, "initial"))
            if r.random() < 0.7:
                spec["min"] = self.num(0.0, ("indicators", name, "min"))
            if r.random() < 0.7:
                spec["max"] = self.num(1.0, ("indicators", name, "max"))
            if r.random() < 0.2:
                spec["intel"] = {"us": {"lag_weeks": self.num(2, ("indicators", name, "intel",
                                                                  "us", "lag_weeks")),
                                        "noise_sd": self.num(0.1, ("indicators", name, "intel",
                                                                   "us", "noise_sd"))}}
            if r.random() < 0.1:
                spec["visible_to"] = r.choice([["us"], [], ["cn"]])
            indicators[name] = spec
        teams: dict[str, Any] = {}
        kinds: dict[str, list[str]] = {}
        for team in ["us", "cn"][: r.randint(1, 2)]:
            moves = {}
            for kind in [f"{team}_act", f"{team}_hit", f"{team}_wait"][: r.randint(1, 3)]:
                moves[kind] = self.move(team, kind, names)
            teams[team] = {"name": team.upper(), "moves": moves}
            kinds[team] = list(moves)
        event_kinds = ["turn"] + [k for ks in kinds.values() for k in ks]
        event_kinds += [f"{k}.announced" for k in event_kinds[1:]]
        sources = {}
        count = r.choice([100, 1000]) if many else r.choice([0, 0, 1, 1, 2])
        for number in range(count):
            rate = 1000 / count if many else r.choice([0.1, 0.5, 1, 5])
            sources[f"s{number}"] = {
                "rate_per_week": self.num(rate, ("sources", f"s{number}", "rate_per_week"),
                                          0 if many else 0.2),
                "event": {"kind": "incident", "effects": self.effects(names, None, 0.3)}}
            if r.random() < 0.2 and not many:
                sources[f"s{number}"]["active_if"] = self.condition(names)
        if many:
            meta["horizon_weeks"] = r.choice([4, 20, 100])
        if sources:
            event_kinds.append("incident")
        triggers = {}
        for number in range(r.choice([0, 0, 1, 2])):
            triggers[f"t{number}"] = {
                "indicator": r.choice(names), "op": r.choice(["<", "<=", ">", ">="]),
                "value": self.num(0.6, ("triggers", f"t{number}", "value")),
                "event": {"kind": f"crossed{number}", "effects": self.effects(names, None, 0.8)},
                "once": r.choice([True, False, False])}
            event_kinds.append(f"crossed{number}")
        rules = {}
        for number in range(r.choice([0, 1, 2, 3])):
            team = r.choice(list(kinds))
            rule: dict[str, Any] = {
                "team": team, "on": r.choice(event_kinds),
                "move": {"kind": r.choice(kinds[team])},
                "delay_weeks": self.num(r.choice([0, 0, 1, 1e-9, 0.5]),
                                        ("rules", f"r{number}", "delay_weeks")),
            }
            if r.random() < 0.5:
                rule["probability"] = self.num(r.choice([1, 0.5]), ("rules", f"r{number}",
                                                                    "probability"))
            if r.random() < 0.3:
                rule["max_fires"] = self.num(3, ("rules", f"r{number}", "max_fires"))
            if r.random() < 0.3:
                rule["when"] = self.condition(names)
            rules[f"r{number}"] = rule
        tree: dict[str, Any] = {"meta": meta, "teams": teams, "indicators": indicators}
        if sources:
            tree["sources"] = sources
        if rules:
            tree["rules"] = rules
        if triggers:
            tree["triggers"] = triggers
        if r.random() < 0.3:
            tree["flows"] = {"f": {"indicator": r.choice(names), "rate": {"terms": [
                {"coef": self.num(0.05, ("flows", "f", "rate", "terms", 0, "coef"), 0.4),
                 "of": r.choice([[], names[:1], names[:2]])}]}}}
        if r.random() < 0.4:
            team = r.choice(list(kinds))
            tree["injects"] = [
                {"at_week": self.num(2, ("injects", 0, "at_week")),
                 "event": {"kind": "news", "effects": self.effects(names, None, 0.5)}},
                {"at_week": self.num(3, ("injects", 1, "at_week")),
                 "move": {"team": team, "kind": r.choice(kinds[team])}}][: r.randint(1, 2)]
        if r.random() < 0.5:
            tree["outcomes"] = {"o1": {"indicator": r.choice(names),
                                       "stat": r.choice(["final", "min", "max", "mean"])}}
            if sources:
                tree["outcomes"]["o2"] = {"event": "incident",
                                          "stat": r.choice(["count", "first_week"])}
        if r.random() < 0.03:
            tree["economy"] = {"world": "default",
                               "leverage_every_weeks": self.num(13, ("economy",
                                                                     "leverage_every_weeks"))}
            tree["indicators"]["lev"] = {"economy": "leverage"}
        return tree

    def move(self, team: str, kind: str, names: list[str]) -> dict[str, Any]:
        r = self.r
        at = ("teams", team, "moves", kind)
        move: dict[str, Any] = {}
        param = None
        shape = r.choice(["none", "integer", "number", "choice", "boolean"])
        if shape == "integer":
            param = "level"
            move["params"] = {"level": {"type": "integer",
                                        "min": self.num(1, (*at, "params", "level", "min")),
                                        "max": self.num(3, (*at, "params", "level", "max")),
                                        "default": self.num(1, (*at, "params", "level",
                                                                "default"))}}
        elif shape == "number":
            param = "share"
            move["params"] = {"share": {"type": "number",
                                        "min": self.num(0.0, (*at, "params", "share", "min")),
                                        "max": self.num(1.0, (*at, "params", "share", "max")),
                                        "default": self.num(0.5, (*at, "params", "share",
                                                                  "default"))}}
        elif shape == "choice":
            move["params"] = {"tone": {"type": "choice", "choices": ["soft", "hard"],
                                       "default": "soft"}}
        elif shape == "boolean":
            move["params"] = {"loud": {"type": "boolean", "default": True}}
        if r.random() < 0.5:
            move["lag_weeks"] = self.num(r.choice([0, 1, 3]), (*at, "lag_weeks"))
            if r.random() < 0.3:
                move["stages"] = [{"name": "halfway", "at_weeks": self.num(
                    1, (*at, "stages", 0, "at_weeks"))}]
        if r.random() < 0.2:
            move["max_uses"] = self.num(2, (*at, "max_uses"))
        if r.random() < 0.15:
            move["requires"] = self.condition(names)
        move["effects"] = self.effects(names, param, 0.9)
        return move

    def condition(self, names: list[str]) -> dict[str, Any]:
        r = self.r
        leaf = {"indicator": r.choice(names), "op": r.choice(["<", "<=", ">", ">=", "==", "!="]),
                "value": self.num(0.5, ("condition",))}
        return r.choice([leaf, leaf, {"not": leaf}, {"any": [leaf]}, {"all": [leaf, leaf]}])

    def effects(self, names: list[str], param: str | None, chance: float) -> list[Any]:
        r = self.r
        out = []
        while r.random() < chance and len(out) < 3:
            op, field = r.choice([("shift", "by"), ("set", "value"), ("scale", "factor")])
            value: Any = self.num(r.choice([0.1, -0.1, 0.5, 1.1]), ("effect",))
            if param and r.random() < 0.5:
                value = {"param": param, "scale": self.num(0.1, ("effect", "scale")),
                         "offset": self.num(0.0, ("effect", "offset"))}
            out.append({"op": op, "indicator": r.choice(names), field: value})
            chance *= 0.6
        return out


class SynthScenarios(Target):
    """Small scenarios generated from scratch with extremes in the fields that bound work."""

    name = "synth"
    weight = 0.19

    def generate(self, r: random.Random) -> Payload:
        synth = Synth(r)
        tree = synth.tree()
        return {"tree": tree, "surprises": synth.surprises, "seed": r.randrange(1000),
                "file": r.random() < 0.2, "rollback": r.random() < 0.15}

    def run(self, payload: Payload, ctx: Context) -> None:
        text = emit(payload["tree"])
        if payload["file"]:
            path = ctx.scratch / "synth.yaml"
            path.write_text(text, encoding="utf-8", errors="surrogatepass")
            ok, scenario = ctx.api("load_scenario(file)", load_scenario, path)
        else:
            ok, scenario = ctx.api("load_scenario_text", load_scenario_text, text, "synth.yaml")
        if not ok:
            return
        check_scenario_numbers(scenario, "generated scenario")
        dump = scenario_dump(scenario)
        for path, token in payload["surprises"]:
            try:
                value = get_path(dump, tuple(path))
            except KeyError:
                continue
            if isinstance(value, int | float) and not isinstance(value, bool) and \
                    float(value) not in SURPRISES[token]:
                raise Finding(WRONG, f"YAML token {token!r} read as the number {value!r}",
                              f"at {'.'.join(map(str, path))}")
        game = play(ctx, scenario, payload["seed"], 30)
        if game is not None and payload["rollback"] and game.turn >= 1:
            turn = game.turn // 2
            expected = list(game.journal.upto_turn(turn).lines())
            ok, _ = ctx.api("rollback", game.rollback, turn)
            if ok and list(game.journal.lines()) != expected:
                raise Finding(WRONG, "rollback(k) differs from the journal up to turn k")

    def shrink(self, payload: Payload) -> Iterator[Payload]:
        tree = payload["tree"]
        for path in _paths(tree):
            smaller = copy.deepcopy(tree)
            parent = get_path(smaller, path[:-1])
            del parent[path[-1]]
            yield {**payload, "tree": smaller}
        for key in ("file", "rollback"):
            if payload[key]:
                yield {**payload, key: False}

    def reproducer(self, payload: Payload, finding: Finding) -> tuple[str, dict[str, bytes]]:
        text = emit(payload["tree"])
        code = repro_head(self.name, finding) + REPRO_PLAY + f'''
# the scenario is {{id}}.yaml beside this script
# CLI: wargame run {{id}}.yaml --seed {payload["seed"]}
TEXT = {text_literal(text)}
scenario = attempt("load", load_scenario_text, TEXT, "synth.yaml")
if scenario is not None:
    print({{k: v for k, v in scenario.meta.model_dump().items()}})
    game = play(scenario, seed={payload["seed"]}, turns=30)
'''
        return code, {".yaml": text.encode("utf-8", "surrogatepass")}


def _paths(tree: Any, prefix: tuple = ()) -> list[tuple]:
    """Every removable path of a tree, outermost first."""
    out: list[tuple] = []
    children = list(tree.items()) if isinstance(tree, dict) else list(enumerate(tree)) \
        if isinstance(tree, list) else []
    out += [(*prefix, key) for key, _ in children]
    for key, value in children:
        out += _paths(value, (*prefix, key))
    return out


# ---- moves and the white cell -------------------------------------------------------------------

GAME_SCENARIOS = {"escalation-ladder": 0.65, "escalation-ladder-pessimistic": 0.1,
                  "embargo-shock": 0.17, "status-quo-2022": 0.08}
ODD_SEEDS: list[Any] = [1.5, True, "1", -1, 2**64, 2**128, math.nan, None, [1], 0.0, 2.0,
                        10**400, "", 1e300]


def _next_after(value: float, toward: float) -> float:
    return math.nextafter(value, toward)


class Moves:
    """Makes moves and white-cell actions for a scenario's catalogue: near legal and far."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.teams = list(scenario.teams)
        self.indicators = list(scenario.indicators)
        network = None
        if scenario.economy is not None:
            from wargame.economy.network import SupplyNetwork

            network = SupplyNetwork(scenario.economy.world)
        self.nodes = list(network.node_ids) if network else ["n1"]
        self.regions = list(network.regions) if network else ["china"]
        self.edges = list(network.edge_ids) if network else ["a->b"]

    def param_value(self, r: random.Random, spec: Any) -> Any:
        if r.random() < 0.2:
            return r.choice(NUMBERS)
        if isinstance(spec, IntegerParam):
            low = spec.min if spec.min is not None else -5
            high = spec.max if spec.max is not None else 5
            return r.choice([low, high, low - 1, high + 1, (low + high) // 2, float(low),
                             low + 0.5, r.randint(low, high), 2**53 + 1])
        if isinstance(spec, NumberParam):
            low = spec.min if spec.min is not None else -1.0
            high = spec.max if spec.max is not None else 1.0
            return r.choice([low, high, _next_after(high, math.inf), _next_after(low, -math.inf),
                             r.uniform(low, high), high + 1e-9, (low + high) / 2, 10**400])
        if isinstance(spec, ChoiceParam):
            return r.choice([*spec.choices, "", spec.choices[0].upper(), spec.choices[0] + " "])
        if isinstance(spec, BooleanParam):
            return r.choice([True, False, 0, 1, "true", None])
        return None

    def move(self, r: random.Random, legal: float = 0.6) -> Any:
        team = r.choice(self.teams) if r.random() < 0.93 else r.choice(["eu", "white", "", 1])
        catalogue = self.scenario.teams[team].moves if team in self.scenario.teams else {}
        kinds = list(catalogue) or ["x"]
        kind = r.choice(kinds) if r.random() < 0.93 else r.choice(
            [f"{kinds[0]}.announced", "", "TIGHTEN", "turn", kinds[0] + "\u200b"])
        params: dict[Any, Any] = {}
        if kind in catalogue:
            for name, spec in catalogue[kind].params.items():
                if r.random() < 0.3:
                    continue
                params[name] = self.param_value(r, spec) if r.random() > legal else \
                    self.legal_value(r, spec)
        if r.random() < 0.08:
            params[r.choice(["x", "", 1, "levels\u200b"])] = 1
        move: Any = {"team": team, "kind": kind, "params": params}
        roll = r.random()
        if roll < 0.04:
            move["extra"] = 1
        elif roll < 0.08:
            del move["params"]
        elif roll < 0.12:
            move["params"] = r.choice(NUMBERS)
        elif roll < 0.15:
            move = r.choice(NUMBERS)
        elif roll < 0.25:
            move = ("Move", move)
        return move

    def legal_value(self, r: random.Random, spec: Any) -> Any:
        if isinstance(spec, IntegerParam):
            return r.randint(spec.min if spec.min is not None else 0,
                             spec.max if spec.max is not None else 5)
        if isinstance(spec, NumberParam):
            return r.uniform(spec.min if spec.min is not None else 0.0,
                             spec.max if spec.max is not None else 1.0)
        if isinstance(spec, ChoiceParam):
            return r.choice(spec.choices)
        return r.choice([True, False])

    def effect(self, r: random.Random) -> Any:
        number = r.choice([*NUMBERS, 0.1, -0.2, 0.5, 2.0]) if r.random() < 0.6 else r.uniform(-1, 2)
        indicator = r.choice(self.indicators) if r.random() < 0.9 else r.choice(["x", "", 1])
        shapes = [
            {"op": "shift", "indicator": indicator, "by": number},
            {"op": "set", "indicator": indicator, "value": number},
            {"op": "scale", "indicator": indicator, "factor": number},
            {"op": "shift", "indicator": indicator, "by": {"param": "levels", "scale": number}},
            {"op": r.choice(["enable_moves", "disable_moves"]), "team": r.choice(self.teams),
             "moves": r.choice([[k] for k in self.scenario.teams[self.teams[0]].moves] or [[]])},
            {"op": "restrict_links", "measure": r.choice(["fuzz", "controls", ""]),
             "select": r.choice([{"supplier_regions": [r.choice(self.regions)]},
                                 {"buyer_nodes": [r.choice(self.nodes)]}, {},
                                 {"edges": [r.choice(self.edges)]}, {"x": 1}]),
             "open": number},
            {"op": "set_leakage", "select": {"buyer_regions": [r.choice(self.regions)]},
             "share": number},
            {"op": r.choice(["set_capacity", "set_demand"]), "nodes": [r.choice(self.nodes)],
             "factor": number},
        ]
        return r.choice(shapes)

    def event(self, r: random.Random) -> Any:
        if r.random() < 0.05:
            return r.choice(NUMBERS)
        event: dict[str, Any] = {"kind": r.choice(
            ["crisis", "talks.open", "crisis", "turn", "override", "tighten_controls", "x.y.z",
             "A", "", "a" * 300, "crisis\n", 5, None, "crisis.announced"])}
        if r.random() < 0.5:
            event["description"] = r.choice(TEXTS)
        if r.random() < 0.3:
            event["actor"] = r.choice([*self.teams, "eu", "white", "", None, 1])
        if r.random() < 0.3:
            event["visible_to"] = r.choice(["all", [self.teams[0]], [], ["eu"], self.teams[0],
                                            ["white"], None, [self.teams[0]] * 2])
        if r.random() < 0.7:
            event["effects"] = [self.effect(r) for _ in range(r.randint(1, 3))]
        if r.random() < 0.03:
            event["extra"] = 1
        return event

    def rationale(self, r: random.Random) -> Any:
        if r.random() < 0.4:
            return "the exercise needs it"
        return r.choice(TEXTS) if r.random() < 0.9 else r.choice(NUMBERS)

    def override_value(self, r: random.Random, indicator: Any) -> Any:
        spec = self.scenario.indicators.get(indicator) if isinstance(indicator, str) else None
        if spec is not None and r.random() < 0.5:
            low = spec.min if spec.min is not None else -1.0
            high = spec.max if spec.max is not None else 1.0
            return r.choice([low, high, r.uniform(low, high), _next_after(high, math.inf)])
        return r.choice(NUMBERS)


def construct(r: random.Random, teams: list[str]) -> tuple:
    seed: Any = r.randrange(1000)
    if r.random() < 0.06:
        seed = r.choice(ODD_SEEDS)
    humans: Any = tuple(t for t in teams if r.random() < 0.5)
    if r.random() < 0.05:
        humans = r.choice([teams[0], [teams[0]] * 2, ["eu"], [None], [1], "", ["white"]])
    spawn: Any = () if r.random() < 0.9 else r.choice([(1,), (-1,), (1.5,), (2**64,), "ab", [0]])
    return ("new", seed, humans, spawn)


def odd_weeks(r: random.Random) -> Any:
    return r.choice([0.5, 1, 1.5, 3, 3.9999999, 1e-300, 1e-9, 5e-324, 0, -1, math.nan,
                     math.inf, 10**400, True, "1", None, 2.0, 4])


def game_action(r: random.Random, moves: Moves, whitecell: float) -> tuple:
    roll = r.random()
    if roll < whitecell:
        kind = r.choice(["override", "inject_event", "inject_move"])
        if kind == "override":
            indicator = r.choice(moves.indicators) if r.random() < 0.85 else r.choice(
                [*NUMBERS[:5], "x", ""])
            return ("override", indicator, moves.override_value(r, indicator),
                    moves.rationale(r))
        if kind == "inject_event":
            return ("inject_event", moves.event(r), moves.rationale(r))
        return ("inject_move", moves.move(r), moves.rationale(r))
    op = weighted(r, {"submit": 0.35, "advance": 0.27, "withdraw": 0.07, "step": 0.08,
                      "fork": 0.05, "rollback": 0.05, "read": 0.08, "save": 0.05})
    if op == "submit":
        return ("submit", moves.move(r))
    if op == "withdraw":
        return ("withdraw", r.choice(["m1", "m2", "m3", "", "e1", None, 1, ["m1"]]))
    if op == "step":
        return ("step", odd_weeks(r))
    if op == "fork":
        return ("fork", r.choice([7, 0, *ODD_SEEDS[:6]]), r.choice([(), (1,), (-1,), (1.5,)]),
                r.choice([None, None, 0, 1, -1, 99, 1.5, True]),
                r.choice([None, (), tuple(moves.teams[:1]), ("eu",)]), r.random() < 0.5)
    if op == "rollback":
        return ("rollback", r.choice([0, 1, 2, -1, 99, 1.5, True, "0", None]))
    if op == "read":
        return ("read", r.choice(["legal_moves", "pending", "indicators", "events", "history",
                                  "outcomes", "link_measures"]),
                r.choice([moves.teams[0], None, "eu", "", 1, "white", moves.indicators[0]]),
                r.choice([None, moves.teams[-1], "eu"]))
    return (op,)


SEED_OK = (int,)


def odd_seed_taken(seed: Any) -> bool:
    """A seed that is not a whole number ≥ 0 (1.5, true, "1") taken as if it were one."""
    import numpy as np

    if isinstance(seed, bool | np.bool_):
        return True
    if isinstance(seed, int | np.integer):
        return seed < 0
    if isinstance(seed, float):
        return not (math.isfinite(seed) and seed.is_integer() and seed >= 0)
    return True


def run_actions(ctx: Context, scenario: Scenario, actions: list[tuple]) -> Game | None:
    """Play ``actions`` on a game; each is taken or refused; a refusal changes nothing."""
    game = None
    for number, action in enumerate(actions):
        op, *args = action
        label = f"action {number} {op}"
        if op == "new":
            seed, humans, spawn = args
            ok, game = ctx.api(label, Game, scenario, seed=seed, human_teams=humans,
                               spawn_key=spawn)
            if not ok:
                return None
            if odd_seed_taken(seed):
                raise Finding(WRONG, f"Game took a seed that is not a whole number ≥ 0 "
                              f"({type(seed).__name__})", f"seed={seed!r} → game.seed = "
                              f"{game.seed!r}")
            odd = [k for k in spawn if odd_seed_taken(k)]
            if odd:
                raise Finding(WRONG, f"Game took a spawn key that is not whole numbers ≥ 0 "
                              f"({type(odd[0]).__name__})", f"spawn_key={spawn!r}")
            continue
        assert game is not None
        if op == "save":
            check_save(ctx, game, label)
            continue
        if op == "read":
            method, first, second = args
            call = getattr(game, method)
            if method == "history":
                ctx.api(label, call, first if isinstance(first, str) and first in
                        scenario.indicators else scenario and next(iter(scenario.indicators)),
                        second)
            elif method in ("outcomes", "link_measures"):
                ctx.api(label, call)
            else:
                ctx.api(label, call, first)
            continue
        before = snapshot(game)
        if op == "submit":
            move = args[0]
            if isinstance(move, tuple):
                try:
                    move = Move(**move[1])
                except Exception:  # the caller's own pydantic error, not the engine's
                    continue
            ok, _ = ctx.api(label, game.submit, move)
        elif op == "withdraw":
            ok, _ = ctx.api(label, game.withdraw, args[0])
        elif op == "advance":
            ok, _ = ctx.api(label, game.advance)
        elif op == "step":
            ok, _ = ctx.api(label, game.step, args[0])
            if ok:
                check_state(game, "step")
        elif op == "fork":
            seed, spawn, at_turn, humans, switch = args
            ok, fork = ctx.api(label, game.fork, seed, spawn, at_turn=at_turn,
                               human_teams=humans)
            if ok:
                if odd_seed_taken(seed) or any(odd_seed_taken(k) for k in spawn):
                    raise Finding(WRONG, f"fork took a seed or spawn key that is not whole "
                                  f"numbers ≥ 0 ({type(seed).__name__})",
                                  f"seed={seed!r}, spawn_key={spawn!r} → fork.seed = "
                                  f"{fork.seed!r}")
                if snapshot(game) != before:
                    raise Finding(WRONG, "fork changed the game it was forked from")
                if switch:
                    game = fork
                    check_state(game, "fork")
            continue
        elif op == "rollback":
            turn = args[0]
            expected = list(game.journal.upto_turn(turn).lines()) if isinstance(turn, int) \
                and not isinstance(turn, bool) and 0 <= turn <= game.turn else None
            ok, _ = ctx.api(label, game.rollback, turn)
            if ok and expected is not None and list(game.journal.lines()) != expected:
                raise Finding(WRONG, "rollback(k) differs from the journal up to turn k")
        elif op == "override":
            ok, _ = ctx.api(label, game.override, *args)
        elif op in ("inject_event", "inject_move"):
            target, rationale = args
            if op == "inject_move" and isinstance(target, tuple):
                try:
                    target = Move(**target[1])
                except Exception:  # the caller's own pydantic error, not the engine's
                    continue
            ok, _ = ctx.api(label, getattr(game, op), target, rationale)
        else:
            raise AssertionError(op)
        if ok:
            if op in ("advance", "override", "inject_event", "inject_move", "rollback"):
                check_state(game, op)
        elif refusal_changed(before, game):
            raise Finding(WRONG, f"a refused {op} changed the game", ctx.last_error[:300])
    return game


REPRO_ACTIONS = '''
def run(scenario, actions):
    game = None
    for op, *args in actions:
        if op == "new":
            game = attempt("Game", Game, scenario, seed=args[0], human_teams=args[1],
                           spawn_key=args[2])
            if game is None:
                return None
            print("game.seed", repr(game.seed))
        elif op == "save":
            game.journal.save(sandbox / "save.jsonl")
            Game.replay(sandbox / "save.jsonl", verify=True)
        elif op == "read":
            method, first, second = args
            call = getattr(game, method)
            if method == "history":
                attempt(method, call, first, second)
            elif method in ("outcomes", "link_measures"):
                attempt(method, call)
            else:
                attempt(method, call, first)
        elif op == "fork":
            fork = attempt("fork", game.fork, args[0], args[1], at_turn=args[2],
                           human_teams=args[3])
            if fork is not None and args[4]:
                game = fork
        elif op in ("submit", "inject_move") and isinstance(args[0], tuple):
            getattr(game, op)(Move(**args[0][1]), *args[1:])
        else:
            attempt(op, getattr(game, op), *args)
        print(op, {k: v for k, v in game.indicators().items() if not math.isfinite(v)} or "",
              game.outcomes())
    game.journal.save(sandbox / "save.jsonl")               # must not fail
    again = Game.replay(sandbox / "save.jsonl", verify=True)  # must replay
    assert again.journal.text() == game.journal.text()
    return game
'''


class GameActions(Target):
    """Moves submitted to a running game, withdrawn, stepped, forked, rolled back."""

    name = "moves"
    weight = 0.15
    WHITECELL = 0.03

    def __init__(self, fixtures: Fixtures, scenarios: dict[str, Scenario]) -> None:
        super().__init__(fixtures, scenarios)
        self.moves = {name: Moves(scenarios[name]) for name in GAME_SCENARIOS}

    def generate(self, r: random.Random) -> Payload:
        name = weighted(r, GAME_SCENARIOS)
        moves = self.moves[name]
        actions = [construct(r, moves.teams)]
        actions += [game_action(r, moves, self.WHITECELL) for _ in range(r.randint(1, 10))]
        return {"scenario": name, "actions": actions}

    def run(self, payload: Payload, ctx: Context) -> None:
        game = run_actions(ctx, self.scenarios[payload["scenario"]], payload["actions"])
        if game is not None:
            check_save(ctx, game, "the actions")

    def shrink(self, payload: Payload) -> Iterator[Payload]:
        actions = payload["actions"]
        for smaller in ddmin(actions, keep=1):
            yield {**payload, "actions": smaller}

    def reproducer(self, payload: Payload, finding: Finding) -> tuple[str, dict[str, bytes]]:
        code = repro_head(self.name, finding) + REPRO_ACTIONS + f'''
scenario = load_scenario({payload["scenario"]!r})
ACTIONS = {pyrepr(payload["actions"])}
run(scenario, ACTIONS)
'''
        return code, {}


class WhiteCell(GameActions):
    """The white cell's inject_event, inject_move and override with odd values and rationales."""

    name = "whitecell"
    weight = 0.13
    WHITECELL = 0.6


# ---- journals -----------------------------------------------------------------------------------

JSON_VALUES: list[Any] = [
    *[v for v in NUMBERS if not hasattr(v, "dtype")], "\ud800", "é", "\u202e", "x" * 20_000,
    [[[[]]]], {"record": "advance"}, -0.0, 1e-320, "m1", "e1", 0.1, [None],
]
RAW_JSON = ["1e999", "NaN", "-Infinity", "Infinity", "1" + "0" * 400, "9" * 5000, "1.0", "1e0",
            "0.10000000000000001", "-0", "1E2", "2.00", "[" * 10_000 + "]" * 10_000, "00",
            "\"\\ud800\"", "\"\\u00e9\"", "true", "null", "{}", "01", "1.5"]
HEADER_EDITS: dict[str, list[Any]] = {
    "seed": [1.5, True, "1", -1, 2**64, 10**400, None, 1.0, 2**63 - 1, [1]],
    "spawn_key": [[1.5], [True], [-1], "x", [2**64], None, [[1]], [0] * 1000],
    "human_teams": [["eu"], ["us", "us"], "us", [None], [1], ["cn", "us"], ["white"]],
    "format_version": [2, "1", 1.0, True, 0, None],
    "engine": ["0.0", "", 1, "9" * 100],
    "scenario_hash": ["", "sha256:", 1, None, "sha256:" + "0" * 64],
    "format": ["wargame-journal ", "WARGAME-JOURNAL", None],
    "record": ["move", None, "Header"],
    "extra": [1],
}


def _leaves(value: Any, path: tuple = ()) -> list[tuple]:
    if isinstance(value, dict) and value:
        return [leaf for key, item in value.items() for leaf in _leaves(item, (*path, key))]
    if isinstance(value, list) and value:
        return [leaf for i, item in enumerate(value) for leaf in _leaves(item, (*path, i))]
    return [path]


def _set_path(data: Any, path: tuple, value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    if path:
        data[path[-1]] = value


class Journals(Target):
    """Valid journals changed: records dropped, duplicated and edited, duplicate keys, huge
    numbers, wrong types, another encoding; parsed, loaded and replayed."""

    name = "journal"
    weight = 0.14
    SOURCES = {"ladder": 0.45, "embargo": 0.12, "status-quo": 0.05,
               "v1-escalation-ladder-inputs": 0.15, "v1-escalation-ladder-posture-run": 0.13,
               "v1-embargo-shock-scripted": 0.1}

    def generate(self, r: random.Random) -> Payload:
        source = weighted(r, self.SOURCES)
        lines = self.fixtures.journals[source].split("\n")[:-1]
        ops = []
        raw = None
        for _ in range(r.choice([1, 1, 1, 2, 3])):
            lines, op, raw = self.mutate(r, lines, raw)
            ops.append(op)
        return {"source": source, "lines": lines, "ops": ops, "raw": raw,
                "mode": r.choice(["parse", "parse", "load", "path"]),
                "verify": r.random() < 0.75, "advance": r.random() < 0.5}

    def mutate(self, r: random.Random, lines: list[str], raw: Any
               ) -> tuple[list[str], str, Any]:
        lines = list(lines)
        if not lines:
            return [r.choice(RAW_JSON)], "empty", raw
        n = len(lines)
        i = r.randrange(1, n) if n > 1 else 0
        op = weighted(r, {"drop": 1, "dup": 1, "swap": 0.5, "edit": 3, "raw": 1.5, "dupkey": 1.5,
                          "space": 0.5, "escape": 0.8, "header": 2, "scenario": 1.2,
                          "truncate": 0.3, "encoding": 0.3, "blank": 0.3, "junk": 0.5})
        if op == "drop":
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = r.randrange(1, n) if n > 1 else 0
            lines[i], lines[j] = lines[j], lines[i]
        elif op in ("edit", "dupkey", "header", "scenario"):
            k = 0 if op in ("header", "scenario") else i
            try:
                record = json.loads(lines[k])
            except (ValueError, RecursionError):
                return lines, op, raw
            if not isinstance(record, dict) or (op == "scenario" and not isinstance(
                    record.get("scenario"), dict)):
                return lines, op, raw
            if op == "edit":
                leaves = _leaves(record)
                path = r.choice(leaves)
                _set_path(record, path, r.choice(JSON_VALUES))
                lines[k] = json.dumps(record, ensure_ascii=r.random() < 0.2, allow_nan=True,
                                      separators=(",", ":"))
                return lines, f"edit line {k + 1} {'.'.join(map(str, path))}", raw
            if op == "header":
                key = r.choice(list(HEADER_EDITS))
                record[key] = r.choice(HEADER_EDITS[key])
                lines[0] = json.dumps(record, ensure_ascii=False, allow_nan=True,
                                      separators=(",", ":"))
                return lines, f"header {key}", raw
            if op == "scenario":
                leaves = _leaves(record["scenario"])
                path = r.choice(leaves)
                _set_path(record["scenario"], path, r.choice(
                    [*JSON_VALUES, 1e-300, 1e-6, 1e-9, 0.001, 5200, 0, 1000.0]))
                if r.random() < 0.7:  # as someone editing the file on purpose would
                    with contextlib.suppress(Exception):
                        record["scenario_hash"] = scenario_hash(
                            Scenario.model_validate(record["scenario"]))
                lines[0] = json.dumps(record, ensure_ascii=False, allow_nan=True,
                                      separators=(",", ":"))
                return lines, f"scenario {'.'.join(map(str, path))}", raw
            keys = list(record)
            key = r.choice(keys)
            value = json.dumps(r.choice([record[key], *JSON_VALUES[:12]]), allow_nan=True)
            if r.random() < 0.5:
                lines[k] = "{" + json.dumps(key) + ":" + value + "," + lines[k][1:]
            else:
                lines[k] = lines[k][:-1] + "," + json.dumps(key) + ":" + value + "}"
            return lines, f"dupkey line {k + 1} {key}", raw
        elif op == "raw":
            matches = list(re.finditer(r"(?<=[:\[,])-?\d+(\.\d+)?(e[-+]?\d+)?(?=[,\]}])",
                                       lines[i]))
            if matches:
                m = r.choice(matches)
                token = r.choice(RAW_JSON)
                lines[i] = lines[i][:m.start()] + token + lines[i][m.end():]
                return lines, f"raw line {i + 1} -> {token[:12]}", raw
        elif op == "space":
            lines[i] = r.choice([lines[i].replace(",", ", "), lines[i] + " ",
                                 " " + lines[i], lines[i].replace(":", ": ", 1)])
        elif op == "escape":
            line = lines[i]
            quotes = [m.end() for m in re.finditer(r'"description":"|"rationale":"', line)]
            if quotes:
                at = r.choice(quotes)
                lines[i] = line[:at] + r.choice(["\\ud800", "\\udfff", "\\u202e", "\\u0000",
                                                 "\\u00e9", "\\ud83d\\ude00", "é"]) + line[at:]
            else:
                lines[i] = line.replace("é", "\\u00e9")
        elif op == "truncate":
            text = "\n".join(lines)
            return text[: r.randrange(len(text))].split("\n"), op, raw
        elif op == "encoding":
            raw = r.choice(["latin-1", "bom", "crlf", "nul", "utf-16"])
        elif op == "blank":
            lines.insert(i, r.choice(["", " ", "\r"]))
        elif op == "junk":
            lines[i] = r.choice([*RAW_JSON, '{"record":"advance","turn":1}', '{"record":"x"}',
                                 "{}", "[]", '{"record":"step","turn":1,"week":1e-9}'])
        return lines, f"{op} line {i + 1}", raw

    @staticmethod
    def text_of(payload: Payload) -> str:
        return "".join(line + "\n" for line in payload["lines"])

    @staticmethod
    def bytes_of(payload: Payload) -> bytes:
        text = Journals.text_of(payload)
        raw = payload["raw"]
        if raw == "latin-1":
            return text.encode("latin-1", "replace")
        if raw == "bom":
            return b"\xef\xbb\xbf" + text.encode("utf-8", "surrogatepass")
        if raw == "crlf":
            return text.replace("\n", "\r\n").encode("utf-8", "surrogatepass")
        if raw == "nul":
            return text.encode("utf-8", "surrogatepass") + b"\x00"
        if raw == "utf-16":
            return text.encode("utf-16", "surrogatepass")
        return text.encode("utf-8", "surrogatepass")

    def run(self, payload: Payload, ctx: Context) -> None:
        data = self.bytes_of(payload)
        path = ctx.scratch / "fuzz.jsonl"
        mode = payload["mode"]
        if mode == "parse":
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                return
            ok, journal = ctx.api("Journal.parse", Journal.parse, text, "fuzz.jsonl")
        else:
            path.write_bytes(data)
            if mode == "load":
                ok, journal = ctx.api("Journal.load", Journal.load, path)
            else:
                journal = path
                ok = True
        if not ok:
            return
        ok, game = ctx.api("Game.replay", Game.replay, journal, verify=payload["verify"])
        if not ok:
            return
        if payload["verify"]:
            dups = [key for line in payload["lines"] for key in duplicate_keys(line)]
            if dups:
                raise Finding(WRONG, "a journal with a duplicate JSON key replays as verified",
                              f"keys: {dups[:5]}")
            if game.journal.text().encode("utf-8", "surrogatepass") != data:
                mine = game.journal.text().split("\n")
                theirs = data.decode("utf-8", "replace").split("\n")
                line = next((k for k, (a, b) in enumerate(zip(mine, theirs, strict=False))
                             if a != b), min(len(mine), len(theirs)))
                shown = shorten(theirs[line], 200) if line < len(theirs) else "(missing)"
                raise Finding(WRONG, "a journal replays as verified but differs from the replay "
                              "byte for byte", f"line {line + 1}: {shown}")
        check_state(game, "replay")
        if payload["advance"] and not game.over:
            ok, _ = ctx.api("advance after replay", game.advance)
            if ok:
                check_state(game, "advance after replay")
        check_save(ctx, game, "the replayed journal")

    def shrink(self, payload: Payload) -> Iterator[Payload]:
        for lines in ddmin(payload["lines"], keep=1):
            yield {**payload, "lines": lines}
        for key, value in (("raw", None), ("advance", False), ("mode", "parse")):
            if payload[key] != value:
                yield {**payload, key: value}

    def reproducer(self, payload: Payload, finding: Finding) -> tuple[str, dict[str, bytes]]:
        data = self.bytes_of(payload)
        code = repro_head(self.name, finding) + f'''
# the journal is {{id}}.jsonl beside this script; CLI: wargame replay {{id}}.jsonl
DATA = {data!r}
path = sandbox / "fuzz.jsonl"
path.write_bytes(DATA)
MODE = {payload["mode"]!r}
if MODE == "parse":
    journal = attempt("parse", Journal.parse, DATA.decode("utf-8"), "fuzz.jsonl")
else:
    journal = attempt("load", Journal.load, path) if MODE == "load" else path
game = attempt("replay", Game.replay, journal, verify={payload["verify"]}) if journal else None
if game is not None:
    print("verified:", {payload["verify"]}, "byte for byte:", game.journal.text().encode() == DATA)
    if {payload["advance"]} and not game.over:
        attempt("advance", game.advance)
    game.journal.save(sandbox / "save.jsonl")               # must not fail
    again = Game.replay(sandbox / "save.jsonl", verify=True)  # must replay
'''
        return code, {".jsonl": data}


# ---- --set --------------------------------------------------------------------------------------

SET_VALUES = [*NUM_TOKENS, "[1, 2]", "{a: 1}", "null", "", "true", "x", "'1'", "!!float nan",
              "!!python/name:os.system", "&a [*a]", "*a", "[" * 60 + "]" * 60, "1" * 5000,
              "{", "2025-02-30", "2025-01-06", "\ud800", "\u202e", "a=b", "[]", "{}", "0.5",
              "1000", "5200", "0.001", "1e-300", "-0.0", "1e-12"]
ODD_PATHS = ["", ".", "meta.", "meta..name", "injects[999].at_week", "injects[-1]", "injects.x",
             "x" * 10_000, "meta.name.x", "[0]", "rules.*", "méta", "meta[0]", "teams.us.moves.0",
             " meta.name", "meta.name ", "meta.\u200bname", "injects[0][0]", "injects[1e3]",
             "meta.tick_weeks", "meta.turn_weeks", "meta.horizon_weeks"]


def leaf_paths(scenario: Scenario) -> list[str]:
    out = []
    for path in _leaves(scenario_dump(scenario)):
        text = ""
        for part in path:
            text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
        out.append(text)
    return out


class SetValues(Target):
    """``--set PATH=VALUE`` as ``wargame mc`` reads it, applied to a scenario and played."""

    name = "set"
    weight = 0.1
    SCENARIOS = {"escalation-ladder": 0.6, "embargo-shock": 0.25, "status-quo-2022": 0.15}

    def __init__(self, fixtures: Fixtures, scenarios: dict[str, Scenario]) -> None:
        super().__init__(fixtures, scenarios)
        self.paths = {name: leaf_paths(scenarios[name]) for name in self.SCENARIOS}

    def generate(self, r: random.Random) -> Payload:
        name = weighted(r, self.SCENARIOS)
        assignments = []
        for _ in range(r.choice([1, 1, 1, 2, 3])):
            path = r.choice(self.paths[name]) if r.random() < 0.85 else r.choice(ODD_PATHS)
            if r.random() < 0.05:
                path = r.choice(["teams", "meta", "rules", "indicators", "injects", "economy"])
            value = r.choice(SET_VALUES)
            assignments.append(f"{path}={value}" if r.random() > 0.02 else path)
        return {"scenario": name, "assignments": assignments, "seed": r.randrange(100),
                "cli": r.random() < 0.08}

    def run(self, payload: Payload, ctx: Context) -> None:
        from wargame.montecarlo.overrides import apply_overrides, parse_assignment

        if payload["cli"]:
            argv = ["mc", payload["scenario"], "--runs", "1", "--jobs", "1", "--quiet",
                    "--out", str(ctx.scratch / "batch")]
            for text in payload["assignments"]:
                argv += ["--set", text]
            run_cli(ctx, argv, [], subprocess_=False)
            return
        pairs = {}
        for text in payload["assignments"]:
            ok, pair = ctx.api("parse_assignment", parse_assignment, text)
            if not ok:
                return
            pairs[pair[0]] = pair[1]
        base = self.scenarios[payload["scenario"]]
        ok, scenario = ctx.api("apply_overrides", apply_overrides, base, pairs)
        if not ok:
            return
        check_scenario_numbers(scenario, "--set")
        dump = scenario_dump(scenario)
        for text in payload["assignments"]:
            path, _, token = text.partition("=")
            token = token.strip()
            if token not in SURPRISES:
                continue
            from wargame.montecarlo.overrides import _steps

            with contextlib.suppress(KeyError):
                value = get_path(dump, tuple(_steps(path.strip())))
                if isinstance(value, int | float) and not isinstance(value, bool) and \
                        float(value) not in SURPRISES[token]:
                    raise Finding(WRONG, f"--set value {token!r} read as the number {value!r}",
                                  f"--set {text}")
        play(ctx, scenario, payload["seed"], self.turns(payload))

    @staticmethod
    def turns(payload: Payload) -> int:
        return 13 if payload["scenario"] == "escalation-ladder" else 4

    def shrink(self, payload: Payload) -> Iterator[Payload]:
        for smaller in ddmin(payload["assignments"]):
            if smaller:
                yield {**payload, "assignments": smaller}

    def reproducer(self, payload: Payload, finding: Finding) -> tuple[str, dict[str, bytes]]:
        sets = " ".join(f"--set {_shell(a)}" for a in payload["assignments"])
        code = repro_head(self.name, finding) + REPRO_PLAY + f'''
# CLI: wargame mc {payload["scenario"]} --runs 1 --jobs 1 --out /tmp/batch {sets[:3000]}
from wargame.montecarlo.overrides import apply_overrides, parse_assignment

ASSIGNMENTS = {pyrepr(payload["assignments"])}
pairs = dict(parse_assignment(text) for text in ASSIGNMENTS)
print(pairs)
scenario = attempt("--set", apply_overrides, load_scenario({payload["scenario"]!r}), pairs)
if scenario is not None:
    from wargame.montecarlo.overrides import _steps
    from wargame.scenario.loader import scenario_dump

    for path in pairs:
        value = scenario_dump(scenario)
        for step in _steps(path):
            value = value[step] if isinstance(value, (dict, list)) else None
        print(f"{{path}} is now {{value!r}}")
    play(scenario, seed={payload["seed"]}, turns={self.turns(payload)})
'''
        return code, {}


def _shell(text: str) -> str:
    """A shell word for a reproducer's comment; a long run of one character is a printf."""
    import shlex

    if len(text) > 100 and len(set(text)) == 1 and text[0].isalnum():
        return f'"$(printf \'{text[0]}%.0s\' $(seq {len(text)}))"'
    return shlex.quote(text.encode("utf-8", "backslashreplace").decode("utf-8"))


# ---- the command line ---------------------------------------------------------------------------

SCENARIO_ARGS = {
    "escalation-ladder": 6, "embargo-shock": 1, "escalation-ladder-pessimistic": 1,
    "good.yaml": 3, "bad.yaml": 1, "fifo": 1, "dir": 0.5, "zero.yaml": 1, "/dev/zero": 1,
    "/dev/null": 0.5, "/dev/stdin": 0.3, "loop.yaml": 0.5, "dangling.yaml": 0.3, "big.yaml": 0.5,
    "empty.yaml": 0.3, "nope.yaml": 0.5, "": 0.3, "-": 0.3, "x" * 5000: 0.2, "game.jsonl": 0.5,
    "status-quo-2022": 0.15, "taiwan-blockade": 0.05, "\udcff.yaml": 0.2, "a\nb.yaml": 0.2,
    "/proc/self/status": 0.3, "~": 0.1, "world.yaml": 0.3, "table.csv": 0.2, "dir/inside.yaml": 0.3,
    "escalation-ladder.yaml": 0.5,
}
JOURNAL_ARGS = {"game.jsonl": 6, "dup.jsonl": 2, "broken.jsonl": 1, "surrogate.jsonl": 2,
                "sq.jsonl": 0.5, "good.yaml": 0.5, "fifo": 1, "/dev/zero": 1, "zero.yaml": 0.5,
                "dir": 0.3, "nope.jsonl": 0.5, "": 0.2, "/dev/null": 0.3, "table.csv": 0.2}
OUTPUT_ARGS = {"out.jsonl": 4, "out.md": 2, "INPUT": 2, "dir": 0.5, "/dev/full": 0.5,
               "/dev/null": 0.5, "fifo": 0.5, "good.yaml": 1, "game.jsonl": 1, "": 0.3,
               "x/y/z.jsonl": 0.5, "/proc/version": 0.3, "/": 0.3, "x" * 300: 0.3,
               "out.jsonl/": 0.3, "zero.yaml": 0.3, "\udcff.jsonl": 0.2}
NUMBER_ARGS = ["0", "7", "-1", "1.5", "1e3", "nan", "", "99999999999999999999999", "0x10",
               "\u0663", "+5", " 5", "5 ", "1_0", "inf", "-inf", "1e999", "NaN", "infinity",
               "1e-300", "1e300", "0.5", "x", "1:30", "5", "2", "-0", "1e-9", "13"]
NUMERIC_OPTIONS = {"--seed", "--weeks", "--runs", "--at", "--top", "--chunk-size", "--lhs",
                   "--sobol", "--port"}
SUBCOMMANDS = {"run": 30, "validate": 14, "replay": 14, "report": 10, "mc": 5, "schema": 3,
               "summary": 4, "compare": 3, "shock": 6, "plot": 0.3, "list": 0.03,
               "showcase": 0.1, "garbage": 3, "meta": 1}
SLOW_IN_A_SUBPROCESS = {"list", "showcase", "summary", "compare", "plot", "schema"}


class CommandLine(Target):
    """Argument vectors for ``wargame``, run in-process (``wargame.cli.main``, output captured)
    and some as real subprocesses."""

    name = "cli"
    weight = 0.08

    def __init__(self, fixtures: Fixtures, scenarios: dict[str, Scenario]) -> None:
        super().__init__(fixtures, scenarios)
        self.postures = sorted({p for s in scenarios.values() for p in s.postures})
        self.sets = SetValues(fixtures, scenarios)

    def generate(self, r: random.Random) -> Payload:
        sub = weighted(r, SUBCOMMANDS)
        argv: list[str] = []
        inputs: list[str] = []

        def scenario() -> str:
            name = weighted(r, SCENARIO_ARGS)
            inputs.append(name)
            return name

        def journal() -> str:
            name = weighted(r, JOURNAL_ARGS)
            inputs.append(name)
            return name

        def output() -> str:
            name = weighted(r, OUTPUT_ARGS)
            return (inputs[-1] if inputs else "out.jsonl") if name == "INPUT" else name

        def number() -> str:
            return r.choice(NUMBER_ARGS) if r.random() < 0.5 else str(r.randrange(10))

        if sub == "run":
            argv = ["run"]
            if r.random() < 0.9:
                argv.append(scenario())
            if r.random() < 0.5:
                argv += ["--seed", number()]
            if r.random() < 0.4:
                argv += ["--weeks", r.choice(NUMBER_ARGS)]
            if r.random() < 0.5:
                argv += ["--journal", output()]
            if r.random() < 0.2:
                argv += ["--posture", r.choice([*self.postures, "nope", ""])]
        elif sub == "validate":
            argv = ["validate"] + [scenario() for _ in range(r.choice([1, 1, 2, 3]))]
        elif sub == "replay":
            argv = ["replay", journal()]
        elif sub == "report":
            argv = ["report", journal()]
            if r.random() < 0.5:
                argv += ["--format", r.choice(["md", "html", "json", ""])]
            if r.random() < 0.6:
                argv += ["-o", output()]
        elif sub == "mc":
            argv = ["mc"]
            if r.random() < 0.85:
                argv.append(r.choice(["escalation-ladder", "good.yaml", "fifo", "bad.yaml",
                                      "embargo-shock"]))
                inputs.append(argv[-1])
            else:
                argv += ["--from", journal(), "--at", r.choice(["0", "1", "-1", "99", "x"])]
            argv += ["--runs", r.choice(["1", "2", "0", "-1", "1.5", "x", "1"]), "--jobs", "1",
                     "--quiet", "--out", r.choice(["batch", "batch", "dir", "game.jsonl", "",
                                                   "/dev/null", "results/a"])]
            if r.random() < 0.4:
                argv += ["--set", self.sets.generate(r)["assignments"][0]]
            if r.random() < 0.2:
                argv += ["--seed", number()]
            if r.random() < 0.15:
                argv += ["--chunk-size", r.choice(["1", "0", "-1", "99999999999999999999"])]
            if r.random() < 0.1:
                argv += ["--series", r.choice(["tension", "", "x,,y", "tension,tension"])]
            if r.random() < 0.1:
                argv += ["--sweep", r.choice(["rules.cn_retaliates.probability=0:1:2",
                                              "meta.tick_weeks=1e-300:1:2", "a=1:2", "=", "x",
                                              "rules.cn_retaliates.probability=nan:1:2",
                                              "rules.cn_retaliates.probability=0:1:0"])]
            if r.random() < 0.05:
                argv += ["--resume"]
        elif sub == "schema":
            argv = ["schema"]
            if r.random() < 0.5:
                argv += ["--format", r.choice(["json", "markdown", "x"])]
            if r.random() < 0.5:
                argv += ["-o", output()]
        elif sub in ("summary", "compare", "plot"):
            dirs = ["results/a", "results/b", "dir", "nope", "game.jsonl", "fifo", "", "results"]
            argv = [sub] + [r.choice(dirs) for _ in range(r.choice([1, 2]))]
            inputs += argv[1:]
            if sub != "plot" and r.random() < 0.3:
                argv += ["--csv", output()]
            if sub == "plot":
                argv += ["--out", "plots"]
        elif sub == "shock":
            argv = ["shock", r.choice(["table.csv", "tiny.csv", "fifo", "/dev/zero", "game.jsonl",
                                       "nope.csv", "dir"])]
            inputs.append(argv[1])
            if r.random() < 0.7:
                argv += [r.choice(["--demand", "--supply"]), r.choice(
                    ["a=-10%", "a=nan", "a=1e309", "a=-10", "=", "a=", "Manufacturing=-10%",
                     "a=1e999%", "a=inf", "a=-100%", "a=10**400", "a,b", "a=1,b=2", "a=-1e300"])]
            if r.random() < 0.3:
                argv += ["--top", number()]
            if r.random() < 0.1:
                argv += ["--coefficients"]
        elif sub == "list":
            argv = ["list"]
        elif sub == "showcase":
            argv = ["showcase", "--runs", "1", "--jobs", "1", "--quiet", "--out", "showcase"]
        elif sub == "meta":
            argv = [r.choice(["--version", "--help", "run --help", "-h"])]
            argv = argv[0].split(" ")
        else:
            argv = [r.choice(["", "-", "--", "x", "run", "--seed", "nan", "\udcff", "-" * 3000,
                              "replay", "--weeks"]) for _ in range(r.randint(1, 4))]
        if r.random() < 0.05 and len(argv) > 1:  # a token dropped, or doubled
            k = r.randrange(1, len(argv))
            argv.insert(k, argv[k]) if r.random() < 0.5 else argv.pop(k)
        return {"argv": argv, "inputs": inputs,
                "subprocess": r.random() < 0.015 and sub not in SLOW_IN_A_SUBPROCESS}

    def run(self, payload: Payload, ctx: Context) -> None:
        run_cli(ctx, payload["argv"], payload["inputs"], payload["subprocess"])

    def shrink(self, payload: Payload) -> Iterator[Payload]:
        argv = payload["argv"]
        for k in range(len(argv) - 1, 0, -1):
            yield {**payload, "argv": argv[:k] + argv[k + 1:]}
        if payload["subprocess"]:
            yield {**payload, "subprocess": False}

    def reproducer(self, payload: Payload, finding: Finding) -> tuple[str, dict[str, bytes]]:
        line = " ".join(_shell(a) for a in payload["argv"])
        code = repro_head(self.name, finding) + f'''
# CLI, from the folder of the fuzz fixtures (python benchmarks/fuzz.py --fixtures DIR makes
# them in DIR/fixtures):
#   wargame {line[:3000]}
import os, sys

sys.path.insert(0, {str(Path(__file__).resolve().parent)!r})
from fuzz_fixtures import Fixtures  # the FIFO, links, journals and batches the line names

from wargame.cli import main

os.chdir(Fixtures(sandbox).build().dir)
os.environ["WARGAME_DEBUG"] = "1"
print("exit", main({pyrepr(payload["argv"])}))  # 0 or 1 with a message; 2 is a bug
'''
        return code, {}


def _digest(path: Path) -> str | None:
    try:
        if not path.is_file() or path.is_symlink():
            return None
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except (OSError, ValueError):
        return None


FRAME_RE = re.compile(r'File "([^"]+)", line (\d+), in (\S+)')


def _cli_cause(stderr: str, subcommand: str) -> tuple[str, str]:
    frames = [m for m in FRAME_RE.finditer(stderr) if m.group(1).startswith(OWN_DIRS)]
    kind = re.search(r"internal error \((\w+)", stderr)
    name = kind.group(1) if kind else (re.findall(r"^(\w+(?:Error|Exception)\w*)", stderr,
                                                  re.M) or ["?"])[-1]
    if frames:
        m = frames[-1]
        import traceback as tb

        location = where(tb.FrameSummary(m.group(1), int(m.group(2)), m.group(3)))
    else:
        location = f"outside wargame (wargame {subcommand})"
    return f"{name} at {location}", shorten(stderr, 4000)


def run_cli(ctx: Context, argv: list[str], inputs: list[str], subprocess_: bool) -> None:
    """Run one command line and sort its ending: exit 0, exit 1 with a message (refused), an
    argparse usage error (refused), or a bug (exit 2 "internal error", a traceback, a signal)."""
    fixtures = ctx.fixtures
    before = {name: _digest(fixtures / name) for name in inputs
              if name and not Path(name).is_absolute()}  # /proc/self/status changes by itself
    subcommand = next((a for a in argv if not a.startswith("-")), "?")[:20]
    if subprocess_ and all(_encodable(a) for a in argv):
        code, out, err = _subprocess(ctx, argv)
    else:
        code, out, err = _in_process(ctx, argv)
    if "Traceback (most recent call last)" in err and "internal error" not in err:
        cause, detail = _cli_cause(err, subcommand)
        raise Finding(TRACEBACK, f"CLI: traceback escaped: {cause}", detail)
    if code == 0:
        pass
    elif code == 1:
        ctx.refused(f"wargame {subcommand}", err)
    elif code == 2 and "internal error" in err:
        cause, detail = _cli_cause(err, subcommand)
        if "MemoryError" in cause:
            raise Finding(HANG, f"memory bound reached: {cause}", detail)
        raise Finding(TRACEBACK, cause, detail)
    elif code == 2 and "usage:" in err:
        ctx.refused(f"wargame {subcommand} (usage)", err)
    else:
        raise Finding(TRACEBACK, f"CLI: exit {code} from wargame {subcommand}", shorten(err, 2000))
    for name, digest in before.items():
        if digest is not None and _digest(fixtures / name) != digest:
            raise Finding(UNREPLAYABLE, f"an input file was overwritten by wargame {subcommand} "
                          "(data loss)", f"{name}: argv {argv}")
    if code != 0:
        return
    for option, value in itertools.pairwise(argv):
        if option in NUMERIC_OPTIONS:
            try:
                number = float(value)
            except ValueError:
                continue
            if not math.isfinite(number):
                raise Finding(WRONG, f"CLI took a non-finite number: wargame {subcommand} "
                              f"{option} {value}", shorten(out, 500))
            if option == "--seed" and not number.is_integer():
                raise Finding(WRONG, f"CLI took a fractional seed: {option} {value}")
    if subcommand == "run" and "--journal" in argv:
        target = argv[argv.index("--journal") + 1] if argv.index("--journal") + 1 < len(argv) \
            else None
        if target:
            saved = Path(target) if Path(target).is_absolute() else ctx.scratch / target
            if saved.is_file():
                try:
                    Game.replay(saved, verify=True)
                except (FuzzTimeout, MemoryError):
                    raise
                except Exception as exc:
                    raise Finding(UNREPLAYABLE, f"wargame run --journal wrote a save that does "
                                  f"not replay ({type(exc).__name__}): {normalise(str(exc))}",
                                  shorten(str(exc), 1000)) from None


def _encodable(arg: str) -> bool:
    try:
        os.fsencode(arg)
    except UnicodeEncodeError:
        return False
    return "\0" not in arg


def _in_process(ctx: Context, argv: list[str]) -> tuple[int, str, str]:
    """``wargame.cli.main(argv)`` with stdout and stderr as strict UTF-8 files (what a terminal
    gives: printing a lone surrogate fails there, as it would for a user) and stdin empty."""
    from wargame.cli import main

    with contextlib.ExitStack() as stack:
        files = [stack.enter_context(tempfile.TemporaryFile(dir=ctx.scratch)) for _ in "oe"]
        out, err = (io.TextIOWrapper(f, encoding="utf-8", errors="strict", newline="\n")
                    for f in files)
        stdin = stack.enter_context(open(os.devnull, encoding="utf-8"))
        saved = sys.stdout, sys.stderr, sys.stdin, os.getcwd()
        os.chdir(ctx.fixtures)
        sys.stdout, sys.stderr, sys.stdin = out, err, stdin
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            if isinstance(exc.code, str):
                print(exc.code, file=err)
        except (FuzzTimeout, MemoryError, Finding):
            raise
        except Exception as exc:
            cause, detail = exception_cause(exc)
            raise Finding(TRACEBACK, f"CLI: exception escaped main: {cause}", detail) from None
        finally:
            for stream in (out, err):
                with contextlib.suppress(ValueError, UnicodeError):
                    stream.flush()
            sys.stdout, sys.stderr, sys.stdin = saved[:3]
            os.chdir(saved[3])
        texts = []
        for handle in files:
            handle.seek(0)
            texts.append(handle.read().decode("utf-8", "replace"))
    return int(code), texts[0], texts[1]


def _subprocess(ctx: Context, argv: list[str]) -> tuple[int, str, str]:
    env = {**os.environ, "WARGAME_DEBUG": "1", "PYTHONHASHSEED": "random"}
    bound = float(os.environ.get("WARGAME_FUZZ_BOUND", "10")) * 0.8
    try:
        done = subprocess.run([sys.executable, "-m", "wargame", *argv], cwd=ctx.fixtures,
                              capture_output=True, timeout=bound, env=env,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise Finding(HANG, f"CLI subprocess past the bound: wargame {argv[0][:20]}",
                      f"argv {argv}") from None
    err = done.stderr.decode("utf-8", "replace")
    code = done.returncode
    if code < 0:
        raise Finding(TRACEBACK, f"CLI subprocess killed by signal {-code}", err[-2000:])
    return code, done.stdout.decode("utf-8", "replace"), err


# ---- mutation of what the API returns -----------------------------------------------------------

MUTATIONS = [
    "[e.data['params'].update({k: 3 for k in e.data['params']}) for e in game.events() "
    "if isinstance(e.data.get('params'), dict)]",
    "[e.data['params'].clear() for e in game.events() if isinstance(e.data.get('params'), dict)]",
    "[e.data.clear() for e in game.events()]",
    "[e.data.update(effective_week=1.0) for e in game.events() if 'effective_week' in e.data]",
    "[e.data.update(move='m99') for e in game.events() if 'move' in e.data]",
    "game.events().clear()",
    "game.journal.header['seed'] = 12345",
    "game.journal.header['human_teams'].append('{team}')",
    "game.journal.header['spawn_key'].append(1)",
    "game.journal.header['scenario']['meta']['name'] = 'changed'",
    "game.journal.header['scenario']['meta']['horizon_weeks'] = 8",
    "game.journal.header['scenario']['teams'].clear()",
    "[r['params'].clear() for r in game.journal.records if r.get('record') == 'move']",
    "[r.update(turn=99) for r in game.journal.records if r.get('record') == 'move']",
    "[r['data'].clear() for r in game.journal.records if r.get('record') == 'event']",
    "[r['detail'].clear() for r in game.journal.records if r.get('record') == 'facilitator']",
    "[p.params.clear() for p in game.pending()]",
    "[p.params.update({k: 3 for k in p.params}) for p in game.pending()]",
    "game.indicators().clear()",
    "game.history('{indicator}').clear()",
    "game.outcomes().clear()",
    "[o.params.clear() for o in game.legal_moves('{team}')]",
    "game.scenario.teams['{team}'].moves.clear()",
    "game.scenario.teams['{team}'].moves['{kind}'].effects.clear()",
    "game.scenario.teams['{team}'].moves['{kind}'].params.clear()",
    "game.scenario.indicators.clear()",
    "game.scenario.rules.clear()",
    "game.scenario.triggers.clear()",
    "game.scenario.sources.clear()",
    "game.scenario.injects.clear()",
    "game.scenario.outcomes.clear()",
    "game.link_measures().clear()",
    "game.economy.set_edge_open(game.economy.edge_ids[0], 0.0)",
    "game.economy.set_capacity_factor(game.economy.node_ids[0], 0.0)",
    "game.economy.step(1.0)",
    "game.journal.upto_turn(game.turn).header.update(seed=4242)",
    "MOVE['params'].update({k: 3 for k in MOVE['params']})",
    "MOVE['params'].clear()",
    "EVENT['effects'].clear()",
    "EVENT['effects'].append({'op': 'set', 'indicator': '{indicator}', 'value': 0.0})",
    "RESULT.data.clear()",
    "RESULT.data['params'].clear()",
    "RESULT.params.clear()",
    "LAST[-1].data.clear()",
    "[e.data.clear() for e in LAST]",
    "game.journal.lines()",
    "game.journal.records.clear()",
    "game.journal.records[-1].clear()",
    "game.journal.append({'record': 'advance', 'turn': 99})",
    "copy.deepcopy(game.events()[-1].data).clear()",
    "dict(game.journal.header).update(seed=4242)",
    "",
]
"""Ways a caller may change what the API handed out. Each is code run with ``game`` (and the
dict passed to the last submit, ``MOVE``; the last injected event, ``EVENT``; the last result,
``RESULT``; the last advance's events, ``LAST``). The empty one checks that two identical games
stay identical at all. Not here: calling the base class's methods on a read-only result
(``dict.clear(event.data)``), which gets round any read-only ``dict`` subclass as
``object.__setattr__`` gets round a frozen dataclass; that is a caller breaking the lock on
purpose, not a leak."""


class Mutation(Target):
    """Two identical games; what one of them returned is mutated; both play on the same inputs;
    any difference is a leak of internal state."""

    name = "mutation"
    weight = 0.06
    SCENARIOS = {"escalation-ladder": 0.7, "embargo-shock": 0.2,
                 "escalation-ladder-pessimistic": 0.1}

    def __init__(self, fixtures: Fixtures, scenarios: dict[str, Scenario]) -> None:
        super().__init__(fixtures, scenarios)
        self.moves = {name: Moves(scenarios[name]) for name in self.SCENARIOS}

    def generate(self, r: random.Random) -> Payload:
        name = weighted(r, self.SCENARIOS)
        moves = self.moves[name]
        scenario = self.scenarios[name]
        team = r.choice(moves.teams)
        kinds = list(scenario.teams[team].moves) or ["x"]
        prefix: list[tuple] = []
        for _ in range(r.randint(1, 5)):
            roll = r.random()
            if roll < 0.45:
                t = r.choice(moves.teams)
                catalogue = scenario.teams[t].moves
                if catalogue:
                    kind = r.choice(list(catalogue))
                    params = {p: moves.legal_value(r, s) for p, s in catalogue[kind].params.items()}
                    prefix.append(("submit", {"team": t, "kind": kind, "params": params}))
            elif roll < 0.75:
                prefix.append(("advance",))
            elif roll < 0.85:
                prefix.append(("inject_event", {"kind": "crisis", "effects": [
                    {"op": "shift", "indicator": r.choice(moves.indicators), "by": 0.05}]},
                    "why"))
            else:
                indicator = r.choice(moves.indicators)
                prefix.append(("override", indicator, moves.override_value(r, indicator), "why"))
        template = r.choice(MUTATIONS)
        ops = [template.replace("{team}", team).replace("{kind}", r.choice(kinds))
               .replace("{indicator}", r.choice(moves.indicators))]
        suffix = [("advance",)] * r.randint(1, 3)
        if r.random() < 0.5:
            t = r.choice(moves.teams)
            catalogue = scenario.teams[t].moves
            if catalogue:
                kind = r.choice(list(catalogue))
                suffix.insert(0, ("submit", {"team": t, "kind": kind, "params": {}}))
        return {"scenario": name, "seed": r.randrange(100),
                "humans": tuple(t for t in moves.teams if r.random() < 0.5),
                "prefix": prefix, "ops": ops, "template": template, "suffix": suffix}

    def run(self, payload: Payload, ctx: Context) -> None:
        pristine = self.scenarios[payload["scenario"]]
        fresh = Scenario.model_validate(copy.deepcopy(scenario_dump(pristine)))
        mine = Game(fresh, seed=payload["seed"], human_teams=payload["humans"])
        twin = Game(pristine, seed=payload["seed"], human_teams=payload["humans"])
        space: dict[str, Any] = {"game": mine, "MOVE": {"params": {}}, "EVENT": {"effects": []},
                                 "RESULT": None, "LAST": []}
        for action in payload["prefix"]:
            op, *args = action
            args = copy.deepcopy(args)  # the objects handed to ``mine``, which the caller keeps
            ok, result = ctx.api(op, getattr(mine, op), *args)
            ctx.api(op, getattr(twin, op), *copy.deepcopy(args))
            result = result if ok else None
            if op == "submit":
                space["MOVE"] = args[0]
            elif op == "inject_event":
                space["EVENT"] = args[0]
            if op == "advance" and isinstance(result, list):
                space["LAST"] = result
            space["RESULT"] = result
        if list(mine.journal.lines()) != list(twin.journal.lines()):
            raise Finding(LEAK, "two identical games differ before any mutation (nondeterminism)")
        done = []
        name = payload["template"] or "(none: the games differ by themselves)"
        for op in payload["ops"]:
            if not op:
                continue
            try:
                exec(op, {"math": math, "copy": copy}, space)
                done.append(op)
            except (FuzzTimeout, MemoryError):
                raise
            except Exception:
                pass  # refused (frozen, read-only, no such thing): fine
        for action in payload["suffix"]:
            a = _outcome(ctx, mine, action)
            b = _outcome(ctx, twin, action)
            if a != b:
                raise Finding(LEAK, f"mutating what the API returned changed the game: "
                              f"{name}", f"{action[0]}: {shorten(str(a), 300)} vs untouched "
                              f"{shorten(str(b), 300)}\n{_op_name(done)}")
        if mine.indicators() != twin.indicators() or \
                [e.to_json() for e in mine.events()] != [e.to_json() for e in twin.events()]:
            raise Finding(LEAK, f"mutating what the API returned changed the game: "
                          f"{name}", "indicators or events differ from the twin's\n"
                          + _op_name(done))
        if list(mine.journal.lines()) != list(twin.journal.lines()):
            raise Finding(LEAK, f"mutating what the API returned changed the save: "
                          f"{name}", f"journal differs from the twin's\n{_op_name(done)}")
        check_save(ctx, mine, "mutation")

    def shrink(self, payload: Payload) -> Iterator[Payload]:
        for key in ("ops", "prefix", "suffix"):
            for smaller in ddmin(payload[key]):
                if smaller or key == "prefix":
                    yield {**payload, key: smaller}

    def reproducer(self, payload: Payload, finding: Finding) -> tuple[str, dict[str, bytes]]:
        code = repro_head(self.name, finding) + f'''
import copy

def apply(game, action):
    op, *args = action
    return attempt(op, getattr(game, op), *copy.deepcopy(args))

scenario = load_scenario({payload["scenario"]!r})
other = load_scenario({payload["scenario"]!r})
game = Game(scenario, seed={payload["seed"]}, human_teams={payload["humans"]!r})
twin = Game(other, seed={payload["seed"]}, human_teams={payload["humans"]!r})
MOVE, EVENT, RESULT, LAST = {{"params": {{}}}}, {{"effects": []}}, None, []
for op, *args in {pyrepr(payload["prefix"])}:
    attempt(op, getattr(twin, op), *copy.deepcopy(args))
    RESULT = attempt(op, getattr(game, op), *args)  # the caller keeps ``args``
    MOVE = args[0] if op == "submit" else MOVE
    EVENT = args[0] if op == "inject_event" else EVENT
    LAST = RESULT if op == "advance" else LAST
# mutate what the API returned to the caller:
{chr(10).join(op for op in payload["ops"] if op) or "pass"}
for action in {pyrepr(payload["suffix"])}:
    apply(game, action), apply(twin, action)
print("same game:", game.journal.text() == twin.journal.text())
'''
        return code, {}


def _op_name(done: list[str]) -> str:
    return " | ".join(done) if done else "(none: the games differ by themselves)"


def _outcome(ctx: Context, game: Game, action: tuple) -> Any:
    op, *args = action
    try:
        result = getattr(game, op)(*copy.deepcopy(args))
    except (FuzzTimeout, MemoryError):
        raise
    except Exception as exc:
        return ("error", type(exc).__name__, normalise(str(exc)))
    if isinstance(result, list):
        return [e.to_json() if hasattr(e, "to_json") else repr(e) for e in result]
    return repr(result)


TARGETS = [ScenarioFiles, SynthScenarios, GameActions, WhiteCell, Journals, SetValues,
           CommandLine, Mutation]


def build_targets(fixtures: Fixtures, scenarios: dict[str, Scenario]) -> dict[str, Target]:
    return {cls.name: cls(fixtures, scenarios) for cls in TARGETS}


__all__ = ["TARGETS", "Raw", "Target", "build_targets", "finite"]
