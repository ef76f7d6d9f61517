"""Publication tables: build once from the stored results, write as Markdown, LaTeX, HTML, Word.

The one renderer of regression tables: :func:`build_table` reads the models as
:class:`resilience.results.StoredModel` objects (the ``results.*`` rows read back), so
``resilience estimate`` (from the rows it is about to write), the report and
``resilience tables`` (from the warehouse's rows) print the same cells.

A table has one column per model (in the spec's order) and, per coefficient, a row with the
estimate and significance stars (``*`` p < 0.10, ``**`` p < 0.05, ``***`` p < 0.01, from
the stored p-values) and a row with the standard error (or the
t statistic, if the table spec says ``parentheses: t_stat``) in parentheses. Below: N,
the within :math:`R^2` (Stata ``xtreg, fe``; year dummies count as regressors), the LSDV
:math:`R^2` (all effects counted as fitted, Stata ``areg``), rows for controls and fixed
effects, the share of each regressor's variance the fixed effects leave
(``results.absorption``), and notes (stars, covariance, rows
dropped for missing values, which part of a regressor built as unit part + time part
identifies its slope, the spec's notes).

:func:`build_descriptives` renders the descriptive statistics of a spec's ``descriptives``
entry from ``marts.fct_descriptive_statistics`` (computed in the warehouse, not here).
Every table is built in English or Chinese (``lang``): fixed labels and the standard notes
come from :mod:`resilience.i18n`, the spec's labels from its YAML.
"""

from __future__ import annotations

import contextlib
import html
import json
import math
import os
import re
import shutil
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table as RichTable

from resilience.i18n import DEFAULT_LANG, Translator
from resilience.panel import CONSTANT
from resilience.paths import make_folder
from resilience.results import StoredModel, TestKind
from resilience.specs import (
    DescriptivesSpec,
    SpecError,
    TableSpec,
    identified_by_template,
)

