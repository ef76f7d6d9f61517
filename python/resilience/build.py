"""``resilience build``: dbt build into a fresh file, swapped in only when every test passes.

Design
------
The last good warehouse must survive any failed or killed build byte for byte, including
the ``results`` schema the estimation layer wrote into it. So a build never opens
``warehouse.duckdb`` for writing:

1. take the build lock ``<warehouse>.build.lock`` (``flock``; released by the kernel even
   on SIGKILL) and check that no other process holds DuckDB's lock on the warehouse;
2. validate user-supplied files and ``--var`` values (:mod:`resilience.validate`);
3. run ``dbt build`` (seeds, models, tests) into a **fresh** file
   ``<warehouse>.building.duckdb`` beside the warehouse, handing dbt's JSON log events to
   ``on_event`` (the command line's live display, :mod:`resilience.cli_progress`);
4. if every model, seed and test passed: copy the ``results.*`` tables of the current
   warehouse into the new file (read-only attach), checkpoint, and ``os.replace`` the new
   file over the warehouse -- one atomic rename on the same file system;
5. otherwise rename the new file to ``<warehouse>.failed.duckdb``, where dbt's
   ``store_failures`` tables (schema ``test_failures``) hold the failing rows, and leave
   the warehouse untouched.

Either way the outcome is recorded in ``<warehouse>.last_build.json`` beside the
warehouse (outside it, since a failed build must not change the warehouse);
:func:`check_last_build` reads it so that ``resilience estimate`` refuses to run after a
failed build, naming the failing tests.

Why a fresh file and not a copy of the warehouse rebuilt in place: a fresh build carries
no relations of renamed or removed models and no stale ``test_failures`` tables, so two
builds from the same inputs give the same warehouse whatever happened before (the
determinism test compares their :func:`resilience.fingerprint.fingerprint`); only
``results`` -- the one schema dbt does not own -- is carried across, after the tests
passed. The cost is a full build every time, seconds here.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from resilience import dbt, inputs, lock, project_vars, relations
from resilience.dbt import NodeOutcome
from resilience.errors import (
    BuildFailed,
    DbtCrashed,
    InputError,
    LastBuildFailed,
    Problem,
    ResilienceError,
    StorageError,
    WarehouseDamaged,
    WarehouseLocked,
    classify,
    storage_cause,
    storage_cause_in_log,
    storage_faults,
)
from resilience.paths import PROJECT_ROOT, remove_database, warehouse_path
from resilience.validate import validate_inputs

CARRIED_SCHEMAS = ("results",)
"""Schemas dbt does not own: copied from the last good warehouse into each new build."""


# ---- file layout beside the warehouse -----------------------------------------------------


def building_path(db_path: Path) -> Path:
    """Return the scratch file a build writes into (beside the warehouse, same file system)."""
    return db_path.with_name(f"{db_path.stem}.building.duckdb")


def failed_path(db_path: Path) -> Path:
    """Return where the last failed build is kept so its failing rows can be queried."""
    return db_path.with_name(f"{db_path.stem}.failed.duckdb")


def status_path(db_path: Path) -> Path:
    """Return the JSON record of the last build's outcome."""
    return db_path.with_name(f"{db_path.stem}.last_build.json")


def work_dir(db_path: Path) -> Path:
    """Return dbt's target and log folder for this warehouse (``build/<stem>/`` beside it)."""
    return db_path.parent / "build" / db_path.stem


def damaged_path(db_path: Path, when: dt.datetime) -> Path:
    """Return where a damaged warehouse is moved aside: ``<stem>.damaged-<UTC time>.duckdb``."""
    return db_path.with_name(f"{db_path.stem}.damaged-{when:%Y%m%dT%H%M%SZ}.duckdb")


def _stage_json(path: Path, payload: dict) -> Path:
    """Write ``payload`` to ``<path>.tmp`` (removed again if the write fails); return it.

    :func:`_write_json_atomically` renames it over ``path``; a build stages its record
    before it swaps the warehouse, so that a disk too full for the record fails the build
    before the warehouse changes.
    """
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(json.dumps(payload, indent=2, default=str) + "\n")
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):  # name the record, not its temporary file
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        raise
    return tmp


def _write_json_atomically(path: Path, payload: dict) -> None:
    os.replace(_stage_json(path, payload), path)


def _record_failure(path: Path, payload: dict) -> None:
    """Record a failed build if the file system lets us; the failure's own cause matters more.

    On a full or read-only disk the previous record stays (it still describes the
    warehouse, which a failed build leaves unchanged).
    """
    with contextlib.suppress(OSError):
        _write_json_atomically(path, payload)


