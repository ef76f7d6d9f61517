"""The ``resilience`` command line: build, estimate, report and the analyst's one-liners.

Each command is a thin shell over a function in the package; exit code 0 means success,
any other code comes with a one-line reason on stderr (``error: ...``), never a stack
trace (set ``RESILIENCE_DEBUG=1`` to see one). Exit codes (``resilience --help``):

0 success; 1 the dbt build ran and tests failed, or a reference check failed;
2 a user-supplied file, option or formula is wrong; 3 the warehouse is locked by another
process; 4 refused because the last build failed; 5 dbt itself could not run;
6 something this command needs is not there yet (no warehouse file, a table not built or
not estimated yet, a tool not installed); 7 the file system refused a write (no space
left, read-only file system, permission denied); 8 the warehouse file is damaged (not a
readable DuckDB database).
"""

from __future__ import annotations

import functools
import json
import math
import os
import re
import warnings
import webbrowser
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from resilience import relations
from resilience.errors import DbtCrashed, ResilienceError, classify, storage_faults
from resilience.paths import PROJECT_ROOT, REPORTS_DIR, warehouse_path

EXIT_CODES = (
    "Exit codes: 0 ok; 1 tests failed; 2 bad input (file, option, formula); "
    "3 warehouse locked; 4 refused, last build failed; 5 dbt could not run; "
    "6 missing prerequisite (no warehouse, table not built/estimated yet, tool not installed); "
    "7 the file system refused a write (no space left, read-only, permission denied); "
    "8 the warehouse file is damaged (not a readable DuckDB database)."
)

app = typer.Typer(
    name="resilience",
    help="Resilience Warehouse: build the dbt + DuckDB warehouse, estimate the papers' tables, "
    "write the report.",
    epilog=EXIT_CODES,
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)


class MissingPrerequisite(ResilienceError):
    """Something the command needs is not there yet (exit 6)."""

    exit_code = 6


class BadInput(ResilienceError):
    """A user-supplied option, file or formula is wrong (exit 2)."""

    exit_code = 2


def _exit_code_for(exc: BaseException) -> int:
    """Map an exception to the documented exit code (an importer error is a ValueError)."""
    if isinstance(exc, ResilienceError):
        return exc.exit_code
    if isinstance(exc, FileNotFoundError):
        return MissingPrerequisite.exit_code
    if isinstance(exc, (ValueError, KeyError)):
        return BadInput.exit_code
    return 1


def _one_line(exc: BaseException) -> str:
    """Return the first line of an exception's message (the reason printed on stderr)."""
    text = str(exc).strip() or type(exc).__name__
    first = text.splitlines()[0]
    return (
        first
        if isinstance(exc, (ResilienceError, ValueError))
        else f"{type(exc).__name__}: {first}"
    )


def handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Run a command; turn any exception into ``error: <one line>`` and its exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except typer.Exit:
            raise
        except Exception as raised:  # noqa: BLE001 - the CLI's single exit point for errors
            if os.environ.get("RESILIENCE_DEBUG"):
                raise
            exc = classify(raised) or raised  # a refused write anywhere: exit 7, its cause
            err_console.print(
                f"[bold red]error:[/] {_one_line(exc)}", highlight=False, soft_wrap=True
            )
            for detail in (getattr(exc, "failures", None) or [])[:10]:
                err_console.print(str(detail).splitlines()[0], highlight=False, soft_wrap=True)
            raise typer.Exit(_exit_code_for(exc)) from None

    return wrapper


DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="Warehouse DuckDB file. Default: $RESILIENCE_DB, else warehouse.duckdb at the "
        "project root.",
        show_default=False,
    ),
]
LangOption = Annotated[
    str | None,
    typer.Option(
        "--lang",
        help="Language of the tables: en or zh (Chinese labels, headers and notes). Default: "
        "the spec file's `lang:`, else en.",
        show_default=False,
    ),
]


def _lang(lang: str | None) -> str | None:
    """Check ``--lang`` (None: the specs' default)."""
    from resilience.i18n import LANGS

    if lang is not None and lang not in LANGS:
        raise BadInput(f"--lang {lang!r}: not a language of the tables; give one of {list(LANGS)}")
    return lang


def _print_language_warnings(caught: list[warnings.WarningMessage]) -> None:
    """Print the texts left in English (resilience.i18n.LanguageWarning) as notes."""
    from resilience.i18n import LanguageWarning

    for warning in caught:
        if issubclass(warning.category, LanguageWarning):
            console.print(f"  [yellow]warning:[/] {warning.message}", highlight=False)
        else:
            warnings.showwarning(
                warning.message, warning.category, warning.filename, warning.lineno
            )


DATA_SUFFIXES = (".csv", ".tsv", ".parquet", ".json", ".xlsx", ".xls", ".txt")
DUCKDB_MAGIC = (8, b"DUCK")
"""A DuckDB database file holds ``DUCK`` at byte 8 of its main header."""


def _not_a_folder(db: Path) -> None:
    """Refuse a warehouse path that is a folder or a data file (DuckDB's errors were exit 1).

    A data file (by its suffix, and not a DuckDB file by its header) given as ``--db`` is a
    mix-up, not a damaged warehouse: refused (exit 2) and never moved aside by ``build``.
    """
    if db.is_dir():
        raise BadInput(f"--db {db}: is a folder, not a warehouse file; give the file, e.g. "
                       f"{db / 'warehouse.duckdb'}")  # fmt: skip
    if db.is_file() and db.suffix.lower() in DATA_SUFFIXES:
        offset, magic = DUCKDB_MAGIC
        with open(db, "rb") as fh:
            head = fh.read(offset + len(magic))
        if head[offset:] != magic:
            raise BadInput(f"--db {db}: is a {db.suffix} data file, not a DuckDB warehouse; "
                           "give the warehouse file (e.g. warehouse.duckdb); data files go "
                           "to --input, --inputs or --data")  # fmt: skip


def _existing_db(db: Path | None, readable: bool = False) -> Path:
    """Return the warehouse path, or raise MissingPrerequisite if it was never built.

    With ``readable``, a file that is not a readable DuckDB database raises
    :class:`~resilience.errors.WarehouseDamaged` (exit 8) before anything is written.
    """
    from resilience.lock import check_readable

    path = db or warehouse_path()
    _not_a_folder(path)
    if not path.exists():
        raise MissingPrerequisite(
            f"warehouse {path} does not exist: run `resilience build` (or `make demo`) first"
        )
    if readable:
        check_readable(path)
    return path


