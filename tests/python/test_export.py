"""`resilience export`: dta, xlsx, parquet and csv round-trips, labels, renames, failures.

Most tests run on a small DuckDB file made here (odd column names, NULLs, booleans, a
long text, a time-zone timestamp, comments as dbt's persist_docs writes them); the tests
marked slow export the built warehouse (``built_warehouse``) and compare every panel with
DuckDB.
"""

from __future__ import annotations

import csv
import errno
import math
import os
from datetime import date, datetime
from pathlib import Path

import duckdb
import numpy as np
import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pyreadstat
import pytest
from typer.testing import CliRunner

from resilience import export as export_module
from resilience.cli import app

runner = CliRunner()
LONG_TEXT = "é" * 1500  # 3000 bytes in UTF-8: longer than Stata's str2045
WIDE = "a_column_name_that_is_much_longer_than_stata_allows"
DESCRIPTION = (
    "The x of the panel, a value with a description longer than eighty characters, "
    "so Stata gets it cut."
)


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture()
def tiny_db(tmp_path) -> Path:
    """A warehouse-shaped DuckDB file: marts.odd, marts.dim_input_files, results.coefficients."""
    path = tmp_path / "tiny.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create schema marts; create schema results")
    con.execute(
        f"""
        create table marts.odd (
            unit varchar, year integer, x double, flag boolean, n bigint, note varchar,
            "1st value" double, "in" integer, {WIDE}_one double, {WIDE}_two double,
            seen_at timestamptz, day date
        )"""
    )
    con.execute(
        "insert into marts.odd values "
        "('a', 2001, 0.1, true, 5, 'plain', 1e-300, 1, 1, 2, "
        " '2020-01-02 03:04:05.123+00', '2020-01-02'),"
        "('b', 2002, 1.0/3, false, null, null, -2.5e300, 2, 3, 4, null, null),"
        f"('c', 2003, null, null, 9007199254740991, '{LONG_TEXT}', 0.30000000000000004, 3, 5, 6,"
        " '2021-06-30 23:59:59+02', '2021-06-30')"
    )
    comments = {
        "unit": "Panel unit.",
        "year": "Calendar year.",
        "x": DESCRIPTION,
        "flag": "True when flagged.",
        "n": "A count.",
        "note": "Free text.",
        "1st value": "The first value.",
        "in": "Named like a Stata keyword.",
        f"{WIDE}_one": "First long name.",
        f"{WIDE}_two": "Second long name.",
        "seen_at": "When it was seen.",
        "day": "The day.",
    }
    for column, text in comments.items():
        con.execute(f"comment on column marts.odd.\"{column}\" is '{text}'")
    con.execute("comment on table marts.odd is 'Odd little table: one row per unit.'")
    con.execute(
        "create table marts.dim_input_files as "
        "select 'indicator_values' as input_name, true as is_present, "
        "false as is_synthetic_demo"
    )
    con.execute(
        "create table results.coefficients as select 'm1' as model_id, 'x' as term, "
        "0.5 :: double as estimate"
    )
    con.close()
    return path


def read_odd(db: Path) -> pd.DataFrame:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.sql("select * from marts.odd").df()


# ------------------------------------------------------------------ names and labels ---
def test_stata_names_are_valid_unique_and_keep_good_names():
    names = ["year", "1st value", "in", "int", "_n", "str12", WIDE + "_one", WIDE + "_two", "é"]
    safe = export_module.stata_names(names)
    assert safe[0] == "year"
    assert safe[1] == "_1st_value"
    assert safe[2:5] == ["in_", "int_", "_n_"]
    assert safe[5] == "str12_"
    assert safe[6] == WIDE[:32]
    assert safe[7] == WIDE[:30] + "_2"
    assert len(set(safe)) == len(safe)
    for name in safe:
        assert len(name) <= 32
        assert name[0].isalpha() or name[0] == "_"
        assert all(c.isascii() and (c.isalnum() or c == "_") for c in name)


def test_stata_label_cuts_to_80_characters():
    assert export_module.stata_label("short\n  text") == "short text"
    cut = export_module.stata_label(DESCRIPTION)
    assert len(cut) == 80 and cut.endswith("…")


def test_sheet_names_are_short_unique_and_avoid_the_fixed_sheets():
    def table(schema, name):
        return export_module.Table(schema, name, "", [], None)

    tables = [
        table("marts", "fct_index_indicator_correlations"),
        table("marts", "fct_index_indicator_correlations_x"),
        table("marts", "models"),
        table("results", "models"),
        table("results", "columns"),
    ]
    sheets = export_module.sheet_names(tables)
    assert sheets[0] == "fct_index_indicator_correlation"
    assert sheets[1] == "fct_index_indicator_correlati~2"
    assert sheets[2:4] == ["marts_models", "results_models"]
    assert sheets[4] == "columns~2"
    assert all(len(s) <= 31 for s in sheets)


# ------------------------------------------------------------------ formats ------------
def test_dta_round_trip_with_labels_and_renames(tiny_db, tmp_path):
    out = tmp_path / "dta"
    result = invoke("export", "marts.odd", "--format", "dta", "--out", out, "--db", tiny_db)
    assert result.exit_code == 0, result.output
    assert "column '1st value' renamed '_1st_value' for Stata" in result.output
    assert "column 'in' renamed 'in_' for Stata" in result.output
    assert "written as strL" in result.output
    frame, meta = pyreadstat.read_dta(str(out / "marts_odd.dta"))
    expected = read_odd(tiny_db)
    assert list(frame.columns) == export_module.stata_names(list(expected.columns))
    # doubles exactly, NULL -> missing
    np.testing.assert_array_equal(frame["x"].to_numpy(), expected["x"].to_numpy())
    np.testing.assert_array_equal(frame["_1st_value"], expected["1st value"])
    assert frame["flag"].tolist()[:2] == [1, 0] and math.isnan(frame["flag"][2])
    assert frame["n"][0] == 5 and math.isnan(frame["n"][1])
    assert frame["n"][2] == 9007199254740991
    assert frame["note"].tolist() == ["plain", "", LONG_TEXT]  # a Stata missing string is ""
    assert frame["year"].tolist() == [2001, 2002, 2003]
    assert frame["day"][0] == date(2020, 1, 2)
    assert frame["seen_at"][2] == pd.Timestamp("2021-06-30 21:59:59")  # in UTC
    # labels
    labels = meta.column_names_to_labels
    assert labels["unit"] == "Panel unit."
    assert labels["x"] == export_module.stata_label(DESCRIPTION) and len(labels["x"]) == 80
    assert labels["_1st_value"] == "[1st value] The first value."
    assert labels[WIDE[:30] + "_2"].startswith(f"[{WIDE}_two]")
    assert meta.variable_value_labels == {"flag": {0: "no", 1: "yes"}}
    assert meta.file_label == "Odd little table: one row per unit."
    # the data dictionary names every rename
    rows = list(csv.DictReader((out / "columns.csv").open(encoding="utf-8")))
    renamed = {r["column"]: r["name_in_file"] for r in rows if r["renamed"] == "yes"}
    assert renamed == {
        "1st value": "_1st_value",
        "in": "in_",
        f"{WIDE}_one": WIDE[:32],
        f"{WIDE}_two": WIDE[:30] + "_2",
    }
    assert next(r for r in rows if r["column"] == "x")["description"] == DESCRIPTION
    assert next(r for r in rows if r["column"] == "note")["type_in_file"] == "strL"
    assert "REAL DATA" in (out / "README.txt").read_text(encoding="utf-8")
    assert sorted(p.name for p in out.iterdir()) == ["README.txt", "columns.csv", "marts_odd.dta"]


def test_parquet_round_trip_is_exact(tiny_db, tmp_path):
    out = tmp_path / "pq"
    result = invoke("export", "marts.odd", "results.coefficients", "--format", "parquet",
                    "--out", out, "--db", tiny_db)  # fmt: skip
    assert result.exit_code == 0, result.output
    with duckdb.connect(str(tiny_db), read_only=True) as con:
        expected = con.sql("select * from marts.odd").to_arrow_table()
    table = pq.read_table(out / "marts_odd.parquet")
    assert table.equals(expected.cast(table.schema))
    assert table.schema.field("x").metadata[b"description"] == DESCRIPTION.encode()
    assert table.schema.metadata[b"table"] == b"marts.odd"
    assert (out / "results_coefficients.parquet").exists()
    rows = list(csv.DictReader((out / "columns.csv").open(encoding="utf-8")))
    assert {r["table"] for r in rows} == {"marts.odd", "results.coefficients"}
    described = {
        r["column"]: r["description"] for r in rows if r["table"] == "results.coefficients"
    }
    assert described["estimate"] == "Coefficient estimate."  # results: from results.DESCRIPTIONS


def test_csv_round_trip_keeps_every_float(tiny_db, tmp_path):
    out = tmp_path / "csv"
    result = invoke("export", "marts.odd", "--format", "csv", "--out", out, "--db", tiny_db)
    assert result.exit_code == 0, result.output
    text = (out / "marts_odd.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith('"unit","year","x","flag","n","note","1st value"')
    assert text.splitlines()[2].startswith('"b",2002,0.3333333333333333,false,,,')  # NULL: empty
    back = pd.read_csv(out / "marts_odd.csv", dtype=str, keep_default_na=False)
    expected = read_odd(tiny_db)
    for column in ("x", "1st value"):
        got = [float(v) if v else None for v in back[column]]
        want = [None if pd.isna(v) else float(v) for v in expected[column]]
        assert got == want  # shortest repr: float(text) is the same double
    assert back["flag"].tolist() == ["true", "false", ""]
    assert back["n"].tolist() == ["5", "", "9007199254740991"]
    assert back["note"].tolist() == ["plain", "", LONG_TEXT]
    assert back["seen_at"][1] == ""
    assert pd.Timestamp(back["seen_at"][0]) == pd.Timestamp("2020-01-02 03:04:05.123", tz="UTC")
    assert pd.Timestamp(back["seen_at"][2]) == pd.Timestamp("2021-06-30 21:59:59", tz="UTC")
    assert (out / "columns.csv").exists()


def test_xlsx_sheets_columns_and_readme(tiny_db, tmp_path):
    out = tmp_path / "xlsx"
    result = invoke("export", "marts.odd", "results.coefficients", "--format", "xlsx",
                    "--out", out, "--db", tiny_db)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["resilience_export.xlsx"]
    book = openpyxl.load_workbook(out / "resilience_export.xlsx")
    assert book.sheetnames == ["README", "columns", "odd", "coefficients"]
    readme = "\n".join(str(v) for row in book["README"].iter_rows(values_only=True) for v in row)
    assert "REAL DATA" in readme and str(tiny_db.resolve()) in readme
    assert "not recorded" in readme  # no warehouse_meta.builds in this file
    columns = list(book["columns"].iter_rows(values_only=True))
    assert columns[0] == ("table", "sheet", "rows", "column", "type", "description")
    assert ("marts.odd", "odd", 3, "x", "DOUBLE", DESCRIPTION) in columns
    assert ("results.coefficients", "coefficients", 1, "estimate", "DOUBLE",
            "Coefficient estimate.") in columns  # fmt: skip
    odd = list(book["odd"].iter_rows(values_only=True))
    expected = read_odd(tiny_db)
    assert list(odd[0]) == list(expected.columns)
    assert [r[0] for r in odd[1:]] == ["a", "b", "c"]
    assert [r[3] for r in odd[1:]] == [True, False, None]
    assert odd[2][4] is None and odd[3][4] == 9007199254740991
    for got, want in zip([r[2] for r in odd[1:]], expected["x"], strict=True):
        assert (got is None and pd.isna(want)) or got == pytest.approx(want, rel=1e-15)
    assert odd[1][10] == datetime(2020, 1, 2, 3, 4, 5, 123000)


def test_synthetic_inputs_are_labelled(tiny_db, tmp_path):
    with duckdb.connect(str(tiny_db)) as con:
        con.execute("update marts.dim_input_files set is_synthetic_demo = true")
        con.execute("create schema warehouse_meta")
        con.execute(
            "create table warehouse_meta.builds as "
            "select 'b-123' as build_id, timestamptz '2026-01-02 03:04:05+00' as built_at"
        )
    result = invoke("export", "--all", "--format", "xlsx", "--out", tmp_path / "x", "--db", tiny_db)
    assert result.exit_code == 0, result.output
    assert "SYNTHETIC demo data" in result.output
    book = openpyxl.load_workbook(tmp_path / "x" / "resilience_export.xlsx")
    readme = "\n".join(str(v) for row in book["README"].iter_rows(values_only=True) for v in row)
    assert "SYNTHETIC demo data" in readme and "b-123" in readme and "2026-01-02" in readme
    assert book.sheetnames == ["README", "columns", "dim_input_files", "odd", "coefficients"]


def test_export_replaces_an_older_file_whole(tiny_db, tmp_path):
    out = tmp_path / "csv"
    out.mkdir()
    (out / "marts_odd.csv").write_text("old")
    result = invoke("export", "marts.odd", "--format", "csv", "--out", out, "--db", tiny_db)
    assert result.exit_code == 0, result.output
    assert (out / "marts_odd.csv").read_text(encoding="utf-8").startswith('"unit",')
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_all_exports_tables_and_a_view_only_when_named(tmp_path):
    """--all leaves views out (marts.fct_index_variant_scores: more rows than a sheet)."""
    db = tmp_path / "view.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.t as select 1 as a")
        con.execute("create view marts.v as select a from marts.t")
    result = invoke("export", "--all", "--format", "csv", "--out", tmp_path / "all", "--db", db)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "all").glob("marts_*.csv")) == ["marts_t.csv"]
    result = invoke("export", "marts.v", "--format", "csv", "--out", tmp_path / "v", "--db", db)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "v" / "marts_v.csv").exists()


@pytest.mark.parametrize("fmt", export_module.FORMATS)
def test_empty_tables_null_columns_and_other_types(tmp_path, fmt):
    """No rows, all-NULL columns, a list, a decimal and an interval: exported, odd types as text."""
    db = tmp_path / "odd_types.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.empty (a integer, b boolean, c varchar, t timestamptz)")
        con.execute(
            "create table marts.other as select null::integer as a, null::boolean as b, "
            "null::varchar as c, [1, 2] as l, 1.25::decimal(5, 2) as dec, interval 1 day as iv"
        )
    out = tmp_path / fmt
    result = invoke("export", "--all", "--format", fmt, "--out", out, "--db", db)
    assert result.exit_code == 0, result.output
    if fmt == "xlsx":
        book = openpyxl.load_workbook(out / "resilience_export.xlsx")
        assert list(book["other"].iter_rows(values_only=True))[1] == (
            None, None, None, "[1, 2]", 1.25, "1 day",
        )  # fmt: skip
        assert book["empty"].max_row == 1
        return
    rows = list(csv.DictReader((out / "columns.csv").open(encoding="utf-8")))
    written = {r["column"]: r["type_in_file"] for r in rows if r["table"] == "marts.other"}
    if fmt == "dta":
        frame, _ = pyreadstat.read_dta(str(out / "marts_other.dta"))
        assert frame["l"][0] == "[1, 2]" and frame["iv"][0] == "1 day" and frame["dec"][0] == 1.25
        assert len(pyreadstat.read_dta(str(out / "marts_empty.dta"))[0]) == 0
    else:
        assert written["l"] == "VARCHAR (the text of INTEGER[])"
        if fmt == "parquet":
            table = pq.read_table(out / "marts_other.parquet")
            assert table.column("l").to_pylist() == ["[1, 2]"]
            assert pq.read_table(out / "marts_empty.parquet").num_rows == 0