# ---- results ------------------------------------------------------------------------------


@dataclass
class BuildResult:
    """What a build did: counts by resource type and status, failures, timing, paths."""

    ok: bool
    db_path: Path
    elapsed_s: float
    counts: dict[str, Counter]
    failing: list[NodeOutcome]
    warnings: list[NodeOutcome]
    failed_db: Path | None = None
    swapped: bool = False
    skipped: dict[str, list[str]] = field(default_factory=dict)
    """Input -> the models not built because the input was not supplied."""
    damaged: str | None = None
    """Why the warehouse found in place was not a readable database (None: it was)."""
    moved_aside: Path | None = None
    """Where that damaged warehouse was moved when the new build replaced it."""
    carried: list[str] | None = None
    """Tables carried over from the warehouse replaced; None: there was none (first build)."""

    def raise_for_status(self) -> None:
        """Raise :class:`BuildFailed` (one-line reason) unless the build passed."""
        if not self.ok:
            raise BuildFailed(
                [n.name for n in self.failing],
                str(self.failed_db),
                [m for n in self.failing for m in n.messages],
            )


# ---- the build ----------------------------------------------------------------------------


def _store_problems(db_file: Path, problems: list[Problem]) -> None:
    """Write pre-flight problems to ``test_failures.preflight_problems`` in a fresh file."""
    import pandas as pd

    remove_database(db_file)
    con = lock.connect(db_file)
    try:
        frame = pd.DataFrame([p.as_row() for p in problems])  # noqa: F841 - read by DuckDB
        con.execute("create schema test_failures")
        con.execute("create table test_failures.preflight_problems as select * from frame")
    finally:
        con.close()


def _carry_results(old: Path | None, new: Path, build_id: str) -> list[str]:
    """Copy the tables of CARRIED_SCHEMAS from the old warehouse into the new file.

    The new file also records ``build_id`` (:func:`resilience.results.record_build`), the
    id ``estimate`` pairs its results with. ``old`` None (a damaged warehouse) carries
    nothing.
    """
    from resilience import results

    copied = []
    con = lock.connect(new)
    try:
        results.record_build(con, build_id, dt.datetime.now(dt.UTC))
        if old is not None and old.exists():
            try:
                con.execute(
                    f"attach '{old.as_posix().replace(chr(39), chr(39) * 2)}' as old (read_only)"
                )
            except Exception as exc:  # noqa: BLE001
                if lock.is_lock_error(exc):
                    raise WarehouseLocked(lock.lock_message(old, str(exc))) from None
                mapped = classify(exc, old)
                raise mapped or exc from None
            tables = con.execute(
                "select schema_name, table_name from duckdb_tables() "
                "where database_name = 'old' and schema_name in "
                f"({', '.join('?' for _ in CARRIED_SCHEMAS)}) order by 1, 2",
                list(CARRIED_SCHEMAS),
            ).fetchall()
            for schema, table in tables:
                s, t = (x.replace('"', '""') for x in (schema, table))
                con.execute(f'create schema if not exists "{s}"')
                con.execute(f'create or replace table "{s}"."{t}" as select * from old."{s}"."{t}"')
                copied.append(f"{schema}.{table}")
            con.execute("detach old")
        con.execute("checkpoint")
    finally:
        con.close()
    return copied


def build(
    db_path: Path | None = None,
    values_path: Path | None = None,
    system_path: Path | None = None,
    var_overrides: dict | None = None,
    project_dir: Path = PROJECT_ROOT,
    select: str | None = None,
    strict: bool = False,
    check_units: bool = True,
    on_event: Callable[[dict], None] | None = None,
    inputs_dir: Path | None = None,
    input_paths: dict[str, Path] | None = None,
) -> BuildResult:
    """Build the warehouse into a fresh file and swap it in only when every test passes.

    Parameters
    ----------
    db_path
        The warehouse (default: :func:`resilience.paths.warehouse_path`).
    values_path, system_path
        User files for vars ``indicator_values_path`` / ``indicator_system_path``,
        validated before dbt runs.
    var_overrides
        Further dbt vars (validated: known names, plain values).
    select
        A dbt selection; for tests and debugging only (a partial build would replace the
        warehouse with fewer models).
    strict
        Treat warnings as failures.
    inputs_dir
        A folder holding the raw inputs as ``<input>.csv`` / ``.parquet``
        (:mod:`resilience.inputs`); every input path var points into it. An input the folder
        lacks is not replaced by other data: the models that need it are skipped (listed in
        :attr:`BuildResult.skipped`); the index definitions fall back to the reference seeds.
    input_paths
        Single inputs, ``{input name: file}`` (after ``inputs_dir``; ``--input NAME=FILE``).
    on_event
        Called with every JSON log event of dbt (live progress).

    Raises
    ------
    InputError
        Pre-flight validation failed (problems stored in the failed-build file).
    WarehouseLocked
        Another process holds the warehouse or is building it.
    DbtCrashed
        dbt could not run (compilation error, crash, signal).
    StorageError
        The file system refused a write (no space left, read-only, permission denied);
        the warehouse is unchanged and the new file removed.

    A warehouse file that is not a readable database (:func:`resilience.lock.
    check_readable`) is not an error: the build carries no results from it and, when it
    passes, moves it aside to :func:`damaged_path` before the new warehouse takes its
    place (:attr:`BuildResult.moved_aside`).
    """
    db_path = Path(db_path or warehouse_path()).resolve()
    db_path.parent.mkdir(parents=True, exist_ok=True)
    started = dt.datetime.now(dt.UTC)
    t0 = time.perf_counter()
    var_overrides = dict(var_overrides or {})
    supplied, skipped_inputs = _supplied_inputs(inputs_dir, input_paths, values_path, system_path)
    values_path = supplied.get("indicator_values")
    system_path = supplied.get("indicator_system")
    user_files = {}
    if system_path is not None:
        user_files[relations.INDICATOR_SYSTEMS_STAGED.name] = str(system_path)
    if supplied.get("index_samples") is not None:
        user_files[relations.INDEX_SAMPLES_STAGED.name] = str(supplied["index_samples"])
    build_id = uuid.uuid4().hex
    record = {
        "build_id": build_id,
        "warehouse": str(db_path),
        "started_at": started.isoformat(timespec="seconds"),
        "pid": os.getpid(),
        "values_path": None if values_path is None else str(values_path.resolve()),
        "system_path": None if system_path is None else str(system_path.resolve()),
        "inputs": {k: str(Path(v).resolve()) for k, v in supplied.items()},
        "skipped_inputs": skipped_inputs,
        "vars": var_overrides,
    }
    kept = f"warehouse {db_path} kept unchanged"
    with (
        storage_faults(f"the build cannot write beside the warehouse; {kept}", db_path.parent),
        lock.build_lock(db_path),
    ):
        try:
            lock.check_readable(db_path)  # also: no other process holds it
            damaged = None
        except WarehouseDamaged as exc:
            damaged = exc.cause
        new, failed = building_path(db_path), failed_path(db_path)
        remove_database(new)  # a killed build's leftovers

        problems = preflight(supplied, skipped_inputs, var_overrides, project_dir, check_units)
        if problems:
            remove_database(failed)
            _store_problems(failed, problems)
            _write_json_atomically(status_path(db_path), {
                **record, "ok": False, "stage": "preflight",
                "failing": sorted({f"preflight:{p.check}" for p in problems}),
                "messages": [p.format() for p in problems[:50]],
                "failed_db": str(failed),
            })  # fmt: skip
            raise InputError(
                problems, stored_at=f"{failed} (table test_failures.preflight_problems)"
            )

        args = ["build", *dbt_selection_args(
            supplied, skipped_inputs, var_overrides, inputs_dir, project_dir, select
        )]  # fmt: skip
        target = work_dir(db_path)
        dbt.run_results_path(target).unlink(missing_ok=True)
        code, errors = dbt.run(args, new, target, project_dir, on_event)
        refused = storage_cause_in_log(errors, db_path.parent)
        if refused:  # dbt's log names the cause; its last line is a logging error's tail
            remove_database(new)
            _record_failure(status_path(db_path), {
                **record, "ok": False, "stage": "storage", "failing": ["storage"],
                "messages": [refused],
            })  # fmt: skip
            raise StorageError(
                refused, db_path.parent, f"dbt could not write the new warehouse there "
                f"({new.name}, build/{db_path.stem}/); {kept}"
            )  # fmt: skip
        if not dbt.run_results_path(target).exists() or code not in (0, 1):
            remove_database(new)
            reason = next(
                (e for e in reversed(errors) if e.strip()), f"dbt exited with code {code}"
            )
            _record_failure(status_path(db_path), {
                **record, "ok": False, "stage": "dbt", "failing": ["dbt"],
                "messages": errors[-20:],
            })  # fmt: skip
            raise DbtCrashed("dbt build could not run: " + " ".join(reason.split())[:400])

        run_results, manifest = dbt.load_artifacts(target)
        skipped = {name: dbt.dependent_models(manifest, name) for name in skipped_inputs}
        statuses = {r["status"] for r in run_results}
        ok = not statuses & ({"fail", "error", "warn"} if strict else {"fail", "error"})
        existed = db_path.exists()
        try:
            carried = _carry_results(None if damaged else db_path, new, build_id) if ok else []
            counts, failing, warnings = dbt.collect_outcomes(run_results, manifest, new, user_files)
            if strict:
                failing, warnings = failing + warnings, []
            elapsed = time.perf_counter() - t0
            moved = damaged_path(db_path, started) if damaged and ok else None
            # the record is written before the warehouse changes (a full disk fails here,
            # the warehouse untouched) and renamed into place after the swap
            with storage_faults(f"cannot record the build; {kept}", status_path(db_path)):
                staged = _stage_json(status_path(db_path), {
                    **record, "ok": ok, "stage": "dbt",
                    "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    "elapsed_s": round(elapsed, 1),
                    "counts": {k: dict(v) for k, v in counts.items()},
                    "failing": [n.name for n in failing],
                    "warnings": [n.name for n in warnings],
                    "messages": [m for n in failing for m in n.messages][:50],
                    "failed_db": None if ok else str(failed),
                    "carried_tables": carried,
                    "skipped_models": skipped,
                    "damaged": damaged,
                    "moved_aside": None if moved is None else str(moved),
                })  # fmt: skip
        except BaseException:
            remove_database(new)
            raise
        try:
            if ok:
                _swap_in(new, db_path, moved, kept)
                remove_database(failed)
            else:
                remove_database(failed)
                os.replace(new, failed)
            os.replace(staged, status_path(db_path))
        except BaseException:
            with contextlib.suppress(OSError):
                staged.unlink(missing_ok=True)
            remove_database(new)
            raise
        return BuildResult(ok, db_path, elapsed, counts, failing, warnings,
                           failed_db=None if ok else failed, swapped=ok,
                           skipped=skipped, damaged=damaged, moved_aside=moved,
                           carried=carried if existed else None)  # fmt: skip