@app.callback()
def main() -> None:
    """Resilience Warehouse command line (run from anywhere; dbt runs from the project root).

    Typical session: `resilience build`, `resilience estimate`, `resilience report`, then
    open reports/index.html. The demo data is SYNTHETIC, not official statistics.
    """


# ---------------------------------------------------------------- build -------------
@app.command()
@handle_errors
def build(
    db: DbOption = None,
    values: Annotated[
        Path | None,
        typer.Option(
            "--values",
            help="Your indicator values (CSV/Parquet: unit_id, year, "
            "indicator, value); validated before dbt runs. Default: var indicator_values_path "
            "(the synthetic demo file).",
        ),
    ] = None,
    system: Annotated[
        Path | None,
        typer.Option(
            "--system",
            help="Your indicator system (CSV: index_name, dimension, "
            "indicator, direction). Default: the shipped seed.",
        ),
    ] = None,
    inputs: Annotated[
        Path | None,
        typer.Option(
            "--inputs",
            help="A folder holding your raw inputs, named as in docs/contracts.md "
            "(indicator_values.csv, province_accounts.csv, partner_macro.csv, "
            "bilateral_flows.csv, exchange_rates.csv, optional indicator_system.csv, "
            "index_samples.csv, partner_countries.csv, martin_series.csv and province_rd.csv "
            "(provincial R&D stocks); .parquet also). An input the folder lacks is not replaced: "
            "the models that need it are skipped and listed.",
        ),
    ] = None,
    input_: Annotated[
        list[str] | None,
        typer.Option(
            "--input",
            help="One input file, NAME=FILE (repeatable), e.g. partner_macro=my_partners.csv; "
            "applied after --inputs.",
        ),
    ] = None,
    var: Annotated[
        list[str] | None,
        typer.Option("--var", help="A dbt var, key=value (repeatable), e.g. rd_depreciation=0.15."),
    ] = None,
    strict: Annotated[bool, typer.Option(help="Treat data-test warnings as failures.")] = False,
    target: Annotated[
        str,
        typer.Option(
            "--target",
            help="duckdb (the warehouse file) or spark: the seeds, index and spillover models "
            "with their data tests on a local Spark session (dbt-spark; tables in "
            'RESILIENCE_SPARK_DIR, default build/spark; README "Scale").',
        ),
    ] = "duckdb",
) -> None:
    """Build the warehouse with dbt (seeds, models, tests) and swap it in if every test passes.

    dbt builds into a fresh file beside the warehouse; only when every test passes does it
    replace the warehouse (results.* carried over), so a failed or killed build leaves the
    last good warehouse byte-identical. Failing rows: <warehouse>.failed.duckdb, schema
    test_failures. See README "When the build fails".
    """
    from resilience import build as build_module
    from resilience import cli_progress
    from resilience.validate import parse_var_options

    _not_a_folder(db or warehouse_path())
    overrides, problems = parse_var_options(var or [])
    paths, path_problems = parse_var_options(input_ or [], option="--input")
    if problems or path_problems:
        raise BadInput((problems or path_problems)[0].format())
    for option, name in ((values, "indicator_values"), (system, "indicator_system")):
        if option is not None and name in paths:
            flag = "--values" if name == "indicator_values" else "--system"
            raise BadInput(f"{flag} {option} and --input {name}={paths[name]} name the same "
                           "input; give one")  # fmt: skip
    if target not in ("duckdb", "spark"):
        raise BadInput(f"--target {target}: choose duckdb or spark")
    if target == "spark":
        from resilience import spark

        if db is not None:
            raise BadInput("--db names a DuckDB warehouse; --target spark builds in "
                           "RESILIENCE_SPARK_DIR instead")  # fmt: skip
        with cli_progress.LiveProgress(err_console) as live:
            spark_result = spark.build_on_spark(
                values, system, overrides, inputs, {k: Path(v) for k, v in paths.items()},
                on_event=live.on_event,
            )  # fmt: skip
        totals = ", ".join(
            f"{kind} {sum(c.values())}" for kind, c in sorted(spark_result.counts.items())
        )
        console.print(f"Spark build in {spark_result.folder}: {totals}; "
                      f"{len(spark_result.failing)} failing")  # fmt: skip
        for node in spark_result.failing:
            for message in node.messages[:5]:
                console.print(f"  {node.name}: {message}")
        spark_result.raise_for_status()
        return
    with cli_progress.LiveProgress(err_console) as live:
        result = build_module.build(
            db,
            values,
            system,
            overrides,
            strict=strict,
            on_event=live.on_event,
            inputs_dir=inputs,
            input_paths={k: Path(v) for k, v in paths.items()},
        )
    cli_progress.print_summary(result, console)
    result.raise_for_status()


# ---------------------------------------------------------------- estimate ----------
@app.command()
@handle_errors
def estimate(
    db: DbOption = None,
    spec: Annotated[
        Path | None,
        typer.Option(
            help="YAML spec of the tables to estimate. Default: the shipped specs "
            "(python/resilience/specs/)."
        ),
    ] = None,
    table: Annotated[
        list[str] | None,
        typer.Option(
            "--tables",
            "--table",
            "-t",
            help="Estimate only these table ids: comma-separated or repeated, e.g. "
            "--tables wl_table2,wl_table3. Default: every table in the spec.",
        ),
    ] = None,
    out_dir: Annotated[
        Path, typer.Option(help="Where the publication tables (md, tex, html, docx) go.")
    ] = REPORTS_DIR / "tables",
    lang: LangOption = None,
) -> None:
    """Estimate the papers' regression tables from the panel marts.

    Reads marts.panel_* from the warehouse, fits every model of the spec (two-way FE,
    robustness, mediation, heterogeneity, Hausman), writes results.models,
    results.coefficients, results.tests and results.absorption (the share of each
    regressor's variance the fixed effects leave) back into the warehouse and the
    formatted tables into --out-dir, in --lang (a text without a translation stays
    English and is listed in a warning).
    """
    from resilience import estimate as estimate_module
    from resilience.build import check_last_build

    lang = _lang(lang)
    db_path = _existing_db(db, readable=True)
    check_last_build(db_path)
    wanted = [t.strip() for item in table or [] for t in item.split(",") if t.strip()]
    if table and not wanted:
        raise BadInput(f"--tables {','.join(table)!r} names no table; give table ids such as "
                       "wl_table2,ch_table2, or leave --tables out for every table")  # fmt: skip
    with (
        storage_faults("cannot estimate; nothing was written", db_path),
        warnings.catch_warnings(record=True) as caught,
    ):
        warnings.simplefilter("always")
        summary = estimate_module.run(
            db_path,
            spec_path=spec,
            tables=wanted or None,
            out_dir=out_dir,
            console=console,
            lang=lang,
        )
    _print_language_warnings(caught)
    console.print(
        f"[green]Estimated[/] {len(summary.models)} models and {summary.tests} tests "
        f"into {db_path} (schema results); tables {', '.join(summary.tables)} in {out_dir}",
        highlight=False,
    )
    for model_id, n in summary.dropped.items():
        console.print(f"  [yellow]note:[/] {model_id}: {n} rows dropped (missing values)")
    for table_id, reason in summary.skipped.items():
        console.print(f"  [yellow]skipped:[/] {table_id}: {reason}", highlight=False)


