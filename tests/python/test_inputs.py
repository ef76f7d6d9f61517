"""Raw inputs as declared sources: ``resilience build --inputs DIR``, skipping, pre-flight.

* a folder holding a copy of the demo files reproduces the demo marts exactly (compared
  with the session warehouse that plain ``dbt build`` made from the path vars' defaults);
* a folder missing an input skips exactly the models downstream of it, and says so;
* every wide input's pre-flight names file, line, unit, year and column, exit code 2,
  before dbt runs (so these need no build).
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from conftest import query
from resilience import build as build_module
from resilience import inputs
from resilience.fingerprint import fingerprint

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEMO = PROJECT_ROOT / "data" / "demo"
INPUT_FILES = [f"{i.name}.csv" for i in inputs.INPUTS if not i.optional]


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "resilience.cli", *args], cwd=PROJECT_ROOT, capture_output=True,
        text=True, timeout=600, env={**os.environ, "COLUMNS": "250"},
    )  # fmt: skip


def demo_copy(dest: Path, leave_out: tuple[str, ...] = ()) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for name in INPUT_FILES:
        if name not in leave_out:
            shutil.copy2(DEMO / name, dest / name)
    return dest


def rewrite(path: Path, edit) -> None:
    """Apply ``edit(rows)`` to a CSV's data rows (lists of cells) in place."""
    with open(path, encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    edit(header, body)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows([header, *body])


def preflight_refusal(tmp_path: Path, folder: Path) -> list[str]:
    """Build from ``folder``; assert exit 2 before dbt ran; return the stored problems.

    The messages come from ``test_failures.preflight_problems`` of the failed-build file,
    with the folder's path cut off so that they read as a user sees them.
    """
    db = tmp_path / "w.duckdb"
    proc = cli("build", "--db", str(db), "--inputs", str(folder))
    assert proc.returncode == 2, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "dbt build" not in proc.stdout  # stopped before dbt
    assert not db.exists()
    stored = query(
        build_module.failed_path(db), "select formatted from test_failures.preflight_problems"
    ).formatted.tolist()
    return [m.replace(str(folder) + "/", "") for m in stored]


# ---- the contracts ------------------------------------------------------------------------


def test_every_contract_column_is_documented():
    text = (PROJECT_ROOT / "docs" / "contracts.md").read_text()
    for spec in inputs.INPUTS:
        assert f"`{spec.name}`" in text and f"`{spec.var}`" in text, spec.name
        for col in spec.key + tuple(c.name for c in spec.columns):
            assert col in text, (spec.name, col)


def test_demo_files_fill_the_contracts():
    header_of = {}
    for name in INPUT_FILES:
        with open(DEMO / name, encoding="utf-8") as fh:
            header_of[name[:-4]] = next(csv.reader(fh))
    for spec in inputs.INPUTS:
        if spec.kind == "wide" and not spec.optional:  # the demo supplies no province_rd
            assert header_of[spec.name] == [*spec.key, *(c.name for c in spec.columns)]
    assert header_of["indicator_values"] == ["unit_id", "year", "indicator", "value"]


def test_no_model_or_test_names_the_demo():
    """Outside the SYNTHETIC labels, nothing downstream of the inputs knows the demo exists."""
    offenders = []
    for folder in ("models", "macros", "tests/dbt", "analysis"):
        for path in (PROJECT_ROOT / folder).rglob("*"):
            if path.suffix in (".sql", ".py", ".yml") and "demo" in path.read_text().lower():
                offenders.append(str(path.relative_to(PROJECT_ROOT)))
    # the one model that says whether an input is synthetic demo data (by its bytes)
    allowed = {
        "models/staging/inputs/stg_inputs__files.py",
        "models/staging/inputs/_inputs__models.yml",
        "models/marts/meta/dim_input_files.sql",
        "models/marts/meta/dim_input_files.yml",
        "models/staging/inputs/_inputs__sources.yml",
    }
    assert sorted(set(offenders) - allowed) == []


# ---- folder resolution (no dbt) -----------------------------------------------------------


def test_resolve_folder_finds_and_lists_missing(tmp_path):
    demo_copy(tmp_path, leave_out=("exchange_rates.csv",))
    found, missing = inputs.resolve_folder(tmp_path)
    assert sorted(found) == sorted(n[:-4] for n in INPUT_FILES if n != "exchange_rates.csv")
    assert missing == [
        "indicator_system", "index_samples", "partner_countries", "martin_series",
        "province_rd", "exchange_rates",
    ]  # fmt: skip


def test_a_stray_file_in_the_folder_is_an_error(tmp_path):
    demo_copy(tmp_path)
    shutil.copy2(DEMO / "exchange_rates.csv", tmp_path / "exchange_rate.csv")
    proc = cli("build", "--db", str(tmp_path / "w.duckdb"), "--inputs", str(tmp_path))
    assert proc.returncode == 2
    assert "exchange_rate.csv is not a warehouse input" in proc.stderr
    assert not (tmp_path / "w.duckdb").exists()


def test_csv_and_parquet_of_one_input_is_an_error(tmp_path):
    demo_copy(tmp_path)
    with duckdb.connect() as con:
        con.execute(
            f"copy (select * from read_csv('{DEMO}/exchange_rates.csv')) "
            f"to '{tmp_path}/exchange_rates.parquet' (format parquet)"
        )
    proc = cli("build", "--db", str(tmp_path / "w.duckdb"), "--inputs", str(tmp_path))
    assert proc.returncode == 2
    assert "both exchange_rates.csv and exchange_rates.parquet; keep one" in proc.stderr


# ---- pre-flight of every wide input (fails before dbt runs) -------------------------------


def _accounts_bad(header, body):
    gdp = header.index("gdp_cny_100mn")
    exports = header.index("exports_usd_mn")
    body[0][gdp] = "5,007"  # 110000 2003
    body[1][exports] = ""  # 110000 2004
    body[2][0] = "Tianjin"  # 110000 2005 -> a name
    body.append(list(body[5]))  # a duplicate of 110000 2008 (line 7), as line 653


ACCOUNTS_MESSAGES = [
    "province_accounts.csv:2: unit 110000, year 2003, column gdp_cny_100mn: value '5,007' "
    "is not a number; write 5007",
    "province_accounts.csv:3: unit 110000, year 2004, column exports_usd_mn: empty cell; "
    "exports_usd_mn (usd_mn) is required",
    "province_accounts.csv:4: unit Tianjin, year 2005, column province_code: unknown "
    "province_code 'Tianjin'; 'Tianjin' is a province name, write its code 120000",
    "province_accounts.csv:653: unit 110000, year 2008: duplicate row (same province_code, "
    "year as line 7); keep one",
    "province_accounts.csv: unit 110000, year 2005: missing row: every province-year of "
    "2003-2023 is needed (the years of the configured windows)",
]


@pytest.mark.parametrize(
    ("name", "edit", "expected"),
    [
        ("province_accounts", _accounts_bad, ACCOUNTS_MESSAGES),
        (
            "partner_macro",
            lambda h, b: (
                b[0].__setitem__(h.index("cpi"), "-3.1"),
                b[1].__setitem__(0, "XYZ"),
            ),  # fmt: skip
            [
                "partner_macro.csv:2: unit AUS, year 2003, column cpi: value -3.1 must be "
                "positive (index)",
                "partner_macro.csv:3: unit XYZ, year 2004, column country_code: unknown "
                "country_code 'XYZ' (not in the partner list, seeds/reference/partner_countries.csv)",
            ],
        ),
        (
            "bilateral_flows",
            lambda h, b: b[3].__setitem__(h.index("fdi_from_usd_mn"), "inf"),
            [
                "bilateral_flows.csv:5: unit AUS, year 2006, column fdi_from_usd_mn: value "
                "'inf' is not a number; write a plain number (e.g. 1234.5)"
            ],
        ),
        (
            "exchange_rates",
            lambda h, b: b.pop(6),
            [
                "exchange_rates.csv: year 2009: missing row: every year of 2003-2023 is needed "
                "(the years of the configured windows)"
            ],
        ),
    ],
)
def test_preflight_of_each_wide_input(tmp_path, name, edit, expected):
    folder = demo_copy(tmp_path / "in")
    rewrite(folder / f"{name}.csv", edit)
    shown = preflight_refusal(tmp_path, folder)
    for message in expected:
        assert message in shown, (message, shown)


def test_preflight_balance_names_the_missing_province_year(tmp_path):
    folder = demo_copy(tmp_path / "in")
    rewrite(folder / "province_accounts.csv", lambda h, b: b.pop(30))  # 120000, 2012
    assert preflight_refusal(tmp_path, folder) == [
        "province_accounts.csv: unit 120000, year 2012: missing row: every province-year of "
        "2003-2023 is needed (the years of the configured windows)"
    ]


# ---- builds -------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_copy_of_the_demo_reproduces_the_demo_marts(tmp_path, built_warehouse):
    folder = demo_copy(tmp_path / "in")
    db = tmp_path / "w.duckdb"
    proc = cli("build", "--db", str(db), "--inputs", str(folder))
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "Skipped" not in proc.stdout
    ours = fingerprint(db, ("marts",))
    theirs = fingerprint(built_warehouse, ("marts",))
    assert set(ours) == set(theirs)
    differing = sorted(t for t in ours if ours[t] != theirs[t])
    assert differing == ["marts.dim_input_files"]  # the paths differ, nothing else
    files = query(db, "select * from marts.dim_input_files order by input_name")
    wide = files[files.sha256.notna()]  # the files read (not seeds, not derived series)
    assert wide.is_synthetic_demo.all() and wide.is_present.all()
    assert (wide.file_path.str.startswith(str(folder))).all()
    assert files[files.is_reference_seed].input_name.tolist() == [
        "index_samples", "indicator_system", "partner_countries"
    ]  # fmt: skip
    assert wide.input_name.tolist() == [
        "bilateral_flows", "exchange_rates", "indicator_values", "partner_macro",
        "province_accounts",
    ]  # fmt: skip


@pytest.mark.slow
def test_a_missing_input_skips_exactly_its_models(tmp_path, built_warehouse):
    folder = demo_copy(tmp_path / "in", leave_out=("bilateral_flows.csv",))
    db = tmp_path / "w.duckdb"
    proc = cli("build", "--db", str(db), "--inputs", str(folder))
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    skipped = [
        "bdg_partner_flows", "fct_descriptive_statistics", "fct_spillover_pools",
        "int_partner_flows_weighted", "int_province_spillovers_apportioned",
        "int_spillover_pools_summed", "panel_spillover_resilience",
        "stg_inputs__bilateral_flows",
    ]  # fmt: skip
    assert (
        f"Skipped 8 models: input bilateral_flows was not supplied ({', '.join(skipped)})"
        in " ".join(proc.stdout.split())
    )
    ours = {t.split(".")[1] for t in fingerprint(db, ("marts", "intermediate"))}
    full = {t.split(".")[1] for t in fingerprint(built_warehouse, ("marts", "intermediate"))}
    assert sorted(full - ours) == sorted(s for s in skipped if not s.startswith("stg_"))
    # the models that remain equal the full build's, table by table
    a = fingerprint(db, ("marts",))
    b = fingerprint(built_warehouse, ("marts",))
    assert sorted(t for t in a if a[t] != b[t]) == ["marts.dim_input_files"]
    present = query(db, "select input_name, is_present from marts.dim_input_files")
    assert present.set_index("input_name").is_present.to_dict()["bilateral_flows"] is False
    # estimate leaves out exactly the tables of the unbuilt panel, and says why
    out = tmp_path / "tables"
    proc = cli("estimate", "--db", str(db), "--out-dir", str(out))
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    text = " ".join(proc.stdout.split())
    reason = (
        "marts.panel_spillover_resilience was not built: input bilateral_flows was not supplied"
    )
    assert f"skipped: ch_table2: {reason}" in text
    assert f"skipped: ch_table_robust: {reason}" in text
    assert sorted(p.name for p in out.glob("*.md")) == sorted(
        p.name for p in out.glob("wl_*.md")
    ) and any(out.glob("wl_table2.md"))


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (
            "index_samples",
            "index_name,first_year,last_year,excluded_unit_ids\n"
            "resilience,2003,2019,\nresilience,2003,2019,\ndata flow,2009,2023,540000\n"
            "dataflow,2023,2009,\n",
            [
                "index_samples.csv:3: index resilience defined twice (first on line 2); keep one "
                "row",
                "index_samples.csv:4: index_name 'data flow' is not a plain identifier (letters, "
                "digits and underscore only); rejected, it is never passed to SQL",
                "index_samples.csv:5: index dataflow: first_year 2023 is after last_year 2009",
            ],
        ),
        (
            "partner_countries",
            "country_code,country_name,is_region\nUSA,United States,false\nusa,lower,false\n"
            "USA,again,false\nHKG,Hong Kong,maybe\n",
            [
                "partner_countries.csv:3: column country_code: country_code 'usa' is not an ISO "
                "3166 alpha-3 code (three capital letters)",
                "partner_countries.csv:4: partner USA listed twice (first on line 2)",
                "partner_countries.csv:5: unit HKG, column is_region: is_region 'maybe' is not "
                "true or false",
            ],
        ),
    ],
)
def test_preflight_of_the_index_definitions_and_partner_list(tmp_path, name, text, expected):
    folder = demo_copy(tmp_path / "in")
    (folder / f"{name}.csv").write_text(text)
    shown = preflight_refusal(tmp_path, folder)
    for message in expected:
        assert message in shown, (message, shown)


