"""The Python API answers a wrong argument with a ``WargameError`` naming it, never a raw
TypeError or AttributeError from deep inside (and before anything is written)."""

from __future__ import annotations

import numpy as np
import pytest

from wargame.errors import WargameError
from wargame.montecarlo.runner import monte_carlo

LADDER = "escalation-ladder"


@pytest.mark.parametrize(("change", "named"), [
    ({"runs": "3"}, "runs"), ({"runs": 0}, "runs"), ({"runs": 2.0}, "runs"),
    ({"runs": True}, "runs"),
    ({"seed": "1"}, "seed"), ({"seed": -1}, "seed"), ({"seed": 1.5}, "seed"),
    ({"jobs": 1.5}, "jobs"), ({"jobs": "2"}, "jobs"), ({"jobs": 0}, "jobs"),
    ({"jobs": True}, "jobs"),
    ({"out": None}, "out"), ({"out": 3}, "out"), ({"out": ""}, "out"),
    ({"chunk_size": 0}, "chunk_size"), ({"chunk_size": "4"}, "chunk_size"),
    ({"chunk_size": 2.5}, "chunk_size"),
    ({"series": "tension"}, "series"), ({"series": 3}, "series"),
    ({"series": ["tension", 3]}, "series"),
    ({"backend": "?"}, "backend"), ({"backend": None}, "backend"),
    ({"overrides": ["indicators.tension.initial=0.3"]}, "overrides"),
    ({"overrides": "indicators.tension.initial=0.3"}, "overrides"),
    ({"overrides": {3: 0.3}}, "overrides"),
    ({"overrides": {"indicators.tension.initial": object()}}, "overrides"),
    ({"overrides": {"indicators.tension.initial": np.int64(0)}}, "overrides"),
    ({"postures": "maximal"}, "postures"), ({"postures": [3]}, "postures"),
    ({"postures": 3}, "postures"),
    ({"resume": "yes"}, "resume"),
    ({"progress": "quiet"}, "progress"),
    ({"address": 8786}, "address"),
    ({"scenario": 3}, "scenario"), ({"scenario": None}, "scenario"),
    ({"from_journal": 3, "scenario": None, "at_turn": 1}, "from_journal"),
    ({"at_turn": 1}, "at_turn"),
])
def test_a_wrong_argument_is_named(tmp_path, change, named):
    arguments = {"scenario": LADDER, "runs": 2, "seed": 0, "jobs": 1, "out": tmp_path / "b",
                 "progress": False, **change}
    scenario = arguments.pop("scenario")
    runs = arguments.pop("runs")
    with pytest.raises(WargameError) as caught:
        monte_carlo(scenario, runs, **arguments)
    assert named in str(caught.value), caught.value
    assert not (tmp_path / "b" / "manifest.json").exists()


def test_right_arguments_of_other_types_are_accepted(tmp_path):
    results = monte_carlo(LADDER, np.int64(2), seed=np.int64(1), jobs=1, out=str(tmp_path / "b"),
                          series=("tension",), postures=(), overrides={}, chunk_size=1,
                          progress=False)
    assert results.outcomes.num_rows == 2
    assert results.manifest["series_indicators"] == ["tension"]


def test_a_dask_address_that_cannot_be_parsed_is_named(tmp_path):
    pytest.importorskip("distributed")
    for address in ("nonsense", "tcp://[::1"):
        with pytest.raises(WargameError, match="cannot reach the Dask scheduler"):
            monte_carlo(LADDER, 2, jobs=1, out=tmp_path / "b", backend="dask", address=address,
                        chunk_size=1, progress=False)


def test_an_empty_series_name_is_shown_as_such(tmp_path):
    with pytest.raises(WargameError, match="--series: '' "):
        monte_carlo(LADDER, 2, jobs=1, out=tmp_path / "b", series=["tension", ""],
                    progress=False)
