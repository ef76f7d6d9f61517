"""Read the report's relations from the warehouse (read-only), fingerprint its inputs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import pandas as pd  # noqa: E402

from resilience import relations  # noqa: E402
from resilience.i18n import DEFAULT_LANG, Translator  # noqa: E402
from resilience.report_sensitivity import TABLES as SENSITIVITY_TABLES  # noqa: E402
from resilience.report_speccurve import VARIANT_DESIGN  # noqa: E402
from resilience.results import (  # noqa: E402
    typed_models,
    typed_tests,
)

TABLES = {
    "provinces": relations.PROVINCES,
    "weights": relations.INDEX_WEIGHTS,
    "scores": relations.INDEX_SCORES,
    "indicator_diagnostics": relations.INDEX_INDICATOR_DIAGNOSTICS,
    "unit_diagnostics": relations.INDEX_UNIT_DIAGNOSTICS,
    "correlations": relations.INDEX_INDICATOR_CORRELATIONS,
    "export_panel": relations.EXPORT_PANEL,
    "export_resilience": relations.EXPORT_RESILIENCE,
    "models": relations.MODELS,
    "coefficients": relations.COEFFICIENTS,
    "tests": relations.TESTS,
    "absorption": relations.ABSORPTION,
    "result_tables": relations.TABLE_SPECS,
    "specification_curve": relations.SPECIFICATION_CURVE,
    "specification_curve_summary": relations.SPECIFICATION_CURVE_SUMMARY,
    "variant_design": VARIANT_DESIGN,
    "build_settings": relations.BUILD_SETTINGS,
    "descriptives": relations.DESCRIPTIVE_STATISTICS,
    **SENSITIVITY_TABLES,
}
"""Every warehouse relation the report reads, by role; a missing one degrades its section."""


# ------------------------------------------------------------------ reading ----------
def load_warehouse(db_path: Path) -> tuple[dict[str, pd.DataFrame | None], dict[str, Any]]:
    """Copy the report's relations into memory (None when absent) and fingerprint the inputs.

    The file is opened read-only and closed before any plotting starts.
    """
    from resilience.lock import connect
    from resilience.results import build_id_of

    con = connect(Path(db_path), read_only=True)
    try:
        existing = {
            f"{s}.{t}"
            for s, t in con.execute(
                "select table_schema, table_name from information_schema.tables"
            ).fetchall()
        }
        frames = {
            role: (con.execute(f"select * from {rel}").df() if str(rel) in existing else None)
            for role, rel in TABLES.items()
        }
        # rows an older version wrote get their typed columns (results owns the schema)
        frames["tests"] = typed_tests(frames["tests"])
        frames["models"] = typed_models(frames["models"])
        meta = {
            "existing": existing,
            "build_id": build_id_of(con),
            "fingerprint": fingerprint(con, existing),
            "is_synthetic": uses_demo_data(con, existing),
        }
    finally:
        con.close()
    return frames, meta


def uses_demo_data(con, existing: set[str]) -> bool:
    """Return True when any input of the build is a shipped synthetic demo file.

    ``marts.dim_input_files`` records every input file with its SHA-256 and whether its
    bytes equal a file of the synthetic demo; a warehouse with marts but without that mart
    (built by an older version) counts as synthetic, so the label errs on the side of
    caution; an empty warehouse has no data to label.
    """
    files = relations.INPUT_FILES
    if str(files) not in existing:
        return any(name.startswith(f"{files.schema}.") for name in existing)
    (synthetic,) = con.execute(
        f"select coalesce(bool_or(is_synthetic_demo and is_present), false) from {files}"
    ).fetchone()
    return bool(synthetic)


def fingerprint(con, existing: set[str]) -> pd.DataFrame:
    """Row count and an order-independent MD5 of every reference table, and every input file.

    Per table: ``md5(string_agg(md5(row::varchar) order by ...))``; per input file: its
    SHA-256 (``marts.dim_input_files``). The run's fingerprint is the MD5 of all digests,
    so any changed cell changes it.
    """
    rows = []
    for name in sorted(n for n in existing if n.split(".")[0] in relations.FINGERPRINTED_SCHEMAS):
        schema, table = name.split(".")
        count, digest = con.execute(
            f"select count(*), md5(coalesce(string_agg(md5(cast(t as varchar)), '' "
            f'order by md5(cast(t as varchar))), \'\')) from "{schema}"."{table}" as t'
        ).fetchone()
        rows.append({"table": name, "rows": int(count), "md5": digest})
    if str(relations.INPUT_FILES) in existing:
        for path, digest, synthetic in con.execute(
            f"select file_path, sha256, is_synthetic_demo from {relations.INPUT_FILES} "
            "where is_present and sha256 is not null order by input_name"
        ).fetchall():
            label = "SYNTHETIC demo file" if synthetic else "file"
            rows.append({"table": f"{label} {path}", "rows": None, "md5": digest})
    return pd.DataFrame(rows, columns=["table", "rows", "md5"])


# ------------------------------------------------------------------ helpers ----------
def unit_names(frames: dict[str, pd.DataFrame | None], lang: str = DEFAULT_LANG) -> dict[str, str]:
    """unit_id -> province name in ``lang`` (unit ids that are not provinces keep their id)."""
    provinces = frames.get("provinces")
    if provinces is None:
        return {}
    column = f"province_name_{lang}"
    names = provinces[column] if column in provinces else provinces.province_name_en
    return dict(zip(provinces.province_code.astype(str), names, strict=True))


def unit_regions(frames: dict[str, pd.DataFrame | None]) -> dict[str, str]:
    """unit_id -> NBS region (east / central / west)."""
    provinces = frames.get("provinces")
    if provinces is None:
        return {}
    return dict(zip(provinces.province_code.astype(str), provinces.region, strict=True))


def total_scores(frames: dict[str, pd.DataFrame | None]) -> pd.DataFrame | None:
    """Total-index scores (dimension 'total', every method), one row per index-unit-year."""
    scores = frames.get("scores")
    if scores is None or scores.empty:
        return None
    total = scores[scores.dimension == "total"].copy()
    total["unit_id"] = total.unit_id.astype(str)
    return total


def indicator_labels(frames, tr: Translator | None = None) -> dict[tuple[str, str], str]:
    """(index_name, indicator) -> the indicator's label in ``tr``'s language.

    From ``marts.fct_index_weights.label_en`` / ``label_zh`` (the indicator system's
    labels). An indicator without a label in the language shows its English label, which
    ``tr`` lists in its language warning; {} for a warehouse whose weights predate the
    labels (the ids are shown then).
    """
    tr = tr or Translator()
    weights = frames.get("weights")
    if weights is None or "label_en" not in weights:
        return {}
    labels = {}
    for row in weights.drop_duplicates(["index_name", "indicator"]).itertuples(index=False):
        english = row.label_en if isinstance(row.label_en, str) and row.label_en.strip() else None
        own = getattr(row, f"label_{tr.lang}", None)
        shown = own if isinstance(own, str) and own.strip() else tr(english or row.indicator)
        labels[(row.index_name, row.indicator)] = shown
    return labels