def _swap_in(new: Path, db_path: Path, moved: Path | None, kept: str) -> None:
    """Rename the new build over the warehouse (first moving a damaged one to ``moved``).

    A rename the file system refuses (an immutable warehouse, a read-only folder) raises
    :class:`StorageError` with the warehouse as it was: a damaged file moved aside is put
    back.
    """
    if moved is None:
        lock.ensure_unlocked(db_path)
    if Path(f"{new}.wal").exists():  # pragma: no cover - checkpointed above
        raise DbtCrashed(f"{new}.wal left after checkpoint; the warehouse was not replaced")
    try:
        if moved is not None:
            os.replace(db_path, moved)
            if Path(f"{db_path}.wal").exists():
                os.replace(f"{db_path}.wal", f"{moved}.wal")
        try:
            os.replace(new, db_path)
        except BaseException:
            if moved is not None:
                os.replace(moved, db_path)
            raise
    except OSError as exc:  # the rename's own error names the new file, not the warehouse
        cause = storage_cause(exc)
        if cause is None:
            raise
        raise StorageError(
            cause, db_path, f"cannot replace the warehouse with the new build; {kept}"
        ) from None
    Path(f"{db_path}.wal").unlink(missing_ok=True)
    _fsync_dir(db_path.parent)


def preflight(
    supplied: dict[str, Path],
    skipped_inputs: list[str],
    var_overrides: dict,
    project_dir: Path,
    check_units: bool = True,
) -> list[Problem]:
    """Return the pre-flight problems of the supplied inputs and vars (empty: dbt may run)."""
    return validate_inputs(
        supplied.get("indicator_values"),
        supplied.get("indicator_system"),
        var_overrides,
        project_dir,
        check_units,
        tables=_tables_to_check(supplied, skipped_inputs, project_dir),
    )


