"""The compiled step (wargame/economy/kernel.py) gives the numpy step's numbers, bit for bit.

The numpy path is the reference: the kernel replaced it for speed and must not move one bit of
any game's result (journals of old saves replay against it). Each test disturbs a real world in
the ways moves do (closed and leaky edges, capacity cut, demand changed, substitutes ramping,
pooled nodes short) and compares every state array after each step.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.scripted_play import digest, play
from wargame import load_scenario
from wargame.economy import kernel
from wargame.economy.network import SupplyNetwork
from wargame.economy.spec import load_world

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "benchmarks" / "reference-10y.yaml"

kernel.warm_up()  # the compiled kernel from the first step, not after NUMPY_STEPS_FIRST
pytestmark = pytest.mark.skipif(kernel.compiled_step() is None,
                                reason=f"the compiled kernel is off: {kernel.kernel_name()}")


def _worlds() -> list[tuple[str, SupplyNetwork]]:
    reference = load_scenario(REFERENCE).economy
    assert reference is not None
    return [("default", SupplyNetwork(load_world("default"))),
            ("reference", SupplyNetwork(reference.world))]


def _disturb(net: SupplyNetwork, week: int) -> None:
    """The moves a game makes, at different weeks, so each acts on a network in motion."""
    if week == 0:
        net.set_edges_open({"controllers": ["us"], "buyer_regions": ["china"]}, 0.2)
    if week == 5:
        first = net.edge_ids[0]
        net.set_edge_open(first, 0.0)
        net.set_leakage(first, 0.3)
    if week == 9:
        net.set_capacity_factor(net.node_ids[-1], 0.4)
        net.set_final_demand_factor(net.node_ids[1], 0.7)
    if week == 20:
        net.set_edges_open({"controllers": ["us"], "buyer_regions": ["china"]}, 1.0)


def _state(net: SupplyNetwork) -> bytes:
    return b"".join(np.ascontiguousarray(getattr(net, name)).tobytes()
                    for name in SupplyNetwork._STATE) + repr(net.week).encode()


def _numpy_step(net: SupplyNetwork, dt: float, monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as patch:
        patch.setattr(kernel, "_chosen", (None, None, "numpy (this test)"))
        net.step(dt)


@pytest.mark.parametrize("name", ["default", "reference"])
def test_each_step_equals_the_numpy_step_bit_for_bit(name, monkeypatch):
    built = dict(_worlds())[name]
    compiled, reference = built.copy(), built.copy()
    assert not (built._n_subs == 0 and built._pooled_nodes.size == 0)
    for week in range(40):
        for net in (compiled, reference):
            _disturb(net, week)
        dt = 0.5 if week == 30 else 1.0  # a short tick rescales what depends on dt
        compiled.step(dt)
        _numpy_step(reference, dt, monkeypatch)
        assert _state(compiled) == _state(reference), f"week {week}"
        assert compiled.indicator_list() == reference.indicator_list()
    assert compiled.losses_by_region(cumulative=True)["china"] > 0  # the moves did bite


def test_a_run_of_steps_in_one_call_equals_as_many_steps():
    net = dict(_worlds())["reference"]
    net.set_edges_open({"controllers": ["us"], "buyer_regions": ["china"]}, 0.0)
    one_call, one_by_one = net.copy(), net.copy()
    one_call.run(26)
    for _ in range(26):
        one_by_one.step()
    assert _state(one_call) == _state(one_by_one)
    assert one_call.week == 26.0


def test_leverage_is_the_same_on_the_numpy_path(monkeypatch):
    net = dict(_worlds())["default"]
    net.set_edges_open({"controllers": ["us"], "buyer_regions": ["china"]}, 0.5)
    for _ in range(8):
        net.step()
    compiled = net.leverage()
    with monkeypatch.context() as patch:
        patch.setattr(kernel, "_chosen", (None, None, "numpy (this test)"))
        assert net.leverage() == compiled
    assert compiled > 0


def test_a_game_journals_the_same_bytes_with_numba_or_numpy():
    """WARGAME_KERNEL=numpy in a fresh interpreter plays the same game to the same journal."""
    code = ("from tests.scripted_play import digest, play; from wargame.economy import kernel;"
            "print(kernel.kernel_name()); print(digest(play('taiwan-blockade', 3)))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=300,
                          env={**os.environ, kernel.KERNEL_ENV: "numpy"})
    assert done.returncode == 0, done.stderr
    name, numpy_digest = done.stdout.splitlines()
    assert name.startswith("numpy")
    assert numpy_digest == digest(play("taiwan-blockade", 3))


def test_warm_up_compiles_both_entry_points():
    assert kernel.kernel_name().startswith("numba")
    kernel.warm_up()
    step, run = kernel.compiled_step(), kernel.compiled_run(2)
    assert step is not None and run is not None
    assert step.signatures and run.signatures  # type: ignore[attr-defined]


def test_substitute_deliveries_are_added_as_the_dense_product_adds_them():
    """``_carried`` adds substitute volumes per channel by bincount where no channel carries
    more than two (then any order of adding gives the same bits); it equals the dense product."""
    net = dict(_worlds())["reference"]
    assert net._sub_by_bincount
    net.set_edges_open({"controllers": ["us"], "buyer_regions": ["china"]}, 0.0)
    for _ in range(30):
        net.step()
    assert net._sub_delivered.max() > 0  # substitutes are carrying something
    dense = net._delivered + net._sub_on_edge @ net._sub_delivered
    assert net._carried().tobytes() == dense.tobytes()


def test_a_channel_with_three_substitutes_keeps_the_dense_product():
    from tests.economy.conftest import world

    nodes = [{"id": name, "output": 10.0} for name in ("a", "b", "c", "d", "e")]
    edges = [{"supplier": "a", "buyer": "e", "coefficient": 0.1}]
    subs = [{"edge": f"{s}->e", "by": "a", "cap": 0.5, "ramp_weeks": 4} for s in "bcd"]
    edges += [{"supplier": s, "buyer": "e", "coefficient": 0.1} for s in "bcd"]
    net = SupplyNetwork(world(nodes, edges, substitutes=subs))
    assert not net._sub_by_bincount


def _imports_numba(code: str, mode: str) -> bool:
    probe = f"import sys; {code}; print('numba' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, env={**os.environ, kernel.KERNEL_ENV: mode})
    assert done.returncode == 0, done.stderr
    return done.stdout.split()[-1] == "True"


def test_one_short_game_never_loads_numba_and_a_batch_does():
    """numba's second of loading is paid only by a process that steps enough to gain from it."""
    one_game = "from wargame import Game, load_scenario; Game(load_scenario('embargo-shock')).run()"
    assert not _imports_numba(one_game, "auto")
    assert _imports_numba(one_game, "numba")
    steps = kernel.NUMPY_STEPS_FIRST + 10
    many = ("from wargame.economy.network import SupplyNetwork;"
            "from wargame.economy.spec import load_world;"
            "net = SupplyNetwork(load_world('default'));"
            "net.set_capacity_factor(net.node_ids[0], 0.5);"
            f"[net.step() for _ in range({steps})];"
            "from wargame.economy import kernel; assert kernel.compiled_step() is not None")
    assert _imports_numba(many, "auto")


