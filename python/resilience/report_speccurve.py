"""The report's specification-curve section (``sensitivity``), from ``results.specification_curve``.

One figure per baseline model, after Simonsohn, Simmons & Nelson (2020, *Nature Human
Behaviour* 4, Fig. 2): the standardised (beta) focal coefficient of every index variant
(``estimate_standardised``: variants' scales differ), sorted, with its 95 %
confidence interval (filled: significant at 5 % with the paper's sign; the shipped index
marked), and the summary table of ``results.specification_curve_summary``.

Below it, the dot matrix of each variant's construction choices (normalisation,
weighting, aggregation, shift c in three quantile bins, an indicator dropped or not), read
from :data:`VARIANT_DESIGN` (one row per index and variant, the columns of
:data:`CHOICES`).

A warehouse built without the analysis's design mart (an older build) gets the upper
panel only, and the section says so.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from resilience import relations
from resilience.i18n import ZH, Translator
from resilience.tables import number

VARIANT_DESIGN = relations.INDEX_VARIANTS
"""The variants' construction choices: ``index_name, variant_id`` and :data:`CHOICES`."""
CHOICES = ("normalisation", "weighting", "aggregation", "shift_c", "dropped_indicator")
TITLE = "Sensitivity: specification curve across index variants"
INTRO = (
    "Each baseline re-estimated with every Monte Carlo variant of its index "
    "(resilience sensitivity): the standardised (beta) coefficients sorted, with 95% "
    "confidence intervals (Simonsohn, Simmons & Nelson 2020). Standardised, because the "
    "variants' scales differ (a z-score index is not in [0, 1]); the table gives the raw "
    "estimates too."
)
STANDARDISED = ("estimate_standardised", "ci_low_standardised", "ci_high_standardised")
"""The curve's columns the figures plot (added after the first release of the results)."""
RE_ESTIMATE = (
    "The specification curve in this warehouse was estimated before standardised "
    "coefficients were stored: run `resilience sensitivity` again to draw it."
)
CHOICES_TODO = (
    "The dot matrix of each variant's construction choices (the lower panel of a "
    f"specification curve) is not drawn: the warehouse has no {VARIANT_DESIGN}."
)
ZH.update(
    {
        RE_ESTIMATE: (
            "此数据仓库中的设定曲线估计于保存标准化系数之前：请重新运行 "
            "`resilience sensitivity` 以绘制。"
        ),
        CHOICES_TODO: (
            f"未绘制各方案构建选择的点阵图（设定曲线的下半部分）：数据仓库中没有 {VARIANT_DESIGN}。"
        ),
        "index variants, sorted by the coefficient": "指数方案（按系数大小排序）",
        "95% CI": "95% 置信区间",
        "paper's sign, p < 0.05": "与原文符号一致且 p < 0.05",
        "otherwise": "其他",
        "{term}\nstandardised coefficient (95% CI)": "{term}\n标准化系数（95% 置信区间）",
        "Not estimated yet: no {curve} (run `resilience sensitivity`).": (
            "尚未估计：没有 {curve}（请运行 `resilience sensitivity`）。"
        ),
        "Specification curve of {term} in {model} over {n} variants of the {index} index": (
            "{model}中{term}的设定曲线（{index}的 {n} 个方案）"
        ),
        "Share of index variants that keep the paper's sign (and significance)": (
            "保持原文系数符号（及显著性）的指数方案占比"
        ),
        "model id": "模型",
        "n variants": "方案数",
        "share paper sign": "符号一致占比",
        "share sign significant 05": "符号一致且 5% 显著占比",
        "share sign significant 10": "符号一致且 10% 显著占比",
        "estimate median": "系数中位数",
        "estimate min": "系数最小值",
        "estimate max": "系数最大值",
        "shipped estimate": "基准指数系数",
        "standardised median": "标准化系数中位数",
        "standardised min": "标准化系数最小值",
        "standardised max": "标准化系数最大值",
    }
)


