"""The report's specification-curve section (``sensitivity``), from ``results.specification_curve``.

One figure per baseline model, after Simonsohn, Simmons & Nelson (2020, *Nature Human
Behaviour* 4, Fig. 2): the focal coefficient of every index variant, sorted, with its 95 %
confidence interval (filled: significant at 5 % with the paper's sign; the shipped index
marked), and the summary table of ``results.specification_curve_summary``.

Below it, the dot matrix of each variant's construction choices (normalisation,
weighting, aggregation, shift c in three quantile bins, an indicator dropped or not), read
from :data:`VARIANT_DESIGN` (one row per index and variant, the columns of
:data:`CHOICES`).

TODO(issue 19, item 2): the index-variant models keep their design in
``intermediate.int_index_variants_designed``; the report reads marts only, so the lower
panel is drawn once a mart :data:`VARIANT_DESIGN` exposes those columns. Until then only
the upper panel is drawn, and the section says so.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from resilience.tables import number

VARIANT_DESIGN = "marts.dim_index_variants"
"""The variants' construction choices: ``index_name, variant_id`` and :data:`CHOICES`."""
CHOICES = ("normalisation", "weighting", "aggregation", "shift_c", "dropped_indicator")
TITLE = "Sensitivity: specification curve across index variants"
INTRO = (
    "Each baseline re-estimated with every Monte Carlo variant of its index "
    "(resilience sensitivity): the coefficients sorted, with 95% confidence intervals "
    "(Simonsohn, Simmons & Nelson 2020)."
)
CHOICES_TODO = (
    "The dot matrix of each variant's construction choices (the lower panel of a "
    f"specification curve) is not drawn: the warehouse has no {VARIANT_DESIGN}."
)


def choice_levels(design: pd.DataFrame) -> pd.DataFrame:
    """One column per choice, as the dot matrix labels it (``factor: level``).

    ``shift_c`` is binned into three quantile bins (labelled by the range of their values);
    ``dropped_indicator`` is ``none`` or ``one``.
    """
    out = pd.DataFrame(index=design.index)
    for choice in CHOICES:
        values = design[choice]
        if choice == "shift_c":
            values = values.astype(float)
            bins = pd.qcut(values, 3, labels=False, duplicates="drop")
            span = values.groupby(bins).agg(["min", "max"])
            values = bins.map({b: f"{r['min']:.2g}-{r['max']:.2g}" for b, r in span.iterrows()})
        elif choice == "dropped_indicator":
            values = np.where(values.isna(), "none", "one")
        out[choice] = [f"{choice.replace('_', ' ')}: {v}" for v in values]
    return out


def curve_figure(
    rows: pd.DataFrame, paper_sign: int, design: pd.DataFrame | None = None
) -> plt.Figure:
    """Plot the sorted estimates with their 95 % CIs, and the choices' dot matrix below.

    Blue: the paper's sign and p < 0.05; the shipped index marked. The dot matrix is drawn
    when ``design`` (rows of :data:`VARIANT_DESIGN`) has every variant's choices.
    """
    rows = rows.sort_values(["estimate", "variant_id"]).reset_index(drop=True)
    x = np.arange(len(rows))
    keeps = ((np.sign(rows["estimate"]) == paper_sign) & (rows["p_value"] < 0.05)).to_numpy()
    levels = None
    if design is not None:
        matched = rows[["variant_id"]].merge(design, on="variant_id", how="left")
        if matched[list(CHOICES[:3])].notna().all(axis=None):
            levels = choice_levels(matched)
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
        low.set_xlabel("index variants, sorted by the coefficient")
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
    if levels is None:
        ax.set_xlabel("index variants, sorted by the coefficient")
    ax.set_ylabel(f"coefficient of {rows['term'].iloc[0]} (95% CI)")
    ax.legend(fontsize=7, loc="upper left", frameon=False)
    return fig


def section_speccurve(frames: dict):
    """Build the ``sensitivity`` section of :mod:`resilience.report` (a ``Section``)."""
    from resilience.report import Section  # the report imports this module

    sec = Section("specification-curve", TITLE, INTRO)
    curve, summary = frames.get("specification_curve"), frames.get("specification_curve_summary")
    if curve is None or curve.empty or summary is None:
        sec.note(
            "Not estimated yet: no results.specification_curve (run `resilience sensitivity`)."
        )
        return sec
    design = frames.get("variant_design")
    for row in summary.itertuples():
        rows = curve[curve["model_id"] == row.model_id]
        own = None if design is None else design[design["index_name"] == row.index_name]
        sec.figure(
            curve_figure(rows, row.paper_sign, own),
            f"Specification curve of {row.term} in {row.model_id} over {row.n_variants:,} "
            f"variants of the {row.index_name} index",
        )
    if design is None:
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
