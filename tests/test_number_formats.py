"""The project's number formats live in one module, one a job, each name saying which."""

from __future__ import annotations

import pytest

import wargame
from tests.conftest import tiny
from wargame import text
from wargame.calibration import mechanisms_doc
from wargame.economy import cli as economy_cli
from wargame.scenario import params


def test_short_number_is_a_reading_at_a_glance():
    assert text.short_number(0.123456) == "0.1235"
    assert text.short_number(0.1 + 0.2) == "0.3"  # no float noise
    assert text.short_number(None) == "-"
    assert text.short_number(123456.0) == "123,456"  # in full, not 1.235e+05


def test_amount_is_an_economic_quantity_in_a_table():
    assert text.amount(12345.6) == "12,346"
    assert text.amount(1234.56, signed=True) == "+1,235"
    assert text.amount(-5.0, signed=True) == "-5"
    assert text.amount(0.0, signed=True) == "0"


def test_exact_number_never_uses_an_exponent():
    assert text.exact_number(0.00020606) == "0.00020606"
    assert text.exact_number(2.06e-5) == "0.0000206"
    assert text.exact_number(1.1307692) == "1.13077"
    assert text.exact_number(2.0) == "2"
    assert text.exact_number(0.0) == "0"
    assert text.exact_number(12_000_000.0) == "12000000"  # was "12": zeros stripped off a whole
    assert text.exact_number(12_345_678.9) == "12345679"


def test_echo_value_shows_a_value_as_its_author_wrote_it():
    assert text.echo_value(2.0) == "2"
    assert text.echo_value("x") == "'x'"
    assert [text.echo_value(v) for v in (None, True, False)] == ["null", "true", "false"]
    assert text.echo_value(10**60) == "a whole number of about 61 digits"
    assert text.echo_value("y" * 100).endswith("...") and len(text.echo_value("y" * 100)) == 60


def test_every_caller_uses_the_one_module():
    assert not hasattr(params, "format_value")  # one formatter a job, in wargame.text
    assert not hasattr(text, "format_value")
    assert economy_cli.amount is text.amount and not hasattr(economy_cli, "_fmt")
    assert mechanisms_doc.exact_number is text.exact_number
    assert not hasattr(mechanisms_doc, "_fmt")


def test_a_refused_parameter_is_echoed_as_given():
    game = wargame.Game(tiny(), seed=1)
    with pytest.raises(wargame.MoveError, match=r"\(got 'x'\)"):
        game.submit({"team": "us", "kind": "raise_level", "params": {"by": "x"}})
    with pytest.raises(wargame.MoveError, match=r"\(got 2\)"):
        game.submit({"team": "us", "kind": "raise_level", "params": {"by": 2.0}})


def test_a_reading_shows_float_noise_as_zero_and_thousands_in_full():
    """What the UI shows: a loss summed over regions that lost nothing (1.95e-12) reads 0."""
    assert [text.short_number(v) for v in (1.95e-12, -2.054e-12, 0.0, 0.3)] == ["0", "0", "0",
                                                                                 "0.3"]
    assert text.short_number(12345.6) == "12,346" and text.short_number(-25000) == "-25,000"
    assert text.short_number(1.5e-6) == "1.5e-06"  # small but meant: kept
    assert text.short_number(float("inf")) == "inf" and text.short_number(None) == "-"
