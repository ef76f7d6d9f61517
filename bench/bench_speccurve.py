"""Time the batched specification-curve refits against a naive loop (index rebuilt, model refitted).

Usage: ``python bench/bench_speccurve.py [--scale province] [--variants 1000] [--naive 20]``

On a synthetic indicator panel of :mod:`panels` (province 31 x 21 x 25, city 300 x 20 x
30) with a simulated outcome (``y = 2 index + 5 controls + unit and year effects + noise``,
SYNTHETIC), each variant of the entropy index drops one indicator (variant 0: none, the
shipped index) and draws its shift c from U(1e-5, 1e-2) (variant 0: 1e-4). The baseline
``y ~ index + controls + EntityEffects + TimeEffects``, clustered by unit with Stata's
factor, is refitted for every variant:

* batched: the variants' scores as one (n x V) matrix (weights per variant, then one
  matrix product; what ``marts.fct_index_variant_scores`` hands the Python layer), then
  :func:`resilience.speccurve.batched_fit` (the effects and controls swept once);
* naive: per variant the index rebuilt by the numpy oracle (``numpy_peer.entropy_index``
  on the long values without the dropped indicator) and one :func:`resilience.panel.regress`
  (linearmodels PanelOLS) fit, timed on ``--naive`` variants and extrapolated linearly.

The batched coefficients and SEs are checked against the naive ones on those variants
(max relative difference printed). Prints one line per scale, parsed by ``run_all.py``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy_peer  # noqa: E402
import panels  # noqa: E402

from resilience.panel import regress, year_dummies  # noqa: E402
from resilience.speccurve import batched_fit  # noqa: E402

CONTROLS = [f"c{i}" for i in range(1, 6)]
FORMULA = "y ~ score + " + " + ".join(CONTROLS) + " + EntityEffects + TimeEffects"


def variants(k: int, n_variants: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Dropped indicator (-1: none) and shift c of each variant; variant 0 is the shipped one."""
    rng = np.random.default_rng(seed)
    dropped = np.concatenate([[-1], rng.integers(0, k, n_variants - 1)])
    shift = np.concatenate([[numpy_peer.SHIFT_C], rng.uniform(1e-5, 1e-2, n_variants - 1)])
    return dropped, shift


def variant_scores(x: np.ndarray, negative: np.ndarray, dropped, shift) -> np.ndarray:
    """``(n, V)`` total entropy scores: a weight vector per variant, one matrix product."""
    lo, hi = x.min(axis=0), x.max(axis=0)
    z = (x - lo) / (hi - lo)
    z[:, negative] = 1.0 - z[:, negative]
    n, k = z.shape
    weights = np.zeros((k, len(shift)))
    for v, (drop, c) in enumerate(zip(dropped, shift, strict=True)):
        keep = np.arange(k) != drop
        zs = z[:, keep] + c
        s = zs.sum(axis=0)
        e = -((zs * np.log(zs)).sum(axis=0) / s - np.log(s)) / np.log(n)
        weights[keep, v] = (1 - e) / (1 - e).sum()
    return z @ weights


def simulated_panel(units: np.ndarray, years: np.ndarray, index: np.ndarray, seed: int = 2):
    """Rows unit-major (the peer's order): unit_id, year, controls and the outcome y."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {"unit_id": np.repeat(units, len(years)), "year": np.tile(years, len(units))}
    )
    n = len(frame)
    for c in CONTROLS:
        frame[c] = rng.normal(size=n)
    unit_fx = rng.normal(size=len(units))[pd.factorize(frame["unit_id"])[0]]
    year_fx = rng.normal(size=len(years))[pd.factorize(frame["year"])[0]]
    frame["y"] = (
        2.0 * index + frame[CONTROLS].to_numpy() @ np.linspace(0.1, 0.5, 5) + unit_fx + year_fx
    ) + rng.normal(0, 0.5, n)
    return frame


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", action="append", choices=sorted(panels.SCALES))
    parser.add_argument("--variants", type=int, default=1000)
    parser.add_argument("--naive", type=int, default=20)
    args = parser.parse_args()
    for name in args.scale or ["province", "city"]:
        scale = panels.SCALES[name]
        values = panels.indicator_values(scale)
        system = panels.indicator_system(scale)
        x, units, years, indicators = numpy_peer.to_cube(values)
        negative = system.set_index("indicator").reindex(indicators)["direction"].eq("-").to_numpy()
        dropped, shift = variants(len(indicators), args.variants)

        start = time.perf_counter()
        matrix = variant_scores(x, negative, dropped, shift)
        scores_s = time.perf_counter() - start
        frame = simulated_panel(units, years, matrix[:, 0])
        start = time.perf_counter()
        others = np.column_stack(
            [np.ones(len(frame)), frame[CONTROLS].to_numpy(), year_dummies(frame["year"], "year")]
        )
        fit = batched_fit(
            matrix, frame[["y"]].to_numpy(), others, frame["unit_id"].to_numpy(), True
        )
        refit_s = time.perf_counter() - start

        k = min(args.naive, args.variants)
        errors, start = [], time.perf_counter()
        for v in range(k):
            keep = indicators[indicators != indicators[dropped[v]]] if dropped[v] >= 0 else None
            rows = values if keep is None else values[values["indicator"].isin(keep)]
            peer = numpy_peer.entropy_index(rows, system, shift_c=shift[v])
            result = regress(FORMULA, frame.assign(score=peer.total), "unit_id", "year")
            b, se = result.params["score"], result.std_errors["score"]
            errors += [abs(b / fit.estimate[v] - 1), abs(se / fit.std_error[v] - 1)]
        naive_s = time.perf_counter() - start
        per = naive_s / k
        batched = scores_s + refit_s
        print(
            f"{name} ({len(frame):,} rows, {len(indicators)} indicators): {args.variants} "
            f"variants batched {batched:.3f} s (scores {scores_s:.3f} s + refits "
            f"{refit_s:.3f} s) | naive {k} variants {naive_s:.2f} s ({per * 1000:.0f} "
            f"ms/variant) -> {args.variants} variants ~{per * args.variants:.0f} s | "
            f"speed-up ~{per * args.variants / batched:.0f}x | max rel. diff on the {k} "
            f"common variants {max(errors):.1e}"
        )


if __name__ == "__main__":
    main()
