"""summary.md and report.html of the China real-data example (:mod:`resilience.example_china`).

The report is built from :mod:`resilience.report`'s pieces: its :class:`~resilience.report.Section`
(figures embedded as PNG data URIs, text and tables HTML-escaped), its weights, ranking,
regional and data-quality sections read from the example's warehouse by
:func:`~resilience.report.load_warehouse`, and its page template. This module adds what is
particular to the example: the REAL DATA banner with sources and licences, the assumptions,
the build's skip list and timing, the rank changes 2010 -> 2023 and the R&D stocks of the
partner economies and of the provinces.
"""

from __future__ import annotations

import datetime as dt
import functools
import html

import matplotlib.pyplot as plt
import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape
from matplotlib.ticker import MaxNLocator

from resilience import report
from resilience.example_china import (
    CHINA,
    FIRST_YEAR,
    GROWTH_LAST_YEAR,
    INDEX_NAME,
    LAST_YEAR,
    MISSING_INPUTS,
    PROVINCE_RD_BASE_YEAR,
    PROVINCIAL_PIM_ASSUMPTION,
    RD_BASE_YEAR,
    ChinaExampleOutcome,
)

REAL_DATA = "REAL DATA"
TITLE = "China provinces 2010–2023: innovation capacity and R&D stocks — REAL DATA"
SOURCES = (
    (
        "China Statistical Yearbook on Science and Technology, regional tables 1-4, 1-13/1-14, "
        "7-7/8-7, 7-8/8-8 (editions 2011-2024)",
        "NBS / MOST official statistics; files from huhuaping/techme @ 9ad60a1, MIT licence",
        "examples/china_real/data/yearbook/PROVENANCE.md",
    ),
    (
        "World Bank WDI GB.XPD.RSDV.GD.ZS (GERD, % of GDP)",
        "CC BY 4.0 (World Bank); via Zavvnr/Zavier-ISS-Presentation-Data @ 9a53633",
        "examples/china_real/data/world_bank/PROVENANCE.md",
    ),
    (
        "GDP, current US$ (WDI NY.GDP.MKTP.CD), datasets/gdp @ 822019c",
        "ODC-PDDL-1.0 (underlying data World Bank, CC BY 4.0)",
        "examples/china_real/data/world_bank/PROVENANCE.md",
    ),
    (
        "Consumer-price inflation (WDI FP.CPI.TOTL.ZG), datasets/cpi @ 3750e45",
        "ODC-PDDL-1.0 (underlying data World Bank, CC BY 4.0)",
        "examples/china_real/data/world_bank/PROVENANCE.md",
    ),
)
"""(data set, licence and origin, provenance file)."""
SMALL_BASE_NOTE = (
    "Read the ratios with their bases: a province with little R&D can score high on a share. "
    "Tibet (about 1,300 R&D FTE and 162 patent applications in 2010) has the highest "
    "basic-research share of FTE and the third-highest invention share of applications in "
    "2010, which lifts it to rank 8 that year although it ranks last on every level."
)


# ---------------------------------------------------------------- tables -------------


def sources_table() -> pd.DataFrame:
    """Return the data sets, their licences and provenance files."""
    return pd.DataFrame(SOURCES, columns=["source", "licence", "provenance"])


def assumptions(outcome: ChinaExampleOutcome) -> list[str]:
    """Return the assumptions and data caveats of the run, one sentence each."""
    inputs = outcome.inputs
    misprints = "; ".join(
        f"{c.file.split('data/yearbook/')[-1]} row {c.row} column {c.column}: {c.text!r}"
        for c in inputs.misprints
    )
    conv = inputs.conversion
    return [
        "cpi.csv of datasets/cpi holds annual inflation in percent (WDI FP.CPI.TOTL.ZG), not "
        "the index its datapackage names: the CPI is chained, cpi_2003 = 100, "
        "cpi_t = cpi_t-1 x (1 + inflation_t / 100).",
        f"{inputs.n_interpolated_gerd} GERD shares (% of GDP) are interpolated linearly "
        "between observed years of the same economy (listed in partner_macro_notes.csv); "
        f"the World Bank series end in {conv.last_year} for every economy (asked "
        f"{conv.requested_last_year}), so the stocks run {conv.first_year}-{conv.last_year}.",
        f"Yearbook misprint reported and left missing by the importer: {misprints} "
        "(Beijing's 2012 enterprise R&D funds); enterprise_share_rd_funds of Beijing 2012 is "
        "therefore missing and interpolated by the index models (flagged is_interpolated).",
        "Ratios are computed once from the imported levels (formulas in "
        "indicator_system.csv); a ratio with a missing part stays missing. Yuan values in "
        "the index are nominal (no provincial deflator in the data).",
        "gfcf_usd_mn is empty (not in the World Bank files): spillover_denominator stays gdp.",
        PROVINCIAL_PIM_ASSUMPTION,
    ]


