"""Publication tables: build once from fitted models, write as Markdown, LaTeX, HTML, Word.

A table has one column per model (in the spec's order) and, per coefficient, a row with the
estimate and significance stars (``*`` p < 0.10, ``**`` p < 0.05, ``***`` p < 0.01, from
:attr:`resilience.panel.PanelResults.pvalues`) and a row with the standard error (or the
t statistic, if the table spec says ``parentheses: t_stat``) in parentheses. Below: N,
the within :math:`R^2` (Stata ``xtreg, fe``; year dummies count as regressors), the LSDV
:math:`R^2` (all effects counted as fitted, Stata ``areg``), rows for controls and fixed
effects, the share of each regressor's variance the fixed effects leave
(:attr:`resilience.panel.PanelResults.absorption`), and notes (stars, covariance, rows
dropped for missing values, which part of a regressor built as unit part + time part
identifies its slope, the spec's notes).
"""

from __future__ import annotations

import contextlib
import html
import json
import math
import os
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.table import Table as RichTable

from resilience.panel import CONSTANT, PanelResults
from resilience.paths import make_folder
from resilience.specs import SpecSet, TableSpec

STARS = ((0.01, "***"), (0.05, "**"), (0.10, "*"))
COV_NOTES = {
    "clustered": "standard errors clustered by province",
    "robust": "heteroskedasticity-robust standard errors",
    "unadjusted": "conventional standard errors",
    "driscoll-kraay": "Driscoll-Kraay standard errors",
}


def stars(p: float) -> str:
    """Significance stars for p-value ``p`` at the 1 / 5 / 10 % levels."""
    return next((s for level, s in STARS if p < level), "")


def number(x: float) -> str:
    """Format a coefficient: 3 decimals, more for small numbers (at most 6)."""
    if not math.isfinite(x):
        return ""
    decimals = 3 if x == 0 else min(6, max(3, 2 - math.floor(math.log10(abs(x)))))
    return f"{x:.{decimals}f}"


@dataclass(frozen=True)
class PublicationTable:
    """A rendered table: header, body rows (label, cells), a rule index, notes."""

    table_id: str
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, tuple[str, ...]], ...]
    n_coefficient_rows: int
    notes: tuple[str, ...]


def _term_order(table: TableSpec, fits: list[PanelResults], specs: SpecSet) -> list[str]:
    """Regressors of all columns, then (if shown) the controls, then the constant."""
    models = [specs.models[c.model] for c in table.columns]
    groups = [m.lagged_regressors for m in models]
    if table.show_controls:
        groups += [m.controls for m in models]
    terms: list[str] = []
    for names, fit in zip(groups, fits * 2, strict=False):
        terms += [t for t in names if t not in terms and t in fit.params.index]
    return [*terms, CONSTANT]


def _yes_no(flags: Iterable[bool]) -> tuple[str, ...]:
    return tuple("Yes" if f else "No" for f in flags)


