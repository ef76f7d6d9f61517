r"""The numpy peer of the index models: normalisation, entropy weights and scores, vectorised.

The same numbers as ``int_indicators_normalized`` -> ``int_entropy_weights_computed`` ->
``int_index_scores_computed`` under the default settings (pooled scope, zero policy
``shift`` with c = 0.0001, sub-scores in the ``sum`` form), for one index over a complete
panel (no gaps, as :mod:`panels` writes; a gap is an error here, the peer does not fill).
With X the (N*T) x K matrix of unit-years by indicators:

    z_k   = (x_k - min_k) / (max_k - min_k)     (+)      (max_k - x_k) / (max_k - min_k)  (-)
    p_k   = (z_k + c) / sum (z_k + c),   n = N*T
    e_k   = -sum p_k ln p_k / ln n,   d_k = 1 - e_k,   w_k = d_k / sum_l d_l
    score = Z w   (total),   score_d = Z[:, k in d] w[k in d]   (dimension sub-scores)

The formula is the oracle's (:mod:`resilience.oracles.entropy`: ``min_max``,
``entropy_weights``, ``dimension_scores``, plain vectorised numpy); this file adds the long
frame -> matrix step, the timing of each stage and the command line.

``python bench/numpy_peer.py VALUES.parquet SYSTEM.csv [--repeat 5]`` prints one JSON line:
the read time (Parquet -> pandas), the compute time (long frame -> cube -> weights and
scores; medians over the repetitions, also per stage), the peak RSS of read + compute and
the weights; ``--save DIR`` also writes the weights and scores as Parquet (run_all.py
compares them with the SQL ones at firm scale without loading either into its own process).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from resilience.oracles import entropy as oracle

SHIFT_C = 0.0001


@dataclass
class PeerResult:
    """Weights per indicator, entropy, and the score matrices of one index."""

    indicators: np.ndarray  # (K,) indicator names, sorted
    min_value: np.ndarray  # (K,)
    max_value: np.ndarray  # (K,)
    entropy: np.ndarray  # (K,)
    weight: np.ndarray  # (K,)
    units: np.ndarray  # (N,) unit ids, sorted
    years: np.ndarray  # (T,) years, sorted
    total: np.ndarray  # (N*T,) total score, rows unit-major (unit, year)
    dimensions: dict[str, np.ndarray]  # dimension -> (N*T,) sub-score

    def weights_frame(self) -> pd.DataFrame:
        """``indicator, min_value, max_value, entropy, weight``."""
        return pd.DataFrame(
            {
                "indicator": self.indicators,
                "min_value": self.min_value,
                "max_value": self.max_value,
                "entropy": self.entropy,
                "weight": self.weight,
            }
        )

    def differences(
        self, weights: pd.DataFrame, scores: pd.DataFrame, label: str
    ) -> dict[str, float]:
        """Max absolute difference of another implementation's results from these.

        ``weights``: ``indicator`` and any of min_value, max_value, entropy, weight;
        ``scores``: ``unit_id, year, dimension, score``. Keys: the weight columns compared
        and ``scores``. Raises ``AssertionError`` naming ``label`` if the two do not cover
        the same indicators or unit-year-dimensions.
        """
        w = self.weights_frame().merge(
            weights, on="indicator", how="outer", suffixes=("_peer", ""), indicator=True
        )
        if (w["_merge"] != "both").any():
            raise AssertionError(f"numpy peer and {label} weight different indicators")
        s = self.scores_frame().merge(
            scores,
            on=["unit_id", "year", "dimension"],
            how="outer",
            suffixes=("_peer", ""),
            indicator=True,
        )
        if (s["_merge"] != "both").any():
            raise AssertionError(f"numpy peer and {label} score different unit-year-dimensions")
        compared = [c for c in ("min_value", "max_value", "entropy", "weight") if c in weights]
        diffs = {c: float(np.max(np.abs(w[c] - w[f"{c}_peer"]))) for c in compared}
        diffs["scores"] = float(np.max(np.abs(s["score"] - s["score_peer"])))
        return diffs

    def scores_frame(self) -> pd.DataFrame:
        """Long ``unit_id, year, dimension, score`` (total and each dimension)."""
        unit = np.repeat(self.units, len(self.years))
        year = np.tile(self.years, len(self.units))
        frames = [
            pd.DataFrame({"unit_id": unit, "year": year, "dimension": "total", "score": self.total})
        ]
        frames += [
            pd.DataFrame({"unit_id": unit, "year": year, "dimension": d, "score": s})
            for d, s in self.dimensions.items()
        ]
        return pd.concat(frames, ignore_index=True)


def to_cube(values: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Long ``unit_id, year, indicator, value`` -> (N*T, K) matrix, units, years, indicators.

    Placement by integer codes (no pivot_table); a missing or duplicated cell is an error
    naming the unit, year and indicator.
    """
    unit_codes, units = pd.factorize(values["unit_id"], sort=True)
    year_codes, years = pd.factorize(values["year"], sort=True)
    ind_codes, indicators = pd.factorize(values["indicator"], sort=True)
    n, t, k = len(units), len(years), len(indicators)
    flat = (unit_codes * t + year_codes) * k + ind_codes
    if len(flat) != n * t * k or np.bincount(flat, minlength=n * t * k).max() > 1:
        counts = np.bincount(flat, minlength=n * t * k)
        bad = int(np.flatnonzero(counts != 1)[0])
        u, rest = divmod(bad, t * k)
        y, i = divmod(rest, k)
        raise ValueError(
            f"numpy peer: unit {units[u]}, year {years[y]}, indicator "
            f"{indicators[i]}: {counts[bad]} values (need exactly 1; the peer "
            "does not fill gaps)"
        )
    cube = np.empty(n * t * k)
    cube[flat] = pd.to_numeric(values["value"], errors="raise").to_numpy(dtype=float)
    if np.isnan(cube).any():
        bad = int(np.flatnonzero(np.isnan(cube))[0])
        u, rest = divmod(bad, t * k)
        y, i = divmod(rest, k)
        raise ValueError(
            f"numpy peer: unit {units[u]}, year {years[y]}, indicator "
            f"{indicators[i]}: missing value (the peer does not fill gaps)"
        )
    return cube.reshape(n * t, k), np.asarray(units), np.asarray(years), np.asarray(indicators)


