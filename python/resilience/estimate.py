"""Run all specs over a DuckDB warehouse: read the panels, estimate, write results and tables.

:func:`run` is the entry point a CLI calls. The panels (``marts.panel_*``) are read with a
read-only connection that is closed before the writable one opens; results go to schema
``results`` (:mod:`resilience.results`), tables to ``out_dir`` (:mod:`resilience.tables`).
The tables are rendered from the rows written (:func:`resilience.results.result_rows`
read back by :func:`resilience.results.stored_models`), as the report renders them from
the warehouse, and the table specs are stored beside them (``results.tables``).
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
from rich.console import Console

from resilience import jsonio, lock, relations
from resilience.errors import StorageError, classify, storage_faults
from resilience.hausman import HAUSMAN_TESTS, hausman_tests
from resilience.heterogeneity import group_difference
from resilience.mediation import mediation
from resilience.panel import CONSTRUCTION_TOL, PanelResults, regress, time_part_spread
from resilience.results import (
    COMPLEMENT_ROLE,
    TEST_COLUMNS,
    ModelRecord,
    StoredModel,
    TestKind,
    build_id_of,
    complement_id,
    data_fingerprint,
    read_results,
    result_rows,
    settings_of,
    stored_models,
    stored_table_specs,
    tests_frame,
    write_results,
)
from resilience.specs import (
    Construction,
    ModelSpec,
    SpecError,
    SpecSet,
    TableSpec,
    load_specs,
    with_settings,
)
from resilience.tables import (
    build_descriptives,
    build_stored_tables,
    build_table,
    print_table,
    staged_tables,
)
from resilience.wildboot import FocalBootstrap

PANEL_NAME = re.compile(r"[A-Za-z_]\w*\.[A-Za-z_]\w*")
DESCRIPTIVES_MART = relations.DESCRIPTIVE_STATISTICS
"""The warehouse's descriptive statistics, which the specs' ``descriptives`` tables render."""


class Panels(dict):
    """The panels read, ``{schema.table: frame}``, and where they came from.

    ``build_id``: the build; ``settings``: the vars it used (for the table notes).
    """

    build_id: str | None = None
    settings: dict[str, str] = {}  # noqa: RUF012 - replaced per instance by read_panels
    descriptives: pd.DataFrame | None = None
    """:data:`DESCRIPTIVES_MART`, or None where the warehouse has none (panels written by hand)."""


def read_panels(db_path: str | Path, names: list[str]) -> Panels:
    """Read whole panels (``schema.table``) through a read-only connection, then close it.

    The warehouse's ``build_id`` (:func:`resilience.results.build_id_of`) is read through
    the same connection, hence from the same file as the panels, even if a build swaps
    another file in meanwhile. Rows are read sorted (``order by all``): a table built on
    several DuckDB threads stores its rows in no fixed order, and the regressions' last
    bits follow the row order.

    Raises
    ------
    SpecError
        If a name is not ``schema.table`` or the table does not exist.
    """
    con = lock.connect(db_path, read_only=True)
    try:
        panels = Panels()
        panels.build_id = build_id_of(con)
        panels.settings = settings_of(con)
        with contextlib.suppress(duckdb.CatalogException):
            panels.descriptives = con.execute(
                f"select * from {DESCRIPTIVES_MART} order by all"
            ).df()
        for name in names:
            if not PANEL_NAME.fullmatch(name):
                raise SpecError(f"panel {name!r} must be written schema.table")
            try:
                panels[name] = con.execute(f"select * from {name} order by all").df()
            except duckdb.CatalogException as exc:
                raise SpecError(
                    f"panel {name} is not in {db_path}; build the marts first "
                    f"(dbt build / make demo)"
                ) from exc
        return panels
    finally:
        con.close()


def model_frame(panel: pd.DataFrame, spec: ModelSpec) -> pd.DataFrame:
    """Keep the rows of the spec's sample (every row when it has none).

    Parameters
    ----------
    panel : pandas.DataFrame
        The panel the spec names.
    spec : ModelSpec
        The model.

    Returns
    -------
    pandas.DataFrame
        Rows of the sample; missing values are left for :func:`resilience.panel.regress`
        to drop and count.
    """
    frame = panel.copy()
    if spec.sample:
        try:
            frame = frame.query(spec.sample)
        except Exception as exc:
            raise SpecError(
                f"{spec.source}: model {spec.model_id!r}, key 'sample': cannot "
                f"apply {spec.sample!r} to {spec.panel}: {exc}"
            ) from exc
    return frame


def fit_model(panel: pd.DataFrame, spec: ModelSpec) -> PanelResults:
    """Estimate one spec on its panel."""
    return regress(
        spec.formula, model_frame(panel, spec), spec.entity, spec.time, spec.cov, spec.model_id
    )


def checked_constructions(
    result: PanelResults, spec: ModelSpec, specs: SpecSet
) -> dict[str, Construction]:
    """Return the fit's terms declared unit part + time part, checked on its sample.

    The declaration ``x_it = u_it + p_t`` holds when ``x - unit_part`` is constant within
    every year of the sample (:func:`resilience.panel.time_part_spread`).

    Raises
    ------
    SpecError
        The unit-part column is absent or missing in a row, or ``x - unit_part`` varies
        within a year: the declaration is false for this panel.
    """
    declared = {t: c for t, c in specs.constructions_of(spec).items() if t in result.terms}
    sample = result.sample
    for term, built in declared.items():
        where = f"{built.source}: construction {term!r}, key 'unit_part'"
        if built.unit_part not in sample:
            raise SpecError(
                f"{where}: column {built.unit_part!r} is not in {spec.panel} (model "
                f"{result.model_id!r}); rebuild the marts or correct the declaration"
            )
        missing = int(sample[built.unit_part].isna().sum())
        if missing:
            raise SpecError(
                f"{where}: {built.unit_part!r} is missing in {missing} row(s) of model "
                f"{result.model_id!r}'s sample, so the declaration cannot be checked"
            )
        spread, year = time_part_spread(sample, term, built.unit_part, spec.time)
        if spread > CONSTRUCTION_TOL:
            raise SpecError(
                f"{where}: {term} - {built.unit_part} is not common to all units of a "
                f"{spec.time} (it varies by {spread:.3g}, relative, in {spec.time} {year} of "
                f"model {result.model_id!r}'s sample), so {term} is not {built.formula}; "
                "correct or remove the declaration"
            )
    return declared


def record(
    result: PanelResults, spec: ModelSpec, specs: SpecSet, note: dict[str, Any] | None = None
) -> ModelRecord:
    """Describe a fit for ``results.models`` (spec JSON, fingerprint, table and label).

    Its terms declared unit part + time part are checked (:func:`checked_constructions`).
    """
    columns = [spec.entity, spec.time, result.formula.outcome, *result.terms]
    payload = {**spec.to_dict(), "formula": str(result.formula), **(note or {})}
    in_specs = spec.model_id == result.model_id
    return ModelRecord(
        result,
        json.dumps(payload, sort_keys=True),
        spec.panel,
        data_fingerprint(result.sample, columns),
        specs.table_of(spec.model_id) if in_specs else None,
        specs.column_label(spec.model_id) if in_specs else None,
        checked_constructions(result, spec, specs),
        role=(note or {}).get("role"),
        base_model_id=None if in_specs else spec.model_id,
        flag=(note or {}).get("flag"),
    )


def stored_fits(fits: dict[str, PanelResults], specs: SpecSet) -> dict[str, StoredModel]:
    """Return the fits of spec models as the tables read them: their ``results`` rows read back.

    ``fits`` maps a model id of ``specs`` to its fit (:func:`fit_model`);
    :func:`resilience.tables.build_table` renders the result.
    """
    return stored_models(result_rows(record(f, specs.models[m], specs) for m, f in fits.items()))


def with_ids(frame: pd.DataFrame, model_id: str, table_id: str | None) -> pd.DataFrame:
    """Attach ``model_id`` and ``table_id`` to tidy test rows."""
    return frame.assign(model_id=model_id, table_id=table_id)[TEST_COLUMNS]


def select(specs: SpecSet, tables: list[str] | None) -> SpecSet:
    """Restrict ``specs`` to ``tables`` and the models and analyses they involve."""
    if tables is None:
        return specs
    known = {**specs.tables, **specs.descriptives}
    unknown = [t for t in tables if t not in known]
    if unknown:
        raise SpecError(f"table(s) {unknown} not in the specs; known: {sorted(known)}")
    keep = {c.model for t in tables if t in specs.tables for c in specs.tables[t].columns}
    return replace(
        specs,
        tables={t: specs.tables[t] for t in tables if t in specs.tables},
        descriptives={t: specs.descriptives[t] for t in tables if t in specs.descriptives},
        hausman=tuple(m for m in specs.hausman if m in keep),
        mediation={k: m for k, m in specs.mediation.items() if m.mediator_model in keep},
        heterogeneity={k: h for k, h in specs.heterogeneity.items() if h.model in keep},
    )


@dataclass
class RunSummary:
    """What :func:`run` did: models, tests, tables, files, rows dropped per model."""

    models: list[str] = field(default_factory=list)
    tests: int = 0
    tables: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    dropped: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    """Table -> why it was not estimated (its panel's input was not supplied)."""

    def to_json(self) -> str:
        """JSON of the summary."""
        return jsonio.dumps(self.__dict__)


def _analyses(
    specs: SpecSet, panels: dict[str, pd.DataFrame]
) -> tuple[list[ModelRecord], list[pd.DataFrame]]:
    """Hausman, mediation and heterogeneity: extra models and test rows."""
    records, tests = [], []
    for model_id in specs.hausman:
        spec = specs.models[model_id]
        frame = model_frame(panels[spec.panel], spec)
        # "hausman": plm phtest / Stata `hausman fe re`; "hausman_sigmamore": Stata's
        # `, sigmamore` (one common variance, the RE one), positive semi-definite. Both
        # compare what Stata does by default (all shared coefficients but the constant,
        # year dummies included); the "_named" rows compare the named regressors only.
        results = hausman_tests(
            spec.formula,
            frame,
            spec.entity,
            spec.time,
            sigmas=tuple(dict.fromkeys(sigma for _, sigma in HAUSMAN_TESTS.values())),
            model_id=model_id,
            compares=tuple(dict.fromkeys(compare for compare, _ in HAUSMAN_TESTS.values())),
        )
        rows = tests_frame(
            (TestKind("hausman", name), h.statistic, h.df, h.pvalue, h.to_json())
            for name, h in ((name, results[v]) for name, v in HAUSMAN_TESTS.items())
        )
        tests.append(with_ids(rows, model_id, specs.table_of(model_id)))
    for analysis in specs.mediation.values():
        total, first = specs.models[analysis.total], specs.models[analysis.mediator_model]
        third_id = f"{analysis.analysis_id}_step3"
        med = mediation(
            model_frame(panels[total.panel], total),
            total.outcome,
            total.terms[0],
            first.outcome,
            list(total.terms[1:]),
            total.entity,
            total.time,
            total.cov,
            analysis.n_boot,
            analysis.seed,
            analysis.level,
            (f"{analysis.analysis_id}_total", f"{analysis.analysis_id}_step2", third_id),
        )
        records.append(
            record(
                med.third,
                total,
                specs,
                {"role": "mediation step 3", "analysis": analysis.analysis_id},
            )
        )
        tests.append(with_ids(med.tidy(), first.model_id, specs.table_of(first.model_id)))
    for analysis in specs.heterogeneity.values():
        spec = specs.models[analysis.model]
        base = replace(spec, sample=analysis.sample)
        diff = group_difference(
            model_frame(panels[spec.panel], base),
            spec.outcome,
            spec.terms[0],
            list(spec.terms[1:]),
            analysis.flag,
            spec.entity,
            spec.time,
            spec.cov,
            analysis.n_perm,
            analysis.seed,
            (spec.model_id, complement_id(spec.model_id)),
        )
        for fit, role in (
            (diff.group0, COMPLEMENT_ROLE),
            (diff.interaction, "interaction model"),
        ):
            records.append(
                record(
                    fit,
                    base,
                    specs,
                    {"role": role, "flag": analysis.flag, "analysis": analysis.analysis_id},
                )
            )
        tests.append(with_ids(diff.tidy(), spec.model_id, specs.table_of(spec.model_id)))
    return records, tests


def wild_bootstraps(specs: SpecSet, fits: dict[str, PanelResults]) -> pd.DataFrame:
    """``results.tests`` rows of the tables' wild cluster bootstrap p-values.

    For every table with ``wild_bootstrap`` settings and every column: the WCR bootstrap
    of the column's focal coefficient (its first regressor), one row per weight type
    (``wild_bootstrap_rademacher``, ``wild_bootstrap_webb``): statistic the model's t,
    df the clusters less one, p_value the bootstrap p, detail the settings
    (:class:`resilience.wildboot.WildBootstrap`).
    """
    frames = []
    for table in specs.tables.values():
        settings = table.wild_bootstrap
        if settings is None:
            continue
        for model_id in dict.fromkeys(c.model for c in table.columns):
            focal = FocalBootstrap(fits[model_id])
            boots = [focal.test(w, settings.reps, settings.seed) for w in settings.weights]
            rows = tests_frame(
                (t.kind, t.statistic, t.n_clusters - 1, t.p_value, t.to_json()) for t in boots
            )
            frames.append(with_ids(rows, model_id, table.table_id))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=TEST_COLUMNS)