STARS = ((0.01, "***"), (0.05, "**"), (0.10, "*"))
COV_NOTES = {
    "clustered": "standard errors clustered by province",
    "robust": "heteroskedasticity-robust standard errors",
    "unadjusted": "conventional standard errors",
    "driscoll-kraay": "Driscoll-Kraay standard errors",
    "clustered-twoway": "standard errors clustered by province and year (Cameron-Gelbach-"
    "Miller; df min(G, T) - 1)",
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


def _term_order(table: TableSpec, fits: list[StoredModel]) -> list[str]:
    """Regressors of all columns, then (if shown) the controls, then the constant."""
    groups = [m.regressors for m in fits]
    if table.show_controls:
        groups += [m.controls for m in fits]
    terms: list[str] = []
    for names, fit in zip(groups, fits * 2, strict=False):
        terms += [t for t in names if t not in terms and t in fit.params.index]
    return [*terms, CONSTANT]


def _yes_no(flags: Iterable[bool]) -> tuple[str, ...]:
    return tuple("Yes" if f else "No" for f in flags)


def build_table(
    table: TableSpec,
    models: Mapping[str, StoredModel],
    tests: pd.DataFrame | None = None,
    lang: str | None = None,
) -> PublicationTable:
    """Assemble the cells of ``table`` from the stored models.

    Parameters
    ----------
    table : TableSpec
        The table's spec (from the spec files, or ``results.tables``).
    models : mapping
        ``model_id -> StoredModel`` (:func:`resilience.results.stored_models`) with every
        model of the table; each model's regressors and controls are its stored spec's.
    tests : pandas.DataFrame, optional
        ``results.tests`` rows; a column's Hausman tests (``hausman``,
        ``hausman_sigmamore``) become rows of the table, as Chen reports them.
    lang : str, optional
        ``en`` or ``zh``; default the spec file's ``lang:``, else ``en``. Texts without a
        translation stay English and are listed in a :class:`resilience.i18n.LanguageWarning`.

    Returns
    -------
    PublicationTable
    """
    tr = _translator(table, lang)
    fits = [models[c.model] for c in table.columns]
    label = table.labels.get
    rows: list[tuple[str, tuple[str, ...]]] = [
        ("Dependent variable", tuple(tr(label(f.formula.outcome, f.formula.outcome)) for f in fits))
    ]
    for term in _term_order(table, fits):
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
    boot_rows, boot_notes = wild_bootstrap_rows(
        tests, [(c.model, c.label) for c in table.columns], table.table_id, table.labels, tr
    )
    rows += boot_rows
    n_coefficient_rows = len(rows)
    rows.append(("N", tuple(str(f.nobs) for f in fits)))
    rows.append(("Within R² (Stata)", tuple(f"{f.r2_within:.3f}" for f in fits)))
    rows.append(("LSDV R²", tuple(f"{f.r2_lsdv:.3f}" for f in fits)))
    if not table.show_controls:
        rows.append(
            (
                "Control variables",
                _yes_no(bool(f.controls) for f in fits),
            )
        )
    rows.append(("Province FE", _yes_no(f.formula.entity_effects for f in fits)))
    rows.append(("Year FE", _yes_no(f.formula.time_effects for f in fits)))
    rows += _absorption_rows(table, fits, tr)
    hausman_rows, hausman_notes = _hausman_rows(table, tests, tr)
    rows += hausman_rows
    built = PublicationTable(
        table.table_id,
        table.title,
        tuple(c.label for c in table.columns),
        tuple(rows),
        n_coefficient_rows,
        (
            *_notes(table, fits, tr),
            tr(ABSORPTION_NOTE),
            *_construction_notes(table, fits, tr),
            *hausman_notes,
            *boot_notes,
        ),
    )
    return _localised(built, tr)


def build_stored_tables(
    specs: Mapping[str, TableSpec],
    models: Mapping[str, StoredModel],
    tests: pd.DataFrame | None = None,
    lang: str | None = None,
) -> list[PublicationTable]:
    """Build each table of ``specs`` (:func:`build_table`) from the stored ``models``.

    A column whose model is not stored is left out, a table without any is skipped: the
    report and ``resilience tables`` render what the warehouse holds.
    """
    built = []
    for table in specs.values():
        columns = tuple(c for c in table.columns if c.model in models)
        if columns:
            built.append(build_table(replace(table, columns=columns), models, tests, lang))
    return built


def _translator(spec: TableSpec | DescriptivesSpec, lang: str | None) -> Translator:
    """Make the :class:`Translator` of a table: ``lang``, else the spec file's, else English."""
    chosen = lang or spec.lang or DEFAULT_LANG
    return Translator(chosen, spec.texts.get(chosen))


def _localised(table: PublicationTable, tr: Translator) -> PublicationTable:
    """Translate title, headers, row labels and Yes / No cells (notes are built translated).

    Warns (:meth:`resilience.i18n.Translator.warn`) with every text left in English.
    """
    if tr.lang == DEFAULT_LANG:
        return table
    out = PublicationTable(
        table.table_id,
        tr(table.title),
        tuple(map(tr, table.header)),
        tuple((tr(label), tuple(map(tr.cell, cells))) for label, cells in table.rows),
        table.n_coefficient_rows,
        table.notes,
    )
    tr.warn(f"table {table.table_id!r}")
    return out


DESCRIPTIVE_COLUMNS = ("N", "Mean", "SD", "Min", "Max")
"""Headers of a descriptive-statistics table, as the papers print them."""


def build_descriptives(
    spec: DescriptivesSpec, statistics: pd.DataFrame, lang: str | None = None
) -> PublicationTable:
    """Render the rows of ``marts.fct_descriptive_statistics`` a descriptives spec names.

    One row per variable (outcome, regressors, controls of the spec's models), with N,
    mean, SD (sample, divisor n − 1), min and max as the warehouse computed them; a note
    names the sample (panel, rule, provinces, years). Nothing is computed here.

    Parameters
    ----------
    spec : DescriptivesSpec
        The ``descriptives`` entry.
    statistics : pandas.DataFrame
        ``marts.fct_descriptive_statistics``.
    lang : str, optional
        ``en`` or ``zh``; default the spec file's ``lang:``, else ``en``.

    Raises
    ------
    SpecError
        If the mart describes another sample of the panel than the models use, or lacks
        a variable (listed in the mart's SQL).
    """
    tr = _translator(spec, lang)
    panel = spec.panel.split(".")[-1]
    rows = statistics[statistics["panel"] == panel].set_index("variable")
    where = f"{spec.source}: descriptives {spec.table_id!r}, key 'models'"
    rule = spec.sample or "all rows"
    recorded = set(rows["sample_rule"])
    if recorded and recorded != {rule}:
        raise SpecError(
            f"{where}: the models' sample is {rule!r}, but marts.fct_descriptive_statistics "
            f"describes {spec.panel} over {sorted(recorded)}; describe models of the paper "
            "sample, or add that sample to models/marts/papers/fct_descriptive_statistics.sql"
        )
    missing = [v for v in spec.variables if v not in rows.index]
    if missing:
        raise SpecError(
            f"{where}: {missing} not in marts.fct_descriptive_statistics for {spec.panel}; "
            "list them in models/marts/papers/fct_descriptive_statistics.sql and rebuild"
        )
    body = []
    for variable in spec.variables:
        r = rows.loc[variable]
        cells = (str(int(r["n"])), *(number(float(r[c])) for c in ("mean", "sd", "min", "max")))
        body.append((spec.labels.get(variable, variable), cells))
    shown = rows.loc[list(spec.variables)]
    note = tr.note(
        "descriptives",
        panel=spec.panel,
        rule=tr(rule),
        n_provinces=int(shown["n_provinces"].max()),
        first=int(shown["first_year"].min()),
        last=int(shown["last_year"].max()),
    )
    built = PublicationTable(
        spec.table_id,
        spec.title,
        DESCRIPTIVE_COLUMNS,
        tuple(body),
        len(body),
        (note, *map(tr, spec.notes)),
    )
    return _localised(built, tr)


def p_cell(p: float) -> str:
    """Format a p-value for a table: 3 decimals, ``<0.001`` below (a bootstrap p of 0 of B)."""
    return "<0.001" if p < 0.0005 else f"{p:.3f}"


TEST_LABELS = {
    ("hausman", None): "Hausman χ² (FE vs RE)",
    ("hausman", "sigmamore"): "Hausman χ², sigmamore",
    ("hausman", "named"): "Hausman χ², named regressors",
    ("hausman", "named_sigmamore"): "Hausman χ², named regressors, sigmamore",
    ("wild_bootstrap", "rademacher"): "Wild bootstrap p (Rademacher)",
    ("wild_bootstrap", "webb"): "Wild bootstrap p (Webb)",
    ("sobel", None): "Sobel test of the indirect effect via {what}",
    ("cluster_bootstrap_indirect", None): (
        "Province-bootstrap test of the indirect effect via {what}"
    ),
    ("permutation_difference", None): "Permutation test of the group difference: {what}",
    ("interaction_wald", None): "Wald test of the interaction: {what}",
}
"""The reader's name of each ``results.tests`` kind, by ``(family, variant)``
(:data:`resilience.results.FAMILIES`); ``{what}`` is its mediator or group flag."""
WILD_BOOTSTRAP_ROWS = (TestKind("wild_bootstrap", "rademacher"), TestKind("wild_bootstrap", "webb"))
"""The wild bootstrap rows of a table, in order (:mod:`resilience.wildboot`)."""


WILD_BOOTSTRAP_NOTE = (
    "Wild bootstrap p: wild cluster restricted bootstrap (Cameron, Gelbach & Miller "
    "2008), null (coefficient = 0) imposed, clusters = provinces, symmetric p-value "
    "(the share of draws whose absolute t exceeds the model's, as Stata boottest), "
    "for the focal coefficient {terms}; B = {reps} draws per weight type (Rademacher: +1 or "
    "-1; Webb: six points, plus or minus sqrt(1/2), 1, sqrt(3/2)){seed}."
)
WILD_BOOTSTRAP_SEED = ", seed {seeds}"
WILD_BOOTSTRAP_ENUMERATED = (
    " Rademacher, B at least 2 to the power G: every sign vector of the G provinces "
    "enumerated (exact, no seed) in {columns}."
)
"""The note under the wild bootstrap rows (templates of :data:`resilience.i18n.ZH`)."""


def wild_bootstrap_rows(
    tests: pd.DataFrame | None,
    columns: Sequence[tuple[str, str]],
    table_id: str,
    labels: Mapping[str, str],
    tr: Translator | None = None,
) -> tuple[list[tuple[str, tuple[str, ...]]], list[str]]:
    """Rows (one per weight type) and the note of the columns' wild bootstrap p-values.

    ``columns`` are ``(model_id, column label)`` pairs; a cell is the WCR bootstrap p-value
    of the column's focal coefficient (3 decimals, :func:`p_cell`) in ``results.tests``
    (the rows of ``table_id`` when the tests name tables). The note names the method, the
    focal terms by their ``labels``, B, the weights and the seed, read from each row's
    ``detail``, in ``tr``'s language. The publication tables and the report both use it.
    E.g. p = 0.0312 of ``wl_t2_c2`` under Rademacher weights, B = 9999, seed 7: the row
    ``("Wild bootstrap p (Rademacher)", ("0.031",))``, the note "... for the focal
    coefficient Data; B = 9999 draws ..., seed 7."
    """
    tr = tr or Translator()
    if tests is None or tests.empty:
        return [], []
    rows, details = [], []
    for kind in WILD_BOOTSTRAP_ROWS:
        label = TEST_LABELS[kind.family, kind.variant]
        cells = []
        for model_id, column_label in columns:
            match = tests[(tests.model_id == model_id) & (tests.test_name == kind.test_name)]
            if "table_id" in match and (match.table_id == table_id).any():
                match = match[match.table_id == table_id]
            if match.empty or pd.isna(match.iloc[0]["p_value"]):
                cells.append("")
                continue
            cells.append(p_cell(match.iloc[0]["p_value"]))
            details.append((column_label, _hausman_detail(match.iloc[0])))
        if any(cells):
            rows.append((tr(label), tuple(cells)))
    if not rows:
        return [], []
    terms = dict.fromkeys(tr(labels.get(d.get("term"), d.get("term"))) for _, d in details)
    reps = sorted({d.get("reps_requested") for _, d in details if d}, key=str)
    seeds = sorted({d.get("seed") for _, d in details if d.get("seed") is not None}, key=str)
    enumerated = [tr(label) for label, d in details if d.get("enumerated")]
    note = tr.format(
        WILD_BOOTSTRAP_NOTE,
        terms=tr.join(str(t) for t in terms),
        reps=tr.join(map(str, reps)),
        seed=tr.format(WILD_BOOTSTRAP_SEED, seeds=tr.join(map(str, seeds))) if seeds else "",
    )
    if enumerated:
        note += tr.format(WILD_BOOTSTRAP_ENUMERATED, columns=tr.join(dict.fromkeys(enumerated)))
    return rows, [note]


ABSORPTION_LABEL = "Variance of {term} left by FE"
"""Row label of a regressor's ``results.absorption`` share (of the fixed effects)."""
ABSORPTION_NOTE = (
    "Variance left by FE: the share of the regressor's sample variance left after the "
    "column's fixed effects (its residual on province and, with year FE, year dummies), the "
    "variation that identifies its slope; every regressor's in results.absorption."
)


def absorption_rows(
    shares: Sequence[Mapping[str, float]],
    terms: Iterable[str],
    labels: Mapping[str, str],
    tr: Translator | None = None,
) -> list[tuple[str, tuple[str, ...]]]:
    """One row per regressor: its share of variance left by each column's fixed effects.

    ``shares`` holds each column's ``term -> share_left`` (the model's rows of
    ``results.absorption``); a cell has 3 decimals, blank where the column
    lacks the term, and a term no column has gets no row. The label is
    :data:`ABSORPTION_LABEL` of the term's label, in ``tr``'s language. E.g. shares
    ``[{"data_index": 0.41234}, {}]`` of the term labelled ``Data``: the row
    ``("Variance of Data left by FE", ("0.412", ""))``.
    """
    tr = tr or Translator()
    rows = []
    for term in dict.fromkeys(terms):
        cells = tuple(f"{s[term]:.3f}" if term in s else "" for s in shares)
        if any(cells):
            label = tr.format(ABSORPTION_LABEL, term=tr(labels.get(term, term)))
            rows.append((label, cells))
    return rows


def _absorption_rows(
    table: TableSpec, fits: list[StoredModel], tr: Translator | None = None
) -> list[tuple[str, tuple[str, ...]]]:
    """Return the :func:`absorption_rows` of the table's regressors (not the controls)."""
    terms = [t for fit in fits for t in fit.regressors]
    shares = [dict(fit.absorption.set_index("term")["share_left"]) for fit in fits]
    return absorption_rows(shares, terms, table.labels, tr)


CONSTRUCTION_NOTE = (
    "{label} = {unit} + {time} by construction, {time} common to all units of a year: the "
    "slope{where} is identified by {how}."
)
CONSTRUCTION_NOTE_SHARED = (
    "{built} by construction, the second part common to all units of a year: each "
    "slope{where} is identified by {how}."
)
CONSTRUCTION_WHERE = " in {columns}"
CONSTRUCTION_FIRST_PART = "its first part ({units})"
CONSTRUCTION_SECOND_PART = "the second part"


@dataclass(frozen=True)
class ConstructedTerm:
    """A table column's regressor built as unit part + time part, as its note names it.

    From ``results.absorption`` (``unit_label``, ``time_label``, ``time_depends_on``;
    :attr:`resilience.results.StoredModel.constructions`) and the model's year effects.
    """

    column: str
    label: str
    unit_label: str
    time_label: str
    time_effects: bool
    time_depends_on: str | None = None


def construction_notes(terms: Iterable[ConstructedTerm], tr: Translator) -> list[str]:
    """Say of each constructed regressor which part identifies its slope, in ``tr``'s language.

    The sentence is :func:`resilience.specs.identified_by_template`'s. Regressors identified
    the same way share one note (three spillover channels make one note, not three: a
    table's notes must fit a page); the columns are named only when one regressor is
    identified differently across the table's columns.
    """
    groups: dict[tuple[str, str, str, bool, str | None], list[str]] = {}
    for t in terms:
        key = (t.label, t.unit_label, t.time_label, t.time_effects, t.time_depends_on)
        groups.setdefault(key, []).append(t.column)
    shared: dict[tuple[bool, str | None, str], list[tuple[str, str, str]]] = {}
    for (label, unit, time, effects, depends), columns in groups.items():
        mixed = sum(key[0] == label for key in groups) > 1
        where = tr.format(CONSTRUCTION_WHERE, columns=tr.join(map(tr, columns))) if mixed else ""
        shared.setdefault((effects, depends, where), []).append((label, unit, time))
    out = []
    for (effects, depends, where), parts in shared.items():
        how = tr(identified_by_template(effects, depends))
        depends_text = tr(depends) if depends else ""
        if len(parts) == 1:
            label, unit, time = parts[0]
            how = how.format(unit=unit, time=time, depends=depends_text)
            fields = {"label": label, "unit": unit, "time": time, "where": where, "how": how}
            out.append(tr.format(CONSTRUCTION_NOTE, **fields))
            continue
        units = tr.format(CONSTRUCTION_FIRST_PART, units=tr.join(u for _, u, _ in parts))
        how = how.format(unit=units, time=tr(CONSTRUCTION_SECOND_PART), depends=depends_text)
        built = tr.join((f"{label} = {unit} + {time}" for label, unit, time in parts), last="and")
        out.append(tr.format(CONSTRUCTION_NOTE_SHARED, built=built, where=where, how=how))
    return out


def _construction_notes(table: TableSpec, fits: list[StoredModel], tr: Translator) -> list[str]:
    """Return the :func:`construction_notes` of the table's declared regressors."""
    terms = []
    for column, fit in zip(table.columns, fits, strict=True):
        for term, built in fit.constructions.items():
            if term in fit.regressors:
                terms.append(
                    ConstructedTerm(
                        column.label,
                        table.labels.get(term, term),
                        built.unit_label,
                        built.time_label,
                        fit.formula.time_effects,
                        built.time_depends_on,
                    )
                )
    return construction_notes(terms, tr)


HAUSMAN_ROWS = (TestKind("hausman"), TestKind("hausman", "sigmamore"))
"""The Hausman rows of a table, in order: Stata's default comparison, plain and sigmamore."""
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


HAUSMAN_NOTE = "Hausman χ² (FE vs RE, conventional covariances): {convention}"
HAUSMAN_DF = ". df (the rank of V_FE − V_RE), {dfs}"
HAUSMAN_NOT_PD = " {mark} V_FE − V_RE not positive definite: Moore–Penrose inverse, q = its rank."
HAUSMAN_NAMED = " results.tests also holds the named-regressors variant (hausman_named)."
"""The parts of the note under the Hausman rows (templates of :data:`resilience.i18n.ZH`)."""


def _hausman_rows(
    table: TableSpec, tests: pd.DataFrame | None, tr: Translator | None = None
) -> tuple[list[tuple[str, tuple[str, ...]]], list[str]]:
    """Rows and notes of the Hausman tests any column has.

    One row per variant: χ² with stars, or "H < 0", followed by :data:`NOT_PD_MARK` when
    ``detail`` says V_FE - V_RE was not positive definite. The notes say which
    coefficients were compared (``detail["compare"]``), each column's df and what the mark
    means, in ``tr``'s language.
    """
    tr = tr or Translator()
    if tests is None or tests.empty:
        return [], []
    rows, compares, dfs, marked = [], set(), [], False
    for kind in HAUSMAN_ROWS:
        label = TEST_LABELS[kind.family, kind.variant]
        cells, row_dfs = [], []
        for column in table.columns:
            match = tests[(tests.model_id == column.model) & (tests.test_name == kind.test_name)]
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
                row_dfs.append(f"{tr(column.label)} {int(row['df'])}")
            cells.append(cell)
        if any(cells):
            rows.append((label, tuple(cells)))
            if row_dfs:
                dfs.append(f"{tr(label)}: " + ", ".join(row_dfs))
    if not rows:
        return [], []
    convention = "; ".join(tr(COMPARE_NOTES.get(c, str(c))) for c in sorted(compares, key=str))
    note = tr.format(HAUSMAN_NOTE, convention=convention or tr(COMPARE_NOTES[None]))
    if dfs:
        note += tr.format(HAUSMAN_DF, dfs="; ".join(dfs))
    note += "."
    if marked:
        note += tr.format(HAUSMAN_NOT_PD, mark=NOT_PD_MARK)
    if "shared" in compares:
        note += tr(HAUSMAN_NAMED)
    return rows, [note]


def dropped_note(
    n_dropped: int,
    n_obs: int,
    by_column: dict[str, int],
    by_year: dict[int | str, int],
    tr: Translator | None = None,
    labels: Mapping[str, str] | None = None,
) -> str:
    """Say what a model's sample lost to missing values: count, columns and years.

    E.g. ``227 of 450 rows dropped for missing values (exp_res_hp: 227); by year: 2009 30,
    2010 12, …``, whatever made the values missing (a log rule, a lag, a gap). The tables
    and the report both say it with this function, in ``tr``'s language (English by default),
    a column by its label in ``labels`` (``ExpRes (HP): 227``), else by its id.
    """
    tr = tr or Translator()
    labels = labels or {}
    columns = tr.join(f"{tr(labels.get(k, k))}: {v}" for k, v in by_column.items())
    text = tr.note("dropped", n=n_dropped, total=n_obs + n_dropped, columns=columns)
    if by_year:
        years = tr.join(f"{year} {n}" for year, n in by_year.items())
        text += tr.note("dropped_by_year", years=years)
    return text


def _notes(table: TableSpec, fits: list[StoredModel], tr: Translator) -> tuple[str, ...]:
    inner = tr.note("inner_std_error" if table.parentheses == "std_error" else "inner_t_stat")
    covs = sorted({tr(COV_NOTES[f.cov_type]) for f in fits})
    notes = [tr.note("stars", inner=inner, covs="; ".join(covs)), tr.note("r2")]
    for column, fit in zip(table.columns, fits, strict=True):
        if fit.n_dropped:
            note = dropped_note(
                fit.n_dropped,
                fit.nobs,
                fit.dropped_by_column,
                fit.dropped_by_year,
                tr,
                table.labels,
            )
            notes.append(tr.note("column", column=tr(column.label), note=note))
    return (*notes, *map(tr, table.notes))


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


LATEX_SYMBOLS = {
    "<->": r"$\leftrightarrow$",
    "->": r"$\rightarrow$",
    "<=": r"$\leq$",
    ">=": r"$\geq$",
    "\n": " ",
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
    NOT_PD_MARK: r"$^{\dagger}$",
    "‡": r"$^{\ddagger}$",
    "−": "$-$",
    "–": "--",
    "—": "---",
    "…": r"\ldots{}",
    "≥": r"$\geq$",
    "≤": r"$\leq$",
    "≠": r"$\neq$",
    "≈": r"$\approx$",
    "±": r"$\pm$",
    "×": r"$\times$",
    "÷": r"$\div$",
    "·": r"$\cdot$",
    "•": r"$\bullet$",
    "→": r"$\rightarrow$",
    "←": r"$\leftarrow$",
    "↔": r"$\leftrightarrow$",
    "⇒": r"$\Rightarrow$",
    "∞": r"$\infty$",
    "√": r"$\surd$",
    "∑": r"$\sum$",
    "∈": r"$\in$",
    "∂": r"$\partial$",
    "′": r"$^{\prime}$",
    "°": r"$^{\circ}$",
    "µ": r"$\mu$",
    "§": r"\S{}",
    "¶": r"\P{}",
    "£": r"\pounds{}",
    "©": r"\copyright{}",
    "ß": r"\ss{}",
    "æ": r"\ae{}",
    "Æ": r"\AE{}",
    "œ": r"\oe{}",
    "Œ": r"\OE{}",
    "ø": r"\o{}",
    "Ø": r"\O{}",
    "ł": r"\l{}",
    "Ł": r"\L{}",
    "ı": r"\i{}",
    "‘": "`",
    "’": "'",
    "“": "``",
    "”": "''",
    "\u00a0": "~",
    "\u2009": r"\,",
    "\u202f": r"\,",
    **{sup: f"$^{{{i}}}$" for i, sup in enumerate("⁰¹²³⁴⁵⁶⁷⁸⁹")},
    **{sub: f"$_{{{i}}}$" for i, sub in enumerate("₀₁₂₃₄₅₆₇₈₉")},
}
"""Text (ASCII specials, arrows, symbols) -> what pdflatex prints for it without packages.

Greek letters and accented Latin letters are spelled from their Unicode names
(:func:`_latex_char`); Chinese, Japanese and Korean characters pass through (they need
``CJKutf8`` or XeLaTeX with ``ctex``); any other character is an error.
"""
_LATEX_TOKEN = re.compile(
    "|".join(re.escape(k) for k in sorted(LATEX_SYMBOLS, key=len, reverse=True)) + r"|[^\x00-\x7f]"
)
_GREEK_CAPITALS = {"GAMMA", "DELTA", "THETA", "LAMDA", "XI", "PI", "SIGMA", "UPSILON", "PHI"}
_GREEK_CAPITALS |= {"PSI", "OMEGA"}
_ACCENTS = {"\u0301": "'", "\u0300": "`", "\u0302": "^", "\u0308": '"', "\u0303": "~"}
_ACCENTS |= {"\u030c": "v", "\u0327": "c", "\u0304": "=", "\u0306": "u", "\u030a": "r"}
_ACCENTS |= {"\u0328": "k", "\u0307": "."}


def _latex_char(char: str, text: str) -> str:
    """Spell one character pdflatex cannot take as it is (see :data:`LATEX_SYMBOLS`)."""
    if char in LATEX_SYMBOLS:
        return LATEX_SYMBOLS[char]
    name = unicodedata.name(char, "")
    if name.startswith(("GREEK SMALL LETTER ", "GREEK CAPITAL LETTER ")) and len(name.split()) == 4:
        letter = name.split()[-1].replace("LAMDA", "LAMBDA")
        if name.startswith("GREEK SMALL"):
            return f"$\\{letter.lower()}$"
        if name.split()[-1] in _GREEK_CAPITALS:
            return f"$\\{letter.capitalize()}$"
    base, *marks = unicodedata.normalize("NFD", char)
    if base.isascii() and marks and all(m in _ACCENTS for m in marks):
        out = base.replace("i", r"\i{}").replace("j", r"\j{}")
        for mark in marks:
            out = f"\\{_ACCENTS[mark]}{{{out}}}"
        return out
    if unicodedata.east_asian_width(char) in "WF":
        return char
    raise ValueError(
        f"LaTeX table text {text!r} has the character {char!r} "
        f"({name or f'U+{ord(char):04X}'}), which pdflatex cannot print: add its LaTeX "
        "spelling to LATEX_SYMBOLS in python/resilience/tables.py or write it differently"
    )


def _latex_escape(text: str) -> str:
    """Escape ``text`` for LaTeX text mode: every special character, symbol and arrow."""
    return _LATEX_TOKEN.sub(lambda m: _latex_char(m.group(), text), text)


def _latex_cell(cell: str) -> str:
    """Escape a body cell: stars as a superscript, a leading minus as a math minus."""
    mark = NOT_PD_MARK if cell.endswith(NOT_PD_MARK) else ""
    cell = cell.removesuffix(NOT_PD_MARK)
    body = cell.rstrip("*")
    star = cell[len(body) :]
    body = re.sub(r"(?<![\w.])-(?=[\d.])", "−", body)
    return _latex_escape(body) + (f"$^{{{star}}}$" if star else "") + _latex_escape(mark)


TABLE_PT = 10.0
"""Type size of a Word table's cells (points); notes are :data:`NOTE_PT`."""
NOTE_PT = 8.0
A4_CM = (21.0, 29.7)
MARGIN_CM = 2.5
CELL_PAD_CM = 0.1
"""Left and right padding of a Word table cell."""
_NARROW = set(" .,:;!'|()[]ijlftrI-") | {"†"}
_WIDE = set("mwMW%@") | {"χ"}


def _text_em(text: str) -> float:
    """Width of ``text`` in em of a Times-like font: classes of characters, a little generous."""
    em = 0.0
    for char in text:
        if unicodedata.east_asian_width(char) in "WF":
            em += 1.0
        elif char in _NARROW:
            em += 0.3
        elif char in _WIDE:
            em += 0.85
        elif char.isupper():
            em += 0.7
        else:
            em += 0.5
    return em


def _header_lines(header: str) -> tuple[str, ...]:
    """Split a header in two lines at the space that balances them (never inside a word)."""
    words = header.split(" ")
    splits = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    return min(splits, key=lambda pair: max(map(_text_em, pair))) if splits else (header,)


LATEX_TEXT_CM, LATEX_PT, LATEX_PAD_CM = 12.13, 9.0, 0.21
"""LaTeX's article: text width 345 pt, ``\\small`` type in a 10 pt class, ``\\tabcolsep`` 6 pt."""


@dataclass(frozen=True)
class _Layout:
    """How a table is printed: column widths (em), headers (one or two lines), orientation."""

    label_em: float
    column_em: tuple[float, ...]
    headers: tuple[tuple[str, ...], ...]
    landscape: bool

    def width_cm(self, pt: float, pad_cm: float = CELL_PAD_CM) -> float:
        """Natural width at ``pt`` points, ``pad_cm`` padding either side of every cell."""
        ems = self.label_em + sum(self.column_em)
        return ems * pt * 2.54 / 72 + 2 * pad_cm * (1 + len(self.column_em))


def _layout(
    table: PublicationTable,
    text_cm: float = A4_CM[0] - 2 * MARGIN_CM,
    pt: float = TABLE_PT,
    pad_cm: float = CELL_PAD_CM,
) -> _Layout:
    """Lay ``table`` out in ``text_cm`` at ``pt`` points: no number or label ever wraps.

    Headers stay on one line if the table then fits, else every header is split in two
    between words (:func:`_header_lines`); a table that does not fit even so is
    ``landscape``.
    """
    cells_em = [
        max([_text_em(cells[j]) for _, cells in table.rows] + [0.0])
        for j in range(len(table.header))
    ]
    label_em = max((_text_em(label) for label, _ in table.rows), default=0.0)
    for headers in (tuple((h,) for h in table.header), tuple(map(_header_lines, table.header))):
        column_em = tuple(
            max(em, *map(_text_em, lines)) for em, lines in zip(cells_em, headers, strict=True)
        )
        layout = _Layout(label_em, column_em, headers, landscape=False)
        if layout.width_cm(pt, pad_cm) <= text_cm:
            return layout
    return _Layout(label_em, column_em, headers, landscape=True)


def _latex_label(table_id: str) -> str:
    r"""``tab:<table_id>``, unescaped (``\label{tab:wl_table2}`` is legal; ``\_`` is not)."""
    return "tab:" + re.sub(r"[^A-Za-z0-9_.:-]", "-", table_id)


def _latex_header(lines: tuple[str, ...]) -> str:
    """Escape a header cell: one line, or two stacked in a nested ``tabular``."""
    if len(lines) == 1:
        return _latex_escape(lines[0])
    return (
        r"\begin{tabular}[b]{@{}c@{}}" + r" \\ ".join(map(_latex_escape, lines)) + r"\end{tabular}"
    )


LATEX_LONG_ROWS = 24
"""Rows above which a table (and every landscape one) is set ``footnotesize``, not ``small``."""
LATEX_LONG_NOTES = 900
"""Characters of notes above which they are set ``scriptsize`` instead of ``footnotesize``."""


def to_latex(table: PublicationTable) -> str:
    r"""Render as a LaTeX ``table`` float with ``booktabs`` rules and ``threeparttable`` notes.

    The preamble needs ``\usepackage{booktabs,threeparttable,graphicx,pdflscape}``. The
    tabular and its notes shrink to ``\linewidth`` only if they are wider; a table wider
    than the article class's text block (:data:`LATEX_TEXT_CM`) even with its headers in
    two lines (:attr:`_Layout.landscape`) is set on a landscape page. Three
    rules (top, under the header, bottom); a little space above the N row. ``\ref`` it as
    ``tab:<table_id>``.
    """
    layout = _layout(table, LATEX_TEXT_CM, LATEX_PT, LATEX_PAD_CM)
    body = []
    for i, (label, cells) in enumerate(table.rows):
        if i == table.n_coefficient_rows:
            body.append(r"\addlinespace")
        body.append(_latex_escape(label) + " & " + " & ".join(map(_latex_cell, cells)) + r" \\")
    # long notes (Hausman, bootstrap, construction) in a smaller size, so the float fits a page
    # a landscape page is only the text block's width tall, and a long table needs the room
    tall = layout.landscape or len(table.rows) > LATEX_LONG_ROWS
    long_notes = tall or sum(map(len, table.notes)) > LATEX_LONG_NOTES
    notes = [r"\begin{tablenotes}[flushleft]", r"\scriptsize" if long_notes else r"\footnotesize"]
    notes += [f"\\item[] {_latex_escape(note)}" for note in table.notes]
    lines = [
        r"\begin{table}[htbp]",
        r"\centering",
        r"\footnotesize" if tall else r"\small",
        f"\\caption{{{_latex_escape(table.title)}}}",
        f"\\label{{{_latex_label(table.table_id)}}}",
        # no wider than the line, and no taller than 85 % of the page (the caption's room)
        r"\resizebox*{!}{\ifdim\totalheight>0.85\textheight 0.85\textheight"
        r"\else\totalheight\fi}{%",
        r"\resizebox{\ifdim\width>\linewidth\linewidth\else\width\fi}{!}{%",
        r"\begin{threeparttable}",
        f"\\begin{{tabular}}{{l*{{{len(table.header)}}}{{c}}}}",
        r"\toprule",
        " & " + " & ".join(map(_latex_header, layout.headers)) + r" \\",
        r"\midrule",
        *body,
        r"\bottomrule",
        r"\end{tabular}",
        *([*notes, r"\end{tablenotes}"] if table.notes else []),
        r"\end{threeparttable}}}",
        r"\end{table}",
    ]
    if layout.landscape:
        lines = [r"\begin{landscape}", *lines, r"\end{landscape}"]
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


RULE_THICK, RULE_THIN = 12, 6
"""Three-line table rules in eighths of a point: 1.5 pt top and bottom, 0.75 pt under the header."""


def _w(tag: str, **attrs: str):
    """Make an OOXML element ``w:<tag>`` with ``w:``-attributes ``attrs``."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    element = OxmlElement(f"w:{tag}")
    for key, value in attrs.items():
        element.set(qn(f"w:{key}"), value)
    return element


def _rule(edge: str, eighths: int):
    return _w(edge, val="single", sz=str(eighths), space="0", color="000000")


def _docx_page(section, landscape: bool) -> float:
    """Make ``section`` an A4 page, portrait or landscape; return its text width in cm."""
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm

    short, long = Cm(A4_CM[0]), Cm(A4_CM[1])
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long, short) if landscape else (short, long)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(MARGIN_CM))
    return A4_CM[landscape] - 2 * MARGIN_CM


def _docx_fonts(document) -> None:
    """Set Times New Roman for Latin text, SimSun for Chinese (``w:eastAsia``)."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    normal = document.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(TABLE_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "SimSun")


def _docx_paragraph(
    paragraph, text: str, pt: float, *, keep: bool, before: float = 0, after: float = 0
):
    """Fill ``paragraph`` with ``text`` at ``pt`` points; single spacing; keep-with-next."""
    from docx.shared import Pt

    for k, line in enumerate(text.split("\n")):
        if k:
            paragraph.runs[-1].add_break()
        paragraph.add_run(line).font.size = Pt(pt)
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(before), Pt(after), 1.0
    fmt.keep_with_next = keep
    return paragraph


def _docx_three_line(grid, widths: list[float]) -> None:
    """Give ``grid`` fixed column ``widths`` (cm), centred, and a three-line table's rules.

    Thick top and bottom rules, no side or inner borders; the rule under the header is
    its cells' bottom border (:func:`_docx_table`).
    """
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.oxml.ns import qn
    from docx.shared import Cm

    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False  # w:tblLayout fixed
    tbl_pr = grid._tbl.tblPr
    tbl_w = tbl_pr.find(qn("w:tblW"))
    tbl_w.set(qn("w:w"), str(round(sum(widths) * 567)))
    tbl_w.set(qn("w:type"), "dxa")
    fixed = tbl_pr.find(qn("w:tblLayout"))
    borders = _w("tblBorders")
    borders.extend([_rule("top", RULE_THICK), _rule("bottom", RULE_THICK)])
    borders.extend(_w(edge, val="nil") for edge in ("left", "right", "insideH", "insideV"))
    fixed.addprevious(borders)
    margins = _w("tblCellMar")
    pad = str(round(CELL_PAD_CM * 567))
    margins.extend(_w(side, w=pad, type="dxa") for side in ("left", "right"))
    fixed.addnext(margins)
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = Cm(width)


def _docx_table(document, table: PublicationTable, text_cm: float) -> None:
    """Title, three-line table and notes of ``table``, kept together, at the text width.

    Columns are as wide as their widest cell (:func:`_layout`), widened to the text width;
    the type shrinks (in half points, down to 7 pt) only if the table is wider than the
    page even so. Every cell is ``w:noWrap``, every row ``w:cantSplit``, every paragraph
    keep-with-next up to the last note, so Word moves a table that fits on a page to the
    next page rather than split it (and repeats the header row if it cannot).
    """
    from docx.enum.table import WD_ALIGN_VERTICAL
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    layout = _layout(table, text_cm)
    pt = TABLE_PT
    while layout.width_cm(pt) > text_cm and pt > 7:
        pt -= 0.5
    widths = [em * pt * 2.54 / 72 + 2 * CELL_PAD_CM for em in (layout.label_em, *layout.column_em)]
    extra = max(0.0, text_cm - sum(widths)) / len(layout.column_em)
    widths = [widths[0], *(w + extra for w in widths[1:])]

    title = _docx_paragraph(document.add_paragraph(), table.title, pt + 0.5, keep=True, after=4)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.runs[0].bold = True
    grid = document.add_table(rows=len(table.rows) + 1, cols=len(widths))
    _docx_three_line(grid, widths)
    texts = [("", tuple("\n".join(lines) for lines in layout.headers)), *table.rows]
    for i, (row, (label, cells)) in enumerate(zip(grid.rows, texts, strict=True)):
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(_w("cantSplit"))
        if i == 0:
            tr_pr.append(_w("tblHeader"))
        for j, (cell, text) in enumerate(zip(row.cells, (label, *cells), strict=True)):
            cell.width = Cm(widths[j])
            tc_pr = cell._tc.get_or_add_tcPr()
            if i == 0:
                tc_borders = _w("tcBorders")
                tc_borders.append(_rule("bottom", RULE_THIN))
                tc_pr.append(tc_borders)
            tc_pr.append(_w("noWrap"))
            before = 3 if i == table.n_coefficient_rows + 1 else 0
            keep = bool(table.notes) or i < len(table.rows)
            para = _docx_paragraph(cell.paragraphs[0], text, pt, keep=keep, before=before)
            para.alignment = WD_ALIGN_PARAGRAPH.LEFT if j == 0 else WD_ALIGN_PARAGRAPH.CENTER
            cell.vertical_alignment = WD_ALIGN_VERTICAL.BOTTOM
    for k, note in enumerate(table.notes):
        last = k == len(table.notes) - 1
        _docx_paragraph(
            document.add_paragraph(),
            note,
            NOTE_PT,
            keep=not last,
            before=3 * (k == 0),
            after=12 * last,
        )


def to_docx(tables: list[PublicationTable], path: str | Path) -> Path:
    """Write all ``tables`` into one Word document on A4 pages, journal style.

    Each table is a centred bold title, a three-line table (三线表: a thick rule above
    and below, a thin one under the header; no other borders) and its notes in 8 pt
    (:func:`_docx_table`). A table too wide for A4 portrait (:attr:`_Layout.landscape`)
    gets a landscape section of its own.

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
    from docx.enum.section import WD_SECTION

    document = Document()
    _docx_fonts(document)
    section = document.sections[0]
    landscape = False
    text_cm = _docx_page(section, landscape)
    for index, table in enumerate(tables):
        if _layout(table).landscape != landscape:
            landscape = not landscape
            if index:
                section = document.add_section(WD_SECTION.NEW_PAGE)
            text_cm = _docx_page(section, landscape)
        _docx_table(document, table, text_cm)
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


def print_whole(grid: RichTable, console: Console) -> None:
    """Print a rich table at its natural width, even if wider than the console."""
    unbounded = console.options.update_width(10_000)
    needed = Measurement.get(console, unbounded, grid).maximum
    width = console.width
    console.width = max(width, needed)  # rich caps print(width=) at the console's width
    try:
        console.print(grid)
    finally:
        console.width = width


def print_table(table: PublicationTable, console: Console | None = None) -> None:
    """Print ``table`` in the terminal with rich, never cutting a cell.

    A table wider than the console (80 columns when the output is not a terminal) is
    printed at its own width rather than squeezed: a number is never broken or shortened
    to ``0.0202*…``; the terminal wraps the long lines instead.
    """
    console = console or Console()
    grid = RichTable(title=table.title, show_lines=False)
    grid.add_column("", no_wrap=True)
    for header in table.header:
        grid.add_column(header, justify="right", no_wrap=True)
    for i, (label, cells) in enumerate(table.rows):
        grid.add_row(label, *cells, end_section=i in (0, table.n_coefficient_rows - 1))
    print_whole(grid, console)
    for note in table.notes:
        console.print(note, highlight=False)


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