def entropy_index(
    values: pd.DataFrame,
    system: pd.DataFrame,
    shift_c: float = SHIFT_C,
    laps: dict[str, float] | None = None,
) -> PeerResult:
    """Normalise, weight and score one index (see the module docstring).

    ``laps``, if given, receives the seconds of each stage: cube (long frame -> matrix),
    normalise, entropy (weights), scores.
    """
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        if laps is not None:
            now = time.perf_counter()
            laps[name] = laps.get(name, 0.0) + now - clock
            clock = now

    x, units, years, indicators = to_cube(values)
    lap("cube")
    spec = system.set_index("indicator").reindex(indicators)
    if spec["direction"].isna().any():
        raise ValueError(
            f"numpy peer: indicators {list(indicators[spec['direction'].isna()])}"
            " are not in the indicator system"
        )
    negative = (spec["direction"].str.strip() == "-").to_numpy()
    z, lo, hi = oracle.min_max(x, negative, indicators=indicators, label="numpy peer")
    lap("normalise")
    entropy, weight = oracle.entropy_weights(z, shift_c)
    lap("entropy")
    dimensions = oracle.dimension_scores(z, weight, spec["dimension"].to_numpy())
    total = z @ weight
    lap("scores")
    return PeerResult(indicators, lo, hi, entropy, weight, units, years, total, dimensions)


def read_values(path: str) -> pd.DataFrame:
    """The long values file (Parquet or CSV) as pandas."""
    return pd.read_parquet(path) if str(path).endswith(".parquet") else pd.read_csv(path)


def save(result: PeerResult, folder: str) -> None:
    """Write ``weights.parquet`` and ``scores.parquet`` (wide: unit_id, year, total, dims)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pandas(result.weights_frame()), out / "weights.parquet")
    n_years = len(result.years)
    columns = {
        "unit_id": pa.array(np.repeat(result.units.astype(str), n_years)),
        "year": pa.array(np.tile(result.years.astype(np.int64), len(result.units))),
        "total": pa.array(result.total),
        **{d: pa.array(v) for d, v in result.dimensions.items()},
    }
    pq.write_table(pa.table(columns), out / "scores.parquet")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("values")
    parser.add_argument("system")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--save",
        help="folder: write weights.parquet and scores.parquet (one row per unit-year, a "
        "column per dimension and total) after the timed runs, for run_all.py to compare",
    )
    args = parser.parse_args()
    system = pd.read_csv(args.system)
    reads, computes, stages = [], [], []
    for _ in range(args.repeat):
        start = time.perf_counter()
        values = read_values(args.values)
        reads.append(time.perf_counter() - start)
        start = time.perf_counter()
        laps: dict[str, float] = {}
        result = entropy_index(values, system, laps=laps)
        computes.append(time.perf_counter() - start)
        stages.append(laps)
    # read + compute peak, before the results are saved (saving is not part of the peer)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if args.save:
        save(result, args.save)
    print(
        json.dumps(
            {
                "read_s": reads,
                "compute_s": computes,
                "read_median_s": statistics.median(reads),
                "compute_median_s": statistics.median(computes),
                "stage_median_s": {
                    k: statistics.median(lap[k] for lap in stages) for k in stages[0]
                },
                "peak_rss_mb": peak_mb,
                "weights": dict(
                    zip(result.indicators.tolist(), result.weight.tolist(), strict=True)
                ),
            }
        )
    )


if __name__ == "__main__":
    main()
