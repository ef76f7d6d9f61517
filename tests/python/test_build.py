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
    assert result.ok and result.swapped
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
    fp1, fp2 = build_module.fingerprint(first), build_module.fingerprint(second)
    assert any(name.startswith("results.") for name in fp1), sorted(fp1)
    assert any(name.startswith("marts.") for name in fp1)
    differing = sorted(k for k in fp1.keys() | fp2.keys() if fp1.get(k) != fp2.get(k))
    assert differing == []