def ranking(outcome: ChinaExampleOutcome) -> pd.DataFrame:
    """Provinces by mean score, with scores and ranks in the first and last year."""
    names, regions = province_labels()
    wide = outcome.scores.pivot(index="unit_id", columns="year", values="score")
    ranks = wide.rank(ascending=False, method="min").astype(int)
    table = pd.DataFrame(
        {
            "province": wide.index.map(names),
            "region": wide.index.map(regions),
            "mean_score": wide.mean(axis=1),
            f"score_{FIRST_YEAR}": wide[FIRST_YEAR],
            f"score_{LAST_YEAR}": wide[LAST_YEAR],
            f"rank_{FIRST_YEAR}": ranks[FIRST_YEAR],
            f"rank_{LAST_YEAR}": ranks[LAST_YEAR],
        },
        index=wide.index,
    ).sort_values("mean_score", ascending=False)
    table["rank_change"] = table[f"rank_{FIRST_YEAR}"] - table[f"rank_{LAST_YEAR}"]
    table.insert(0, "rank", range(1, len(table) + 1))
    return table.reset_index(drop=True)


@functools.cache
def province_labels() -> tuple[dict[str, str], dict[str, str]]:
    """Province code -> English name, and -> NBS region (seeds/reference/provinces.csv).

    Read once per run, through the main report's own lookups.
    """
    from resilience.paths import PROVINCES_CSV

    frames = {"provinces": pd.read_csv(PROVINCES_CSV, dtype=str)}
    return report.unit_names(frames), report.unit_regions(frames)


def regional_means(outcome: ChinaExampleOutcome) -> pd.DataFrame:
    """Unweighted mean score per NBS region (east / central / west) and year, wide."""
    _, regions = province_labels()
    scores = outcome.scores.assign(region=outcome.scores.unit_id.map(regions))
    return scores.pivot_table(index="year", columns="region", values="score", aggfunc="mean")


def stock_table(outcome: ChinaExampleOutcome) -> pd.DataFrame:
    """Per economy: growth rate g, R&D stock in the base year, 2019 and the last year."""
    stocks = outcome.stocks
    last = int(stocks.year.max())
    wide = stocks.pivot(index="country_code", columns="year", values="rd_stock")
    first = stocks.groupby("country_code")[["country_name", "growth_rate"]].first()
    table = first.assign(
        **{
            f"stock_{RD_BASE_YEAR}": wide[RD_BASE_YEAR],
            "stock_2019": wide[2019],
            f"stock_{last}": wide[last],
        }
    )
    return table.sort_values(f"stock_{last}", ascending=False).reset_index()


def province_stock_table(outcome: ChinaExampleOutcome) -> pd.DataFrame:
    """Per province: region, growth g, R&D stock in the base year and the last year, rank."""
    stocks = outcome.province_stocks
    last = int(stocks.year.max())
    _, regions = province_labels()
    wide = stocks.pivot(index="province_code", columns="year", values="rd_stock")
    first = stocks.groupby("province_code")[["province", "growth_rate"]].first()
    table = first.assign(
        region=first.index.map(regions),
        **{
            f"stock_{PROVINCE_RD_BASE_YEAR}": wide[PROVINCE_RD_BASE_YEAR],
            f"stock_{last}": wide[last],
            f"share_{last}": wide[last] / wide[last].sum(),
        },
    ).sort_values(f"stock_{last}", ascending=False)
    table.insert(0, "rank", range(1, len(table) + 1))
    return table.reset_index()[
        ["rank", "province_code", "province", "region", "growth_rate",
         f"stock_{PROVINCE_RD_BASE_YEAR}", f"stock_{last}", f"share_{last}"]
    ]  # fmt: skip


