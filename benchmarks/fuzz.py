"""Fuzz benchmark: thousands of bad inputs through every door, each bounded in time and memory.

Run: ``python benchmarks/fuzz.py [--inputs N] [--seconds S] [--seed K] [--target NAME ...]
[--out DIR]`` (default 10,000 inputs across all targets, ``--out fuzz-out``). Targets:
``scenario`` (mutated shipped scenario files, ``extends:`` to odd paths), ``synth`` (generated
scenarios with extremes where work is bounded), ``moves``, ``whitecell``, ``journal`` (valid
journals damaged), ``set`` (``--set PATH=VALUE``), ``cli`` (argument vectors, in-process and as
subprocesses) and ``mutation`` (mutating what the API returned must not change the game).

Every input runs in a worker process under an alarm (``--bound`` seconds) and an address-space
limit (``--memory-mb`` above the worker's start), so a hang is reported with its input instead of
stopping the run; an input past the bound is rerun with three times as long and, if it then
finishes, listed as slow and classified by what it did. Each outcome is one of: ok; project
error (a ``WargameError``; the CLI's exit 1 with a message or a usage error); traceback (any
other exception; the CLI's exit 2 "internal error"); hang (past the bound or the memory limit);
unreplayable save (a finished game's save cannot be written, or does not replay with
``verify=True``, or an input file was overwritten); mutation leak; wrong result (NaN state, a
journal with a duplicate key verified, ``1:30`` read as 90, a fractional seed taken).

Prints inputs per target and per class, inputs per second, and each distinct cause (exception
type and project frame, or the oracle) with one reduced reproducer, written to ``--out`` as a
standalone Python script (with the input file beside it) and as a pickled input that
``--replay FILE`` reruns. Inputs found before are kept in ``--out/corpus`` and rerun first, as
hypothesis's database would. Exits 1 if anything but ok and project errors was found.

Why a seeded mutator and not hypothesis: a run must try every one of its N inputs, bound each
one, and count every outcome, while ``@given`` stops soon after its first failures (and with them
swallowed, its shrinking and database do nothing). Measured on main at a78d0dd (before the fixes
of issue 11), with the same value pools and oracles and 1000 inputs of moves and white-cell
actions for each, hypothesis found 8 distinct causes in 13.0 s and this generator 10 in 11.7 s;
the strategies of tests/test_fuzz.py found none in 1000. Here each input can be rebuilt from
``(--seed, index)``, is reduced by delta debugging, and is kept in the corpus.
"""

from __future__ import annotations

import os

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")  # one core, and no per-thread arenas under RLIMIT_AS

import argparse  # noqa: E402
import contextlib  # noqa: E402
import gc  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import multiprocessing  # noqa: E402
import pickle  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
from collections import Counter, defaultdict  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fuzz_common import (  # noqa: E402
    CLASSES,
    FAILURES,
    HANG,
    OK,
    PROJECT,
    TRACEBACK,
    Context,
    Finding,
    FuzzTimeout,
    exception_cause,
    normalise,
    own_frame,
    set_int_digits,
    shorten,
    where,
)
from fuzz_fixtures import Fixtures  # noqa: E402
from fuzz_targets import build_targets, weighted  # noqa: E402

from wargame import load_scenario  # noqa: E402

SHORT = {OK: "ok", PROJECT: "refused", TRACEBACK: "traceback", HANG: "hang",
         "unreplayable save": "unreplay.", "mutation leak": "leak", "wrong result": "wrong"}


# ---- the worker ---------------------------------------------------------------------------------

STATE: dict[str, Any] = {}
"""The fixtures and targets, built in the parent before the worker is forked."""


def _alarm(_signum: int, _frame: Any) -> None:
    raise FuzzTimeout


