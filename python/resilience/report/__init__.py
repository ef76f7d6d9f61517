"""The HTML report: one self-contained file with every table and plot an analyst looks at first.

:func:`write_report` opens the warehouse read-only, copies the few small tables it needs
into memory, closes it, and renders ``reports/index.html`` from
``templates/report.html.j2``. Plots are matplotlib PNGs embedded as base64 ``data:`` URIs,
so the file has no external dependency (no JavaScript, no CDN) and can be mailed.

Sections (each an ``<section id=...>`` the browser test looks for):

``overview``
    what the run holds; a red banner when the synthetic demo data is in use.
``weights``
    each indicator system with its entropy weights (bar chart, coloured by dimension) and,
    where the system publishes them, the paper's weights side by side.
``ranking``
    province ranking by the mean index over the sample and a province x year heatmap of
    each index.
``regional``
    east / central / west mean of each index by year.
``export-paths``
    export resilience ``(export_t - export_2008) / export_2008`` by province and region, with
    the 2009 (global financial crisis) and 2020 (COVID-19) shocks marked.
``regressions``
    every estimated regression table, rendered from ``results.*`` by the publication
    renderer (:func:`resilience.tables.build_table`, the cells of ``reports/tables``)
    with the spec it was estimated with (``results.tables``: a user's spec too), then the
    supplementary models, the share of each regressor's variance the fixed effects leave
    (``results.absorption``, one compact table per panel) and the tests.
``heterogeneity``
    a coefficient plot of the key regressor across the heterogeneity groups (95% CI).
``sensitivity``
    the specification curve of each baseline across the index variants
    (:mod:`resilience.report_speccurve`).
``quality``
    data-quality diagnostics (OECD/JRC 2008): interpolated cells, availability per
    indicator and province (flag < 65%), outlier flags, highly correlated pairs.
``parameters``
    settings recorded beside the weights and results, project defaults, and a data
    fingerprint (row counts and an MD5 of every raw and reference table).

A section whose tables are absent says "not built yet" / "not estimated yet" in a visible
note; :func:`write_report` never fails because a part of the warehouse is missing.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import replace
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from jinja2 import Environment, FileSystemLoader, select_autoescape  # noqa: E402

from resilience.errors import storage_faults  # noqa: E402
from resilience.i18n import DEFAULT_LANG, Translator  # noqa: E402
from resilience.paths import REPORTS_DIR, write_atomically  # noqa: E402
from resilience.report.figures import (  # noqa: E402
    export_paths_figure,
    regional_figure,
    use_plot_fonts,
    year_axis,
)
from resilience.report.loading import (  # noqa: E402
    TABLES,
    fingerprint,
    indicator_labels,
    load_warehouse,
    total_scores,
    unit_names,
    unit_regions,
    uses_demo_data,
)
from resilience.report.page import (  # noqa: E402
    CJK_FONTS,
    PAGE_TEXTS,
    REGION_COLOURS,
    SECTION_IDS,
    SHOCKS,
    SYNTHETIC_NOTE,
    TEMPLATES,
    ReportOutcome,
    Section,
    frame_to_html,
)
from resilience.report.sections import (  # noqa: E402
    NOT_BUILT,
    SUPPLEMENTARY_TABLE,
    SUPPLEMENTARY_TITLE,
    absorption_tables,
    all_labels,
    descriptive_tables,
    flag_text,
    git_commit,
    hausman_columns,
    heterogeneity_estimates,
    model_label,
    regression_tables,
    report_lang,
    report_layouts,
    section_export_paths,
    section_heterogeneity,
    section_overview,
    section_parameters,
    section_quality,
    section_ranking,
    section_regional,
    section_regressions,
    section_weights,
    setting_text,
    spec_texts,
    stale_results_note,
    supplementary_spec,
    table_layouts,
    table_names,
    term_label,
    test_label,
)
from resilience.report_sensitivity import section_sensitivity  # noqa: E402
from resilience.report_speccurve import section_speccurve  # noqa: E402


# ------------------------------------------------------------------ entry point ------
def build_sections(frames, meta, db_path: Path, lang: str = DEFAULT_LANG) -> list[Section]:
    """All sections in report order (the overview lists the others); tables in ``lang``.

    One :class:`~resilience.i18n.Translator` serves every section: the specs' own texts
    (:func:`spec_texts`), then :data:`resilience.i18n.ZH`.
    """
    tr = Translator(lang, spec_texts(report_layouts(frames), lang))
    use_plot_fonts()
    body: list[Section] = [
        section_weights(frames, tr),
        section_ranking(frames, tr),
        section_sensitivity(frames, unit_names(frames, tr.lang), tr),
        section_regional(frames, tr),
        section_export_paths(frames, tr),
        section_regressions(frames, meta.get("build_id"), lang, tr),
        section_heterogeneity(frames, tr),
        section_speccurve(frames, tr),  # resilience.report_speccurve
        section_quality(frames, tr),
        section_parameters(frames, meta, tr),
    ]
    if lang == DEFAULT_LANG:
        return [section_overview(frames, meta, db_path, body), *body]
    body = [replace(s, title=tr(s.title), intro=tr(s.intro)) for s in body]
    overview = section_overview(frames, meta, db_path, body, tr)
    overview = replace(overview, title=tr(overview.title), intro=tr(overview.intro))
    tr.warn("the report (headings, captions, prose, labels)")
    return [overview, *body]


def write_report(
    db_path: str | Path,
    out_path: str | Path = REPORTS_DIR / "index.html",
    title: str = "Resilience Warehouse report",
    lang: str | None = None,
) -> ReportOutcome:
    """Write the self-contained HTML report for the warehouse at ``db_path``.

    Parameters
    ----------
    db_path
        DuckDB warehouse (opened read-only, closed before rendering).
    out_path
        HTML file to write; its folder is created.
    title
        Page title.
    lang
        ``en`` or ``zh`` for the tables (labels, fixed rows, notes); default the shipped
        specs' ``lang:``, else ``en``; the section headings and introductions too (the
        figures' captions and the prose inside a section stay English).

    Returns
    -------
    ReportOutcome
        Path, counts of sections, tables and figures, whether the data is synthetic and
        the sections that are not built or estimated yet.
    """
    db_path, out_path = Path(db_path), Path(out_path)
    with storage_faults(f"cannot read the warehouse {db_path}", db_path):
        frames, meta = load_warehouse(db_path)
    plt.rcParams.update({"font.size": 9, "axes.spines.top": False, "axes.spines.right": False})
    sections = build_sections(frames, meta, db_path, report_lang(lang))
    env = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"])
    )
    tr = Translator(report_lang(lang))
    page = env.get_template("report.html.j2").render(
        title=tr(title),
        sections=sections,
        is_synthetic=meta["is_synthetic"],
        synthetic_note=tr(SYNTHETIC_NOTE),
        generated=f"{dt.datetime.now():%Y-%m-%d %H:%M}",
        lang="zh-CN" if tr.lang == "zh" else "en",
        text={t: tr(t) for t in PAGE_TEXTS},
    )
    with storage_faults("cannot write the report; nothing was written", out_path):
        write_atomically(out_path, page)
    notes = [
        f"{s.title}: {re.sub('<[^>]+>', '', b)}"
        for s in sections
        for b in s.blocks
        if b.startswith('<p class="missing">')
    ]
    return ReportOutcome(
        path=out_path,
        n_sections=len(sections),
        n_tables=sum(s.n_tables for s in sections),
        n_figures=sum(s.n_figures for s in sections),
        is_synthetic=meta["is_synthetic"],
        notes=[html.unescape(n) for n in notes],
    )


__all__ = [
    "CJK_FONTS",
    "NOT_BUILT",
    "PAGE_TEXTS",
    "REGION_COLOURS",
    "ReportOutcome",
    "SECTION_IDS",
    "SHOCKS",
    "SUPPLEMENTARY_TABLE",
    "SUPPLEMENTARY_TITLE",
    "SYNTHETIC_NOTE",
    "Section",
    "TABLES",
    "TEMPLATES",
    "absorption_tables",
    "all_labels",
    "build_sections",
    "descriptive_tables",
    "export_paths_figure",
    "fingerprint",
    "flag_text",
    "frame_to_html",
    "git_commit",
    "hausman_columns",
    "heterogeneity_estimates",
    "indicator_labels",
    "load_warehouse",
    "model_label",
    "regional_figure",
    "regression_tables",
    "report_lang",
    "report_layouts",
    "section_export_paths",
    "section_heterogeneity",
    "section_overview",
    "section_parameters",
    "section_quality",
    "section_ranking",
    "section_regional",
    "section_regressions",
    "section_weights",
    "setting_text",
    "spec_texts",
    "stale_results_note",
    "supplementary_spec",
    "table_layouts",
    "table_names",
    "term_label",
    "test_label",
    "total_scores",
    "unit_names",
    "unit_regions",
    "use_plot_fonts",
    "uses_demo_data",
    "write_report",
    "year_axis",
]