def build_table(outcome: ChinaExampleOutcome) -> pd.DataFrame:
    """Return the build's skip list: per missing input, the models not built."""
    return pd.DataFrame(
        [
            {
                "input not supplied": name,
                "n_models": len(models),
                "models skipped": ", ".join(models),
            }
            for name, models in outcome.build.skipped.items()
        ]
    )


def counts_text(outcome: ChinaExampleOutcome) -> str:
    """One line: seeds, models and tests built, dbt time and the whole run's time."""
    parts = [
        f"{sum(c.values())} {kind}s ({', '.join(f'{n} {s}' for s, n in sorted(c.items()))})"
        for kind, c in outcome.build.counts.items()
    ]
    return (
        f"dbt build passed in {outcome.build.elapsed_s:.1f} s: {'; '.join(parts)}. "
        f"Whole run (import, conversion, build, outputs) {outcome.elapsed_s:.1f} s."
    )


# ---------------------------------------------------------------- summary.md ---------


def markdown_table(frame: pd.DataFrame, digits: int = 4) -> str:
    """Return a pipe table; floats to ``digits`` decimals, those of 100 or more as integers."""

    def cell(value) -> str:
        if not isinstance(value, float):
            return str(value)
        if pd.isna(value):
            return ""
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.{digits}f}"

    head = "| " + " | ".join(map(str, frame.columns)) + " |"
    rule = "|" + "---|" * len(frame.columns)
    rows = ["| " + " | ".join(cell(v) for v in r) + " |" for r in frame.itertuples(index=False)]
    return "\n".join([head, rule, *rows])


def summary_markdown(outcome: ChinaExampleOutcome) -> str:
    """Return the text of summary.md."""
    ranked = ranking(outcome)
    movers = ranked.sort_values("rank_change", ascending=False)
    regional = regional_means(outcome).loc[[FIRST_YEAR, LAST_YEAR]].reset_index()
    parts = [
        f"# {TITLE}",
        f"**{REAL_DATA}** — official statistics, not synthetic. Written by `make example-china` "
        "(`resilience example-china`); warehouse `examples/china_real/output/china_real.duckdb`.",
        "## Sources and licences\n\n" + markdown_table(sources_table()),
        "## Assumptions\n\n" + "\n".join(f"* {a}" for a in assumptions(outcome)),
        "## Build\n\n" + counts_text(outcome) + "\n\nInputs not supplied (no real counterpart "
        f"here: {', '.join(MISSING_INPUTS)}); the models downstream of them were skipped:\n\n"
        + markdown_table(build_table(outcome)),
        f"## Innovation-capacity index: entropy weights (pooled {FIRST_YEAR}-{LAST_YEAR}, "
        "31 provinces)\n\n" + markdown_table(outcome.weights),
        "## Top and bottom five provinces (mean score)\n\n"
        + markdown_table(pd.concat([ranked.head(5), ranked.tail(5)]))
        + "\n\n"
        + SMALL_BASE_NOTE,
        f"## Largest rank changes {FIRST_YEAR} -> {LAST_YEAR}\n\n"
        + markdown_table(pd.concat([movers.head(5), movers.tail(5)])),
        "## Regional mean score (east / central / west)\n\n" + markdown_table(regional),
        "## How much the ranks depend on how the index is built\n\n"
        "Sobol indices of the provinces' ranks per construction choice (Monte Carlo over "
        "normalisation, weighting, aggregation, shift c, weight perturbation and one "
        f"indicator dropped, N = {int(outcome.sensitivity['n_base_rows'].max())}; "
        "`marts.fct_index_sensitivity`). The 5-95 % interval of a province's rank over the "
        "variants is "
        f"{outcome.sensitivity['mean_rank_interval_width'].iloc[0]:.1f} ranks wide on "
        "average (`marts.fct_index_rank_intervals`).\n\n"
        + markdown_table(
            outcome.sensitivity[["factor", "first_order_index", "total_index"]], digits=3
        ),
        f"## R&D capital stocks (USD mn at {RD_BASE_YEAR} prices, PIM, delta = 0.10, base "
        f"{RD_BASE_YEAR}, growth {RD_BASE_YEAR}-2019)\n\n" + markdown_table(stock_table(outcome)),
        f"## Provincial R&D capital stocks (10,000 yuan at {PROVINCE_RD_BASE_YEAR} prices, PIM, "
        f"delta = 0.10, base {PROVINCE_RD_BASE_YEAR}, growth {PROVINCE_RD_BASE_YEAR}-"
        f"{GROWTH_LAST_YEAR}; national CPI as deflator)\n\n"
        + markdown_table(province_stock_table(outcome))
        + "\n\n"
        + PROVINCIAL_PIM_ASSUMPTION,
        "The full tables and plots are in `report.html` (one self-contained file).",
    ]
    return "\n\n".join(parts) + "\n"