def build_table(
    table: TableSpec,
    results: dict[str, PanelResults],
    specs: SpecSet,
    tests: pd.DataFrame | None = None,
) -> PublicationTable:
    """Assemble the cells of ``table`` from the fitted models.

    Parameters
    ----------
    table : TableSpec
        The table's spec.
    results : dict
        ``model_id -> PanelResults`` with every model of the table.
    specs : SpecSet
        The specs (for each model's regressors and controls).
    tests : pandas.DataFrame, optional
        ``results.tests`` rows; a column's Hausman tests (``hausman``,
        ``hausman_sigmamore``) become rows of the table, as Chen reports them.

    Returns
    -------
    PublicationTable
    """
    fits = [results[c.model] for c in table.columns]
    label = table.labels.get
    rows: list[tuple[str, tuple[str, ...]]] = [
        ("Dependent variable", tuple(label(f.formula.outcome, f.formula.outcome) for f in fits))
    ]
    for term in _term_order(table, fits, specs):
        cells, below = [], []
        for fit in fits:
            if term not in fit.params.index:
                cells.append("")
                below.append("")
                continue
            inner = (fit.std_errors if table.parentheses == "std_error" else fit.tstats)[term]
            cells.append(number(fit.params[term]) + stars(fit.pvalues[term]))
            below.append(f"({number(inner)})")
        rows += [(label(term, term), tuple(cells)), ("", tuple(below))]
    n_coefficient_rows = len(rows)
    rows.append(("N", tuple(str(f.nobs) for f in fits)))
    rows.append(("Within R² (Stata)", tuple(f"{f.r2_within:.3f}" for f in fits)))
    rows.append(("LSDV R²", tuple(f"{f.r2_lsdv:.3f}" for f in fits)))
    if not table.show_controls:
        rows.append(
            (
                "Control variables",
                _yes_no(bool(specs.models[c.model].controls) for c in table.columns),
            )
        )
    rows.append(("Province FE", _yes_no(f.formula.entity_effects for f in fits)))
    rows.append(("Year FE", _yes_no(f.formula.time_effects for f in fits)))
    rows += _absorption_rows(table, fits, specs)
    hausman_rows, hausman_notes = _hausman_rows(table, tests)
    rows += hausman_rows
    return PublicationTable(
        table.table_id,
        table.title,
        tuple(c.label for c in table.columns),
        tuple(rows),
        n_coefficient_rows,
        (
            *_notes(table, fits),
            ABSORPTION_NOTE,
            *_construction_notes(table, fits, specs),
            *hausman_notes,
        ),
    )


ABSORPTION_LABEL = "Variance of {} left by FE"
"""Row label of a regressor's :attr:`~resilience.panel.PanelResults.absorption` share."""
ABSORPTION_NOTE = (
    "Variance left by FE: the share of the regressor's sample variance left after the "
    "column's fixed effects (its residual on province and, with year FE, year dummies), the "
    "variation that identifies its slope; every regressor's in results.absorption."
)


def _absorption_rows(
    table: TableSpec, fits: list[PanelResults], specs: SpecSet
) -> list[tuple[str, tuple[str, ...]]]:
    """One row per regressor of the table (not the controls): its share of variance left."""
    terms = dict.fromkeys(t for c in table.columns for t in specs.models[c.model].lagged_regressors)
    rows = []
    for term in terms:
        cells = []
        for fit in fits:
            shares = fit.absorption.set_index("term")["share_left"]
            cells.append(f"{shares[term]:.3f}" if term in shares.index else "")
        rows.append((ABSORPTION_LABEL.format(table.labels.get(term, term)), tuple(cells)))
    return rows


def construction_note(
    label: str, unit_label: str, time_label: str, identified_by: str, columns: str = ""
) -> str:
    """Say of a regressor built as unit part + time part which part identifies its slope.

    ``identified_by`` is :meth:`resilience.specs.Construction.identified_by` (stored in
    ``results.absorption``); ``columns`` names the columns when a table mixes effects.
    """
    where = f" in {columns}" if columns else ""
    return (
        f"{label} = {unit_label} + {time_label} by construction, {time_label} common to all "
        f"units of a year: the slope{where} is identified by {identified_by}."
    )


def construction_notes(entries: Iterable[tuple[str, str, str, str, str]]) -> list[str]:
    """Return a :func:`construction_note` per declared regressor and kind of identification.

    ``entries`` are ``(column label, regressor label, unit_label, time_label,
    identified_by)``, one per table column and declared regressor (from the specs when a
    table is built, from ``results.absorption`` in the report); the columns are named only
    when one regressor is identified differently across the table's columns.
    """
    groups: dict[tuple[str, str, str, str], list[str]] = {}
    for column, label, unit_label, time_label, identified_by in entries:
        groups.setdefault((label, unit_label, time_label, identified_by), []).append(column)
    out = []
    for (label, unit_label, time_label, identified_by), columns in groups.items():
        mixed = sum(key[0] == label for key in groups) > 1
        out.append(
            construction_note(
                label, unit_label, time_label, identified_by, ", ".join(columns) if mixed else ""
            )
        )
    return out