LEVELS = {
    # the method ids of marts.dim_index_variants as the dot matrix says them
    "min_max": "min-max",
    "z_score": "z-score",
    "rank": "rank",
    "entropy": "entropy",
    "equal": "equal",
    "cv": "CV",
    "critic": "CRITIC",
    "given": "given",
    "arithmetic": "arithmetic",
    "geometric": "geometric",
    "topsis": "TOPSIS",
    "none": "none",
    "one": "one",
}
ZH.update(
    {
        # the factor names normalisation, weighting, aggregation: resilience.report_sensitivity
        "{choice}: {level}": "{choice}：{level}",
        "shift c": "平移量 c",
        "dropped indicator": "剔除指标",
        "min-max": "极差法",
        "z-score": "Z 分数",
        "rank": "排序",
        "equal": "等权",  # "entropy" is resilience.i18n's
        "CV": "变异系数法",
        "CRITIC": "CRITIC 法",
        "given": "给定权重",
        "arithmetic": "算术加权",
        "geometric": "几何加权",
        "TOPSIS": "TOPSIS 法",
        "none": "无",
        "one": "剔除一个",
    }
)


def choice_levels(design: pd.DataFrame, tr: Translator | None = None) -> pd.DataFrame:
    """One column per choice, as the dot matrix labels it (``factor: level``).

    ``shift_c`` is binned into three quantile bins (labelled by the range of their values);
    ``dropped_indicator`` is ``none`` or ``one``; method ids are said as :data:`LEVELS`
    does, factor and level in ``tr``'s language.
    """
    tr = tr or Translator()
    out = pd.DataFrame(index=design.index)
    for choice in CHOICES:
        values = design[choice]
        if choice == "shift_c":
            values = values.astype(float)
            bins = pd.qcut(values, 3, labels=False, duplicates="drop")
            span = values.groupby(bins).agg(["min", "max"])
            values = bins.map({b: f"{r['min']:.2g}-{r['max']:.2g}" for b, r in span.iterrows()})
        else:
            if choice == "dropped_indicator":
                values = np.where(values.isna(), "none", "one")
            values = [tr(LEVELS.get(v, v)) for v in values]
        name = tr(choice.replace("_", " "))
        out[choice] = [tr.format("{choice}: {level}", choice=name, level=v) for v in values]
    return out


def curve_figure(
    rows: pd.DataFrame,
    paper_sign: int,
    design: pd.DataFrame | None = None,
    tr: Translator | None = None,
    term: str | None = None,
) -> plt.Figure:
    """Plot the sorted estimates with their 95 % CIs, and the choices' dot matrix below.

    Blue: the paper's sign and p < 0.05; the shipped index marked. The dot matrix is drawn
    when ``design`` (rows of :data:`VARIANT_DESIGN`) has every variant's choices. Legend
    and axes in ``tr``'s language; ``term`` is the focal coefficient's label (default its id).
    """
    tr = tr or Translator()
    # standardised (beta) coefficients: variants' index scales differ (z-scores are not
    # in [0, 1]), raw coefficients are not comparable across them
    rows = rows.sort_values(["estimate_standardised", "variant_id"]).reset_index(drop=True)
    x = np.arange(len(rows))
    keeps = ((np.sign(rows["estimate"]) == paper_sign) & (rows["p_value"] < 0.05)).to_numpy()
    levels = None
    if design is not None:
        matched = rows[["variant_id"]].merge(design, on="variant_id", how="left")
        if matched[list(CHOICES[:3])].notna().all(axis=None):
            levels = choice_levels(matched, tr)
    if levels is None:
        fig, ax = plt.subplots(figsize=(8, 3.2))
    else:
        names = sorted({v for c in levels for v in levels[c]})
        fig, (ax, low) = plt.subplots(
            2, 1, sharex=True, figsize=(8, 3.2 + 0.16 * len(names)),
            gridspec_kw={"height_ratios": [3.2, 0.16 * len(names)]},
        )  # fmt: skip
        for c in levels:
            y = [names.index(v) for v in levels[c]]
            low.scatter(x, y, s=2, marker="|", c=np.where(keeps, "#1f77b4", "#d62728"))
        low.set_yticks(range(len(names)), names, fontsize=7)
        low.invert_yaxis()
        low.set_xlabel(tr("index variants, sorted by the coefficient"))
    ax.fill_between(x, rows["ci_low_standardised"], rows["ci_high_standardised"], step="mid",
                    color="#cccccc", lw=0, label=tr("95% CI"))  # fmt: skip
    ax.scatter(x[keeps], rows["estimate_standardised"][keeps], s=6, color="#1f77b4", zorder=3,
               label=tr("paper's sign, p < 0.05"))  # fmt: skip
    ax.scatter(x[~keeps], rows["estimate_standardised"][~keeps], s=6, color="#d62728", zorder=3,
               label=tr("otherwise"))  # fmt: skip
    shipped = rows.index[rows["is_shipped"]]
    if len(shipped):
        ax.scatter(shipped, rows["estimate_standardised"][shipped], s=60, marker="D",
                   facecolor="none", edgecolor="black", zorder=4,
                   label=tr("shipped index"))  # fmt: skip
    ax.axhline(0, color="black", lw=0.7)
    if levels is None:
        ax.set_xlabel(tr("index variants, sorted by the coefficient"))
    # two lines: on one, the label outgrows the upper panel (and the figure) in zh and en
    ax.set_ylabel(
        tr.format("{term}\nstandardised coefficient (95% CI)", term=term or rows["term"].iloc[0]),
        fontsize=8,
    )
    ax.legend(fontsize=7, loc="upper left", frameon=False)
    return fig