# ---------------------------------------------------------------- tables ------------
@app.command("tables")
@handle_errors
def tables_command(
    db: DbOption = None,
    table: Annotated[
        list[str] | None,
        typer.Option(
            "--tables",
            "--table",
            "-t",
            help="Render only these table ids: comma-separated or repeated. Default: every "
            "table the warehouse holds results of.",
        ),
    ] = None,
    out_dir: Annotated[
        Path, typer.Option(help="Where the publication tables (md, tex, html, docx) go.")
    ] = REPORTS_DIR / "tables",
    lang: LangOption = None,
) -> None:
    """Render the regression tables again from the stored results, without estimating.

    Reads results.tables (the spec each table was estimated with, a --spec of
    `resilience estimate` too) and the models, coefficients, tests and absorption rows,
    and writes the tables into --out-dir as `resilience estimate` does (same renderer,
    same cells), in --lang: e.g. the Chinese tables of an English run. The descriptive
    statistics tables are not results; `resilience estimate` writes them.
    """
    from resilience import estimate as estimate_module

    lang = _lang(lang)
    db_path = _existing_db(db, readable=True)
    wanted = [t.strip() for item in table or [] for t in item.split(",") if t.strip()]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rendered = estimate_module.render_stored(
            db_path, wanted or None, out_dir, console=console, lang=lang
        )
    _print_language_warnings(caught)
    if not rendered:
        raise MissingPrerequisite(
            f"no tables estimated yet in {db_path} ({relations.TABLE_SPECS} is absent or "
            "empty): run `resilience estimate` first"
        )
    console.print(
        f"[green]Rendered[/] tables {', '.join(rendered)} from the results in {db_path} "
        f"into {out_dir}",
        highlight=False,
    )


# ---------------------------------------------------------------- sensitivity -------
@app.command()
@handle_errors
def sensitivity(
    db: DbOption = None,
    model: Annotated[
        list[str] | None,
        typer.Option(
            "--model",
            "-m",
            help="Only these baseline models: comma-separated or repeated, e.g. --model "
            "wl_t2_c2. Default: wl_t2_c2 (Wang & Lu Table 2 col. 2) and ch_t2_m2, ch_t2_m3, "
            "ch_t2_m4 (Chen Table 2).",
        ),
    ] = None,
    spec: Annotated[
        Path | None,
        typer.Option(help="YAML spec of the models. Default: the shipped specs."),
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            help="Also write the curve and its summary as CSV here "
            "(specification_curve.csv, specification_curve_summary.csv)."
        ),
    ] = None,
) -> None:
    """Specification curve: the papers' baselines refitted for every index variant.

    Reads marts.fct_index_variant_scores (the index recomputed for each Monte Carlo
    variant of its construction), re-estimates each baseline with each variant in place of
    the shipped index (batched: fixed effects and controls swept once), prints the share
    of variants with the paper's sign and significance, and writes
    results.specification_curve and results.specification_curve_summary.
    """
    from resilience import speccurve
    from resilience.build import check_last_build
    from resilience.tables import print_whole

    db_path = _existing_db(db, readable=True)
    check_last_build(db_path)
    wanted = [m.strip() for item in model or [] for m in item.split(",") if m.strip()]
    if model and not wanted:
        raise BadInput(f"--model {','.join(model)!r} names no model; give model ids such as "
                       "wl_t2_c2, or leave --model out for all")  # fmt: skip
    with storage_faults("cannot estimate the specification curve; nothing was written", db_path):
        curve, summary = speccurve.run(db_path, models=wanted or None, spec_path=spec)
        if out_dir is not None:
            out_dir.mkdir(parents=True, exist_ok=True)
            curve.to_csv(out_dir / "specification_curve.csv", index=False)
            summary.to_csv(out_dir / "specification_curve_summary.csv", index=False)
    table = Table(title="Specification curve: the focal coefficient across index variants")
    for name in ("model", "term", "variants", "paper's sign", "and p<0.05", "and p<0.10",
                 "median", "min", "max", "shipped", "beta median", "beta min",
                 "beta max"):  # fmt: skip
        table.add_column(
            name, justify="left" if name in ("model", "term") else "right", no_wrap=True
        )
    for row in summary.itertuples():
        table.add_row(
            row.model_id, row.term, f"{row.n_variants:,}",
            f"{row.share_paper_sign:.1%}", f"{row.share_sign_significant_05:.1%}",
            f"{row.share_sign_significant_10:.1%}", f"{row.estimate_median:.4g}",
            f"{row.estimate_min:.4g}", f"{row.estimate_max:.4g}",
            "-" if math.isnan(row.shipped_estimate) else f"{row.shipped_estimate:.4g}",
            f"{row.standardised_median:.3g}", f"{row.standardised_min:.3g}",
            f"{row.standardised_max:.3g}",
        )  # fmt: skip
    print_whole(table, console)
    console.print(
        f"[green]Wrote[/] {len(curve):,} refits into {db_path} ({relations.SPECIFICATION_CURVE}, "
        f"{relations.SPECIFICATION_CURVE_SUMMARY})" + (f"; CSV in {out_dir}" if out_dir else ""),
        highlight=False,
    )


