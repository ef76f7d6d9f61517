"""The report's specification-curve section (``sensitivity``), from ``results.specification_curve``.

One figure per baseline model, after Simonsohn, Simmons & Nelson (2020, *Nature Human
Behaviour* 4, Fig. 2): the focal coefficient of every index variant, sorted, with its 95 %
confidence interval (filled: significant at 5 % with the paper's sign; the shipped index
marked), and the summary table of ``results.specification_curve_summary``.

TODO(issue 19, item 2): the lower panel of the plot, a dot matrix of each variant's
construction choices (normalisation, weights, aggregation, shift c, dropped indicator),
needs the design table of the index variants, which is not in the warehouse yet; until
then only the upper panel is drawn, and the section says so.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from resilience.tables import number

TITLE = "Sensitivity: specification curve across index variants"
INTRO = (
    "Each baseline re-estimated with every Monte Carlo variant of its index "
    "(resilience sensitivity): the coefficients sorted, with 95% confidence intervals "
    "(Simonsohn, Simmons & Nelson 2020)."
)
CHOICES_TODO = (
    "The dot matrix of each variant's construction choices (the lower panel of a "
    "specification curve) is not drawn yet: the warehouse has no design table of the "
    "index variants."
)


def curve_figure(rows: pd.DataFrame, paper_sign: int) -> plt.Figure:
    """Sorted estimates with 95 % CIs; the paper's sign and p < 0.05 filled, the shipped marked."""
    rows = rows.sort_values("estimate").reset_index(drop=True)
    x = np.arange(len(rows))
    keeps = (np.sign(rows["estimate"]) == paper_sign) & (rows["p_value"] < 0.05)
    fig, ax = plt.subplots(figsize=(8, 3.2))
    ax.fill_between(x, rows["ci_low"], rows["ci_high"], step="mid", color="#cccccc",
                    lw=0, label="95% CI")  # fmt: skip
    ax.scatter(x[keeps], rows["estimate"][keeps], s=6, color="#1f77b4", zorder=3,
               label="paper's sign, p < 0.05")  # fmt: skip
    ax.scatter(x[~keeps], rows["estimate"][~keeps], s=6, color="#d62728", zorder=3,
               label="otherwise")  # fmt: skip
    shipped = rows.index[rows["is_shipped"]]
    if len(shipped):
        ax.scatter(shipped, rows["estimate"][shipped], s=60, marker="D", facecolor="none",
                   edgecolor="black", zorder=4, label="shipped index")  # fmt: skip
    ax.axhline(0, color="black", lw=0.7)
    ax.set_xlabel("index variants, sorted by the coefficient")
    ax.set_ylabel(f"coefficient of {rows['term'].iloc[0]} (95% CI)")
    ax.legend(fontsize=7, loc="upper left", frameon=False)
    return fig


def section_speccurve(frames: dict):
    """Build the ``sensitivity`` section of :mod:`resilience.report` (a ``Section``)."""
    from resilience.report import Section  # the report imports this module

    sec = Section("sensitivity", TITLE, INTRO)
    curve, summary = frames.get("specification_curve"), frames.get("specification_curve_summary")
    if curve is None or curve.empty or summary is None:
        sec.note(
            "Not estimated yet: no results.specification_curve (run `resilience sensitivity`)."
        )
        return sec
    for row in summary.itertuples():
        rows = curve[curve["model_id"] == row.model_id]
        sec.figure(
            curve_figure(rows, row.paper_sign),
            f"Specification curve of {row.term} in {row.model_id} over {row.n_variants:,} "
            f"variants of the {row.index_name} index",
        )
    sec.text(CHOICES_TODO)
    shown = summary[
        ["model_id", "term", "index_name", "n_variants", "share_paper_sign",
         "share_sign_significant_05", "share_sign_significant_10", "estimate_median",
         "estimate_min", "estimate_max", "shipped_estimate"]
    ]  # fmt: skip
    sec.table(
        shown,
        "Share of index variants that keep the paper's sign (and significance)",
        formats={
            **{c: "{:.1%}".format for c in shown.columns if c.startswith("share")},
            **dict.fromkeys(
                ("estimate_median", "estimate_min", "estimate_max", "shipped_estimate"), number
            ),
        },
    )
    return sec