def execute(name: str, payload: dict[str, Any], bound: float) -> dict[str, Any]:
    """Run one input and classify it; never raises."""
    fixtures: Fixtures = STATE["fixtures"]
    target = STATE["targets"][name]
    ctx = Context(fixtures.scratch, fixtures.dir)
    result: dict[str, Any] = {"kind": OK, "cause": "", "detail": "", "restart": False}
    start = time.perf_counter()
    try:
        signal.setitimer(signal.ITIMER_REAL, bound)
        try:
            target.run(payload, ctx)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        result["kind"] = PROJECT if ctx.refusals else OK
        result["detail"] = ctx.last_error[:300]
    except Finding as found:
        result.update(kind=found.kind, cause=found.cause, detail=found.detail)
    except FuzzTimeout as exc:
        result.update(kind=HANG, cause=f"past the time bound in {_hang_site(exc)}",
                      detail=_hang_detail(exc), restart=True)
    except MemoryError as exc:
        result.update(kind=HANG, cause=f"memory bound reached in {_hang_site(exc)}",
                      detail=_hang_detail(exc), restart=True)
    except RecursionError as exc:
        cause, detail = exception_cause(exc, line=False)
        result.update(kind=TRACEBACK, cause=cause, detail=detail, restart=True)
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            raise
        cause, detail = exception_cause(exc)
        result.update(kind=TRACEBACK, cause=f"escaped the harness: {cause}", detail=detail)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        try:
            fixtures.restore()
            fixtures.clean_scratch()
        except Exception as exc:
            result["restart"] = True
            result["detail"] += f"\n(sandbox restore failed: {exc})"
    result["seconds"] = time.perf_counter() - start
    return result


def _hang_site(exc: BaseException) -> str:
    """Where the input was when it ran out of time or memory: the deepest project frame; if
    that is an error handler (the CLI's), the frame of the error it was handling too."""
    site = where(own_frame(traceback.extract_tb(exc.__traceback__)), line=False)
    context = exc.__context__
    if context is not None and not isinstance(context, FuzzTimeout):
        inner = own_frame(traceback.extract_tb(context.__traceback__))
        if inner is not None:
            site += f", handling {type(context).__name__} from {where(inner, line=False)}"
    return site


def _hang_detail(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    text = "".join(traceback.format_list(frames[-8:]))
    if exc.__context__ is not None:
        text += f"\nwhile handling {type(exc.__context__).__name__}:\n" + "".join(
            traceback.format_list(traceback.extract_tb(exc.__context__.__traceback__)[-6:]))
    return text


def worker_main(conn: Any, bound: float, memory_mb: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGALRM, _alarm)
    os.environ["WARGAME_DEBUG"] = "1"
    if memory_mb:
        size = _vm_size() + memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (size, size))
    set_int_digits()
    done = 0
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        name, payload, bound = message
        os.environ["WARGAME_FUZZ_BOUND"] = str(bound)
        result = execute(name, payload, bound)
        conn.send(result)
        done += 1
        if result["restart"]:
            return
        if done % 50 == 0:
            gc.collect()


def _vm_size() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


class Worker:
    """One worker process at a time, forked from the parent's prepared state; replaced after a
    hang, a crash, or every ``RECYCLE`` inputs (so state one input leaves cannot pile up)."""

    RECYCLE = 1000

    def __init__(self, bound: float, memory_mb: int) -> None:
        self.bound, self.memory_mb = bound, memory_mb
        self.context = multiprocessing.get_context("fork")
        self.process: Any = None
        self.runs = 0
        self.start()

    def start(self) -> None:
        parent, child = self.context.Pipe()
        self.process = self.context.Process(target=worker_main,
                                            args=(child, self.bound, self.memory_mb), daemon=True)
        self.process.start()
        child.close()
        self.conn = parent
        self.runs = 0

    def stop(self) -> None:
        if self.process is None:
            return
        with contextlib.suppress(OSError, BrokenPipeError):
            self.conn.send(None)
        self.process.join(2)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()
        self.process = None

    def restart(self) -> None:
        if self.process is not None and self.process.is_alive():
            self.process.kill()
        if self.process is not None:
            self.process.join()
            self.conn.close()
        self.process = None
        self.start()

    def run(self, name: str, payload: dict[str, Any], bound: float | None = None
            ) -> dict[str, Any]:
        if self.runs >= self.RECYCLE:
            self.stop()
            self.start()
        self.runs += 1
        bound = bound or self.bound
        hard = bound * 2 + 10
        started = time.perf_counter()
        try:
            self.conn.send((name, payload, bound))
        except (OSError, BrokenPipeError):
            self.restart()
            self.conn.send((name, payload, bound))
        if not self.conn.poll(hard):
            self.restart()
            return {"kind": HANG, "cause": "past the hard bound: the alarm did not stop it "
                    "(stuck outside Python code)", "detail": "", "restart": True,
                    "seconds": time.perf_counter() - started}
        try:
            result = self.conn.recv()
        except (EOFError, OSError):
            self.process.join(5)
            code = self.process.exitcode
            self.restart()
            kind = HANG if code in (-9,) else TRACEBACK
            return {"kind": kind, "cause": f"the worker process died (exit code {code})",
                    "detail": "", "restart": True, "seconds": time.perf_counter() - started}
        if result["restart"]:
            self.process.join(5)
            self.restart()
        return result