# ---------------------------------------------------------------- report ------------
@app.command()
@handle_errors
def report(
    db: DbOption = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="The HTML file to write (one self-contained file).")
    ] = REPORTS_DIR / "index.html",
    open_browser: Annotated[
        bool, typer.Option("--open", help="Open the report in the default browser afterwards.")
    ] = False,
    lang: LangOption = None,
) -> None:
    """Write the HTML report reports/index.html (one self-contained file).

    Contents: entropy weights, province rankings and heatmaps, regional trends,
    export-resilience paths, regression tables, coefficient plot, data-quality
    diagnostics, run parameters and data fingerprint.

    Works on whatever the warehouse holds: a section whose tables are not built or not
    estimated yet says so instead of failing. Plots are embedded PNGs, so the file can be
    mailed or archived on its own.
    """
    from resilience import report as report_module

    if out.is_dir():
        raise BadInput(f"--out {out}: is a folder; give the HTML file to write, e.g. "
                       f"{out / 'index.html'}")  # fmt: skip
    lang = _lang(lang)
    db_path = _existing_db(db, readable=True)
    with console.status("Writing the report ..."), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        written = report_module.write_report(db_path, out, lang=lang)
    _print_language_warnings(caught)
    console.print(
        f"[green]Report[/] {written.path}  ({written.n_sections} sections, "
        f"{written.n_tables} tables, {written.n_figures} figures)"
    )
    for note in written.notes:
        console.print(f"  [yellow]note:[/] {note}", highlight=False)
    if open_browser:
        webbrowser.open(written.path.resolve().as_uri())


