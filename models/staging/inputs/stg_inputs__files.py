"""One row per raw input file: its path var, path, size, SHA-256 and whether it is synthetic.

The inventory of what this build read, so that every table built from it can say where its
data came from (the report prints it, and labels the run SYNTHETIC when any input is a
file of the shipped synthetic demo). A file counts as synthetic demo data when its bytes
equal one of the files in ``data/demo/`` (the generator's output, ``make demo-data``), so a
copy of a demo file under another name is still recognised. A path that does not exist
(an input ``resilience build --inputs DIR`` skipped) has ``is_present = false``.
"""

import hashlib
from pathlib import Path

import pandas as pd

SYNTHETIC_DEMO_DIR = Path("data/demo")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def model(dbt, session):
    """Hash every input named by a path var; compare with the synthetic demo files."""
    dbt.config(materialized="table", packages=["pandas"])
    demo = {_sha256(p) for p in sorted(SYNTHETIC_DEMO_DIR.glob("*.csv"))}
    paths = {  # dbt.config.get takes literals only
        "indicator_values": dbt.config.get("indicator_values_path"),
        "province_accounts": dbt.config.get("province_accounts_path"),
        "partner_macro": dbt.config.get("partner_macro_path"),
        "bilateral_flows": dbt.config.get("bilateral_flows_path"),
        "exchange_rates": dbt.config.get("exchange_rates_path"),
        "indicator_system": dbt.config.get("indicator_system_path"),
        "index_samples": dbt.config.get("index_samples_path"),
        "partner_countries": dbt.config.get("partner_countries_path"),
        "martin_series": dbt.config.get("martin_series_path"),
        "province_rd": dbt.config.get("province_rd_path"),
    }
    rows = []
    for name, text in paths.items():
        path = Path(text) if text not in (None, "", "None", "none", "null") else None
        present = path is not None and path.is_file()
        digest = _sha256(path) if present else None
        rows.append(
            {
                "input_name": name,
                "path_var": f"{name}_path",
                "path": None if path is None else str(path),
                "is_present": present,
                "size_bytes": path.stat().st_size if present else None,
                "sha256": digest,
                "is_synthetic_demo": digest in demo if present else None,
            }
        )
    frame = pd.DataFrame(rows)
    return frame.astype({"size_bytes": "Int64", "is_synthetic_demo": "boolean"})