# ------------------------------------------------------------------ failures -----------
def test_unknown_table_exits_2_naming_the_tables(tiny_db, tmp_path):
    result = invoke("export", "marts.nope", "-f", "csv", "--out", tmp_path / "o", "--db", tiny_db)
    assert result.exit_code == 2
    assert (
        "error: marts.nope not found in the warehouse; tables in marts: dim_input_files, odd"
        in result.output
    )
    assert not (tmp_path / "o").exists()
    result = invoke("export", "nope.odd", "-f", "csv", "--out", tmp_path / "o", "--db", tiny_db)
    assert result.exit_code == 2 and "no schema nope (schemas: marts, results)" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--format", "csv"), "name the tables to export"),
        (("odd", "--format", "csv"), "'odd' is not SCHEMA.TABLE"),
        (("marts.odd", "--format", "sav"), "--format 'sav': expected one of dta, xlsx"),
        (("marts.odd",), "Missing option '--format'"),
    ],
)
def test_bad_arguments_exit_2(tiny_db, tmp_path, args, message):
    result = invoke("export", *args, "--out", tmp_path / "o", "--db", tiny_db)
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_missing_warehouse_exits_6(tmp_path):
    result = invoke(
        "export", "--all", "-f", "dta", "--out", tmp_path / "o", "--db", tmp_path / "none.duckdb"
    )
    assert result.exit_code == 6
    assert "does not exist: run `resilience build`" in result.output


def test_output_folder_under_a_file_exits_7(tiny_db, tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    result = invoke("export", "marts.odd", "-f", "csv", "--out", blocker / "out", "--db", tiny_db)
    assert result.exit_code == 7, result.output
    assert "Not a directory" in result.output and "cannot export" in result.output


@pytest.mark.parametrize(
    ("fmt", "code"),
    [
        ("dta", errno.ENOSPC),
        ("xlsx", errno.EACCES),
        ("parquet", errno.EROFS),
        ("csv", errno.EACCES),
        ("csv", errno.ENOSPC),
    ],
)
def test_refused_write_exits_7_and_leaves_no_half_written_file(
    tiny_db, tmp_path, monkeypatch, fmt, code
):
    """The file system refuses the file after its bytes are out (disk full, permission
    denied, read-only): exit 7 naming the cause, no temporary or partial file left."""
    out = tmp_path / "out"
    real_replace = export_module.os.replace

    def refuse(src, dst):
        Path(src).write_bytes(b"partial")
        raise OSError(code, os.strerror(code), str(src))

    monkeypatch.setattr(export_module.os, "replace", refuse)
    result = invoke("export", "marts.odd", "--format", fmt, "--out", out, "--db", tiny_db)
    monkeypatch.setattr(export_module.os, "replace", real_replace)
    assert result.exit_code == 7, result.output
    assert os.strerror(code) in result.output
    assert "cannot export" in result.output and "no half-written file" in result.output
    assert list(out.iterdir()) == []


def test_unwritable_folder_exits_7(tiny_db, tmp_path):
    if os.geteuid() == 0:
        pytest.skip(
            "root writes into a read-only folder; the ENOTDIR case and the injected EACCES, EROFS and ENOSPC cases cover it"
        )
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o500)
    try:
        result = invoke("export", "marts.odd", "-f", "csv", "--out", out, "--db", tiny_db)
    finally:
        out.chmod(0o700)
    assert result.exit_code == 7, result.output
    assert "Permission denied" in result.output


def test_help_is_complete():
    result = invoke("export", "--help")
    assert result.exit_code == 0
    for word in ("--all", "--format", "--out", "--db", "dta", "xlsx", "parquet", "csv"):
        assert word in result.output


# ------------------------------------------------------------------ the warehouse ------
PANELS = ["marts.panel_spillover_resilience", "marts.panel_dataflow_export"]


@pytest.fixture(scope="module")
def exported(built_warehouse, tmp_path_factory):
    """The built warehouse exported with --all in every format (one folder per format)."""
    root = tmp_path_factory.mktemp("export_all")
    for fmt in export_module.FORMATS:
        result = invoke("export", "--all", "--format", fmt, "--out", root / fmt,
                        "--db", built_warehouse)  # fmt: skip
        assert result.exit_code == 0, result.output
    return root