def test_reading_some_indicators_gives_the_same_bits_as_reading_all():
    """A game reads only the indicators it binds (``indicator_list(places)``): the same
    numbers, in the order asked, as the full reading."""
    net = dict(_worlds())["reference"]
    net.set_edges_open({"controllers": ["us"], "buyer_regions": ["china"]}, 0.1)
    for _ in range(12):
        net.step()
    full = net.indicator_list()
    places = tuple(reversed(range(len(full))))[::3]
    assert net.indicator_list(places) == [full[place] for place in places]
    assert dict(zip(net.indicator_names(), full, strict=True)) == net.indicator_values()


def _random_world(seed: int, **parameters):
    """A world the shipped ones do not cover: edges in random order (not grouped by buyer),
    pooled nodes with channels that are not input slots, a slot with two substitutes, edges
    into the leverage region from the leverage controllers, stocks of differing weeks."""
    import random

    from tests.economy.conftest import world

    rng = random.Random(seed)
    regions = ("us", "china", "eu")
    nodes = [{"id": f"n{i}", "output": 5.0 + i % 7, "region": regions[i % 3],
              "controller": regions[i % 3], **({"inputs": "pool"} if i % 5 == 0 else {})}
             for i in range(40)]
    pairs = sorted({(rng.randrange(40), rng.randrange(40)) for _ in range(160)})
    pairs = [(s, b) for s, b in pairs if s != b]
    rng.shuffle(pairs)
    edges = [{"supplier": f"n{s}", "buyer": f"n{b}", "coefficient": 0.02 + 0.01 * (s % 4),
              "essential": (0.5, 0.8, 1.0)[(s + b) % 3]} for s, b in pairs]
    subs = []
    for s, b in pairs[:12]:
        for by in ((s + 1) % 40, (s + 2) % 40):
            if by != b:
                subs.append({"edge": f"n{s}->n{b}", "by": f"n{by}", "cap": 0.6,
                             "ramp_weeks": 3 + by % 5})
    stocks = [{"edge": f"n{s}->n{b}", "weeks": (0.0, 1.0, 6.0)[s % 3]} for s, b in pairs[::4]]
    return world(nodes, edges, substitutes=subs, stocks=stocks,
                 parameters={"leverage_region": "china", "leverage_controllers": ["us"],
                             **parameters})


