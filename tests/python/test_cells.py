"""One rule for reading a cell: the pre-flight (resilience.cells) and staging agree.

The staging macros ``input_number`` / ``input_integer`` / ``input_text`` are compiled by dbt
and run by DuckDB over the same cells that the Python functions read; every cell must get
the same value (or the same refusal: None / null) from both. The cells are a list of the
cases found by hand (full-width and other-script digits, overflow, ``inf``, ``1_000``,
blanks) plus random strings over an alphabet made of those pieces (hypothesis).
"""

from __future__ import annotations

import math
import os
import subprocess

import duckdb
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import DBT, PROJECT_ROOT
from resilience import cells

pytestmark = pytest.mark.slow

HAND_CELLS = [
    "", " ", "\t", "5", " 5 ", "\t5\t", "+5", "-5", "5.", ".5", "-.5", "1e5", "1E-5",
    "1.5e+3", "1.2e400", "-1e999", "1e-400", "inf", "-inf", "Infinity", "nan", "NaN",
    "1_000", "1,234", "1,234.5", "0x10", "１２３", "１２.５", "٣", "٣٫٥", "1\u00a0234",
    "\u30005", "5\u3000", "…", "—", "NA", "-", "+", ".", "e5", "1e", "1.2.3", "00012",
    "2010", "２０１０", "+2010", "02010", "2147483647", "2147483648", "-2147483648",
    "-2147483649", "99999999999999999999", "110000 ", " 110000", "１１００００",
]  # fmt: skip
ALPHABET = ["0", "1", "9", ".", "e", "E", "+", "-", " ", "\t", "_", ",", "１", "٣", "\u3000",
            "\u00a0", "inf", "nan", "x"]  # fmt: skip


@pytest.fixture(scope="module")
def staging_sql(tmp_path_factory) -> str:
    """The SQL that staging runs on a column ``c`` of a relation ``cells``, compiled by dbt."""
    tmp = tmp_path_factory.mktemp("cells")
    inline = (
        "select c, {{ input_number('c') }} as n, {{ input_integer('c') }} as i, "
        "{{ input_text('c') }} as t from cells"
    )
    proc = subprocess.run(
        [DBT, "--quiet", "compile", "--inline", inline, "--target-path", str(tmp / "target"),
         "--log-path", str(tmp / "logs")],
        cwd=PROJECT_ROOT, capture_output=True, text=True,
        env={**os.environ, "RESILIENCE_DB": str(tmp / "c.duckdb")},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout.strip()


def _staging(sql: str, values: list[str]) -> list[tuple]:
    with duckdb.connect() as con:
        con.register("cells", pd.DataFrame({"c": pd.Series(values, dtype="object")}))
        return con.execute(sql).fetchall()


def _assert_agree(sql: str, values: list[str]) -> None:
    rows = _staging(sql, values)
    assert [r[0] for r in rows] == values
    for c, n, i, t in rows:
        py = (cells.parse_number(c), cells.parse_integer(c), cells.clean(c) or None)
        assert py == (n, i, t), f"cell {c!r}"
        assert n is None or math.isfinite(n)


def test_hand_cells_read_alike(staging_sql):
    _assert_agree(staging_sql, HAND_CELLS)


def test_the_rule_on_the_hand_cells():
    # the rule itself, stated cell by cell (not derived from the code under test)
    assert cells.parse_number(" 5 ") == 5.0
    assert cells.parse_number("1e-400") == 0.0
    for refused in ["１２３", "٣", "1.2e400", "inf", "nan", "1_000", "1,234", "\u30005", "0x10"]:
        assert cells.parse_number(refused) is None, refused
    assert cells.parse_integer("2147483647") == 2147483647
    assert cells.parse_integer("2147483648") is None
    assert cells.parse_year("２０１０") is None and cells.parse_year("+2010") is None
    assert cells.parse_year("2010") == 2010
    assert cells.clean("\t110000 ") == "110000" and cells.clean("\u3000x") == "\u3000x"
    assert cells.is_blank_row(["", " ", "\t"]) and not cells.is_blank_row(["", "1"])


def test_messages_say_what_to_write():
    other = "has non-ASCII characters (full-width or other-script digits, spaces or signs)"
    assert cells.number_problem("１２.５") == f"value '１２.５' {other}; write 12.5"
    assert cells.number_problem("٣") == f"value '٣' {other}; write 3"
    # repr() names an invisible space by its escape
    assert cells.number_problem("\u3000130") == f"value '\\u3000130' {other}; write 130"
    assert cells.number_problem("1.2e400") == (
        "value '1.2e400' is out of range (overflows a double); check the cell"
    )
    assert cells.number_problem("1,234") == ("value '1,234' has a thousands separator; write 1234")


@settings(max_examples=1, deadline=None)
@given(st.lists(st.lists(st.sampled_from(ALPHABET), max_size=6).map("".join), min_size=400,
                max_size=400))  # fmt: skip
def test_random_cells_read_alike(staging_sql, values):
    # one example of 400 cells: one DuckDB query instead of 400
    _assert_agree(staging_sql, values)


def test_a_messy_file_the_preflight_accepts_builds_the_same_marts(cli_built_warehouse, tmp_path):
    """Blanks around cells, CRLF line ends, a BOM, quoted cells and ``,,,`` rows.

    The pre-flight accepts the file (cells are trimmed, blank rows skipped) and staging reads
    it by the same rule: every mart equals the default build's, hash for hash (only
    dim_input_files, which records the file's path and bytes, differs).
    """
    import csv
    import sys

    from resilience.fingerprint import fingerprint

    src = PROJECT_ROOT / "data" / "demo" / "indicator_values.csv"
    with open(src, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    messy = [rows[0]]
    for k, (unit, year, indicator, value) in enumerate(rows[1:]):
        if k % 3 == 0:
            unit = f"{unit} "  # the trailing blank a spreadsheet leaves
        if k % 5 == 0 and value:
            value = f"\t{value} "
        messy.append([unit, f" {year}" if k % 7 == 0 else year, indicator, value])
        if k % 500 == 0:
            messy.append(["", "", "", ""])  # a ",,," row inside the table
    messy += [["", "", "", ""]] * 3  # and the ones a spreadsheet export leaves at the end
    path = tmp_path / "indicator_values.csv"
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        csv.writer(fh, lineterminator="\r\n", quoting=csv.QUOTE_NONNUMERIC).writerows(messy)
    db = tmp_path / "wh" / "warehouse.duckdb"
    db.parent.mkdir()
    proc = subprocess.run(
        [sys.executable, "-m", "resilience.cli", "build", "--db", str(db),
         "--input", f"indicator_values={path}"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    got, want = fingerprint(db, ("marts",)), fingerprint(cli_built_warehouse, ("marts",))
    assert set(got) == set(want)
    assert [t for t in want if got[t] != want[t]] == ["marts.dim_input_files"]