# ---------------------------------------------------------------- report.html --------


def section_real_data(outcome: ChinaExampleOutcome) -> report.Section:
    """Build the first section: the REAL DATA banner, sources and licences, assumptions."""
    sec = report.Section("real-data", f"{REAL_DATA}: sources, licences and assumptions")
    sec.blocks.append(
        '<div id="real-data-banner" style="background:#1b5e20;color:white;font-weight:bold;'
        'font-size:18px;padding:10px 16px">'
        f"{html.escape(REAL_DATA)} — official statistics (NBS / MOST yearbook, World Bank), "
        "not synthetic.</div>"
    )
    sec.table(sources_table(), f"{REAL_DATA}: data sets, licences, provenance")
    items = "".join(f"<li>{html.escape(a)}</li>" for a in assumptions(outcome))
    sec.blocks.append(f"<p><b>Assumptions</b></p><ul>{items}</ul>")
    return sec


def section_build(outcome: ChinaExampleOutcome) -> report.Section:
    """Build the build section: counts, timing and the models skipped for want of an input."""
    sec = report.Section("build", "Build: what ran, what was skipped, how long it took")
    sec.text(counts_text(outcome))
    sec.table(build_table(outcome), "Models skipped: their input has no real counterpart here")
    return sec


def section_rank_changes(outcome: ChinaExampleOutcome) -> report.Section:
    """Rank in the first against the last year: a slope chart and the table."""
    sec = report.Section("rank-changes", f"Rank changes {FIRST_YEAR} → {LAST_YEAR} ({REAL_DATA})")
    ranked = ranking(outcome)
    fig, ax = plt.subplots(figsize=(7, 8))
    for row in ranked.itertuples():
        a, b = getattr(row, f"rank_{FIRST_YEAR}"), getattr(row, f"rank_{LAST_YEAR}")
        colour = report.REGION_COLOURS.get(row.region, "grey")
        ax.plot([0, 1], [a, b], color=colour, marker="o", ms=3, lw=1)
        ax.text(-0.03, a, row.province, ha="right", va="center", fontsize=7)
        ax.text(1.03, b, row.province, ha="left", va="center", fontsize=7)
    ax.set_xlim(-0.5, 1.5)
    ax.invert_yaxis()
    ax.set_xticks([0, 1], [str(FIRST_YEAR), str(LAST_YEAR)])
    ax.set_ylabel("rank (1 = highest innovation capacity)")
    ax.set_title(f"{INDEX_NAME}: rank {FIRST_YEAR} vs {LAST_YEAR} (colour = region)")
    sec.figure(fig, f"Rank changes {FIRST_YEAR}–{LAST_YEAR}, REAL DATA (yearbook, NBS/MOST)")
    sec.table(ranked, f"{INDEX_NAME}: scores and ranks {FIRST_YEAR} and {LAST_YEAR}")
    sec.text(SMALL_BASE_NOTE)
    return sec


def section_rd_stocks(outcome: ChinaExampleOutcome) -> report.Section:
    """Partner (and China's) R&D capital stocks by year, log scale, and the table."""
    sec = report.Section(
        "rd-stocks", f"R&D capital stocks of 21 partners and China ({REAL_DATA}, World Bank)"
    )
    sec.text(
        f"Perpetual inventory (marts.fct_rd_capital_stocks): real R&D = nominal GERD (USD) / "
        f"(CPI / CPI_{RD_BASE_YEAR}); S_{RD_BASE_YEAR} = RD_{RD_BASE_YEAR} / (g + δ), "
        "g = geometric mean growth 2003–2019, δ = 0.10; S_t = (1 − δ) S_t−1 + RD_t."
    )
    fig, ax = plt.subplots(figsize=(8.5, 5))
    for code, line in outcome.stocks.groupby("country_code"):
        bold = code in (CHINA, "USA")
        ax.plot(line.year, line.rd_stock, lw=2.2 if bold else 0.8, color=None if bold else "grey")
        if bold:
            ax.annotate(code, (line.year.iloc[-1], line.rd_stock.iloc[-1]), fontsize=8)
    ax.set_yscale("log")
    ax.set_ylabel(f"R&D stock, USD mn at {RD_BASE_YEAR} prices (log)")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(alpha=0.3)
    sec.figure(fig, "R&D capital stocks, 22 economies (China and the US highlighted)")
    sec.table(stock_table(outcome), "R&D stocks by economy (USD mn, constant 2003 prices)", 3)
    return sec