def test_each_step_equals_the_numpy_step_on_a_world_in_random_edge_order(monkeypatch):
    built = SupplyNetwork(_random_world(3))
    assert (np.diff(built._dst) < 0).any() and built._pooled_nodes.size
    assert (built._k_slot_kind[built._k_pooled[built._dst]] == 0).any()  # a pool's non-slot
    compiled, reference = built.copy(), built.copy()
    for week in range(60):
        for net in (compiled, reference):
            _disturb(net, week)
            if week == 33:
                net.set_edges_open({"buyer_regions": ["eu"]}, 0.0)
                net.set_leakage(net.edge_ids[3], 0.5)
        dt = (1.0, 0.25, 2.0)[week % 3] if 40 <= week < 46 else 1.0
        compiled.step(dt)
        _numpy_step(reference, dt, monkeypatch)
        assert _state(compiled) == _state(reference), f"week {week}"
        assert not compiled._k_sub_in.any()  # the kernel's scratch is left all zeros
    assert compiled._sub_delivered.max() > 0
    for dt in (1.0, 0.5):  # a run of steps in one call, its stock passes fused with shipments
        compiled.set_capacity_factor(compiled.node_ids[7], 0.5)
        reference.set_capacity_factor(reference.node_ids[7], 0.5)
        compiled.run(13, dt)
        for _ in range(13):
            _numpy_step(reference, dt, monkeypatch)
        assert _state(compiled) == _state(reference)
        assert not compiled._k_sub_in.any()


@pytest.mark.parametrize("parameters, last_dt", [
    ({}, 1.0),
    ({}, 0.5),  # the network's arrays scaled for another tick length
    ({"leverage_horizon_weeks": 20.5}, 1.0),  # a last, shorter step
    ({"leverage_buffers": "target"}, 1.0),
])
def test_leverage_on_the_state_arrays_equals_leverage_on_copies(parameters, last_dt,
                                                                 monkeypatch):
    """``leverage`` steps its two paths on copies of the state arrays alone (no network
    copies): the same bits as stepping two copies of the network, which it does otherwise,
    and as the numpy path."""
    net = SupplyNetwork(_random_world(5, **parameters))
    net.set_edges_open({"controllers": ["us"], "buyer_regions": ["eu"]}, 0.3)
    net.set_capacity_factor(net.node_ids[4], 0.6)
    for _ in range(6):
        net.step()
    net.step(last_dt)
    fast = net._counterfactuals_lost(net.world.parameters.leverage_horizon_weeks)
    assert fast is not None
    before = _state(net)
    fast_leverage = (net.leverage(), net.leverage(True))
    assert _state(net) == before  # reading leverage leaves the network as it was
    net._counterfactuals_lost = lambda horizon: None  # type: ignore[method-assign]
    assert (net.leverage(), net.leverage(True)) == fast_leverage
    with monkeypatch.context() as patch:
        patch.setattr(kernel, "_chosen", (None, None, "numpy (this test)"))
        assert (net.leverage(), net.leverage(True)) == fast_leverage
    assert fast_leverage[0] > 0
    assert not net._k_sub_in.any()


def test_leverage_copies_the_network_where_the_shortcut_does_not_hold():
    net = SupplyNetwork(_random_world(5))
    assert net._counterfactuals_lost(26.0) is None  # at rest
    net.set_capacity_factor(net.node_ids[4], 0.6)
    assert net._counterfactuals_lost(26.0) is None  # a move not yet applied
    net.step()
    assert net._counterfactuals_lost(0.5) is None  # no whole step
    assert net._counterfactuals_lost(26.0) is not None


def test_the_kernel_is_compiled_for_the_argument_types_a_game_passes():
    """``warm_up`` compiles the signature games use (read-only arrays where the network's are),
    so a worker's first replication, in a fresh process, compiles or loads nothing more."""
    code = ("from wargame import Game, load_scenario; from wargame.economy import kernel;"
            "kernel.warm_up(); step, run = kernel.compiled_step(), kernel.compiled_run(2);"
            "print(len(step.signatures), len(run.signatures));"
            f"Game(load_scenario({str(REFERENCE)!r}), seed=0).run();"
            "print(len(step.signatures), len(run.signatures))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, env={**os.environ, kernel.KERNEL_ENV: "auto"})
    assert done.returncode == 0, done.stderr
    warmed, played = done.stdout.splitlines()
    assert warmed == played == "1 1"
