"""The report's page: its constants, a :class:`Section` of blocks, frames as HTML tables."""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from resilience.i18n import Translator  # noqa: E402
from resilience.tables import (  # noqa: E402
    p_cell,
)

TEMPLATES = Path(__file__).parent.parent / "templates"
SECTION_IDS = (
    "overview",
    "weights",
    "ranking",
    "sensitivity",
    "regional",
    "export-paths",
    "regressions",
    "heterogeneity",
    "specification-curve",
    "quality",
    "parameters",
)
REGION_COLOURS = {"east": "#1f77b4", "central": "#ff7f0e", "west": "#2ca02c"}
SHOCKS = {2009: "2009 global financial crisis", 2020: "2020 COVID-19"}
SYNTHETIC_NOTE = "SYNTHETIC demo data — not official statistics"
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "SimHei",
    "WenQuanYi Zen Hei",
    "AR PL SungtiL GB",
)
"""Fonts with Chinese glyphs the figures fall back on (the first installed one; Debian:
fonts-noto-cjk or fonts-arphic-gbsn00lp); without one a Chinese label prints as boxes."""

PAGE_TEXTS = (
    "Regional resilience, entropy-weight indices and panel regressions · generated",
    "Every number below comes from the generator in python/resilience/demo.py.",
    "Resilience Warehouse · dbt + DuckDB",
)
"""The fixed texts of the page template (templates/report.html.j2), in the report's language."""


@dataclass
class Section:
    """One section of the report: a title, HTML blocks (figures, tables, notes) in order."""

    id: str
    title: str
    intro: str = ""
    blocks: list[str] = field(default_factory=list)
    n_tables: int = 0
    n_figures: int = 0
    tr: Translator = field(default_factory=Translator, repr=False)

    def note(self, text: str) -> None:
        """Add a visible 'not built / not estimated yet' note."""
        self.blocks.append(f'<p class="missing">{html.escape(text)}</p>')

    def text(self, text: str) -> None:
        """Add a paragraph (escaped)."""
        self.blocks.append(f"<p>{html.escape(text)}</p>")

    def figure(self, fig: plt.Figure, caption: str) -> None:
        """Embed a matplotlib figure as a PNG data URI and close it."""
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
        plt.close(fig)
        data = base64.b64encode(buffer.getvalue()).decode("ascii")
        self.blocks.append(
            f'<figure><img alt="{html.escape(caption)}" src="data:image/png;base64,{data}">'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>"
        )
        self.n_figures += 1

    def table(
        self,
        frame: pd.DataFrame,
        caption: str,
        digits: int = 4,
        raw_html_columns: tuple[str, ...] = (),
        formats: dict[str, Any] | None = None,
    ) -> None:
        """Add a pandas frame as an HTML table with a caption."""
        self.blocks.append(
            frame_to_html(frame, caption, digits, raw_html_columns, formats, self.tr)
        )
        self.n_tables += 1


@dataclass
class ReportOutcome:
    """What :func:`write_report` wrote (the CLI prints it)."""

    path: Path
    n_sections: int
    n_tables: int
    n_figures: int
    is_synthetic: bool
    notes: list[str]


def frame_to_html(
    frame: pd.DataFrame,
    caption: str,
    digits: int = 4,
    raw_html_columns: tuple[str, ...] = (),
    formats: dict[str, Any] | None = None,
    tr: Translator | None = None,
) -> str:
    """Render a frame as a plain HTML table (numbers right-aligned, NaN as an empty cell).

    Headers are shown with spaces for underscores (so a long one wraps), a long identifier in
    a cell may break after an underscore (``<wbr>``), so a wide table fits; a p-value column
    (``p_value``, ``... p``) is printed by :func:`resilience.tables.p_cell`, a column in
    ``formats`` by its function (e.g. :func:`resilience.tables.number`), other floats
    with ``digits`` decimals. The table sits in a horizontally scrollable ``.tablewrap``.
    Headers and the ``yes`` of a true cell are in ``tr``'s language (:data:`resilience.i18n.ZH`).
    """
    tr = tr or Translator()
    formats = dict(formats or {})
    for c in frame.columns:
        if str(c) == "p_value" or str(c).endswith(" p"):
            formats.setdefault(c, p_cell)
    head = "".join(f"<th>{html.escape(tr(str(c).replace('_', ' ')))}</th>" for c in frame.columns)
    yes = tr("yes")
    integral = {
        c
        for c in frame.columns
        if frame[c].dtype.kind == "f"
        and frame[c].notna().any()
        and np.allclose(frame[c].dropna() % 1, 0)
        and (str(c).startswith(("n_", "rows", "rank")) or str(c) == "df")
    }
    rows = []
    for record in frame.itertuples(index=False):
        cells = []
        for column, value in zip(frame.columns, record, strict=True):
            if column in raw_html_columns:
                cells.append(f"<td>{value}</td>")
            elif column in formats:
                shown = "" if value is None or pd.isna(value) else formats[column](value)
                cells.append(f'<td class="num">{html.escape(shown)}</td>')
            elif column in integral and not pd.isna(value):
                cells.append(f'<td class="num">{int(value)}</td>')
            elif isinstance(value, (float, np.floating)):
                shown = "" if pd.isna(value) else f"{value:.{digits}f}"
                cells.append(f'<td class="num">{shown}</td>')
            elif isinstance(value, (bool, np.bool_)):
                cells.append(f"<td>{yes if value else ''}</td>")
            elif isinstance(value, (int, np.integer)):
                cells.append(f'<td class="num">{value}</td>')
            else:
                text = "" if value is None else html.escape(str(value))
                cells.append(f"<td>{text.replace('_', '_<wbr>')}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f'<div class="tablewrap"><table><caption>{html.escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )
