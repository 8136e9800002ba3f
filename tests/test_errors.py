"""The error tree as documented: every class exported and described, the input errors also
``ValueError``s, and each documented mistake raising its class wherever it is made."""

from __future__ import annotations

import multiprocessing
import re
import socket

import pytest

import wargame
from tests.conftest import ROOT, SCENARIOS, tiny
from wargame import errors
from wargame.economy.network import SupplyNetwork
from wargame.economy.spec import load_world
from wargame.montecarlo import backends, storage
from wargame.montecarlo.analysis import compare, outcome_values
from wargame.montecarlo.backends import executor
from wargame.montecarlo.design import design_from_args, load_design, parse_sweep, run_design
from wargame.montecarlo.overrides import apply_overrides, parse_assignment
from wargame.montecarlo.results import Results
from wargame.montecarlo.runner import monte_carlo
from wargame.montecarlo.sensitivity import choose_outcomes, postures_of
from wargame.montecarlo.storage import prepare_folder

LADDER = "escalation-ladder"
INPUT_ERRORS = ("ScenarioError", "MoveError", "InputTableError", "RequestError")
OTHER_ERRORS = ("GameStateError", "JournalError", "ResultsError", "OutputError", "SetupError")


def _classes_in(text: str) -> list[str]:
    return re.findall(r"[├└]── (\w+)", text)


def test_the_tree_is_exported_documented_and_the_same_in_the_docs():
    documented = _classes_in(errors.__doc__ or "")
    assert sorted(documented) == sorted(INPUT_ERRORS + OTHER_ERRORS)
    engine_doc = (ROOT / "docs" / "engine.md").read_text(encoding="utf-8")
    section = engine_doc.split("## Errors\n", 1)[1].split("\n## ", 1)[0]
    assert sorted(_classes_in(section)) == sorted(documented)
    for name in ("WargameError", *documented):
        cls = getattr(wargame, name)
        assert cls is getattr(errors, name) and name in wargame.__all__
        assert issubclass(cls, wargame.WargameError) and cls.__doc__


def test_input_errors_are_value_errors_and_the_others_are_not():
    for name in INPUT_ERRORS:
        assert issubclass(getattr(wargame, name), ValueError), name
        assert "Also a ``ValueError``" in " ".join((getattr(wargame, name).__doc__ or "").split())
    for name in OTHER_ERRORS:
        assert not issubclass(getattr(wargame, name), ValueError), name
    marked = re.findall(r"[├└]── (\w+)\s+\*", errors.__doc__ or "")
    assert sorted(marked) == sorted(INPUT_ERRORS)  # the docstring says which


def test_an_input_error_is_caught_by_except_value_error():
    game = wargame.Game(tiny(), seed=1)
    with pytest.raises(ValueError, match="unknown"):
        game.submit(wargame.Move(team="us", kind="nope"))
    with pytest.raises(ValueError, match="runs"):
        monte_carlo(LADDER, 0, out="unused")


def test_results_error_lives_in_the_tree_and_storage_still_names_it():
    assert storage.ResultsError is wargame.ResultsError is errors.ResultsError


# ---- one mistake, one class, wherever it is made ------------------------------------------------

def test_an_unknown_posture_is_a_scenario_error_everywhere(tmp_path):
    scenario = wargame.load_scenario(LADDER)
    calls = [lambda: wargame.with_postures(scenario, ["nope"]),
             lambda: monte_carlo(LADDER, 1, jobs=1, out=tmp_path / "b", postures=["nope"],
                                 progress=False),
             lambda: postures_of(scenario, ["nope"])]
    for call in calls:
        with pytest.raises(wargame.ScenarioError, match="unknown posture 'nope'"):
            call()
    for call in (lambda: wargame.with_postures(scenario, [3]),
                 lambda: monte_carlo(LADDER, 1, jobs=1, out=tmp_path / "b", postures=[3]),
                 lambda: postures_of(scenario, [3])):
        with pytest.raises(wargame.ScenarioError):
            call()


