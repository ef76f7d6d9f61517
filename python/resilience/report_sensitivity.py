"""The report's uncertainty and sensitivity section: rank intervals and Sobol indices.

Reads two marts only (``marts.fct_index_rank_intervals``, ``marts.fct_index_sensitivity``,
both built by ``models/marts/sensitivity``); :mod:`resilience.report` loads them with its
other relations (:data:`TABLES`) and places :func:`section_sensitivity` after the
rankings.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from resilience import relations
from resilience.i18n import ZH, Translator

TABLES = {
    "rank_intervals": relations.INDEX_RANK_INTERVALS,
    "sensitivity": relations.INDEX_SENSITIVITY,
}
"""The relations the section reads, by role (merged into resilience.report.TABLES)."""

TITLE = "Uncertainty and sensitivity of the index ranks"
INTRO = (
    "Monte Carlo over the choices that build each index (normalisation, weighting, "
    "aggregation, the shift c, a random perturbation of the weights, one indicator "
    "dropped; Saltelli design, seeded): each province's median rank and 5–95% rank "
    "interval over the "
    "variants, and each choice's first-order and total Sobol index, its share of the "
    "variance of the ranks."
)
ZH.update(
    {
        TITLE: "指数排名的不确定性与敏感性",
        INTRO: (
            "对构建各指数的选择（标准化方法、赋权方法、加总方法、平移量 c、权重随机扰动、"
            "剔除一个指标；"
            "Saltelli 设计，固定随机种子）做蒙特卡洛模拟：各省份在各方案下的排名中位数与 "
            "5–95% 排名区间，以及每个选择的一阶与总 Sobol 指数，即其在排名方差中的份额。"
        ),
        "5–95% interval": "5–95% 区间",
        "median rank": "排名中位数",
        "shipped index": "基准指数",
        "rank (1 = highest score)": "排名（1 = 得分最高）",
        "first order S_i": "一阶指数 S_i",
        "total S_Ti": "总效应指数 S_Ti",
        "share of rank variance": "占排名方差的比例",
        "Not built yet: {intervals} and {sensitivity} are not in the warehouse "
        "(dbt build --select tag:sensitivity).": (
            "尚未构建：数据仓库中没有 {intervals} 与 {sensitivity}"
            "（dbt build --select tag:sensitivity）。"
        ),
        "{index}, {year}: rank interval (5–95%) and median rank over {n} Monte Carlo "
        "variants; × the shipped index": (
            "{index}，{year} 年：{n} 个蒙特卡洛方案下的排名区间（5–95%）与排名中位数；× 为基准指数"
        ),
        "Sobol indices of the ranks per factor (N = {n}; Saltelli 2010 first order, "
        "Jansen 1999 total; pooled over unit-years by rank variance)": (
            "各因素对排名的 Sobol 指数（N = {n}；一阶指数按 Saltelli 2010，总效应指数按 "
            "Jansen 1999；按排名方差在单位—年份上合并）"
        ),
        "Sobol indices of the ranks (Monte Carlo error of order 1/sqrt(N), N = {n})": (
            "排名的 Sobol 指数（蒙特卡洛误差约为 1/sqrt(N)，N = {n}）"
        ),
        "factor": "因素",
        "weighting": "赋权方法",
        "aggregation": "加总方法",
        "shift_c": "平移量 c",
        "weight_perturbation": "权重扰动",
        "S i": "一阶 Sobol 指数 S_i",
        "S Ti": "总 Sobol 指数 S_Ti",
        "dropped_indicator": "剔除指标",
        "normalisation": "标准化方法",
    }
)


def rank_interval_figure(
    intervals: pd.DataFrame, names: dict[str, str], tr: Translator | None = None
) -> plt.Figure:
    """Plot one index-year: the 5–95% rank interval, median and shipped rank per unit.

    ``intervals`` has unit_id, baseline_rank, median_rank, rank_p05, rank_p95; units are
    ordered by the shipped rank, rank 1 at the top. Legend and axis in ``tr``'s language.
    """
    tr = tr or Translator()
    data = intervals.sort_values(["baseline_rank", "unit_id"], ascending=[False, True])
    y = np.arange(len(data))
    fig, ax = plt.subplots(figsize=(6.5, 0.22 * len(data) + 1.4))
    ax.hlines(
        y, data["rank_p05"], data["rank_p95"], color="#9ecae1", lw=5, label=tr("5–95% interval")
    )
    ax.plot(data["median_rank"], y, "o", color="#08519c", ms=4, label=tr("median rank"))
    ax.plot(data["baseline_rank"], y, "x", color="#d62728", ms=5, label=tr("shipped index"))
    ax.set_yticks(y, [names.get(u, u) for u in data["unit_id"]], fontsize=7)
    ax.set_xlabel(tr("rank (1 = highest score)"))
    ax.invert_xaxis()
    ax.grid(axis="x", alpha=0.3)
    ax.legend(fontsize=7, ncol=3, loc="lower center", bbox_to_anchor=(0.5, 1.0))
    return fig


def sensitivity_figure(sensitivity: pd.DataFrame, tr: Translator | None = None) -> plt.Figure:
    """Plot S_i and S_Ti per factor, one panel per index (index_name, factor, indices)."""
    tr = tr or Translator()
    indices = sorted(sensitivity["index_name"].unique())
    fig, axes = plt.subplots(1, len(indices), figsize=(4.4 * len(indices), 3.2), squeeze=False)
    for ax, index_name in zip(axes[0], indices, strict=True):
        rows = sensitivity[sensitivity["index_name"] == index_name].sort_values("factor")
        x = np.arange(len(rows))
        ax.bar(x - 0.2, rows["first_order_index"], 0.4, label=tr("first order S_i"))
        ax.bar(x + 0.2, rows["total_index"], 0.4, label=tr("total S_Ti"))
        # six factors: slanted labels, or neighbours run into each other
        labels = [tr(f).replace("_", " ") for f in rows["factor"]]
        ax.set_xticks(x, labels, fontsize=7, rotation=30, ha="right")
        ax.set_title(tr(index_name))
        ax.axhline(0, color="black", lw=0.5)
        ax.grid(axis="y", alpha=0.3)
    axes[0][0].set_ylabel(tr("share of rank variance"))
    axes[0][-1].legend(fontsize=7)
    return fig


def section_sensitivity(frames, names: dict[str, str], tr: Translator | None = None):
    """Return the section: a rank-interval plot per index (its last year), the Sobol bars.

    Captions, legends and axes in ``tr``'s language (:data:`resilience.i18n.ZH`).
    """
    from resilience.report import Section

    tr = tr or Translator()
    sec = Section("sensitivity", TITLE, INTRO, tr=tr)
    intervals, sensitivity = frames.get("rank_intervals"), frames.get("sensitivity")
    if intervals is None or sensitivity is None or intervals.empty:
        sec.note(
            tr.format(
                "Not built yet: {intervals} and {sensitivity} are not in the warehouse "
                "(dbt build --select tag:sensitivity).",
                intervals=TABLES["rank_intervals"],
                sensitivity=TABLES["sensitivity"],
            )
        )
        return sec
    for index_name, rows in intervals.groupby("index_name", sort=True):
        last_year = int(rows["year"].max())
        n = int(rows["n_variants"].max())
        sec.figure(
            rank_interval_figure(rows[rows["year"] == last_year], names, tr),
            tr.format(
                "{index}, {year}: rank interval (5–95%) and median rank over {n} Monte Carlo "
                "variants; × the shipped index",
                index=tr(index_name),
                year=last_year,
                n=n,
            ),
        )
    n_base = int(sensitivity["n_base_rows"].max())
    sec.figure(
        sensitivity_figure(sensitivity, tr),
        tr.format(
            "Sobol indices of the ranks per factor (N = {n}; Saltelli 2010 first order, "
            "Jansen 1999 total; pooled over unit-years by rank variance)",
            n=n_base,
        ),
    )
    table = sensitivity.sort_values(["index_name", "total_index"], ascending=[True, False])
    table = table[["index_name", "factor", "first_order_index", "total_index"]].copy()
    table["index_name"] = table["index_name"].map(tr)
    table["factor"] = table["factor"].map(tr)
    sec.table(
        table.rename(columns={"first_order_index": "S_i", "total_index": "S_Ti"}),
        tr.format(
            "Sobol indices of the ranks (Monte Carlo error of order 1/sqrt(N), N = {n})", n=n_base
        ),
        digits=3,
    )
    return sec
