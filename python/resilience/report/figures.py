"""The report's matplotlib figures and their fonts and year axes."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from resilience.i18n import Translator  # noqa: E402
from resilience.report.page import CJK_FONTS, REGION_COLOURS, SHOCKS  # noqa: E402


def use_plot_fonts() -> None:
    """Draw Latin text in DejaVu Sans and fall back per glyph on an installed CJK font."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    fallback = [name for name in CJK_FONTS if name in installed][:1]
    plt.rcParams["font.family"] = ["DejaVu Sans", *fallback]


def year_axis(ax, max_ticks: int = 6) -> None:
    """Tick the x axis of a by-year plot at whole years only, at most ``max_ticks`` of them.

    ``MaxNLocator(integer=True)`` never puts a tick at 2002.5, and thinning to a few ticks
    keeps the four-digit labels of a narrow panel apart.
    """
    ax.xaxis.set_major_locator(MaxNLocator(nbins=max_ticks, integer=True, min_n_ticks=2))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:.0f}"))


def regional_figure(means: pd.DataFrame, tr: Translator | None = None) -> plt.Figure:
    """Plot one panel per index: regional mean score by year (index_name, region, year, score)."""
    tr = tr or Translator()
    indices = sorted(means.index_name.unique())
    fig, axes = plt.subplots(1, len(indices), figsize=(4.2 * len(indices), 3.4), squeeze=False)
    for ax, index_name in zip(axes[0], indices, strict=True):
        for region, line in means[means.index_name == index_name].groupby("region"):
            ax.plot(
                line.year,
                line.score,
                marker="o",
                ms=3,
                label=tr(region),
                color=REGION_COLOURS.get(region),
            )
        ax.set_title(tr(index_name))
        ax.set_xlabel(tr("year"))
        year_axis(ax, max_ticks=5)
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel(tr("mean score"))
    axes[0][-1].legend(fontsize=8)
    return fig


def export_paths_figure(
    panel: pd.DataFrame, means: pd.DataFrame, column: str, tr: Translator | None = None
) -> plt.Figure:
    """Plot province paths (thin), regional means (thick) of ``column``, shock years shaded."""
    tr = tr or Translator()
    fig, ax = plt.subplots(figsize=(9, 4.2))
    for (_, region), line in panel.groupby(["province_code", "region"]):
        ax.plot(
            line.year, line[column], color=REGION_COLOURS.get(region, "grey"), alpha=0.18, lw=0.8
        )
    for region, line in means.groupby("region"):
        ax.plot(
            line.year,
            line[column],
            color=REGION_COLOURS.get(region, "grey"),
            lw=2.4,
            label=tr.format("{region} (mean)", region=tr(region)),
        )
    for year, label in SHOCKS.items():
        if panel.year.min() <= year <= panel.year.max():
            ax.axvspan(year - 0.5, year + 0.5, color="red", alpha=0.12)
            ax.text(
                year,
                ax.get_ylim()[1],
                tr(label),
                color="darkred",
                fontsize=8,
                ha="center",
                va="bottom",
            )
    ax.axhline(0, color="black", lw=0.6)
    ax.set_xlabel(tr("year"))
    year_axis(ax, max_ticks=12)
    ax.set_ylabel(tr("export resilience (relative to base year)"))
    ax.legend(fontsize=8, loc="upper left")
    ax.grid(alpha=0.3)
    return fig