# ---- the run ------------------------------------------------------------------------------------

@dataclass
class Cause:
    kind: str
    cause: str
    detail: str
    target: str
    payload: dict[str, Any]
    count: int = 0
    targets: Counter = field(default_factory=Counter)
    reproducible: bool | None = None
    reduced: bool = False
    files: list[str] = field(default_factory=list)


@dataclass
class Tally:
    counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    seconds: Counter = field(default_factory=Counter)
    causes: dict[tuple[str, str], Cause] = field(default_factory=dict)
    refusals: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    slow: list[tuple[float, str, str, dict[str, Any]]] = field(default_factory=list)
    """Inputs past the bound that finished alone with three times as long: slow, not endless
    (seconds, target, where the bound caught them, input)."""

    def add(self, name: str, payload: dict[str, Any], result: dict[str, Any]) -> None:
        kind = result["kind"]
        self.counts[name][kind] += 1
        self.seconds[name] += result.get("seconds", 0.0)
        if kind == PROJECT:
            self.refusals[name][normalise(result["detail"], 100)] += 1
        if kind not in FAILURES:
            return
        key = (kind, result["cause"])
        cause = self.causes.get(key)
        if cause is None:
            cause = self.causes[key] = Cause(kind, result["cause"], result["detail"], name,
                                             payload)
        elif _size(payload) < _size(cause.payload) and name == cause.target:
            cause.payload, cause.detail = payload, result["detail"]
        cause.count += 1
        cause.targets[name] += 1


def _size(payload: dict[str, Any]) -> int:
    try:
        return len(pickle.dumps(payload))
    except Exception:
        return 1 << 30


def prepare(root: Path) -> tuple[Fixtures, dict[str, Any]]:
    fixtures = Fixtures(root).build()
    names = ["escalation-ladder", "escalation-ladder-pessimistic", "embargo-shock",
             "status-quo-2022"]
    scenarios = {name: load_scenario(name) for name in names}
    targets = build_targets(fixtures, scenarios)
    STATE.update(fixtures=fixtures, targets=targets)
    return fixtures, targets


def schedule(targets: dict[str, Any], chosen: list[str], seed: int, index: int
             ) -> tuple[str, dict[str, Any]]:
    r = random.Random(f"{seed}/{index}")
    name = weighted(r, {n: targets[n].weight for n in chosen})
    for attempt in range(5):  # a generator's own slip must not end the run
        try:
            return name, targets[name].generate(r)
        except Exception as exc:
            print(f"  generator {name} failed on input {index} ({type(exc).__name__}: {exc}); "
                  "drawing another", file=sys.stderr)
            r = random.Random(f"{seed}/{index}/{attempt}")
    raise RuntimeError(f"generator {name} keeps failing")


def run_input(worker: Worker, name: str, payload: dict[str, Any],
              slow: list[tuple[float, str, str, dict[str, Any]]] | None = None
              ) -> dict[str, Any]:
    """Run an input; one past the time bound is run again with three times as long, and if it
    then finishes it is slow, not endless, and classified by what it did."""
    result = worker.run(name, payload)
    if result["kind"] == HANG and result["cause"].startswith("past the time bound"):
        again = worker.run(name, payload, bound=3 * worker.bound)
        if again["kind"] != HANG:
            if slow is not None:
                slow.append((again["seconds"], name, result["cause"], payload))
            result = again
    return result


