"""Static input-output analysis: a textbook example exactly, a published table against pymrio."""

from __future__ import annotations

import argparse
import io
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from wargame.economy import static
from wargame.economy.cli import add_parser, run_shock
from wargame.errors import InputTableError, WargameError

DATA = Path(__file__).parent / "data"
GERMANY = DATA / "germany_1995_beutel.csv"

# Lay, "Linear Algebra and Its Applications" (4th ed., 2012), section 2.6, example 1: an economy
# of manufacturing, agriculture and services; column j of C is what sector j consumes per unit of
# output; final demand d = (50, 30, 20). The book gives x ≈ (226, 119, 78).
LAY_C = [["0.5", "0.4", "0.2"], ["0.2", "0.3", "0.1"], ["0.1", "0.1", "0.3"]]
LAY_D = ["50", "30", "20"]
LAY_CSV = """sector,Manufacturing,Agriculture,Services,final demand
Manufacturing,0.5,0.4,0.2,50
Agriculture,0.2,0.3,0.1,30
Services,0.1,0.1,0.3,20
"""


def exact_inverse(m: list[list[Fraction]]) -> list[list[Fraction]]:
    """Gauss-Jordan elimination in exact rational arithmetic (the hand computation)."""
    n = len(m)
    rows = [[*row, *(Fraction(int(i == j)) for j in range(n))] for i, row in enumerate(m)]
    for c in range(n):
        pivot = next(r for r in range(c, n) if rows[r][c] != 0)
        rows[c], rows[pivot] = rows[pivot], rows[c]
        rows[c] = [v / rows[c][c] for v in rows[c]]
        for r in range(n):
            if r != c and rows[r][c] != 0:
                rows[r] = [a - rows[r][c] * b for a, b in zip(rows[r], rows[c], strict=True)]
    return [row[n:] for row in rows]


def lay_exact() -> tuple[list[list[Fraction]], list[Fraction]]:
    c = [[Fraction(v) for v in row] for row in LAY_C]
    i_minus_c = [[Fraction(int(i == j)) - c[i][j] for j in range(3)] for i in range(3)]
    inverse = exact_inverse(i_minus_c)
    d = [Fraction(v) for v in LAY_D]
    x = [sum(inverse[i][j] * d[j] for j in range(3)) for i in range(3)]
    return inverse, x


def test_the_textbook_example_by_hand_matches_the_book():
    inverse, x = lay_exact()
    # det(I - C) = 0.162 and x = (36600, 19200, 12600) / 162 in exact arithmetic.
    assert x == [Fraction(36600, 162), Fraction(19200, 162), Fraction(12600, 162)]
    assert [round(float(v)) for v in x] == [226, 119, 78]
    assert inverse[0][0] == Fraction(480, 162)


def test_the_static_model_equals_the_textbook_example_exactly(tmp_path):
    path = tmp_path / "lay.csv"
    path.write_text(LAY_CSV)
    table = static.load_table(path, coefficients=True)
    inverse, x = lay_exact()
    L = static.leontief_inverse(table.A)
    # Exact up to the last bit of binary floating point (the rationals are not binary).
    assert table.x.tolist() == pytest.approx([float(v) for v in x], rel=1e-14)
    assert L.tolist() == [pytest.approx([float(v) for v in row], rel=1e-14) for row in inverse]
    assert table.A.tolist() == [pytest.approx([float(v) for v in row], rel=1e-14)
                                for row in [[Fraction(v) for v in r] for r in LAY_C]]
    # A demand shock of +1 in services raises output by the third column of L.
    effect = static.demand_effect(table, np.array([0.0, 0.0, 1.0]))
    assert effect.tolist() == pytest.approx([float(r[2]) for r in inverse], rel=1e-14)
    assert static.output_multipliers(table).tolist() == pytest.approx(
        [float(sum(r[j] for r in inverse)) for j in range(3)], rel=1e-14)