def dbt_selection_args(
    supplied: dict[str, Path],
    skipped_inputs: list[str],
    var_overrides: dict,
    inputs_dir: Path | None,
    project_dir: Path,
    select: str | None,
    exclude: tuple[str, ...] = (),
) -> list[str]:
    """Return dbt's ``--select / --exclude / --vars`` for a build of the given inputs.

    Every supplied input's path var points at its file (absolute); an input the folder
    lacks points at an absent file (never the default demo file) and its models are excluded.
    """
    dbt_vars = project_vars.typed_overrides(var_overrides, project_dir)  # typed JSON
    for name, path in supplied.items():
        dbt_vars[inputs.BY_NAME[name].var] = str(Path(path).resolve())
    for name in skipped_inputs:  # never the default (demo) file: a path that is absent
        dbt_vars[inputs.BY_NAME[name].var] = str(Path(inputs_dir).resolve() / f"{name}.csv")
    args = []
    if select:
        args += ["--select", select]
    excluded = [*exclude, *(f"source:inputs.{name}+" for name in skipped_inputs)]
    if excluded:
        args += ["--exclude", *excluded]
    if dbt_vars:
        args += ["--vars", json.dumps(dbt_vars)]
    return args


def _supplied_inputs(
    inputs_dir: Path | None,
    input_paths: dict[str, Path] | None,
    values_path: Path | None,
    system_path: Path | None,
) -> tuple[dict[str, Path], list[str]]:
    """Return ({input: file the user supplied}, [inputs skipped]) for one build.

    Nothing supplied at all is the default build (the path vars' defaults). With
    ``inputs_dir``, a required input the folder lacks is skipped; the index definitions
    (indicator system, index samples) fall back to the reference seeds.
    """
    supplied: dict[str, Path] = {}
    skipped: list[str] = []
    if inputs_dir is not None:
        try:
            found, missing = inputs.resolve_folder(Path(inputs_dir))
        except (OSError, ValueError) as exc:
            raise InputError(
                [Problem("inputs", str(inputs_dir), str(exc).split(": ", 1)[-1])]
            ) from None
        supplied.update(found)
        skipped = [m for m in missing if not inputs.BY_NAME[m].optional]
    for name, path in (input_paths or {}).items():
        if name not in inputs.BY_NAME:
            known = ", ".join(i.name for i in inputs.INPUTS)
            raise InputError([Problem("inputs", f"--input {name}", f"unknown input; use {known}")])
        supplied[name] = Path(path)
    if values_path is not None:
        supplied["indicator_values"] = Path(values_path)
    if system_path is not None:
        supplied["indicator_system"] = Path(system_path)
    return supplied, [name for name in skipped if name not in supplied]


def _tables_to_check(
    supplied: dict[str, Path], skipped: list[str], project_dir: Path
) -> dict[str, Path]:
    """Return the input files to pre-flight: every one the build reads but the values.

    Supplied files and the defaults of the wide inputs alike, so that a year var moved
    outside the data (``--var rd_base_year=2002``) is named before dbt runs. The long
    indicator values are checked when supplied (``--values``, ``--inputs``).
    """
    defaults = project_vars.defaults(project_dir)
    out = {k: Path(v) for k, v in supplied.items() if inputs.BY_NAME[k].kind != "long"}
    for spec in inputs.INPUTS:
        if spec.kind == "wide" and spec.name not in out and spec.name not in skipped:
            if defaults.get(spec.var):  # input path vars are never --var overrides
                out[spec.name] = project_dir / defaults[spec.var]
    return out


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ---- the estimate guard -------------------------------------------------------------------


def last_build(db_path: Path | None = None) -> dict | None:
    """Return the record of the last ``resilience build`` of this warehouse, if any."""
    path = status_path(Path(db_path or warehouse_path()).resolve())
    return json.loads(path.read_text()) if path.exists() else None


def check_last_build(db_path: Path | None = None) -> None:
    """Raise :class:`LastBuildFailed` when the last build of this warehouse failed.

    ``resilience estimate`` calls this first: estimating on the last good warehouse after a
    failed build would silently mix old data with the user's belief that the new data is in.
    A warehouse built by plain ``dbt build`` (no record) passes.
    """
    record = last_build(db_path)
    if record is None or record.get("ok"):
        return
    failing = record.get("failing") or ["unknown"]
    names = ", ".join(failing[:3]) + (f" and {len(failing) - 3} more" if len(failing) > 3 else "")
    where = f"; failing rows in {record['failed_db']}" if record.get("failed_db") else ""
    raise LastBuildFailed(
        f"refusing to estimate: the last build of {record['warehouse']} "
        f"({record.get('started_at', '?')}) failed: {names}{where}; fix the inputs and run "
        "`resilience build` again"
    )


__all__ = [
    "BuildResult",
    "NodeOutcome",
    "ResilienceError",
    "build",
    "check_last_build",
    "last_build",
]
