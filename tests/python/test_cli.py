"""The command line: complete --help, meaningful exit codes, one-line reasons."""

from __future__ import annotations

import json
import re

import duckdb
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from resilience.cli import app

COMMANDS = [
    "estimate",
    "sensitivity",
    "report",
    "export",
    "index",
    "regress",
    "sql",
    "hausman",
    "import",
    "docs",
    "example-us",
]
runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, list(args))


def test_top_level_help_lists_commands_and_exit_codes():
    result = invoke("--help")
    assert result.exit_code == 0
    for command in COMMANDS:
        assert command in result.output
    assert "Exit codes" in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    result = invoke(command, "--help")
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    # every option carries a help text (no bare option in the listing)
    assert "--help" in result.output


@pytest.fixture()
def panel_csv(tmp_path):
    """A small simulated panel with known slope 2 on x (30 units, 10 years)."""
    rng = np.random.default_rng(7)
    units, years = 30, 10
    frame = pd.DataFrame(
        {
            "unit": np.repeat([f"u{i:02d}" for i in range(units)], years),
            "year": np.tile(np.arange(2000, 2000 + years), units),
        }
    )
    effect = np.repeat(rng.normal(size=units), years)
    frame["x"] = rng.normal(size=len(frame)) + effect
    frame["w"] = rng.normal(size=len(frame))
    frame["y"] = 2.0 * frame.x - 0.5 * frame.w + effect + rng.normal(scale=0.1, size=len(frame))
    path = tmp_path / "panel.csv"
    frame.to_csv(path, index=False)
    return path


