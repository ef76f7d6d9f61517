"""``resilience build``: atomic swap, killed and failed builds, locks, refusal, determinism.

Each test works on its own copy of one warehouse built once per module through the real
command line (``python -m resilience.cli build --db ...``), so the exit codes and one-line
messages are the ones a user sees.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from resilience import build as build_module
from resilience.errors import LastBuildFailed
from resilience.fingerprint import fingerprint

PROJECT_ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def cli(*args: str, env: dict | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "resilience.cli", *args], cwd=PROJECT_ROOT, capture_output=True,
        text=True, timeout=timeout, env={**os.environ, "COLUMNS": "200", **(env or {})},
    )  # fmt: skip


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """One warehouse built by ``resilience build``; tests copy it, never change it."""
    db = tmp_path_factory.mktemp("built") / "warehouse.duckdb"
    proc = cli("build", "--db", str(db))
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    assert "dbt build passed" in proc.stdout
    # nothing was there to carry over, and the summary does not pretend otherwise
    assert "built (the first build)" in proc.stdout and "carried over" not in proc.stdout
    return db


def warehouse_with_results(built: Path, dest: Path) -> Path:
    """Copy the built warehouse and add a results table, as the estimation layer would."""
    dest.mkdir(parents=True, exist_ok=True)
    db = dest / "warehouse.duckdb"
    shutil.copy2(built, db)
    with duckdb.connect(str(db)) as con:
        con.execute("create schema results")
        con.execute(
            "create table results.models as select 'wl_table2_col1' as model_id, 450 as nobs"
        )
    return db


def test_successful_build_swaps_in_and_records(built):
    record = json.loads(build_module.status_path(built).read_text())
    assert record["ok"] is True and record["failing"] == []
    assert not build_module.building_path(built).exists()
    assert not build_module.failed_path(built).exists()
    with duckdb.connect(str(built), read_only=True) as con:
        schemas = {r[0] for r in con.execute("select schema_name from duckdb_schemas()").fetchall()}
    assert {"reference", "staging", "intermediate", "marts"} <= schemas
    build_module.check_last_build(built)  # passes


def test_killed_build_leaves_the_warehouse_byte_identical(built, tmp_path):
    db = warehouse_with_results(built, tmp_path)
    before = sha256(db)
    proc = subprocess.Popen(
        [sys.executable, "-m", "resilience.cli", "build", "--db", str(db)], cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    building = build_module.building_path(db)
    wal = Path(f"{building}.wal")

    def written() -> int:  # DuckDB keeps new data in the WAL until a checkpoint
        return sum(p.stat().st_size for p in (building, wal) if p.exists())

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and written() < 2**20:
        time.sleep(0.1)
    assert written() >= 2**20, "the build never started writing"
    time.sleep(1)  # midway: seeds loaded, models being built
    assert building.exists(), "the build finished before the kill; the test proves nothing"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    time.sleep(0.5)
    assert sha256(db) == before
    assert not Path(f"{db}.wal").exists()
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select * from results.models").fetchall() == [("wl_table2_col1", 450)]

    # the next build cleans up after the killed one, swaps in and carries results.* across
    result = build_module.build(db)
    assert result.ok and result.swapped and result.carried == ["results.models"]
    assert not building.exists()
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select * from results.models").fetchall() == [("wl_table2_col1", 450)]
        assert con.execute("select count(*) from marts.panel_dataflow_export").fetchone()[0] > 0


def _values_with_unit_slip(dest: Path) -> Path:
    """The demo values as a user file, Guangdong's 2015 GDP per capita typed in yuan x 10^4."""
    src = PROJECT_ROOT / "data/demo/indicator_values.csv"
    out = dest / "my_values.csv"
    with open(src, newline="", encoding="utf-8") as fh, open(out, "w", newline="") as fo:
        rows = csv.reader(fh)
        writer = csv.writer(fo, lineterminator="\n")
        writer.writerow(["unit_id", *next(rows)[1:]])
        for r in rows:
            if r[:3] == ["440000", "2015", "gdp_per_capita"]:
                r[3] = f"{float(r[3]) * 10000:.1f}"
            writer.writerow(r)
    return out