def section_speccurve(frames: dict, tr: Translator | None = None):
    """Build the ``sensitivity`` section of :mod:`resilience.report` (a ``Section``).

    Models and terms are named by their labels (:func:`resilience.report.model_label`), in
    ``tr``'s language with the captions, legends and axes.
    """
    from resilience.report import Section, all_labels, model_label, table_layouts, table_names

    tr = tr or Translator()
    sec = Section("specification-curve", TITLE, INTRO, tr=tr)
    curve, summary = frames.get("specification_curve"), frames.get("specification_curve_summary")
    if curve is None or curve.empty or summary is None:
        sec.note(
            tr.format(
                "Not estimated yet: no {curve} (run `resilience sensitivity`).",
                curve=relations.SPECIFICATION_CURVE,
            )
        )
        return sec
    if any(c not in curve.columns or curve[c].isna().all() for c in STANDARDISED):
        sec.note(tr(RE_ESTIMATE))
        return sec
    layouts = table_layouts()
    labels, names = all_labels(layouts), table_names(layouts, tr)
    models = frames.get("models")

    def term_of(term: str) -> str:
        return tr(labels.get(term, term))

    def model_of(model_id: str) -> str:
        return model_label(models, model_id, labels, names, tr)

    design = frames.get("variant_design")
    for row in summary.itertuples():
        rows = curve[curve["model_id"] == row.model_id]
        own = None if design is None else design[design["index_name"] == row.index_name]
        sec.figure(
            curve_figure(rows, row.paper_sign, own, tr, term_of(row.term)),
            tr.format(
                "Specification curve of {term} in {model} over {n} variants of the {index} index",
                term=term_of(row.term),
                model=model_of(row.model_id),
                n=f"{row.n_variants:,}",
                index=tr(row.index_name),
            ),
        )
    if design is None:
        sec.text(tr(CHOICES_TODO))
    # the raw min and max mix the variants' scales: in the results table only
    shown = summary[
        ["model_id", "term", "index_name", "n_variants", "share_paper_sign",
         "share_sign_significant_05", "share_sign_significant_10", "estimate_median",
         "shipped_estimate", "standardised_median", "standardised_min", "standardised_max"]
    ]  # fmt: skip
    shown = shown.assign(
        model_id=shown["model_id"].map(model_of),
        term=shown["term"].map(term_of),
        index_name=shown["index_name"].map(tr),
    )
    sec.table(
        shown,
        tr("Share of index variants that keep the paper's sign (and significance)"),
        formats={
            c: "{:.1%}".format if c.startswith("share") else number
            for c in shown.columns
            if c.startswith(("share", "estimate", "shipped", "standardised"))
        },
    )
    return sec
