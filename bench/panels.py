"""Synthetic indicator panels for the benchmarks, written as Parquet in the bring-your-own layout.

``python bench/panels.py --out bench/results/panels`` writes, per scale,
``<scale>_values.parquet`` (``unit_id, year, indicator, value``: one row per
unit-year-indicator, complete -- no gaps, so gap filling is a pass-through and the numpy
peer needs none) and ``<scale>_system.csv`` (``index_name, dimension, indicator,
direction``), the two files ``--vars indicator_values_path / indicator_system_path`` read.

Scales (issue 9): province 31 x 21 years x 25 indicators (16,275 values), city
300 x 20 x 30 (180,000), county 2,850 x 20 x 30 (1,710,000); ``tiny`` (12 x 6 x 5) is
for the smoke test. The values are SYNTHETIC: a positive level per unit and indicator,
a common trend and lognormal noise, so every indicator varies (max > min) and the entropy
weights differ between indicators. Every fifth indicator is negative (``-``); indicators
are spread round-robin over four dimensions. Deterministic for a given seed.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

INDEX_NAME = "bench_index"
DIMENSIONS = ("resistance", "recovery", "adaptability", "innovation")


@dataclass(frozen=True)
class Scale:
    """A panel size: units x years x indicators."""

    name: str
    n_units: int
    n_years: int
    n_indicators: int
    first_year: int = 2001

    @property
    def n_values(self) -> int:
        """Number of unit-year-indicator cells."""
        return self.n_units * self.n_years * self.n_indicators

    def describe(self) -> str:
        """``31 x 21 x 25 = 16,275 values``."""
        return f"{self.n_units:,} x {self.n_years} x {self.n_indicators} = {self.n_values:,} values"


SCALES = {
    "tiny": Scale("tiny", 12, 6, 5),
    "province": Scale("province", 31, 21, 25),
    "city": Scale("city", 300, 20, 30),
    "county": Scale("county", 2850, 20, 30),
}
FIRM = Scale("firm", 250_000, 20, 20)
"""Firm scale (issue 18): 100 M values; not in ``SCALES`` (see :func:`write_firm_panel`)."""
FIRM_CHUNK_UNITS = 10_000


def firm_scale(n_units: int = FIRM.n_units) -> Scale:
    """The firm panel with ``n_units`` units (20 years x 20 indicators)."""
    return Scale("firm", int(n_units), FIRM.n_years, FIRM.n_indicators)


def indicator_system(scale: Scale) -> pd.DataFrame:
    """One row per indicator: index_name, dimension, indicator, direction."""
    k = np.arange(scale.n_indicators)
    return pd.DataFrame(
        {
            "index_name": INDEX_NAME,
            "dimension": [DIMENSIONS[i % len(DIMENSIONS)] for i in k],
            "indicator": [f"x{i + 1:02d}" for i in k],
            "direction": ["-" if i % 5 == 4 else "+" for i in k],
        }
    )


def indicator_values(scale: Scale, seed: int = 0) -> pd.DataFrame:
    """Long values ``unit_id, year, indicator, value``, sorted by unit, year, indicator."""
    rng = np.random.default_rng(seed)
    n, t, k = scale.n_units, scale.n_years, scale.n_indicators
    level = rng.lognormal(mean=3.0, sigma=1.0, size=(n, 1, k))
    growth = rng.uniform(0.0, 0.06, size=(1, 1, k))
    trend = np.exp(growth * np.arange(t).reshape(1, t, 1))
    noise = rng.lognormal(mean=0.0, sigma=0.15, size=(n, t, k))
    cube = np.round(level * trend * noise, 6)
    units = np.array([f"U{u + 1:05d}" for u in range(n)])
    years = np.arange(scale.first_year, scale.first_year + t, dtype=np.int32)
    indicators = indicator_system(scale)["indicator"].to_numpy()
    return pd.DataFrame(
        {
            "unit_id": np.repeat(units, t * k),
            "year": np.tile(np.repeat(years, k), n),
            "indicator": np.tile(indicators, n * t),
            "value": cube.reshape(-1),
        }
    )


def write_panel(scale: Scale, out_dir: str | Path, seed: int = 0) -> tuple[Path, Path]:
    """Write ``<scale>_values.parquet`` and ``<scale>_system.csv``; return their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    values_path = out / f"{scale.name}_values.parquet"
    system_path = out / f"{scale.name}_system.csv"
    values = indicator_values(scale, seed)  # noqa: F841 - read by duckdb below
    with duckdb.connect() as con:
        con.execute(f"copy (select * from values) to '{values_path}' (format parquet)")
    indicator_system(scale).to_csv(system_path, index=False)
    return values_path, system_path