def test_failed_build_keeps_the_warehouse_and_estimate_refuses(built, tmp_path):
    db = warehouse_with_results(built, tmp_path / "wh")
    before = sha256(db)
    values = _values_with_unit_slip(tmp_path)
    proc = cli("build", "--db", str(db), "--values", str(values), "--strict")
    assert proc.returncode == 1, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert sha256(db) == before
    failed = build_module.failed_path(db)
    # the summary lists the failing test with its row, naming file, unit, year, indicator
    assert (
        f"{values} (stg_inputs__indicator_values): unit 440000, year 2015, indicator "
        "gdp_per_capita: value "
    ) in proc.stdout
    stderr_lines = proc.stderr.strip().splitlines()
    assert stderr_lines[-1] == (
        "error: build failed: 1 failing node(s): indicator_values_unit_factor_suspected; the last "
        f"good warehouse was kept, failing rows are in {failed} (schema test_failures)"
    )
    with duckdb.connect(str(failed), read_only=True) as con:
        rows = con.execute(
            "select unit_id, year, indicator from test_failures.indicator_values_unit_factor_suspected"
        ).fetchall()
    assert rows == [("440000", 2015, "gdp_per_capita")]

    with pytest.raises(LastBuildFailed) as err:
        build_module.check_last_build(db)
    assert str(err.value).startswith(f"refusing to estimate: the last build of {db} (")
    assert str(err.value).endswith(
        f") failed: indicator_values_unit_factor_suspected; failing rows in {failed}; fix the "
        "inputs and run `resilience build` again"
    )
    estimate = cli("estimate", "--db", str(db), "--out-dir", str(tmp_path / "tables"))
    assert estimate.returncode == 4
    assert estimate.stderr.strip() == f"error: {err.value}"


def test_preflight_failure_exits_2_and_stores_the_rows(built, tmp_path):
    db = warehouse_with_results(built, tmp_path / "wh")
    before = sha256(db)
    values = tmp_path / "values.csv"
    values.write_text("unit_id,year,indicator,value\n110000,2010,gdp_per_capita,NA\n")
    proc = cli("build", "--db", str(db), "--values", str(values))
    assert proc.returncode == 2
    failed = build_module.failed_path(db)
    line = proc.stderr.strip()
    assert "\n" not in line and "Traceback" not in line
    assert line.startswith(
        f"error: {values}:2: unit 110000, year 2010, indicator gdp_per_capita: value 'NA' is not a "
        "number; leave the cell empty for a missing value (+"
    )
    assert line.endswith(f"; all rows in {failed} (table test_failures.preflight_problems)")
    assert sha256(db) == before
    with duckdb.connect(str(failed), read_only=True) as con:
        n = con.execute("select count(*) from test_failures.preflight_problems").fetchone()[0]
    assert n > 1  # NA cell + the indicators of the system without values
    with pytest.raises(LastBuildFailed, match="preflight:non_numeric"):
        build_module.check_last_build(db)


@pytest.mark.parametrize("command", [["build"], ["estimate", "--out-dir", "{tmp}/tables"]])
def test_locked_warehouse_gives_one_line_naming_the_holder(built, tmp_path, command):
    db = warehouse_with_results(built, tmp_path)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
         "print('ready', flush=True); time.sleep(120)", str(db)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "ready"
        args = [part.format(tmp=tmp_path) for part in command]
        proc = cli(*args, "--db", str(db), timeout=60)
    finally:
        holder.kill()
        holder.wait()
    assert proc.returncode == 3
    line = proc.stderr.strip()
    assert "\n" not in line and "Traceback" not in line
    assert line.startswith(f"error: warehouse {db} is locked by PID {holder.pid} (")
    assert line.endswith("); close that session (or wait for it) and run the command again")


def test_second_build_is_told_who_is_building(built, tmp_path):
    db = warehouse_with_results(built, tmp_path)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; "
         "from resilience.lock import build_lock\n"
         "with build_lock(Path(sys.argv[1])):\n    print('ready', flush=True); time.sleep(120)",
         str(db)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "ready"
        proc = cli("build", "--db", str(db), timeout=60)
    finally:
        holder.kill()
        holder.wait()
    assert proc.returncode == 3
    assert proc.stderr.strip().startswith(
        f"error: warehouse {db} is being built by PID {holder.pid} ("
    )


def test_two_complete_runs_give_identical_marts_and_results(built, tmp_path):
    from resilience import estimate

    first = tmp_path / "one" / "warehouse.duckdb"
    first.parent.mkdir()
    shutil.copy2(built, first)
    second = tmp_path / "two" / "warehouse.duckdb"
    assert build_module.build(second).ok
    for db in (first, second):
        estimate.run(db, out_dir=db.parent / "tables")
    fp1, fp2 = fingerprint(first), fingerprint(second)
    assert any(name.startswith("results.") for name in fp1), sorted(fp1)
    assert any(name.startswith("marts.") for name in fp1)
    differing = sorted(k for k in fp1.keys() | fp2.keys() if fp1.get(k) != fp2.get(k))
    assert differing == []


# ---- issue 14: nothing silently invented, nothing mixed up ---------------------------------

DEMO_VALUES = PROJECT_ROOT / "data" / "demo" / "indicator_values.csv"