def run(
    db_path: str | Path,
    spec_path: str | Path | list | None = None,
    tables: list[str] | None = None,
    out_dir: str | Path = "reports/tables",
    console: Console | None = None,
    write_db: bool = True,
    lang: str | None = None,
) -> RunSummary:
    """Estimate every spec over the warehouse, write ``results.*`` and the tables.

    Parameters
    ----------
    db_path : str or Path
        DuckDB warehouse file with the ``marts.panel_*`` tables.
    spec_path : path or list of paths, optional
        The user's spec file(s); default the specs shipped with the package.
    tables : list of str, optional
        Only these tables (and the models, tests and analyses they involve).
    out_dir : str or Path
        Folder for the Markdown, LaTeX, HTML and Word tables.
    console : rich.console.Console, optional
        Print the tables here (nothing is printed if ``None``).
    write_db : bool
        Write the results back to the warehouse (default ``True``).
    lang : str, optional
        ``en`` or ``zh`` for every table; default each spec file's ``lang:``, else ``en``.

    Returns
    -------
    RunSummary
    """
    specs = load_specs(spec_path)
    unbuilt = unbuilt_panels(db_path)
    skipped = unbuilt_tables(specs, unbuilt)
    if skipped:
        tables = [t for t in (tables or [*specs.tables, *specs.descriptives]) if t not in skipped]
    specs = select(specs, tables)
    panels = read_panels(db_path, sorted({m.panel for m in specs.models.values()} - set(unbuilt)))
    keep = {c.model for t in specs.tables.values() for c in t.columns}
    models = [m for m in specs.models.values() if tables is None or m.model_id in keep]
    fits = {m.model_id: fit_model(panels[m.panel], m) for m in models}
    records = [record(fits[m.model_id], m, specs) for m in models]
    extra, tests = _analyses(specs, panels)
    records += extra
    boot = wild_bootstraps(specs, fits)
    if not boot.empty:
        tests.append(boot)
    test_frame = (
        pd.concat(tests, ignore_index=True) if tests else pd.DataFrame(columns=TEST_COLUMNS)
    )
    specs = with_settings(specs, panels.settings)  # the notes' {hp_lambda}, … as built
    built, skipped = _descriptives(specs, panels, unbuilt, skipped, lang)
    rows = result_rows(records, test_frame)  # the rows written, read back as the report does
    stored = stored_models(rows)
    built += [build_table(t, stored, rows["tests"], lang) for t in specs.tables.values()]
    # the tables are written first into a hidden folder, the results then into the
    # warehouse, and only then the tables moved in: a refused write of either leaves both
    # as they were
    with (
        storage_faults(f"cannot write the tables into {out_dir}; nothing was written", out_dir),
        staged_tables(built, out_dir) as files,
    ):
        if write_db:
            write_against(db_path, records, test_frame, panels.build_id, specs.tables.values())
    if console is not None:
        for table in built:
            print_table(table, console)
    return RunSummary(
        [r.result.model_id for r in records],
        len(test_frame),
        [t.table_id for t in built],
        [str(f) for f in files],
        {r.result.model_id: r.result.n_dropped for r in records if r.result.n_dropped},
        skipped,
    )