def test_a_bad_set_override_is_a_scenario_error_from_the_cli_text_and_the_api(tmp_path):
    scenario = wargame.load_scenario(LADDER)
    with pytest.raises(wargame.ScenarioError, match="no 'nope'"):
        apply_overrides(scenario, dict([parse_assignment("nope.x=1")]))
    with pytest.raises(wargame.ScenarioError, match="no 'nope'"):
        monte_carlo(LADDER, 1, jobs=1, out=tmp_path / "b", overrides={"nope.x": 1},
                    progress=False)
    for wrong in ({3: 0.3}, ["rules.x=1"], {"indicators.tension.initial": object()}):
        with pytest.raises(wargame.ScenarioError, match="overrides"):
            monte_carlo(LADDER, 1, jobs=1, out=tmp_path / "b", overrides=wrong)
    with pytest.raises(wargame.ScenarioError, match="PATH=VALUE"):
        parse_assignment("no equals sign")


def test_a_scenario_argument_of_the_wrong_type_is_a_scenario_error(tmp_path):
    with pytest.raises(wargame.ScenarioError):
        wargame.Game(3)
    with pytest.raises(wargame.ScenarioError, match="scenario must be"):
        monte_carlo(3, 1, out=tmp_path / "b")
    from wargame.montecarlo.robustness import robustness
    from wargame.montecarlo.sensitivity import sensitivity
    for analysis in (sensitivity, robustness):
        with pytest.raises(wargame.ScenarioError, match="scenario must be"):
            analysis(3, out=tmp_path / "o")


def test_an_unknown_outcome_is_a_request_error_in_every_analysis(tmp_path):
    scenario = wargame.load_scenario(LADDER)
    with pytest.raises(wargame.RequestError, match="unknown outcome 'nope'"):
        choose_outcomes(scenario, ["nope"])
    batch = monte_carlo(LADDER, 2, jobs=1, out=tmp_path / "b", chunk_size=2, progress=False)
    with pytest.raises(wargame.RequestError, match="unknown outcome 'nope'") as caught:
        outcome_values(batch, "nope")
    assert batch.outcome_names[0] in str(caught.value)  # the outcomes it has are listed


def test_a_wrong_batch_or_design_request_is_a_request_error(tmp_path):
    out = tmp_path / "b"
    requests = [
        lambda: monte_carlo(LADDER, 0, out=out),
        lambda: monte_carlo(LADDER, 1, out=out, backend="?"),
        lambda: monte_carlo(LADDER, 1, out=out, series=["nope"]),
        lambda: monte_carlo(LADDER, 1, out=out, resume="yes"),
        lambda: monte_carlo(LADDER, 1, out=out, at_turn=1),
        lambda: parse_sweep("x"),
        lambda: design_from_args(["a=0:1"], lhs=4, sobol=4),
        lambda: design_from_args(["a=0:1"]),
        lambda: design_from_args(["a=0:1:2", "a=0:1:2"]),
    ]
    for request in requests:
        with pytest.raises(wargame.RequestError):
            request()
    with pytest.raises(wargame.RequestError), executor("nope", 1):
        pass
    batch = monte_carlo(LADDER, 2, jobs=1, out=out, chunk_size=2, progress=False)
    with pytest.raises(wargame.RequestError, match="compare needs"):
        compare([batch])
    assert not (tmp_path / "b" / "points").exists()


def test_a_wrong_network_call_is_a_request_error():
    network = SupplyNetwork(load_world("default"))
    for call in (lambda: network.set_capacity_factor("zz", 1.0),
                 lambda: network.set_capacity_factor(network.node_ids[0], -1.0),
                 lambda: network.select_edges(["b->a"]),
                 lambda: network.select_edges({"nonsense": 1}),
                 lambda: network.step(0.0)):
        with pytest.raises(wargame.RequestError):
            call()


def test_a_folder_that_is_not_a_batch_is_a_results_error_wherever_it_is_read(tmp_path):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine", encoding="utf-8")
    for call in (lambda: Results(tmp_path), lambda: Results(tmp_path / "missing"),
                 lambda: Results(a_file), lambda: load_design(tmp_path),
                 lambda: prepare_folder(a_file),
                 lambda: monte_carlo(LADDER, 1, jobs=1, out=a_file, progress=False)):
        with pytest.raises(wargame.ResultsError):
            call()
    design = design_from_args(["rules.cn_patrols.probability=0.2:0.4:2"])
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "design.json").write_text("{}", encoding="utf-8")
    with pytest.raises(wargame.ResultsError, match="holds a different design"):
        run_design(design, lambda point, directory: Results(directory), tmp_path / "d")