def test_a_semicolon_delimited_input_is_named(tmp_path):
    folder = demo_copy(tmp_path / "in")
    path = folder / "exchange_rates.csv"
    path.write_text(path.read_text().replace(",", ";"))
    proc = cli("build", "--db", str(tmp_path / "w.duckdb"), "--inputs", str(folder))
    assert proc.returncode == 2
    assert (
        f"error: {path}: the file is semicolon-delimited (header 'year;cny_per_usd'); save it "
        "comma-separated;"
    ) in " ".join(proc.stderr.split())


def test_preflight_of_the_provincial_rd_input(tmp_path):
    folder = demo_copy(tmp_path / "in")
    codes = sorted(inputs.shipped_codes()["province_code"])
    lines = ["province_code,year,rd_expenditure_cny_10k,price_index"]
    for code in codes:
        for year in range(2010, 2020):
            if (code, year) != ("120000", 2015):  # a gap
                lines.append(f"{code},{year},1000,100")
    lines[2] = "110000,2011,-5,100"  # a non-positive value
    lines[3] = "110000,2012,12.000,1e999"  # a number beyond a double's range
    (folder / "province_rd.csv").write_text("\n".join(lines) + "\n")
    assert preflight_refusal(tmp_path, folder) == [
        "province_rd.csv:3: unit 110000, year 2011, column rd_expenditure_cny_10k: value -5 must "
        "be positive (10_thousand_yuan)",
        "province_rd.csv:4: unit 110000, year 2012, column price_index: value '1e999' is out of "
        "range (overflows a double); check the cell",
        "province_rd.csv: unit 120000, year 2015: missing row: every province-year of "
        "2010-2019 is needed (the years of the configured windows)",
    ]


def test_a_folder_input_is_found_whatever_the_case_of_its_suffix(tmp_path):
    (tmp_path / "exchange_rates.CSV").write_text("year,cny_per_usd\n")
    (tmp_path / "partner_macro.Parquet").write_bytes(b"")
    found, missing = inputs.resolve_folder(tmp_path)
    assert found == {
        "exchange_rates": tmp_path / "exchange_rates.CSV",
        "partner_macro": tmp_path / "partner_macro.Parquet",
    }
    assert "exchange_rates" not in missing and "indicator_values" in missing