def render_stored(
    db_path: str | Path,
    tables: list[str] | None = None,
    out_dir: str | Path = "reports/tables",
    console: Console | None = None,
    lang: str | None = None,
) -> list[str]:
    """Render the stored tables again from the warehouse's ``results``, estimating nothing.

    Each table of ``results.tables`` (the spec it was estimated with) is built from the
    stored models (:func:`resilience.tables.build_stored_tables`) and written to
    ``out_dir`` as :func:`run` writes it: the same cells, in ``lang`` if given. Returns
    the table ids rendered ([] when nothing is stored yet).

    Raises
    ------
    SpecError
        If ``tables`` names a table the warehouse holds no results of.
    """
    con = lock.connect(db_path, read_only=True)
    try:
        frames = read_results(con)
    finally:
        con.close()
    specs = stored_table_specs(frames["tables"])
    if not specs:
        return []
    unknown = [t for t in tables or [] if t not in specs]
    if unknown:
        raise SpecError(
            f"table(s) {unknown} have no stored results in {db_path}; stored: {sorted(specs)} "
            "(run `resilience estimate` for the others)"
        )
    if tables:
        specs = {t: specs[t] for t in tables}
    built = build_stored_tables(specs, stored_models(frames), frames["tests"], lang)
    with (
        storage_faults(f"cannot write the tables into {out_dir}; nothing was written", out_dir),
        staged_tables(built, out_dir),
    ):
        pass
    if console is not None:
        for table in built:
            print_table(table, console)
    return [t.table_id for t in built]