def warehouse_frame(db: Path, name: str) -> pd.DataFrame:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.sql(f"select * from {name}").df()


@pytest.mark.slow
def test_warehouse_comments_are_populated(built_warehouse):
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        (missing,) = con.execute(
            "select count(*) from duckdb_columns() where schema_name = 'marts' "
            "and coalesce(comment, '') = ''"
        ).fetchone()
        (tables,) = con.execute(
            "select count(*) from duckdb_tables() where schema_name = 'marts' "
            "and coalesce(comment, '') = ''"
        ).fetchone()
    assert missing == 0 and tables == 0


@pytest.mark.slow
@pytest.mark.parametrize("panel", PANELS)
def test_warehouse_panels_round_trip(built_warehouse, exported, panel):
    expected = warehouse_frame(built_warehouse, panel)
    stem = panel.replace(".", "_")
    floats = [c for c in expected.columns if expected[c].dtype.kind == "f"]
    # dta: every float64 exactly, every column labelled, flags labelled no/yes
    frame, meta = pyreadstat.read_dta(str(exported / "dta" / f"{stem}.dta"))
    assert list(frame.columns) == list(expected.columns)  # no rename needed on the panels
    for column in floats:
        np.testing.assert_array_equal(frame[column].to_numpy(), expected[column].to_numpy())
    assert all(meta.column_names_to_labels[c] for c in frame.columns)
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        flags = [
            c
            for (c,) in con.execute(
                "select column_name from duckdb_columns() where schema_name || '.' || "
                "table_name = ? and data_type = 'BOOLEAN'",
                [panel],
            ).fetchall()
        ]
    assert flags and all(meta.variable_value_labels[c] == {0: "no", 1: "yes"} for c in flags)
    assert meta.file_label
    # parquet: identical to DuckDB's own Arrow
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        arrow = con.sql(f"select * from {panel}").to_arrow_table()
    table = pq.read_table(exported / "parquet" / f"{stem}.parquet")
    assert table.equals(arrow.cast(table.schema))
    # csv: DuckDB reads it back to the same doubles
    with duckdb.connect() as con:
        back = con.execute(
            "select * from read_csv(?, header = true, all_varchar = true)",
            [str(exported / "csv" / f"{stem}.csv")],
        ).df()
    for column in floats:
        got = [float(v) if isinstance(v, str) else None for v in back[column]]
        want = [None if pd.isna(v) else float(v) for v in expected[column]]
        assert got == want, column
    # xlsx: a sheet per table, described in 'columns'
    book = openpyxl.load_workbook(exported / "xlsx" / "resilience_export.xlsx", read_only=True)
    sheet = panel.split(".")[1]
    assert sheet in book.sheetnames
    rows = list(book[sheet].iter_rows(values_only=True))
    assert len(rows) == len(expected) + 1 and list(rows[0]) == list(expected.columns)


@pytest.mark.slow
def test_warehouse_all_exports_every_mart_and_result(built_warehouse, exported):
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        names = [
            f"{s}_{t}"
            for s, t in con.execute(
                "select table_schema, table_name from information_schema.tables "
                "where table_schema in ('marts', 'results') and table_type = 'BASE TABLE' "
                "order by 1, 2"
            ).fetchall()
        ]
    assert set(PANELS) <= {n.replace("_", ".", 1) for n in names}
    for fmt in ("dta", "parquet", "csv"):
        files = sorted(p.stem for p in (exported / fmt).glob(f"*.{fmt}") if p.stem != "columns")
        assert files == names
    readme = (exported / "csv" / "README.txt").read_text(encoding="utf-8")
    assert "SYNTHETIC demo data" in readme  # the demo build
    book = openpyxl.load_workbook(exported / "xlsx" / "resilience_export.xlsx", read_only=True)
    columns = list(book["columns"].iter_rows(values_only=True))[1:]
    assert all(row[5] for row in columns), [r[:4] for r in columns if not r[5]]