def write_firm_panel(scale: Scale, out_dir: str | Path, seed: int = 0) -> tuple[Path, Path]:
    """Write the firm panel as ``firm_values.parquet`` and ``firm_system.csv``, by chunks.

    Same value model as :func:`indicator_values`, drawn per chunk of ``FIRM_CHUNK_UNITS``
    units from ``default_rng([seed, chunk + 1])`` (the trend from ``[seed, 0]``):
    deterministic, and peak memory about 0.5 GB whatever the number of units. Unit ids
    ``F000001`` ...
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    values_path = out / f"{scale.name}_values.parquet"
    system_path = out / f"{scale.name}_system.csv"
    t, k = scale.n_years, scale.n_indicators
    growth = np.random.default_rng([seed, 0]).uniform(0.0, 0.06, size=(1, 1, k))
    trend = np.exp(growth * np.arange(t).reshape(1, t, 1))
    years = np.arange(scale.first_year, scale.first_year + t, dtype=np.int32)
    indicators = indicator_system(scale)["indicator"].to_numpy()
    schema = pa.schema(
        [("unit_id", pa.string()), ("year", pa.int32()), ("indicator", pa.string()),
         ("value", pa.float64())]
    )  # fmt: skip
    with pq.ParquetWriter(values_path, schema) as writer:
        for chunk, first in enumerate(range(0, scale.n_units, FIRM_CHUNK_UNITS)):
            n = min(FIRM_CHUNK_UNITS, scale.n_units - first)
            rng = np.random.default_rng([seed, chunk + 1])
            level = rng.lognormal(mean=3.0, sigma=1.0, size=(n, 1, k))
            noise = rng.lognormal(mean=0.0, sigma=0.15, size=(n, t, k))
            cube = np.round(level * trend * noise, 6)
            units = np.array([f"F{u + 1:06d}" for u in range(first, first + n)])
            table = pa.table(
                {
                    "unit_id": pa.array(np.repeat(units, t * k), pa.string()),
                    "year": pa.array(np.tile(np.repeat(years, k), n), pa.int32()),
                    "indicator": pa.array(np.tile(indicators, n * t), pa.string()),
                    "value": pa.array(cube.reshape(-1), pa.float64()),
                },
                schema=schema,
            )
            writer.write_table(table, row_group_size=1_000_000)
    indicator_system(scale).to_csv(system_path, index=False)
    return values_path, system_path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="bench/results/panels")
    parser.add_argument(
        "--scale",
        action="append",
        choices=sorted(SCALES),
        help="repeatable; default province, city and county",
    )
    parser.add_argument(
        "--firm-units",
        type=int,
        help="also write the firm panel with this many units (250000 = 100 M values)",
    )
    args = parser.parse_args()
    if args.firm_units:
        scale = firm_scale(args.firm_units)
        values, system = write_firm_panel(scale, args.out)
        print(f"firm: {scale.describe()} -> {values}, {system}")
    for name in args.scale or ([] if args.firm_units else ["province", "city", "county"]):
        values, system = write_panel(SCALES[name], args.out)
        print(f"{name}: {SCALES[name].describe()} -> {values}, {system}")


if __name__ == "__main__":
    main()