def _descriptives(
    specs: SpecSet,
    panels: Panels,
    unbuilt: dict[str, str],
    skipped: dict[str, str],
    lang: str | None,
) -> tuple[list, dict[str, str]]:
    """Build the descriptive-statistics tables (first, as in the papers); skip those unbuilt.

    A table is skipped (with its reason) when its panel was not built or the warehouse has
    no :data:`DESCRIPTIVES_MART` (panels written by other means than dbt).
    """
    built, skipped = [], dict(skipped)
    for spec in specs.descriptives.values():
        if spec.panel in unbuilt:
            skipped[spec.table_id] = f"panel {spec.panel} not built: {unbuilt[spec.panel]}"
        elif panels.descriptives is None:
            skipped[spec.table_id] = f"{DESCRIPTIVES_MART} not in the warehouse (dbt build)"
        else:
            built.append(build_descriptives(spec, panels.descriptives, lang))
    return built, skipped


def write_against(
    db_path: str | Path,
    records: list[ModelRecord],
    tests: pd.DataFrame,
    build_id: str | None,
    tables: Iterable[TableSpec] = (),
) -> None:
    """Write results (and the ``tables`` specs) only if the marts are still those of ``build_id``.

    The build lock is held for the write, so no build can swap its file in between the
    check and the commit; a build that finished since the panels were read has recorded
    another build id, and :func:`resilience.results.write_results` refuses
    (:class:`~resilience.errors.WarehouseRebuilt`, exit 3). A build running now makes the
    lock fail (:class:`~resilience.errors.WarehouseLocked`, exit 3). Either way nothing
    is written.
    """
    db_path = Path(db_path).resolve()
    wal = Path(f"{db_path}.wal")
    had_wal = wal.exists()
    doing = f"cannot write the results into {db_path}; nothing was written"
    with storage_faults(doing, db_path), lock.build_lock(db_path):
        con = lock.connect(db_path, doing=doing)
        try:
            write_results(con, records, tests, expected_build_id=build_id, tables=tables)
            try:
                con.execute("checkpoint")
            except duckdb.Error as exc:
                mapped = classify(exc, db_path, "")
                if not isinstance(mapped, StorageError):
                    raise
                raise StorageError(
                    mapped.cause,
                    mapped.path,
                    f"the results were committed to {wal} but could not be merged into "
                    f"{db_path}; free space and open the warehouse again to merge them",
                ) from None
        finally:
            con.close()
            if not had_wal and wal.exists() and wal.stat().st_size == 0:
                wal.unlink()  # a failed commit's empty write-ahead log


def unbuilt_panels(db_path: str | Path) -> dict[str, str]:
    """Marts the last build skipped for want of an input: ``{schema.table: input}``.

    ``resilience build --inputs DIR`` leaves out the models of an input ``DIR`` lacks and
    records them in ``<warehouse>.last_build.json``.
    """
    from resilience.build import last_build

    record = last_build(Path(db_path)) or {}
    return {
        f"{relations.MARTS_SCHEMA}.{model}": name
        for name, models in (record.get("skipped_models") or {}).items()
        for model in models
    }


def unbuilt_tables(specs: SpecSet, panel_input: dict[str, str]) -> dict[str, str]:
    """Tables on an unbuilt panel (:func:`unbuilt_panels`): ``{table: reason}``.

    Their tables are not estimated (and the reason is printed), while a panel missing for
    any other reason stays an error.
    """
    out = {}
    for table_id, table in specs.tables.items():
        panels = sorted({specs.models[c.model].panel for c in table.columns} & set(panel_input))
        if panels:
            out[table_id] = (
                f"{panels[0]} was not built: input {panel_input[panels[0]]} was not supplied"
            )
    return out