def section_province_rd_stocks(outcome: ChinaExampleOutcome) -> report.Section:
    """Provincial R&D capital stocks by year (log scale, the top five named) and the table."""
    sec = report.Section(
        "province-rd-stocks",
        f"Provincial R&D capital stocks, 31 provinces ({REAL_DATA}, S&T yearbook, World Bank CPI)",
    )
    b = PROVINCE_RD_BASE_YEAR
    sec.text(
        "Perpetual inventory through the same models (marts.fct_rd_capital_stocks, "
        "economy_kind = province): real R&D = R&D expenditure (10,000 yuan) / "
        f"(CPI / CPI_{b}); S_{b} = RD_{b} / (g + δ), g = geometric mean growth "
        f"{b}–{GROWTH_LAST_YEAR}, δ = 0.10; S_t = (1 − δ) S_t−1 + RD_t."
    )
    table = province_stock_table(outcome)
    top = set(table.province_code.head(5))
    fig, ax = plt.subplots(figsize=(8.5, 5))
    for code, line in outcome.province_stocks.groupby("province_code"):
        bold = code in top
        ax.plot(line.year, line.rd_stock, lw=2.0 if bold else 0.8, color=None if bold else "grey")
        if bold:
            name = line.province.iloc[-1]
            ax.annotate(name, (line.year.iloc[-1], line.rd_stock.iloc[-1]), fontsize=8)
    ax.set_yscale("log")
    ax.set_ylabel(f"R&D stock, 10,000 yuan at {b} prices (log)")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(alpha=0.3)
    sec.figure(fig, "Provincial R&D capital stocks (the five largest in the last year named)")
    sec.table(table, f"R&D stocks by province (10,000 yuan, constant {b} prices)", 4)
    sec.note(PROVINCIAL_PIM_ASSUMPTION)
    return sec


def report_sections(outcome: ChinaExampleOutcome) -> list[report.Section]:
    """All sections, reusing report.py's weights, ranking, regional and quality sections."""
    frames, _ = report.load_warehouse(outcome.db_path)
    plt.rcParams.update({"font.size": 9, "axes.spines.top": False, "axes.spines.right": False})
    reused = [
        report.section_weights(frames),
        report.section_ranking(frames),
        report.section_regional(frames),
        report.section_quality(frames),
        report.section_sensitivity(frames, report.unit_names(frames)),
    ]
    for sec in reused:
        sec.title = f"{sec.title} ({REAL_DATA}, S&T yearbook, NBS/MOST)"
    weights, ranks, regional, quality, sensitivity = reused
    return [
        section_real_data(outcome),
        section_build(outcome),
        weights,
        ranks,
        regional,
        section_rank_changes(outcome),
        section_rd_stocks(outcome),
        section_province_rd_stocks(outcome),
        sensitivity,
        quality,
    ]


def report_html(outcome: ChinaExampleOutcome) -> str:
    """Render the page with report.py's template (no synthetic banner: real data)."""
    env = Environment(
        loader=FileSystemLoader(report.TEMPLATES), autoescape=select_autoescape(["html", "j2"])
    )
    return env.get_template("report.html.j2").render(
        title=TITLE,
        sections=report_sections(outcome),
        is_synthetic=False,
        synthetic_note="",
        generated=f"{dt.datetime.now():%Y-%m-%d %H:%M}",
    )


def write_outputs(outcome: ChinaExampleOutcome) -> list:
    """Write summary.md and report.html into the output folder; return their paths."""
    summary = outcome.out_dir / "summary.md"
    summary.write_text(summary_markdown(outcome), encoding="utf-8")
    page = outcome.out_dir / "report.html"
    page.write_text(report_html(outcome), encoding="utf-8")
    return [summary, page]