# ---------------------------------------------------------------- export ------------
@app.command()
@handle_errors
def export(
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="dta (Stata 15+, labelled), xlsx (one workbook), parquet or csv.",
        ),
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder to write into (created if absent).")
    ],
    tables: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[TABLE]...",
            help=f"Tables to export as SCHEMA.TABLE, e.g. {relations.SPILLOVER_PANEL} "
            f"{relations.EXPORT_PANEL} {relations.COEFFICIENTS}.",
            show_default=False,
        ),
    ] = None,
    all_: Annotated[
        bool, typer.Option("--all", help="Export every table of schemas marts and results.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Export panels, marts or results to Stata, Excel, Parquet or CSV, with descriptions.

    The warehouse is read read-only and closed before anything is written. dta: one file
    per table, variable labels and the dataset label from the dbt descriptions (cut to
    Stata's 80 characters), booleans 0/1 labelled no/yes, names made Stata-safe (renames
    are printed and listed in columns.csv). xlsx: resilience_export.xlsx, one sheet per
    table plus the sheets 'columns' and 'README' (source, build, SYNTHETIC demo data or
    REAL DATA). parquet, csv: one file per table. Every format but xlsx also writes
    columns.csv (the data dictionary) and README.txt. Each file is written whole or not
    at all. Example: resilience export marts.panel_dataflow_export --format dta --out
    stata/
    """
    from resilience import export as export_module

    fmt = fmt.lower()
    if fmt not in export_module.FORMATS:
        raise BadInput(f"--format {fmt!r}: expected one of {', '.join(export_module.FORMATS)}")
    db_path = _existing_db(db, readable=True)
    tables_read, source = export_module.read_warehouse(db_path, tables or [], all_)
    with storage_faults(f"cannot export to {out}; no half-written file was left", out):
        written = export_module.write_export(tables_read, source, fmt, out)
    for note in written.notes:
        console.print(f"  [yellow]note:[/] {note}", highlight=False, soft_wrap=True)
    label = "SYNTHETIC demo data" if source.is_synthetic else "REAL DATA"
    console.print(
        f"[green]Exported[/] {len(tables_read)} table(s) from {db_path} ({label}) as {fmt} "
        f"into {out}: {', '.join(p.name for p in written.files)}",
        highlight=False,
        soft_wrap=True,
    )


# ---------------------------------------------------------------- index -------------
@app.command()
@handle_errors
def index(
    values: Annotated[
        Path,
        typer.Argument(
            help="Long CSV/Parquet: unit_id, year, indicator, value "
            "(e.g. written by `resilience import`)."
        ),
    ],
    system: Annotated[
        Path,
        typer.Argument(
            help="Indicator system CSV: index_name, dimension, "
            "indicator, direction (+/-), unit, description."
        ),
    ],
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "--out-dir",
            "-o",
            help="Write weights and scores CSVs here (default: print only).",
        ),
    ] = None,
    scope: Annotated[str | None, typer.Option(help="pooled (default) or per_year.")] = None,
    zero_policy: Annotated[
        str | None, typer.Option(help="shift (default), shift_if_zero or limit.")
    ] = None,
    edge_fill: Annotated[
        bool, typer.Option(help="Fill edge gaps with the nearest value (flagged).")
    ] = False,
    db_out: Annotated[
        Path | None,
        typer.Option(
            "--db-out",
            help="Keep the DuckDB file with every index model and "
            "diagnostic here (default: a temporary file, removed).",
        ),
    ] = None,
) -> None:
    """Build an entropy-weight composite index from your own data through the dbt models.

    The same models as the warehouse (gap filling, min-max normalisation, entropy
    weights, scores) run on your files in a scratch DuckDB; weights and scores are
    printed and, with --out-dir, written as CSV.
    """
    from resilience import indices
    from resilience.project_vars import VarError, coerce, rules

    for path in (values, system):
        if not path.exists():
            raise BadInput(f"{path}: file not found")
    dbt_vars: dict[str, Any] = {}
    var_rules = rules()
    for option, name, value in (
        ("--scope", "index_scope", scope),
        ("--zero-policy", "index_zero_policy", zero_policy),
    ):
        if value is None:
            continue
        try:
            dbt_vars[name] = coerce(name, value, var_rules[name])
        except VarError as exc:
            raise BadInput(f"{option} {value!r}: {exc}") from None
    if edge_fill:
        dbt_vars["index_edge_fill"] = True
    with console.status("Computing the index with the dbt index models ..."):
        weights = indices.build_index(
            values, system, out_dir=out_dir, db_path=db_out, vars=dbt_vars
        )
    columns = [
        c
        for c in ("index_name", "dimension", "indicator", "direction", "year", "entropy", "weight")
        if c in weights
    ]
    _print_frame(weights[columns], "Entropy weights")
    if out_dir:
        console.print(f"[green]Written[/] {out_dir / 'weights.csv'} and {out_dir / 'scores.csv'}")
    if db_out:
        console.print(f"[green]Warehouse[/] {db_out} (marts.fct_index_*, diagnostics)")


# ---------------------------------------------------------------- regress / hausman -
SAMPLE_TABLE = "__data"
"""The name the rows of ``--data`` go by while ``--where`` selects among them."""
WHERE_EXAMPLE = "'in_paper_sample and year >= 2010'"


def _strip_locations(node: Any) -> Any:
    """Return the parse tree ``node`` without its source positions (to compare two trees)."""
    if isinstance(node, dict):
        return {k: _strip_locations(v) for k, v in node.items() if "location" not in k}
    if isinstance(node, list):
        return [_strip_locations(v) for v in node]
    return node


def _has_subquery(node: Any) -> bool:
    if isinstance(node, dict):
        return node.get("class") == "SUBQUERY" or any(map(_has_subquery, node.values()))
    if isinstance(node, list):
        return any(map(_has_subquery, node))
    return False


def where_query(where: str) -> str:
    """Return ``select * from __data where (<where>)``; refuse unless ``where`` is one predicate.

    ``--where`` is one boolean expression over the columns of ``--data``: the query it
    makes must be exactly one SELECT whose parse tree, without the WHERE clause, is that
    of ``select * from __data`` (no second statement after a ``;``, no ``) union (``, no
    ORDER BY, LIMIT, GROUP BY, WITH), and the predicate holds no subquery (so no table
    function such as ``read_csv``). The predicate stands on lines of its own, so a ``--``
    comment ends with it. It then runs in a connection without file access
    (:func:`select_rows`).

    Raises
    ------
    BadInput
        Naming the option and what is wrong (exit 2).
    """
    import duckdb

    query = f"select * from {SAMPLE_TABLE} where (\n{where}\n)"

    def refuse(problem: str) -> BadInput:
        return BadInput(
            f"--where {where!r} is not one boolean expression: {problem}; write a "
            f"predicate on the columns of --data, e.g. {WHERE_EXAMPLE}"
        )

    try:
        statements = duckdb.extract_statements(query)
    except duckdb.Error as exc:
        reason = str(exc).splitlines()[0]
        if 'near ";"' in reason:
            raise refuse("it holds a ';' (a second SQL statement)") from None
        raise refuse(f"not valid SQL ({reason})") from None
    if len(statements) != 1:
        raise refuse(f"it holds {len(statements)} SQL statements")
    con = duckdb.connect()
    try:
        tree, bare = (
            json.loads(con.execute("select json_serialize_sql(?)", [q]).fetchall()[0][0])
            for q in (query, f"select * from {SAMPLE_TABLE}")
        )
    finally:
        con.close()
    if tree.get("error"):
        raise refuse(f"not valid SQL ({tree.get('error_message')})")
    node = tree["statements"][0]["node"]
    predicate = node.get("where_clause")
    outside = {**node, "where_clause": None}
    if predicate is None or _strip_locations(outside) != _strip_locations(
        bare["statements"][0]["node"]
    ):
        raise refuse("it adds a UNION, ORDER BY, LIMIT, GROUP BY or WITH to the query")
    if _has_subquery(predicate):
        raise refuse("it holds a subquery")
    return query


def select_rows(rows: Any, where: str, data: str):
    """Apply ``--where`` to ``rows`` (an Arrow table) in a sandboxed DuckDB; a pandas frame.

    The connection holds nothing but the rows, cannot read or write a file
    (``enable_external_access=false``) and cannot change that (``lock_configuration``).
    """
    import duckdb

    query = where_query(where)
    con = duckdb.connect(config={"enable_external_access": False, "lock_configuration": True})
    try:
        con.register(SAMPLE_TABLE, rows)
        return con.execute(query).df()
    except duckdb.Error as exc:
        raise BadInput(f"--where {where!r} on {data}: {str(exc).splitlines()[0]}") from exc
    finally:
        con.close()


def load_frame(data: str, db: Path | None, where: str | None = None):
    """Load ``--data``: a CSV/Parquet file or SCHEMA.TABLE in the warehouse (read-only).

    The warehouse is opened read-only and closed as soon as the rows are in memory, so
    a running build or another reader is never blocked for long. ``where`` is one SQL
    predicate over the columns (DuckDB syntax), e.g. ``in_paper_sample``; it is checked
    (:func:`where_query`: one expression, nothing else) before anything is read and runs
    on the rows already read, in a connection without file access (:func:`select_rows`).
    """
    import duckdb

    from resilience.lock import connect

    if where is not None:
        where_query(where)
    path = Path(data)
    if path.suffix.lower() in {".csv", ".parquet", ".pq", ".tsv"}:
        if not path.exists():
            raise BadInput(f"--data {data}: file not found")
        reader = "read_parquet" if path.suffix.lower() in {".parquet", ".pq"} else "read_csv_auto"
        con = duckdb.connect()
        try:
            relation = con.sql(f"select * from {reader}($1)", params=[str(path)])
            rows = relation.df() if where is None else relation.to_arrow_table()
        except duckdb.Error as exc:
            raise BadInput(f"--data {data}: {str(exc).splitlines()[0]}") from exc
        finally:
            con.close()
        return rows if where is None else select_rows(rows, where, data)
    if not re.fullmatch(r"[A-Za-z_]\w*\.[A-Za-z_]\w*", data):
        raise BadInput(f"--data {data!r} is neither a .csv/.parquet file nor SCHEMA.TABLE")
    db_path = _existing_db(db)
    schema, table = data.split(".")
    con = connect(db_path, read_only=True)
    try:
        found = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchall()[0][0]
        if not found:
            tables = [
                r[0]
                for r in con.execute(
                    "select table_name from information_schema.tables where table_schema = ? "
                    "order by 1",
                    [schema],
                ).fetchall()
            ]
            hint = (
                f"; tables in {schema}: {', '.join(tables)}" if tables else f"; no schema {schema}"
            )
            raise MissingPrerequisite(f"{data} not found in {db_path}{hint}")
        # sorted, as estimate reads the panels: a multi-threaded build stores rows in no fixed
        # order, and an error naming "the first row" must name the same one every run
        relation = con.sql(f'select * from "{schema}"."{table}" order by all')
        rows = relation.df() if where is None else relation.to_arrow_table()
    finally:
        con.close()
    return rows if where is None else select_rows(rows, where, data)


def _check_panel_options(frame, data: str, **options: str) -> None:
    """Refuse ``--entity`` / ``--time`` naming no column of ``--data`` (exit 2), by option."""
    for option, column in options.items():
        if column not in frame.columns:
            raise BadInput(
                f"--{option} {column!r} is not a column of {data}; columns: "
                f"{', '.join(map(str, frame.columns))}"
            )


def _print_frame(frame, title: str) -> None:
    """Print a small pandas frame as a rich table."""
    table = Table(title=title, show_lines=False)
    for col in frame.columns:
        table.add_column(str(col), justify="right" if frame[col].dtype.kind in "fi" else "left")
    for row in frame.itertuples(index=False):
        table.add_row(*[f"{v:.4f}" if isinstance(v, float) else str(v) for v in row])
    console.print(table)


DataOption = Annotated[
    str,
    typer.Option(
        "--data",
        "-d",
        help="CSV or Parquet file, or SCHEMA.TABLE in the warehouse "
        f"(e.g. {relations.EXPORT_PANEL}), opened read-only.",
    ),
]
EntityOption = Annotated[str, typer.Option(help="Entity (panel unit) column.")]
TimeOption = Annotated[str, typer.Option(help="Time column.")]
WhereOption = Annotated[
    str | None,
    typer.Option(
        help="One SQL predicate on the columns of --data selecting the sample, e.g. "
        "'in_paper_sample' or \"region <> 'east'\"; nothing else (no ';', UNION, subquery).",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON instead.")]
FormulaArg = Annotated[
    str,
    typer.Argument(help="'y ~ x1 + x2 + EntityEffects + TimeEffects' (linearmodels style)."),
]


@app.command()
@handle_errors
def regress(
    formula: FormulaArg,
    data: DataOption,
    db: DbOption = None,
    entity: EntityOption = "province_code",
    time: TimeOption = "year",
    cov: Annotated[
        str,
        typer.Option(
            help="clustered (by entity), robust, unadjusted, driscoll-kraay or "
            "clustered-twoway (by entity and time)."
        ),
    ] = "clustered",
    where: WhereOption = None,
    all_terms: Annotated[
        bool, typer.Option("--all-terms", help="Also show the year-dummy coefficients.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Fit one fixed-effects panel regression, as Stata `xtreg y x i.year, fe`.

    Example: resilience regress "exp_res ~ data_index + edu + open + EntityEffects +
    TimeEffects" --data marts.panel_dataflow_export --where in_paper_sample
    """
    from resilience import panel
    from resilience.tables import print_whole, stars

    frame = load_frame(data, db, where)
    _check_panel_options(frame, data, entity=entity, time=time)
    result = panel.regress(formula, frame, entity=entity, time=time, cov=cov)
    if as_json:
        typer.echo(result.to_json())
        return
    tidy = result.tidy()
    shown = tidy if all_terms else tidy[tidy.term.isin([panel.CONSTANT, *result.terms])]
    table = Table(
        title=str(result.formula), caption=f"{cov} standard errors; * p<0.1, ** p<0.05, *** p<0.01"
    )
    for col in ("term", "estimate", "std. error", "t", "p", ""):
        table.add_column(col, justify="left" if col == "term" else "right")
    for row in shown.itertuples(index=False):
        table.add_row(
            row.term,
            f"{row.estimate:.4g}",
            f"({row.std_error:.4g})",
            f"{row.t_stat:.2f}",
            f"{row.p_value:.3f}",
            stars(row.p_value),
        )
    print_whole(table, console)
    console.print(
        f"N = {result.nobs}, entities = {result.n_entities}, dropped rows = "
        f"{result.n_dropped}; R² within = {result.r2_within:.4f}, "
        f"R² within (two-way demeaned) = {result.r2_within_twoway:.4f}, "
        f"R² LSDV = {result.r2_lsdv:.4f}",
        highlight=False,
    )
    tests = [("of the named regressors", result.f_test)]
    if result.formula.time_effects:
        tests.append(
            ("of all regressors, year dummies included (Stata's model F)", result.f_test_all)
        )
    for what, f in tests:
        head = f"F({f['df_num']}, {f['df_denom']}) {what}"
        if math.isnan(f["statistic"]):
            console.print(
                f"{head}: not defined, the covariance of these coefficients has rank "
                f"{f['rank']} < {f['df_num']} (Stata prints F = .)",
                highlight=False,
            )
        else:
            console.print(f"{head} = {f['statistic']:.4g}, p = {f['p_value']:.3g}", highlight=False)


@app.command()
@handle_errors
def hausman(
    formula: FormulaArg,
    data: DataOption,
    db: DbOption = None,
    entity: EntityOption = "province_code",
    time: TimeOption = "year",
    where: WhereOption = None,
    sigma: Annotated[
        str,
        typer.Option(
            help="separate (Stata `hausman fe re`, plm phtest), more (Stata sigmamore: both "
            "covariances with the RE error variance) or less (sigmaless: the FE one). "
            "more/less keep V_FE - V_RE positive semi-definite."
        ),
    ] = "separate",
    compare: Annotated[
        str,
        typer.Option(
            help="shared (Stata `hausman fe re` default, plm phtest: every coefficient both "
            "models share but the constant, year dummies included) or named (the named "
            "regressors only)."
        ),
    ] = "shared",
    as_json: JsonOption = False,
) -> None:
    """Hausman test of fixed against random effects (Stata `hausman fe re`).

    H0: the random-effects estimator is consistent; a small p-value favours fixed effects.
    By default every coefficient both models share but the constant is compared (Stata);
    df is the rank of V_FE - V_RE (Moore-Penrose inverse when it is not positive
    definite). A negative statistic has no p-value; try --sigma more.
    """
    from resilience import hausman as hausman_module
    from resilience.tables import print_whole

    frame = load_frame(data, db, where)
    _check_panel_options(frame, data, entity=entity, time=time)
    result = hausman_module.hausman_test(
        formula, frame, entity=entity, time=time, sigma=sigma, compare=compare
    )
    if as_json:
        typer.echo(result.to_json())
        return
    # laid out as Stata's `hausman fe re` prints it
    table = Table(title=f"Hausman test: {formula}")
    for heading in ("", "(b) fe", "(B) re", "(b-B) Difference", "sqrt(diag(V_b-V_B)) S.E."):
        table.add_column(heading, justify="left" if not heading else "right", no_wrap=True)
    for term in result.terms:
        b, b_re = result.fe_params[term], result.re_params[term]
        se = result.se_difference.get(term, float("nan"))
        table.add_row(
            term,
            f"{b:.6g}",
            f"{b_re:.6g}",
            f"{b - b_re:.6g}",
            "." if math.isnan(se) else f"{se:.6g}",
        )
    print_whole(table, console)
    console.print(
        f"compared: {hausman_module.COMPARE_LABELS[result.compare]}, "
        f"{len(result.terms)} coefficients; variances: {result.sigma}",
        highlight=False,
    )
    chi2 = f"chi2({result.df}) = (b-B)'[(V_b-V_B)^(-1)](b-B) = {result.statistic:.2f}"
    if math.isnan(result.pvalue):
        chi2 += "; H < 0, no p-value (the test is not informative here; try --sigma more)"
    else:
        chi2 += f"; Prob > chi2 = {result.pvalue:.4f}"
    console.print(chi2, highlight=False)
    if not result.positive_definite:
        console.print(
            "(V_b-V_B is not positive definite: Moore-Penrose inverse, df = its rank)",
            highlight=False,
        )


# ---------------------------------------------------------------- sql ---------------
@app.command()
@handle_errors
def sql(
    query: Annotated[
        str | None,
        typer.Argument(help=f"One SQL query, e.g. 'select * from {relations.MODELS}'."),
    ] = None,
    analysis: Annotated[
        str | None,
        typer.Option(
            help="Run the analysis of that name from analysis/ instead (compiled by dbt, "
            "e.g. correlation_matrix), printed whole: dbt show cuts long values."
        ),
    ] = None,
    db: DbOption = None,
    csv: Annotated[
        bool, typer.Option("--csv", help="Print every row as CSV instead of a table.")
    ] = False,
    max_rows: Annotated[
        int, typer.Option(help="Rows shown in the table (all rows with --csv).")
    ] = 40,
) -> None:
    """Query the warehouse read-only (any failed-build file too, with --db).

    The project installs DuckDB's Python package, not its command-line program: this is
    the `duckdb FILE "SQL"` of the README. The file is opened read-only, so a query can
    never change the warehouse; a build running meanwhile is not blocked for long.
    Example: resilience sql "select * from test_failures.preflight_problems" --db
    warehouse.failed.duckdb
    """
    import duckdb

    from resilience.lock import connect
    from resilience.tables import print_whole

    path = _existing_db(db, readable=True)
    if (query is None) == (analysis is None):
        raise BadInput("give one SQL query or --analysis NAME (analysis/*.sql), not both")
    if analysis is not None:
        query = _compiled_analysis(analysis, path)
    con = connect(path, read_only=True)
    try:
        frame = con.execute(query).df()
    except duckdb.Error as exc:
        raise BadInput(f"query on {path}: {str(exc).splitlines()[0]}") from exc
    finally:
        con.close()
    if csv:
        typer.echo(frame.to_csv(index=False), nl=False)
        return
    shown = frame.head(max_rows)
    table = Table(show_lines=False)
    for column in shown.columns:
        table.add_column(str(column), no_wrap=True)
    for row in shown.itertuples(index=False):
        table.add_row(*("" if v is None else str(v) for v in row))
    print_whole(table, console)
    more = f" ({len(frame) - len(shown)} more; --csv prints all)" if len(frame) > len(shown) else ""
    console.print(f"{len(frame)} row(s){more}", highlight=False)


def _compiled_analysis(name: str, db_path: Path) -> str:
    """Return the SQL of ``analysis/<name>.sql`` as dbt compiles it (refs resolved)."""
    import tempfile

    from resilience import dbt

    source = PROJECT_ROOT / "analysis" / f"{name}.sql"
    if not source.exists():
        known = sorted(p.stem for p in (PROJECT_ROOT / "analysis").glob("*.sql"))
        raise BadInput(f"--analysis {name!r}: no analysis/{name}.sql; known: {', '.join(known)}")
    with tempfile.TemporaryDirectory(prefix="resilience-analysis-") as target:
        proc = dbt.run_plain(["compile", "--select", name], db_path, Path(target), Path(target))
        compiled = next(Path(target).rglob(f"analysis/{name}.sql"), None)
        if proc.returncode != 0 or compiled is None:
            tail = [line for line in proc.stdout.splitlines() if "rror" in line][-1:]
            raise DbtCrashed(
                f"dbt compile of analysis {name} failed: {' '.join(tail) or proc.stdout[-300:]}"
            )
        return compiled.read_text(encoding="utf-8")


# ---------------------------------------------------------------- import ------------
@app.command("import")
@handle_errors
def import_(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="NBS / yearbook tables (CSV, TSV): regions as rows, years as columns, one "
            "indicator per file; or S&T yearbook cross-sections (.xls, .xlsx, encrypted or "
            "not, or a folder of them): one year per file, indicators from the header."
        ),
    ],
    out: Annotated[
        Path,
        typer.Option("--out", "-o", help="Long CSV to write (unit_id, year, indicator, value)."),
    ] = Path("data/indicator_values.csv"),
    indicator: Annotated[
        str | None,
        typer.Option(
            help="Indicator id for the table (one file only); default: the file's "
            "'指标：' line, else the file name."
        ),
    ] = None,
    append: Annotated[
        bool,
        typer.Option(help="Add to --out instead of replacing it (duplicate keys are an error)."),
    ] = False,
    thousands: Annotated[
        str | None,
        typer.Option(
            help="Thousands separator to remove, e.g. ','. Default: '1,234' is "
            "rejected as ambiguous (decimal comma?)."
        ),
    ] = None,
    encoding: Annotated[
        str | None, typer.Option(help="Text encoding; default tries UTF-8, then GB18030.")
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option(help="CSV of every non-empty cell not imported (file, row, column, reason)."),
    ] = None,
    password: Annotated[
        str | None,
        typer.Option(help="Spreadsheets: read password (default: Excel's default key)."),
    ] = None,
) -> None:
    """Import provincial tables in the NBS / yearbook layout into the long raw layout.

    Province names may be Chinese or English, with or without 省/市/自治区 (matched on
    seeds/reference/provinces.csv); unknown names are rejected and listed. '…', '...',
    '—', '-' and empty cells are missing values. Point dbt at the result with
    --vars '{indicator_values_path: data/indicator_values.csv}'.
    """
    from resilience.importer import import_wide_table, write_long
    from resilience.yearbook import SPREADSHEET_SUFFIXES, import_yearbook, write_report

    if indicator and len(files) > 1:
        raise BadInput(
            "--indicator names one table; with several files name each file "
            "after its indicator instead"
        )
    sheets = [f for f in files if f.is_dir() or f.suffix.lower() in SPREADSHEET_SUFFIXES]
    results = [
        import_wide_table(f, indicator=indicator, thousands=thousands, encoding=encoding)
        for f in files
        if f not in sheets
    ]
    yearbooks = import_yearbook(sheets, password=password) if sheets else []
    written = write_long([*results, *yearbooks], out, append=append)
    if report:
        report = write_report([*results, *yearbooks], report)
    if results:
        table = Table(title=f"Imported into {written}")
        for col in ("file", "indicator", "provinces", "years", "imported", "missing", "reported"):
            table.add_column(col)
        for r in results:
            first, last = r.years
            table.add_row(
                str(r.source), r.indicator, str(r.n_provinces), f"{first}-{last}",
                str(r.n_imported), str(r.n_missing), str(len(r.reported)),
            )  # fmt: skip
        console.print(table)
        for r in results:
            for reason, n in sorted(r.reported_by_reason.items()):
                console.print(
                    f"  [yellow]not imported[/] {r.source.name}: {n} cell(s): {reason}",
                    soft_wrap=True,
                    highlight=False,
                )
    if yearbooks:
        table = Table(title=f"Imported into {written}")
        for col in ("file", "table", "year", "unit", "imported", "missing", "reported"):
            table.add_column(col)
        for y in yearbooks:
            table.add_row(
                str(y.source), y.table, str(y.year), y.unit, str(y.n_imported),
                str(y.n_missing), str(len(y.reported)),
            )  # fmt: skip
        console.print(table)
        for y in yearbooks:
            for cell in y.reported:
                if cell.reason.startswith("not a number"):
                    console.print(
                        f"  [yellow]not imported[/] {cell.file}: row {cell.row}, column "
                        f"{cell.column}: {cell.text!r} is not a number",
                        soft_wrap=True,
                        highlight=False,
                    )
    if report:
        console.print(f"cells not imported, with their reasons: {report}")