def test_the_published_table_reads_as_published():
    table = static.load_table(GERMANY)
    assert table.labels == ("Agriculture", "Manufacturing", "Construction", "Trade",
                            "Business services", "Other services")
    assert table.Z[1, 1] == 304584
    # Output is the row sum: 43,910 for agriculture as in Beutel's table 15.4.
    assert table.x[0] == 43910
    # The manual's coefficient table (15.5) gives a_11 = 0.0258 and a_22 = 0.2822.
    assert round(table.A[0, 0], 4) == 0.0258
    assert round(table.A[1, 1], 4) == 0.2822


def test_leontief_and_ghosh_match_pymrio_on_the_published_table():
    pymrio = pytest.importorskip("pymrio")
    pd = pytest.importorskip("pandas")
    table = static.load_table(GERMANY)
    raw = [line.split(",") for line in GERMANY.read_text().splitlines()
           if line and not line.startswith("#")]
    header, rows = raw[0], raw[1:7]
    sectors = pd.MultiIndex.from_product([["DE"], table.labels], names=["region", "sector"])
    categories = pd.MultiIndex.from_product([["DE"], header[7:]], names=["region", "category"])
    Z = pd.DataFrame([[float(v) for v in row[1:7]] for row in rows], index=sectors,
                     columns=sectors)
    Y = pd.DataFrame([[float(v) for v in row[7:]] for row in rows], index=sectors,
                     columns=categories)
    io_system = pymrio.IOSystem(Z=Z, Y=Y)
    io_system.calc_system()
    x = io_system.x.to_numpy().ravel()
    ours_L = static.leontief_inverse(table.A)

    def close(ours: np.ndarray, theirs: np.ndarray) -> None:
        np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=0.0)

    close(table.x, x)
    close(table.A, io_system.A.to_numpy())
    close(ours_L, io_system.L.to_numpy())
    B = pymrio.calc_B(io_system.Z, io_system.x)
    G = pymrio.calc_G(B)
    close(static.ghosh_inverse(table.B), G.to_numpy())
    close(static.ghosh_multipliers(table), G.to_numpy().sum(axis=1))
    # A 10% fall in manufacturing final demand, solved by pymrio as a new final demand.
    delta = static.shock_vector(table, {"Manufacturing": "-10%"}, table.final_demand)
    shocked = io_system.Y.sum(axis=1).to_numpy() + delta
    theirs = pymrio.calc_x_from_L(io_system.L, pd.DataFrame(shocked, index=sectors))
    close(static.demand_effect(table, delta), theirs.to_numpy().ravel() - x)
    # Supply side: a fall in manufacturing's primary inputs, through pymrio's Ghosh inverse.
    dv = static.shock_vector(table, {"Manufacturing": "-10%"}, table.primary_inputs)
    close(static.supply_effect(table, dv), dv @ G.to_numpy())


def test_an_output_column_and_flows_give_the_same_table(tmp_path):
    path = tmp_path / "flows.csv"
    path.write_text("x,s1,s2,output\ns1,150,500,1000\ns2,200,100,2000\nva,650,1400,\n")
    table = static.load_table(path)
    # Miller and Blair's two-sector example: A = [[.15, .25], [.2, .05]].
    np.testing.assert_allclose(table.A, [[0.15, 0.25], [0.2, 0.05]], rtol=1e-15)
    np.testing.assert_allclose(table.final_demand, [350, 1700])
    np.testing.assert_allclose(table.primary_inputs, [650, 1400])