def _construction_notes(table: TableSpec, fits: list[PanelResults], specs: SpecSet) -> list[str]:
    """Return the :func:`construction_notes` of the table's declared regressors."""
    entries = []
    for column, fit in zip(table.columns, fits, strict=True):
        spec = specs.models[column.model]
        for term, built in specs.constructions_of(spec).items():
            if term in fit.terms and term in spec.lagged_regressors:
                entries.append(
                    (
                        column.label,
                        table.labels.get(term, term),
                        built.unit_label,
                        built.time_label,
                        built.identified_by(fit.formula.time_effects),
                    )
                )
    return construction_notes(entries)


HAUSMAN_ROWS = {
    "hausman": "Hausman χ² (FE vs RE)",
    "hausman_sigmamore": "Hausman χ², sigmamore",
}
NOT_PD_MARK = "†"
"""Follows a Hausman χ² whose covariance difference was not positive definite."""
COMPARE_NOTES = {
    "shared": "Stata's default (hausman fe re): every coefficient both models share but "
    "the constant, the year dummies included",
    "named": "the named regressors only (not the year dummies)",
    None: "convention not recorded (results estimated before it was)",
}


def _hausman_detail(row: pd.Series) -> dict:
    """Return the JSON ``detail`` of a ``results.tests`` row, or ``{}`` if there is none."""
    detail = row.get("detail")
    if not isinstance(detail, str):
        return {}
    try:
        parsed = json.loads(detail)
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _hausman_rows(
    table: TableSpec, tests: pd.DataFrame | None
) -> tuple[list[tuple[str, tuple[str, ...]]], list[str]]:
    """Rows and notes of the Hausman tests any column has.

    One row per variant: χ² with stars, or "H < 0", followed by :data:`NOT_PD_MARK` when
    ``detail`` says V_FE - V_RE was not positive definite. The notes say which
    coefficients were compared (``detail["compare"]``), each column's df and what the mark
    means.
    """
    if tests is None or tests.empty:
        return [], []
    rows, compares, dfs, marked = [], set(), [], False
    for test_name, label in HAUSMAN_ROWS.items():
        cells, row_dfs = [], []
        for column in table.columns:
            match = tests[(tests.model_id == column.model) & (tests.test_name == test_name)]
            if match.empty:
                cells.append("")
                continue
            row = match.iloc[0]
            statistic, p_value = row["statistic"], row["p_value"]
            cell = "H < 0" if pd.isna(p_value) else f"{statistic:.2f}{stars(p_value)}"
            detail = _hausman_detail(row)
            if detail:
                compares.add(detail.get("compare"))
            if detail.get("positive_definite") is False or (
                detail
                and "positive_definite" not in detail
                and "not positive" in detail.get("note", "")
            ):
                cell += NOT_PD_MARK
                marked = True
            if "df" in row and pd.notna(row["df"]):
                row_dfs.append(f"{column.label} {int(row['df'])}")
            cells.append(cell)
        if any(cells):
            rows.append((label, tuple(cells)))
            if row_dfs:
                dfs.append(f"{label}: " + ", ".join(row_dfs))
    if not rows:
        return [], []
    convention = "; ".join(COMPARE_NOTES.get(c, str(c)) for c in sorted(compares, key=str))
    note = "Hausman χ² (FE vs RE, conventional covariances): " + (convention or COMPARE_NOTES[None])
    if dfs:
        note += ". df (the rank of V_FE − V_RE), " + "; ".join(dfs)
    note += "."
    if marked:
        note += (
            f" {NOT_PD_MARK} V_FE − V_RE not positive definite: Moore–Penrose inverse, "
            "q = its rank."
        )
    if "shared" in compares:
        note += " results.tests also holds the named-regressors variant (hausman_named)."
    return rows, [note]