def test_a_year_missing_for_every_unit_is_refused_not_invented(built, tmp_path):
    # before: deleting 2010 from every unit built with exit 0, all 764 cells of 2010 filled
    db = warehouse_with_results(built, tmp_path / "wh")
    before = sha256(db)
    values = tmp_path / "values.csv"
    with DEMO_VALUES.open() as src, values.open("w", newline="") as dst:
        writer = csv.writer(dst, lineterminator="\n")
        writer.writerows(row for row in csv.reader(src) if row[1] != "2010")
    proc = cli("build", "--db", str(db), "--values", str(values))
    assert proc.returncode == 2, proc.stdout[-3000:] + proc.stderr[-3000:]
    failed = build_module.failed_path(db)
    assert proc.stderr.strip() == (
        f"error: {values}: year 2010: index dataflow: no unit has a value for any indicator in "
        "this year of the index sample 2009-2023 (seeds/reference/index_samples.csv); gap filling "
        "would invent it for every unit: add the year's values, or narrow the sample to the years "
        f"you have (+1 more problems); all rows in {failed} (table test_failures.preflight_problems)"
    )
    with duckdb.connect(str(failed), read_only=True) as con:
        rows = con.execute(
            'select "check", year, message from test_failures.preflight_problems order by message'
        ).fetchall()
    assert [(c, y, m.split(":")[0]) for c, y, m in rows] == [
        ("year_missing", "2010", "index dataflow"),
        ("year_missing", "2010", "index resilience"),
    ]
    assert sha256(db) == before


def test_interpolation_fills_only_gaps_inside_a_units_own_series(built):
    """Oracle from the raw demo file and the seeds, not from the models."""
    import pandas as pd

    raw = pd.read_csv(DEMO_VALUES, dtype={"unit_id": str}).dropna(subset=["value"])
    system = pd.read_csv(PROJECT_ROOT / "seeds" / "reference" / "indicator_systems.csv")
    samples = pd.read_csv(PROJECT_ROOT / "seeds" / "reference" / "index_samples.csv", dtype=str)
    with duckdb.connect(str(built), read_only=True) as con:
        filled = con.sql(
            "select index_name, unit_id, indicator, year, value, fill_method "
            "from intermediate.int_indicator_values_gap_filled where not is_observed"
        ).df()
        shares = con.sql(
            "select index_name, unit_id, interpolated_share from marts.fct_index_unit_diagnostics"
        ).df()
    assert set(filled.fill_method) == {"linear_interpolation"}  # index_edge_fill is off
    series = {k: g.set_index("year").value for k, g in raw.groupby(["unit_id", "indicator"])}
    for cell in filled.itertuples():
        own = series[(cell.unit_id, cell.indicator)]
        t0, t1 = own.index[own.index < cell.year].max(), own.index[own.index > cell.year].min()
        v0, v1 = own[t0], own[t1]  # both exist: an interior gap of the unit's own series
        assert cell.value == pytest.approx(v0 + (v1 - v0) * (cell.year - t0) / (t1 - t0))
    expected = {}
    for s in samples.itertuples():
        years = range(int(s.first_year), int(s.last_year) + 1)
        indicators = set(system.loc[system.index_name == s.index_name, "indicator"])
        excluded = set(str(s.excluded_unit_ids).split(";"))
        observed = raw[raw.indicator.isin(indicators) & raw.year.isin(years)]
        for unit in sorted(set(raw.unit_id) - excluded):
            n_cells = len(years) * len(indicators)
            n_obs = (observed.unit_id == unit).sum()
            expected[(s.index_name, unit)] = (n_cells - n_obs) / n_cells
    got = {(r.index_name, r.unit_id): r.interpolated_share for r in shares.itertuples()}
    assert got.keys() == expected.keys()
    assert got == pytest.approx(expected)
    assert max(expected.values()) > 0  # the demo has gaps: the comparison is not vacuous


def test_estimate_racing_a_real_build_is_refused_and_the_report_flags_stale_results(
    built, tmp_path, monkeypatch
):
    """Force estimate-read, build-swap, estimate-write (before: exit 0, every coefficient
    from the old marts written beside the new ones)."""
    from resilience import estimate, report
    from resilience.errors import WarehouseRebuilt

    db = tmp_path / "warehouse.duckdb"
    shutil.copy2(built, db)
    out = tmp_path / "tables"

    def coefficients():
        with duckdb.connect(str(db), read_only=True) as con:
            return con.sql("select model_id, term, estimate from results.coefficients").fetchall()

    estimate.run(db, tables=["wl_table2"], out_dir=out)
    old = sorted(coefficients())
    real = estimate.read_panels

    def paused(db_path, names):
        panels = real(db_path, names)
        proc = cli("build", "--db", str(db), "--var", "index_scope=per_year")
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        return panels

    monkeypatch.setattr(estimate, "read_panels", paused)
    with pytest.raises(WarehouseRebuilt, match="rebuilt while the models were estimated"):
        estimate.run(db, tables=["wl_table2"], out_dir=out)
    monkeypatch.undo()
    assert sorted(coefficients()) == old  # the carried results, nothing from the race
    notes = report.write_report(db, tmp_path / "stale.html").notes
    assert any(
        "2 of 2 models were estimated from the marts of an earlier build" in n for n in notes
    )

    estimate.run(db, tables=["wl_table2"], out_dir=out)
    assert sorted(coefficients()) != old  # the marts did change (index_scope=per_year)
    notes = report.write_report(db, tmp_path / "fresh.html").notes
    assert not any("earlier build" in n for n in notes)