def test_parquet_tables_read_like_csv(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    csv_table = static.load_table(GERMANY)
    columns = {"product": list(csv_table.labels)}
    for j, label in enumerate(csv_table.labels):
        columns[label] = csv_table.Z[:, j].tolist()
    columns["final"] = csv_table.final_demand.tolist()
    path = tmp_path / "germany.parquet"
    pq.write_table(pa.table(columns), path)
    table = static.load_table(path)
    np.testing.assert_array_equal(table.Z, csv_table.Z)
    np.testing.assert_array_equal(table.x, csv_table.x)


@pytest.mark.parametrize(("text", "message", "line"), [
    ("s,a,b,f\na,1,x,3\nb,1,1,1\n", "column 'b': 'x' is not a number", 2),
    ("s,a,b,f\na,1,2,3\nb,1,1\n", "row has 3 cells but the header has 4", 3),
    ("s,a,b,f\na,1,2,3\na,1,1,1\n", "duplicate row label 'a'", 3),
    ("s,a,b,f\na,1,,3\nb,1,1,1\n", "column 'b': empty cell", 2),
    ("s,a,b,f\na,1,-2,3\nb,1,1,1\n", "negative intermediate value", 2),
    ("s,a,b,f\na,1,2,nan\nb,1,1,1\n", "not a finite number", 2),
    ("# note\ns,a,b,f,output\na,1,2,3,9\nb,1,1,1,3\n", "row does not balance", 3),
    ("s,p,q\na,1,2\n", "no sectors", None),
    ("s,a,b\na,1,2\nb,1,1\n", "give an output column or final-demand columns", 1),
])
def test_bad_tables_name_the_file_and_the_row(tmp_path, text, message, line):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(InputTableError) as caught:
        static.load_table(path)
    issue = caught.value.issues[0]
    assert message in str(caught.value)
    assert issue.file == str(path)
    assert issue.line == line


def test_a_singular_or_explosive_coefficient_table_is_an_input_error(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("s,a,b,f\na,0.5,0.5,1\nb,0.5,0.5,1\n")
    with pytest.raises(InputTableError, match="singular"):
        static.load_table(path, coefficients=True)
    path.write_text("s,a,b,f\na,0.5,0.5,1\nb,1,0.5,1\n")
    with pytest.raises(InputTableError, match="negative output"):
        static.load_table(path, coefficients=True)


def test_missing_and_unreadable_files(tmp_path):
    with pytest.raises(InputTableError, match="file not found"):
        static.load_table(tmp_path / "nope.csv")
    with pytest.raises(InputTableError, match="directory"):
        static.load_table(tmp_path)
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(InputTableError, match="UTF-8"):
        static.load_table(binary)


def shock(*argv: str) -> str:
    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers())
    args = parser.parse_args(["shock", *argv])
    out = io.StringIO()
    assert args.func is run_shock
    assert run_shock(args, out) == 0
    return out.getvalue()


def test_cli_prints_the_largest_effects_by_sector():
    text = shock(str(GERMANY), "--demand", "Manufacturing=-10%", "--top", "2")
    lines = text.splitlines()
    assert "6 sectors, 1 region" in lines[0]
    assert lines[1].startswith("Demand-driven (Leontief) effect of a final-demand change of "
                               "-61,934")
    assert lines[3].split()[0] == "Manufacturing"
    assert lines[4].split()[:2] == ["Business", "services"]
    assert len(lines) == 6 and lines[5].startswith("Total output change -114,039")


def test_cli_reports_regions_for_multiregional_labels(tmp_path):
    path = tmp_path / "mr.csv"
    path.write_text("s,us:chips,cn:chips,cn:phones,fd\nus:chips,0,10,20,70\n"
                    "cn:chips,0,0,30,70\ncn:phones,0,0,0,200\n")
    text = shock(str(path), "--supply", "us:chips=-50%")
    assert "By region:" in text
    region_rows = text.split("By region:")[1].splitlines()[2:-1]
    assert [row.split()[0] for row in region_rows] == ["us", "cn"]
    assert "2 regions" in text


def test_cli_without_a_shock_prints_multipliers():
    text = shock(str(GERMANY))
    assert "Output multipliers" in text
    assert text.splitlines()[3].split()[0] == "Manufacturing"


@pytest.mark.parametrize(("argv", "message"), [
    (["--demand", "Steel=5"], "unknown sector 'Steel'"),
    (["--demand", "Manufacturing"], "should be SECTOR=CHANGE"),
    (["--supply", "Manufacturing=lots"], "not a number or a percentage"),
    (["--top", "0"], "--top must be at least 1"),
])
def test_cli_user_errors_are_wargame_errors(argv, message):
    with pytest.raises(WargameError, match=message):
        shock(str(GERMANY), *argv)