def test_regress_on_a_csv_file(panel_csv):
    result = invoke(
        "regress",
        "y ~ x + w + EntityEffects + TimeEffects",
        "--data",
        str(panel_csv),
        "--entity",
        "unit",
        "--json",
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    slope = {c["term"]: c["estimate"] for c in payload["coefficients"]}["x"]
    assert slope == pytest.approx(2.0, abs=0.05)
    assert payload["nobs"] == 300


def test_regress_table_output_and_where(panel_csv):
    result = invoke(
        "regress",
        "y ~ x + EntityEffects",
        "--data",
        str(panel_csv),
        "--entity",
        "unit",
        "--where",
        "year >= 2005",
    )
    assert result.exit_code == 0, result.output
    assert "N = 150" in result.output
    assert "R² within" in result.output and "R² LSDV" in result.output


def test_regress_prints_small_coefficients_and_both_f_statistics(panel_csv, tmp_path):
    """A coefficient of 1e-5 is not printed 0.0000; the two F statistics are named."""
    frame = pd.read_csv(panel_csv)
    frame["x_small"] = frame["x"] * 1e5  # slope 2e-5
    small = tmp_path / "small.csv"
    frame.to_csv(small, index=False)
    result = invoke(
        "regress",
        "y ~ x_small + w + EntityEffects + TimeEffects",
        "--data",
        str(small),
        "--entity",
        "unit",
    )
    assert result.exit_code == 0, result.output
    row = next(
        line for line in result.output.splitlines() if " x_small " in line and "~" not in line
    )
    assert re.search(r"\b(1\.9|2\.0)\d*e-05\b", row) and "0.0000 " not in row, row
    assert "F(2, " in result.output and "of the named regressors" in result.output
    assert "year dummies included (Stata's model F)" in result.output


def test_regress_from_warehouse_table_read_only(tmp_path, panel_csv):
    db = tmp_path / "w.duckdb"
    con = duckdb.connect(str(db))
    con.execute("create schema marts")
    con.execute(f"create table marts.p as select * from read_csv_auto('{panel_csv}')")
    con.close()
    result = invoke(
        "regress", "y ~ x + EntityEffects", "--data", "marts.p", "--db", str(db), "--entity", "unit"
    )
    assert result.exit_code == 0, result.output
    # the file is closed again: a writer can open it right away
    duckdb.connect(str(db)).close()


def test_regress_unknown_table_lists_what_exists(tmp_path):
    db = tmp_path / "w.duckdb"
    con = duckdb.connect(str(db))
    con.execute("create schema marts")
    con.execute("create table marts.panel_a (x int)")
    con.close()
    result = invoke("regress", "y ~ x", "--data", "marts.nope", "--db", str(db))
    assert result.exit_code == 6
    assert "marts.nope not found" in result.output and "panel_a" in result.output


def test_regress_bad_formula_is_exit_2_with_one_line(panel_csv):
    result = invoke("regress", "y = x", "--data", str(panel_csv), "--entity", "unit")
    assert result.exit_code == 2
    assert result.output.startswith("error:")
    assert "Traceback" not in result.output


def test_regress_missing_column_is_exit_2(panel_csv):
    result = invoke(
        "regress", "y ~ nope + EntityEffects", "--data", str(panel_csv), "--entity", "unit"
    )
    assert result.exit_code == 2, result.output
    assert "nope" in result.output


def test_regress_missing_file_and_bad_data_spec(tmp_path):
    assert invoke("regress", "y ~ x", "--data", str(tmp_path / "no.csv")).exit_code == 2
    result = invoke("regress", "y ~ x", "--data", "not a table")
    assert result.exit_code == 2 and "SCHEMA.TABLE" in result.output


def test_regress_without_warehouse_is_exit_6(tmp_path):
    result = invoke("regress", "y ~ x", "--data", "marts.p", "--db", str(tmp_path / "none.duckdb"))
    assert result.exit_code == 6
    assert "resilience build" in result.output


def test_hausman_json(panel_csv):
    result = invoke(
        "hausman",
        "y ~ x + w + EntityEffects",
        "--data",
        str(panel_csv),
        "--entity",
        "unit",
        "--json",
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["df"] == 2


def test_hausman_sigmamore_option(panel_csv):
    args = ["hausman", "y ~ x + w", "--data", str(panel_csv), "--entity", "unit", "--json"]
    result = invoke(*args, "--sigma", "more")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["sigma"] == "more"
    bad = invoke(*args, "--sigma", "sometimes")
    assert bad.exit_code == 2 and "sigma" in bad.output


def test_import_writes_long_file_and_reports(tmp_path):
    table = tmp_path / "gdp.csv"
    table.write_text("地区,2021年,2022年\n北京市,1,2\n河北,…,4\n全国,9,9\n", encoding="utf-8")
    out = tmp_path / "values.csv"
    result = invoke("import", str(table), "--indicator", "gdp", "--out", str(out))
    assert result.exit_code == 0, result.output
    long = pd.read_csv(out, dtype={"unit_id": str})
    assert len(long) == 4 and long.value.isna().sum() == 1
    assert "national total" in result.output


def test_import_report_lists_every_cell_not_imported(tmp_path):
    # by hand: header 3 cells, labels 北京市 and 河北, the national total's 3 cells
    table = tmp_path / "gdp.csv"
    table.write_text("地区,2021年,2022年\n北京市,1,2\n\n河北,…,4\n全国,9,9\n", encoding="utf-8")
    report = tmp_path / "report.csv"
    result = invoke(
        "import", str(table), "--indicator", "gdp", "--out", str(tmp_path / "v.csv"),
        "--report", str(report),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    cells = pd.read_csv(report, dtype=str)
    assert cells.groupby("reason").size().to_dict() == {
        "header": 3, "national total": 3, "row label": 2,
    }  # fmt: skip
    assert cells.query("reason == 'national total'")[["row", "column"]].values.tolist() == [
        ["5", "A"], ["5", "B"], ["5", "C"],
    ]  # fmt: skip


def test_import_unknown_names_exit_2_listing_them(tmp_path):
    table = tmp_path / "gdp.csv"
    table.write_text("Region,2021\nBeijing,1\nGotham,2\nMordor,3\n", encoding="utf-8")
    result = invoke("import", str(table), "--out", str(tmp_path / "v.csv"))
    assert result.exit_code == 2
    assert "'Gotham'" in result.output and "'Mordor'" in result.output
    assert not (tmp_path / "v.csv").exists()


def test_import_indicator_with_several_files_is_refused(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    for path in (a, b):
        path.write_text("Region,2021\nBeijing,1\n")
    result = invoke("import", str(a), str(b), "--indicator", "x")
    assert result.exit_code == 2


def test_estimate_and_docs_without_warehouse_are_exit_6(tmp_path):
    missing = str(tmp_path / "none.duckdb")
    for command in ("estimate", "docs"):
        result = invoke(command, "--db", missing)
        assert result.exit_code == 6, (command, result.output)
        assert "does not exist" in result.output


def test_index_missing_files_is_exit_2(tmp_path):
    result = invoke("index", str(tmp_path / "v.csv"), str(tmp_path / "s.csv"))
    assert result.exit_code in (2, 6)
    assert result.output.startswith("error:")


@pytest.mark.slow
def test_index_on_the_us_example_files(tmp_path):
    from resilience.example_us import SYSTEM_CSV, VALUES_CSV

    result = invoke("index", str(VALUES_CSV), str(SYSTEM_CSV), "--out-dir", str(tmp_path))
    assert result.exit_code == 0, result.output
    weights = pd.read_csv(tmp_path / "weights.csv")
    assert weights.weight.sum() == pytest.approx(1.0)
    assert (tmp_path / "scores.csv").exists()


@pytest.mark.slow
def test_index_bad_direction_fails_with_reason(tmp_path):
    from resilience.example_us import SYSTEM_CSV, VALUES_CSV

    system = pd.read_csv(SYSTEM_CSV)
    system.loc[0, "direction"] = "up"
    bad = tmp_path / "system.csv"
    system.to_csv(bad, index=False)
    result = invoke("index", str(VALUES_CSV), str(bad))
    assert result.exit_code != 0
    assert result.output.startswith("error:")
    assert "Traceback" not in result.output


@pytest.mark.slow
def test_estimate_selected_tables_comma_separated(built_warehouse, tmp_path):
    db = tmp_path / "warehouse.duckdb"
    db.write_bytes(built_warehouse.read_bytes())
    out = tmp_path / "tables"
    result = invoke(
        "estimate", "--db", str(db), "--tables", "wl_table2,ch_table2", "--out-dir", str(out)
    )
    assert result.exit_code == 0, result.output
    with duckdb.connect(str(db), read_only=True) as con:
        tables = {
            r[0] for r in con.execute("select distinct table_id from results.models").fetchall()
        }
    assert tables == {"wl_table2", "ch_table2"}
    assert sorted(p.name for p in out.glob("*.md")) == ["ch_table2.md", "wl_table2.md"]


def test_hausman_compare_option(panel_csv):
    args = ["hausman", "y ~ x + w + TimeEffects", "--data", str(panel_csv), "--entity", "unit"]
    shared = json.loads(invoke(*args, "--json").output)
    named = json.loads(invoke(*args, "--json", "--compare", "named").output)
    assert shared["compare"] == "shared" and named["compare"] == "named"
    assert named["terms"] == ["x", "w"] and len(shared["terms"]) > 2
    assert isinstance(shared["positive_definite"], bool)
    shown = invoke(*args)
    assert shown.exit_code == 0 and "compared: shared (Stata default)" in shown.output
    # laid out as Stata prints it: b, B, b-B and sqrt(diag(V_b-V_B)) per coefficient
    for heading in ("(b) fe", "(B) re", "(b-B) Difference", "sqrt(diag(V_b-V_B)) S.E."):
        assert heading in shown.output
    assert "None" not in shown.output
    assert "H < 0, no p-value" in shown.output  # these data: H < 0, said so, not 'pvalue None'
    more = invoke(*args, "--sigma", "more")
    assert more.exit_code == 0 and "Prob > chi2 = " in more.output
    bad = invoke(*args, "--compare", "all")
    assert bad.exit_code == 2 and "compare" in bad.output


def test_sql_queries_the_warehouse_read_only(built_warehouse, tmp_path):
    """`resilience sql` is the README's `duckdb FILE "SQL"`: rows out, nothing written."""
    import hashlib
    import shutil

    db = tmp_path / "warehouse.duckdb"
    shutil.copy2(built_warehouse, db)
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    shown = invoke(
        "sql", "select index_name, count(*) as k from marts.fct_index_weights group by 1 "
        "order by 1", "--db", str(db),
    )  # fmt: skip
    assert shown.exit_code == 0, shown.output
    assert "dataflow" in shown.output and "2 row(s)" in shown.output
    as_csv = invoke(
        "sql", "select index_name, count(*) as k from marts.fct_index_weights group by 1 "
        "order by 1", "--db", str(db), "--csv",
    )  # fmt: skip
    assert as_csv.output == "index_name,k\ndataflow,11\nresilience,14\n"
    write = invoke("sql", "drop table marts.fct_index_weights", "--db", str(db))
    assert write.exit_code == 2 and "read-only" in write.output
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    missing = invoke("sql", "select 1", "--db", str(tmp_path / "none.duckdb"))
    assert missing.exit_code == 6


@pytest.mark.slow
def test_sql_runs_an_analysis_whole(built_warehouse):
    """--analysis compiles analysis/NAME.sql with dbt and prints values uncut (dbt show: 0.098…)."""
    result = invoke(
        "sql", "--analysis", "weights_vs_published", "--db", str(built_warehouse), "--csv"
    )
    assert result.exit_code == 0, result.output
    header, first = result.output.splitlines()[:2]
    assert header.startswith("index_name,dimension,indicator")
    assert "…" not in result.output and len(first.split(",")[4]) > 8  # the weight, all digits
    unknown = invoke("sql", "--analysis", "nosuch", "--db", str(built_warehouse))
    assert unknown.exit_code == 2 and "correlation_matrix" in unknown.output
    both = invoke("sql", "select 1", "--analysis", "nosuch", "--db", str(built_warehouse))
    assert both.exit_code == 2


@pytest.mark.parametrize("command", ["regress", "hausman"])
def test_entity_and_time_options_name_themselves(panel_csv, command):
    """A wrong --entity is the option's fault, not the formula's (exit 2, columns listed)."""
    bad_entity = invoke(command, "y ~ x + w", "--data", str(panel_csv), "--entity", "nosuch")
    assert bad_entity.exit_code == 2
    assert "--entity 'nosuch' is not a column of" in bad_entity.output
    assert "unit" in bad_entity.output
    bad_time = invoke(command, "y ~ x", "--data", str(panel_csv), "--entity", "unit", "--time", "t")
    assert bad_time.exit_code == 2 and "--time 't' is not a column" in bad_time.output