def reduce(worker: Worker, cause: Cause, deadline: float) -> None:
    """Delta-debug the cause's input while the same cause comes out."""
    target = STATE["targets"][cause.target]
    key = (cause.kind, cause.cause)
    current = cause.payload
    improved = True
    while improved and time.perf_counter() < deadline:
        improved = False
        for candidate in target.shrink(current):
            if time.perf_counter() > deadline:
                break
            result = worker.run(cause.target, candidate)
            if (result["kind"], result["cause"]) == key:
                current, improved = candidate, True
                cause.detail = result["detail"] or cause.detail
                cause.reduced = True
                break
    cause.payload = current


def slug(cause: Cause, number: int) -> str:
    return f"{number:02d}-{SHORT.get(cause.kind, cause.kind).rstrip('.')}-{cause.target}"


def write_outputs(out: Path, tally: Tally, header: str, table: list[str]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    corpus = out / "corpus"
    corpus.mkdir(exist_ok=True)
    for old in out.glob("[0-9][0-9]-*"):
        old.unlink()
    summary = []
    for number, cause in enumerate(sorted(tally.causes.values(), key=_order), start=1):
        name = slug(cause, number)
        target = STATE["targets"][cause.target]
        finding = Finding(cause.kind, cause.cause, cause.detail)
        code, files = target.reproducer(cause.payload, finding)
        code = code.replace("{id}", name)
        (out / f"{name}.py").write_text(code, encoding="utf-8", errors="backslashreplace")
        cause.files = [f"{name}.py"]
        for extension, data in files.items():
            (out / f"{name}{extension}").write_bytes(data)
            cause.files.append(f"{name}{extension}")
        digest = hashlib.sha256(f"{cause.kind}|{cause.cause}".encode(
            "utf-8", "backslashreplace")).hexdigest()[:16]
        with open(corpus / f"{digest}.pkl", "wb") as handle:
            pickle.dump({"target": cause.target, "payload": cause.payload, "kind": cause.kind,
                         "cause": cause.cause}, handle)
        cause.files.append(f"corpus/{digest}.pkl")
        summary.append({"number": number, "class": cause.kind, "cause": cause.cause,
                        "inputs": cause.count, "targets": dict(cause.targets),
                        "reproducible": cause.reproducible, "reduced": cause.reduced,
                        "files": cause.files,
                        "detail": cause.detail.encode("utf-8", "backslashreplace").decode()})
    for old in out.glob("slow-*"):
        old.unlink()
    if tally.slow:
        seconds, name, where_caught, payload = max(tally.slow, key=lambda item: item[0])
        finding = Finding("slow", f"{where_caught}; finished alone in {seconds:.1f} s")
        code, files = STATE["targets"][name].reproducer(payload, finding)
        (out / f"slow-{name}.py").write_text(code.replace("{id}", f"slow-{name}"),
                                             encoding="utf-8", errors="backslashreplace")
        for extension, data in files.items():
            (out / f"slow-{name}{extension}").write_bytes(data)
        summary.append({"number": 0, "class": "slow", "cause": finding.cause,
                        "inputs": len(tally.slow), "targets": dict(Counter(
                            item[1] for item in tally.slow)), "reproducible": True,
                        "reduced": False, "files": [f"slow-{name}.py"], "detail": ""})
    (out / "findings.json").write_text(json.dumps(summary, indent=1, ensure_ascii=True),
                                       encoding="utf-8")
    lines = [header, "", "```", *table, "```", ""]
    for item in summary:
        lines += [f"{item['number']}. **{item['class']}**: {item['cause']} — {item['inputs']} "
                  f"inputs ({', '.join(item['targets'])}); reproducer `{item['files'][0]}`"
                  + ("" if item["reproducible"] is not False else
                     " (did not reproduce alone in a fresh worker)"),
                  "", "   ```", *("   " + line for line in shorten(item["detail"], 1500)
                                  .splitlines()[-12:]), "   ```", ""]
    (out / "report.md").write_text("\n".join(lines), encoding="utf-8", errors="backslashreplace")


def _order(cause: Cause) -> tuple:
    return (FAILURES.index(cause.kind), -cause.count, cause.cause)


def rerun_corpus(worker: Worker, out: Path) -> list[str]:
    """Inputs that found something in earlier runs: what they give now."""
    lines = []
    for path in sorted((out / "corpus").glob("*.pkl")):
        try:
            with open(path, "rb") as handle:
                saved = pickle.load(handle)
        except Exception:
            continue
        if saved["target"] not in STATE["targets"]:
            continue
        result = run_input(worker, saved["target"], saved["payload"])
        if (result["kind"], _stable(result["cause"])) == (saved["kind"], _stable(saved["cause"])):
            state = "still fails"
        elif result["kind"] in FAILURES:
            state = f"now: {result['kind']}: {result['cause']}"
        else:
            state = f"fixed ({result['kind']})"
        lines.append(f"  [{saved['kind']}] {shorten(saved['cause'], 110)}: {state}")
    return lines


def _stable(cause: str) -> str:
    """A cause without line numbers, which move as the code is edited."""
    return re.sub(r":\d+ in ", " in ", cause)


def format_table(tally: Tally, chosen: list[str]) -> list[str]:
    columns = [OK, PROJECT, *FAILURES]
    head = f"{'target':<10} {'inputs':>7} " + " ".join(f"{SHORT[c]:>9}" for c in columns) + \
        f" {'ms/input':>9}"
    rows = [head, "-" * len(head)]
    total: Counter = Counter()
    for name in chosen:
        counts = tally.counts[name]
        n = sum(counts.values())
        total.update(counts)
        ms = 1000 * tally.seconds[name] / n if n else 0.0
        rows.append(f"{name:<10} {n:>7} " + " ".join(f"{counts[c]:>9}" for c in columns)
                    + f" {ms:>9.1f}")
    n = sum(total.values())
    ms = 1000 * sum(tally.seconds.values()) / n if n else 0.0
    rows.append("-" * len(head))
    rows.append(f"{'total':<10} {n:>7} " + " ".join(f"{total[c]:>9}" for c in columns)
                + f" {ms:>9.1f}")
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=10_000, metavar="N")
    parser.add_argument("--seconds", type=float, default=None, metavar="S",
                        help="stop generating after S seconds (with or before N inputs)")
    parser.add_argument("--seed", type=int, default=0, metavar="K")
    parser.add_argument("--target", action="append", metavar="NAME",
                        help="only these targets (repeatable; default all)")
    parser.add_argument("--out", default="fuzz-out", metavar="DIR",
                        help="reproducers and the corpus of earlier finds (default: fuzz-out)")
    parser.add_argument("--bound", type=float, default=10.0, metavar="SECONDS",
                        help="time an input may take (default 10)")
    parser.add_argument("--memory-mb", type=int, default=2048, metavar="MB",
                        help="address space an input may add to the worker (default 2048)")
    parser.add_argument("--reduce-seconds", type=float, default=120.0,
                        help="total time for reducing reproducers (default 120; 0: none)")
    parser.add_argument("--refusals", type=int, default=0, metavar="K",
                        help="also print each target's K commonest refusals (to tune inputs)")
    parser.add_argument("--no-corpus", action="store_true", help="do not rerun earlier finds")
    parser.add_argument("--replay", metavar="FILE.pkl", help="rerun one saved input and stop")
    parser.add_argument("--fixtures", metavar="DIR", help="build the sandbox in DIR and stop")
    args = parser.parse_args()
    set_int_digits()

    if args.fixtures:
        prepare(Path(args.fixtures))
        print(f"fixtures in {Path(args.fixtures) / 'fixtures'}: run reproducers' CLI lines there")
        return 0
    root = Path(tempfile.mkdtemp(prefix="wargame-fuzz-"))
    try:
        return _run(args, root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _run(args: argparse.Namespace, root: Path) -> int:
    prepared = time.perf_counter()
    _, targets = prepare(root)
    chosen = args.target or list(targets)
    unknown = [name for name in chosen if name not in targets]
    if unknown:
        print(f"unknown target(s): {', '.join(unknown)} (expected: {', '.join(targets)})",
              file=sys.stderr)
        return 2
    worker = Worker(args.bound, args.memory_mb)
    out = Path(args.out)
    try:
        if args.replay:
            with open(args.replay, "rb") as handle:
                saved = pickle.load(handle)
            result = worker.run(saved["target"], saved["payload"])
            print(f"{saved['target']}: {result['kind']}: {result['cause']}\n{result['detail']}")
            return 1 if result["kind"] in FAILURES else 0
        print(f"sandbox ready in {time.perf_counter() - prepared:.1f} s", file=sys.stderr)
        regressions = [] if args.no_corpus or not (out / "corpus").is_dir() else \
            rerun_corpus(worker, out)
        tally = Tally()
        started = time.perf_counter()
        done = 0
        for index in range(args.inputs):
            if args.seconds is not None and time.perf_counter() - started > args.seconds:
                break
            name, payload = schedule(targets, chosen, args.seed, index)
            result = run_input(worker, name, payload, tally.slow)
            tally.add(name, payload, result)
            done += 1
            if done % 500 == 0:
                elapsed = time.perf_counter() - started
                bad = sum(c.count for c in tally.causes.values())
                print(f"  {done} inputs, {elapsed:.0f} s, {done / elapsed:.1f}/s, "
                      f"{bad} failing ({len(tally.causes)} causes)", file=sys.stderr, flush=True)
        elapsed = time.perf_counter() - started
        deadline = time.perf_counter() + args.reduce_seconds
        causes = sorted(tally.causes.values(), key=_order)
        for number, cause in enumerate(causes):
            worker.restart()  # a fresh worker: does the input fail on its own?
            result = worker.run(cause.target, cause.payload)
            cause.reproducible = (result["kind"], result["cause"]) == (cause.kind, cause.cause)
            if cause.reproducible and cause.kind != HANG and args.reduce_seconds > 0:
                share = (deadline - time.perf_counter()) / max(1, len(causes) - number)
                reduce(worker, cause, time.perf_counter() + max(0.0, share))
    finally:
        worker.stop()
    header = (f"wargame fuzz · seed {args.seed} · {done} inputs in {elapsed:.1f} s "
              f"({done / elapsed if elapsed else 0:.1f} inputs/s on one core) · bound "
              f"{args.bound:g} s and {args.memory_mb} MB an input")
    table = format_table(tally, chosen)
    write_outputs(out, tally, header, table)
    totals: Counter = Counter()
    for counts in tally.counts.values():
        totals.update(counts)
    print(header)
    print()
    print("\n".join(table))
    print()
    distinct = Counter(cause.kind for cause in tally.causes.values())
    print(f"project errors: {totals[PROJECT]} inputs refused in words (WargameError, CLI exit 1, "
          "usage)")
    for kind in FAILURES:
        print(f"{kind + 's':<20} {totals[kind]:>6} inputs, {distinct[kind]} distinct")
    if tally.slow:
        print(f"slow inputs: {len(tally.slow)} past the {args.bound:g} s bound that finished "
              f"alone within {3 * args.bound:g} s (classified by what they did, not as hangs):")
        for seconds, name, cause, _ in sorted(tally.slow, key=lambda i: -i[0])[:5]:
            print(f"  {seconds:6.1f} s  {name}: {cause}")
    for name in chosen if args.refusals else ():
        print(f"\ncommonest refusals of {name}:")
        for message, count in tally.refusals[name].most_common(args.refusals):
            print(f"  {count:>5}  {message}")
    if regressions:
        print("\ninputs found by earlier runs (corpus):")
        print("\n".join(regressions))
    if tally.causes:
        print(f"\ndistinct causes (reproducers in {out}):")
    for number, cause in enumerate(sorted(tally.causes.values(), key=_order), start=1):
        seen = ", ".join(f"{t} {n}" for t, n in cause.targets.most_common())
        alone = "" if cause.reproducible is not False else " · not reproducible alone"
        print(f"{number:>3}. [{cause.kind}] {cause.cause}")
        print(f"     {cause.count} inputs ({seen}){alone} · {', '.join(cause.files[:2])}")
        last = [line for line in cause.detail.strip().splitlines() if line.strip()][-1:] \
            if cause.detail.strip() else []
        for line in last:
            print(f"     {shorten(line.strip(), 150)}")
    assert set(totals) <= set(CLASSES)
    return 1 if any(totals[kind] for kind in FAILURES) else 0


if __name__ == "__main__":
    sys.exit(main())