def _notes(table: TableSpec, fits: list[PanelResults]) -> tuple[str, ...]:
    inner = "Standard errors" if table.parentheses == "std_error" else "t statistics"
    covs = sorted({COV_NOTES[f.cov_type] for f in fits})
    notes = [
        f"*, ** and *** denote significance at the 10%, 5% and 1% levels. {inner} in "
        f"parentheses; {'; '.join(covs)}.",
        "Within R²: Stata xtreg, fe (year dummies count as regressors); LSDV R²: all "
        "fixed effects counted as fitted (Stata areg).",
    ]
    for column, fit in zip(table.columns, fits, strict=True):
        if fit.n_dropped:
            detail = ", ".join(f"{k}: {v}" for k, v in fit.dropped_by_column.items())
            notes.append(
                f"{column.label}: {fit.n_dropped} rows dropped for missing values ({detail})."
            )
    return (*notes, *table.notes)


def to_markdown(table: PublicationTable) -> str:
    """Render as a GitHub-flavoured Markdown table with title and notes."""
    lines = [
        f"### {table.title}",
        "",
        "| | " + " | ".join(table.header) + " |",
        "|---|" + "---:|" * len(table.header),
    ]
    lines += ["| " + label + " | " + " | ".join(cells) + " |" for label, cells in table.rows]
    lines += [""] + [f"{note}  " for note in table.notes]
    return "\n".join(lines) + "\n"


def _latex_escape(text: str) -> str:
    out = text.replace("\\", r"\textbackslash{}")
    for char in "&%$#_{}":
        out = out.replace(char, "\\" + char)
    out = out.replace("~", r"\textasciitilde{}").replace("χ²", r"$\chi^2$").replace("²", r"$^2$")
    return out.replace(NOT_PD_MARK, r"$^{\dagger}$").replace("−", "$-$").replace("–", "--")


def _latex_cell(cell: str) -> str:
    mark = NOT_PD_MARK if cell.endswith(NOT_PD_MARK) else ""
    cell = cell.removesuffix(NOT_PD_MARK)
    body = cell.rstrip("*")
    star = cell[len(body) :]
    return (
        _latex_escape(body) + (f"$^{{{star}}}$" if star else "") + ("$^{\\dagger}$" if mark else "")
    )


def to_latex(table: PublicationTable) -> str:
    """Render as a LaTeX ``table`` with ``booktabs`` rules (needs the booktabs package)."""
    n = len(table.header)
    lines = [
        r"\begin{table}[htbp]",
        r"\centering",
        f"\\caption{{{_latex_escape(table.title)}}}",
        f"\\label{{tab:{_latex_escape(table.table_id)}}}",
        f"\\begin{{tabular}}{{l{'c' * n}}}",
        r"\toprule",
        " & " + " & ".join(map(_latex_escape, table.header)) + r" \\",
        r"\midrule",
    ]
    for i, (label, cells) in enumerate(table.rows):
        if i == table.n_coefficient_rows:
            lines.append(r"\midrule")
        lines.append(_latex_escape(label) + " & " + " & ".join(map(_latex_cell, cells)) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}"]
    lines += [f"\\par\\footnotesize {_latex_escape(note)}" for note in table.notes]
    lines.append(r"\end{table}")
    return "\n".join(lines) + "\n"


def to_html(table: PublicationTable) -> str:
    """Render as an HTML ``<table>`` with caption and a notes footer."""
    esc = html.escape
    head = "".join(f"<th>{esc(h)}</th>" for h in table.header)
    body = []
    for i, (label, cells) in enumerate(table.rows):
        style = ' class="stats"' if i >= table.n_coefficient_rows else ""
        body.append(
            f"<tr{style}><th>{esc(label)}</th>"
            + "".join(f"<td>{esc(c)}</td>" for c in cells)
            + "</tr>"
        )
    notes = "".join(f"<p>{esc(n)}</p>" for n in table.notes)
    return (
        f'<table id="{esc(table.table_id)}">\n<caption>{esc(table.title)}</caption>\n'
        f"<thead><tr><th></th>{head}</tr></thead>\n<tbody>\n"
        + "\n".join(body)
        + f'\n</tbody>\n<tfoot><tr><td colspan="{len(table.header) + 1}">{notes}'
        "</td></tr></tfoot>\n</table>\n"
    )


def to_docx(tables: list[PublicationTable], path: str | Path) -> Path:
    """Write all ``tables`` into one Word document (title, table, notes for each).

    Parameters
    ----------
    tables : list of PublicationTable
        Tables in order.
    path : str or Path
        Output ``.docx`` file.

    Returns
    -------
    Path
    """
    from docx import Document
    from docx.shared import Pt

    document = Document()
    for table in tables:
        document.add_heading(table.title, level=2)
        grid = document.add_table(rows=len(table.rows) + 1, cols=len(table.header) + 1)
        grid.style = "Table Grid"
        for j, text in enumerate(["", *table.header]):
            grid.cell(0, j).text = text
        for i, (label, cells) in enumerate(table.rows, start=1):
            for j, text in enumerate([label, *cells]):
                grid.cell(i, j).text = text
        for note in table.notes:
            document.add_paragraph(note).runs[0].font.size = Pt(8)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


@contextlib.contextmanager
def staged_tables(tables: list[PublicationTable], out_dir: str | Path) -> Iterator[list[Path]]:
    """Write the tables into a hidden folder in ``out_dir``; move them in when the block ends.

    Yields the paths the files will have. If writing fails (no space left, read-only
    folder) or the block raises, the hidden folder is removed and ``out_dir`` keeps its
    old files: nothing half-written is left. The move is one rename per file.
    """
    out = Path(out_dir)
    make_folder(out)
    stage = out / f".tables.partial-{os.getpid()}"
    try:
        try:
            staged = write_tables(tables, stage)
        except OSError as exc:  # name the file asked for, not its hidden copy
            if exc.filename and Path(exc.filename).parent == stage:
                raise OSError(exc.errno, exc.strerror, str(out / Path(exc.filename).name)) from exc
            raise
        yield [out / p.name for p in staged]
        for path in staged:
            os.replace(path, out / path.name)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def print_table(table: PublicationTable, console: Console | None = None) -> None:
    """Print ``table`` in the terminal with rich."""
    grid = RichTable(title=table.title, caption="\n".join(table.notes), show_lines=False)
    grid.add_column("")
    for header in table.header:
        grid.add_column(header, justify="right")
    for i, (label, cells) in enumerate(table.rows):
        grid.add_row(label, *cells, end_section=i in (0, table.n_coefficient_rows - 1))
    (console or Console()).print(grid)


def write_tables(tables: list[PublicationTable], out_dir: str | Path) -> list[Path]:
    """Write each table as ``<table_id>.md / .tex / .html`` and all in ``tables.docx``.

    Parameters
    ----------
    tables : list of PublicationTable
        Tables to write.
    out_dir : str or Path
        Folder (created if absent), e.g. ``reports/tables``.

    Returns
    -------
    list of Path
        Files written.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    path = out
    try:
        for table in tables:
            for suffix, render in ((".md", to_markdown), (".tex", to_latex), (".html", to_html)):
                path = out / f"{table.table_id}{suffix}"
                path.write_text(render(table), encoding="utf-8")
                written.append(path)
        if tables:
            path = out / "tables.docx"
            written.append(to_docx(tables, path))
    except OSError as exc:  # a write that ran out of space names no file: name it
        if exc.filename is None:
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        raise
    return written