def test_a_place_that_cannot_be_written_is_an_output_error(tmp_path):
    for out in (tmp_path / "notes.txt" / "batch", "/proc/wargame-batch"):
        if out != "/proc/wargame-batch":
            (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
        with pytest.raises(wargame.OutputError, match="cannot create the results folder"):
            monte_carlo(LADDER, 1, jobs=1, out=out, progress=False)


def test_the_run_command_names_its_output_and_request_errors(tmp_path):
    from wargame.cli import build_parser

    target = str(tmp_path / "same.jsonl")
    args = build_parser().parse_args(["run", LADDER, "--json", target, "--journal", target])
    with pytest.raises(wargame.OutputError, match="name the same file"):
        args.func(args)
    args = build_parser().parse_args(["run", LADDER, "--weeks", "0"])
    with pytest.raises(wargame.RequestError, match="--weeks"):
        args.func(args)


def test_a_fork_turn_the_saved_game_has_not_played_is_a_game_state_error_as_in_fork(tmp_path):
    game = wargame.Game(wargame.load_scenario(LADDER), seed=1)
    game.run(8)
    saved = tmp_path / "g.jsonl"
    saved.write_text(game.journal.text(), encoding="utf-8")
    with pytest.raises(wargame.GameStateError):
        game.fork(1, at_turn=99)
    with pytest.raises(wargame.GameStateError, match="--at must be a turn"):
        monte_carlo(None, 1, out=tmp_path / "b", from_journal=saved, at_turn=99)


def test_a_journal_that_is_not_a_file_is_a_journal_error_as_in_journal_load(tmp_path):
    with pytest.raises(wargame.JournalError):
        wargame.Journal.load(tmp_path)
    with pytest.raises(wargame.JournalError, match="not a regular file"):
        monte_carlo(None, 1, out=tmp_path / "b", from_journal=tmp_path, at_turn=0)


def _start_a_batch_here(queue: multiprocessing.Queue) -> None:
    try:
        with executor("process", 2):
            queue.put("started")
    except Exception as exc:  # the class is what the test checks
        queue.put(type(exc).__name__)


def test_a_batch_started_inside_a_worker_is_a_setup_error():
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_start_a_batch_here, args=(queue,))
    process.start()
    try:
        assert queue.get(timeout=60) == "SetupError"
    finally:
        process.join(30)


def test_a_dask_scheduler_that_cannot_be_reached_is_a_setup_error(monkeypatch):
    pytest.importorskip("distributed")
    monkeypatch.setattr(backends, "SCHEDULER_TIMEOUT", "1s")  # the same refusal, sooner
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(wargame.SetupError, match="cannot reach the Dask scheduler"), executor(
            "dask", 1, f"tcp://127.0.0.1:{port}"):
        pass


def test_the_world_file_and_the_shipped_scenarios_still_load():
    """The input errors becoming ValueErrors changes nothing for valid input (pydantic wraps a
    ValueError raised inside a validator: none is, for these)."""
    assert load_world("default").nodes
    for path in sorted(SCENARIOS.glob("*.yaml")):
        wargame.load_scenario(path)


def test_a_wrong_argument_to_a_game_is_a_request_error_as_on_the_command_line():
    """Weeks out of range, a bad seed, an unknown or malformed human team: wrong arguments, so
    ``RequestError`` (a ``ValueError``) from ``Game`` as from ``wargame run``; the game's state
    (``GameStateError``) is not what is wrong."""
    scenario = tiny()
    game = wargame.Game(scenario)
    for call in (lambda: game.step(0), lambda: game.run(-1),
                 lambda: wargame.Game(scenario, seed=-1),
                 lambda: wargame.Game(scenario, human_teams=["nobody"]),
                 lambda: wargame.Game(scenario, human_teams=[3])):
        with pytest.raises(errors.RequestError) as caught:
            call()
        assert isinstance(caught.value, ValueError)
        assert not isinstance(caught.value, errors.GameStateError)
    assert game.week == 0