# ---------------------------------------------------------------- docs --------------
@app.command()
@handle_errors
def docs(
    serve: Annotated[
        bool,
        typer.Option(
            "--serve/--no-serve",
            help="Serve the site on localhost after generating it (Ctrl-C stops).",
        ),
    ] = False,
    port: Annotated[int, typer.Option(help="Port for --serve.")] = 8080,
    target_path: Annotated[
        Path, typer.Option(help="dbt target directory for the generated site.")
    ] = PROJECT_ROOT / "target",
    db: DbOption = None,
) -> None:
    """Generate the dbt docs site (models, columns, formulas, lineage) and write or serve it.

    Writes target/index.html with its catalog and target/static_index.html, one file that
    opens without a server. The landing page is models/overview.md. The warehouse must
    be built first (the catalog reads column types from it).
    """
    from resilience import dbt

    db_path = _existing_db(db)
    with console.status("dbt docs generate ..."):
        proc = dbt.run_plain(["docs", "generate", "--static"], db_path, target_path)
    if proc.returncode != 0:
        tail = [line for line in proc.stdout.splitlines() if "rror" in line][-1:] or ["see dbt.log"]
        raise DbtCrashed(f"dbt docs generate failed: {tail[0].strip()}")
    console.print(
        f"[green]Docs[/] {target_path / 'static_index.html'} (one file) and "
        f"{target_path / 'index.html'}"
    )
    if serve:
        console.print(f"Serving on http://localhost:{port} (Ctrl-C stops)")
        dbt.run_plain(
            ["docs", "serve", "--port", str(port), "--no-browser"], db_path, target_path,
            capture=False,
        )  # fmt: skip


