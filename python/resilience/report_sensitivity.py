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

from resilience.i18n import ZH

TABLES = {
    "rank_intervals": "marts.fct_index_rank_intervals",
    "sensitivity": "marts.fct_index_sensitivity",
}
"""The relations the section reads, by role (merged into resilience.report.TABLES)."""

TITLE = "Uncertainty and sensitivity of the index ranks"
INTRO = (
    "Monte Carlo over the choices that build each index (weighting, aggregation, the "
    "shift c, a random perturbation of the weights, one indicator dropped; Saltelli "
    "design, seeded): each province's median rank and 5–95% rank interval over the "
    "variants, and each choice's first-order and total Sobol index, its share of the "
    "variance of the ranks."
)
ZH.update(
    {
        TITLE: "指数排名的不确定性与敏感性",
        INTRO: (
            "对构建各指数的选择（赋权方法、加总方法、平移量 c、权重随机扰动、剔除一个指标；"
            "Saltelli 设计，固定随机种子）做蒙特卡洛模拟：各省份在各方案下的排名中位数与 "
            "5–95% 排名区间，以及每个选择的一阶与总 Sobol 指数，即其在排名方差中的份额。"
        ),
    }
)


def rank_interval_figure(intervals: pd.DataFrame, names: dict[str, str]) -> plt.Figure:
    """Plot one index-year: the 5–95% rank interval, median and shipped rank per unit.

    ``intervals`` has unit_id, baseline_rank, median_rank, rank_p05, rank_p95; units are
    ordered by the shipped rank, rank 1 at the top.
    """
    data = intervals.sort_values(["baseline_rank", "unit_id"], ascending=[False, True])
    y = np.arange(len(data))
    fig, ax = plt.subplots(figsize=(6.5, 0.22 * len(data) + 1.4))
    ax.hlines(y, data["rank_p05"], data["rank_p95"], color="#9ecae1", lw=5, label="5–95% interval")
    ax.plot(data["median_rank"], y, "o", color="#08519c", ms=4, label="median rank")
    ax.plot(data["baseline_rank"], y, "x", color="#d62728", ms=5, label="shipped index")
    ax.set_yticks(y, [names.get(u, u) for u in data["unit_id"]], fontsize=7)
    ax.set_xlabel("rank (1 = highest score)")
    ax.invert_xaxis()
    ax.grid(axis="x", alpha=0.3)
    ax.legend(fontsize=7, ncol=3, loc="lower center", bbox_to_anchor=(0.5, 1.0))
    return fig


def sensitivity_figure(sensitivity: pd.DataFrame) -> plt.Figure:
    """Plot S_i and S_Ti per factor, one panel per index (index_name, factor, indices)."""
    indices = sorted(sensitivity["index_name"].unique())
    fig, axes = plt.subplots(1, len(indices), figsize=(4.4 * len(indices), 3.2), squeeze=False)
    for ax, index_name in zip(axes[0], indices, strict=True):
        rows = sensitivity[sensitivity["index_name"] == index_name].sort_values("factor")
        x = np.arange(len(rows))
        ax.bar(x - 0.2, rows["first_order_index"], 0.4, label="first order S_i")
        ax.bar(x + 0.2, rows["total_index"], 0.4, label="total S_Ti")
        ax.set_xticks(x, [f.replace("_", "\n") for f in rows["factor"]], fontsize=7)
        ax.set_title(index_name)
        ax.axhline(0, color="black", lw=0.5)
        ax.grid(axis="y", alpha=0.3)
    axes[0][0].set_ylabel("share of rank variance")
    axes[0][-1].legend(fontsize=7)
    return fig


def section_sensitivity(frames, names: dict[str, str]):
    """Return the section: a rank-interval plot per index (its last year), the Sobol bars."""
    from resilience.report import Section

    sec = Section("sensitivity", TITLE, INTRO)
    intervals, sensitivity = frames.get("rank_intervals"), frames.get("sensitivity")
    if intervals is None or sensitivity is None or intervals.empty:
        sec.note(
            "Not built yet: marts.fct_index_rank_intervals and marts.fct_index_sensitivity "
            "are not in the warehouse (dbt build --select tag:sensitivity)."
        )
        return sec
    for index_name, rows in intervals.groupby("index_name", sort=True):
        last_year = int(rows["year"].max())
        n = int(rows["n_variants"].max())
        sec.figure(
            rank_interval_figure(rows[rows["year"] == last_year], names),
            f"{index_name}, {last_year}: rank interval (5–95%) and median rank over "
            f"{n} Monte Carlo variants; × the shipped index",
        )
    n_base = int(sensitivity["n_base_rows"].max())
    sec.figure(
        sensitivity_figure(sensitivity),
        f"Sobol indices of the ranks per factor (N = {n_base}; Saltelli 2010 first "
        "order, Jansen 1999 total; pooled over unit-years by rank variance)",
    )
    table = sensitivity[["index_name", "factor", "first_order_index", "total_index"]]
    sec.table(
        table.rename(columns={"first_order_index": "S_i", "total_index": "S_Ti"}),
        f"Sobol indices of the ranks (Monte Carlo error of order 1/sqrt(N), N = {n_base})",
        digits=3,
    )
    return sec