# ---------------------------------------------------------------- example-us --------
@app.command("example-us")
@handle_errors
def example_us(
    out_dir: Annotated[
        Path, typer.Option(help="Where the US warehouse, figures and tables go.")
    ] = PROJECT_ROOT / "examples" / "us_states" / "output",
) -> None:
    """Real-data example: US states 1970-1986 (Munnell's public-capital panel).

    Builds a state economic-capacity index with the same dbt index models, Martin
    resistance and recovery around the 1980-82 recessions, and the public-capital
    production function ln(gsp) on ln(pcap), ln(pc), ln(emp), unemp with state effects,
    compared with Baltagi's published within estimates. Data: linearmodels.datasets.munnell.
    """
    from resilience import example_us as example

    with console.status("US states example: dbt index models, Martin indices, regression ..."):
        outcome = example.run(out_dir)
    console.print(outcome.summary())
    if not outcome.matches_reference:
        raise ResilienceError("the production function does not reproduce Baltagi's estimates")


# ---------------------------------------------------------------- example-china -----
@app.command("example-china")
@handle_errors
def example_china(
    out_dir: Annotated[
        Path, typer.Option(help="Where the inputs, the warehouse, summary.md and report.html go.")
    ] = PROJECT_ROOT / "examples" / "china_real" / "output",
) -> None:
    """Real-data example: China's 31 provinces 2010-2023 and 22 economies' R&D stocks.

    Imports the S&T yearbook's four regional tables (NBS/MOST) into an innovation-capacity
    index and converts the World Bank files into partner_macro (21 partners and China),
    builds them through the warehouse into its own DuckDB file (models needing province
    accounts, bilateral flows or exchange rates are skipped and listed), and writes
    summary.md and report.html. REAL DATA; sources in examples/china_real/data/.
    """
    from resilience import example_china as example

    with console.status("China example: yearbook import, World Bank conversion, dbt build ..."):
        outcome = example.run(out_dir)
    console.print(outcome.summary(), highlight=False)


if __name__ == "__main__":  # pragma: no cover
    app()
