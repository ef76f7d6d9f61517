"""Saltelli (2010) design of the index variants for the uncertainty and sensitivity analysis.

Python because it draws random numbers; every score is computed in SQL from this table
(int_index_variant_scores_computed). For each index (sorted by name) one seeded numpy
Generator (var sensitivity_seed) draws two N x d matrices of uniforms, A and B
(N = var sensitivity_replications), and for each factor i the matrix AB_i: A with the
columns of factor i taken from B (Saltelli et al. 2010, Comput. Phys. Commun. 181, 259-270,
section 3). That is N (k + 2) variants, plus variant 0, the baseline (the shipped settings).

Factors and how a row's uniforms map to their levels (FACTORS below is the one place to
extend; a factor with a single level is constant, takes no column and is not analysed):

    normalisation  one of NORMALISATIONS, level floor(u L)                 (one column)
    weighting      one of WEIGHTINGS, floor(u L)                           (one column);
                   a shipped setting outside a list (weighting given, the user's own
                   weights) is appended to it as one more level (levels_of)
    aggregation    one of AGGREGATIONS, floor(u L)                         (one column);
                   under z_score, whose values are negative, the geometric mean has
                   no real value (the single-setting model refuses the pair), so the
                   column maps to the other levels, floor(u (L - 1)) over AGGREGATIONS
                   without geometric: still a function of independent uniforms, so
                   the Sobol indices stay defined (the pair's effect shows as an
                   interaction of normalisation and aggregation)
    shift_c        c = 10^(log10 1e-5 + u (log10 1e-2 - log10 1e-5)), log-uniform
    weight_perturbation  multiplier m_k = 1 + h (2 u_k - 1), h = 0.25, one uniform per
                   indicator k (a group factor of K columns, swapped together in AB_i)
    dropped_indicator    j = floor(u (K + 1)): 0 keeps all, j >= 1 drops the j-th
                   indicator in name order

Variant ids: baseline 0; A rows 1..N; B rows N+1..2N; AB_i rows (i+1)N+1..(i+2)N in factor
order. One row per index, variant and indicator.
"""

import numpy as np
import pandas as pd

# ---- the factor levels: the one place to extend --------------------------------------
# Every method is a SQL macro (macros/normalize_*.sql, *_weights.sql, aggregate_geometric,
# topsis_closeness), the same the single-setting index models call (vars
# index_normalisation, index_weighting, index_aggregation). A new method plugs in by adding
# its level name here AND a branch for it in int_index_variant_scores_computed.sql (the
# CTE named after the factor).
NORMALISATIONS = ("min_max", "z_score", "rank")
WEIGHTINGS = ("entropy", "equal", "cv", "critic")
AGGREGATIONS = ("arithmetic", "geometric", "topsis")
# normalisations whose values can be negative: no geometric mean (see the docstring)
NEGATIVE_VALUED = ("z_score",)
SHIFT_C_RANGE = (1e-5, 1e-2)
PERTURBATION_HALF_WIDTH = 0.25
FACTORS = (
    "normalisation",
    "weighting",
    "aggregation",
    "shift_c",
    "weight_perturbation",
    "dropped_indicator",
)
CATEGORICAL = {
    "normalisation": NORMALISATIONS,
    "weighting": WEIGHTINGS,
    "aggregation": AGGREGATIONS,
}


def active_factors() -> list[str]:
    """Return the factors that vary (a categorical factor with one level does not)."""
    return [f for f in FACTORS if f not in CATEGORICAL or len(CATEGORICAL[f]) > 1]


def factor_columns(factors: list[str], n_indicators: int) -> dict[str, slice]:
    """Return the columns of the uniform matrices each factor takes (a group for weights)."""
    columns, start = {}, 0
    for factor in factors:
        width = n_indicators if factor == "weight_perturbation" else 1
        columns[factor] = slice(start, start + width)
        start += width
    return columns


def saltelli_matrices(
    rng: np.random.Generator, n: int, columns: dict[str, slice]
) -> list[tuple[str, str | None, np.ndarray]]:
    """Return [(matrix, factor_swapped, uniforms N x d)]: A, B, then AB_i per factor."""
    d = max(s.stop for s in columns.values())
    a = rng.random((n, d))
    b = rng.random((n, d))
    out = [("A", None, a), ("B", None, b)]
    for factor, cols in columns.items():
        ab = a.copy()
        ab[:, cols] = b[:, cols]
        out.append(("AB", factor, ab))
    return out


def levels_of(factor: str, baseline: dict) -> tuple[str, ...]:
    """Return the levels of a categorical factor: CATEGORICAL's, plus the baseline's own.

    A shipped setting outside the list (weighting ``given``: the user's own weights) is a
    level too, so the analysis always includes the index as built.
    """
    levels = CATEGORICAL[factor]
    own = baseline.get(factor)
    return levels if own is None or own in levels else (*levels, own)


def categorical_level(u: np.ndarray, levels: tuple[str, ...]) -> np.ndarray:
    """Map uniforms in [0, 1) to levels[floor(u L)] (each level with probability 1/L)."""
    idx = np.minimum((u * len(levels)).astype(int), len(levels) - 1)
    return np.asarray(levels, dtype=object)[idx]


def aggregation_level(u: np.ndarray, normalisation: np.ndarray, baseline: dict) -> np.ndarray:
    """Map uniforms to the aggregations, without geometric where the values can be negative."""
    every = levels_of("aggregation", baseline)
    out = categorical_level(u, every)
    positive_only = tuple(a for a in every if a != "geometric")
    negative = np.isin(normalisation, NEGATIVE_VALUED)
    out[negative] = categorical_level(u[negative], positive_only)
    return out


def map_levels(
    u: np.ndarray, columns: dict[str, slice], indicators: list[str], baseline: dict
) -> dict[str, np.ndarray]:
    """Map one matrix of uniforms (N x d) to the factor levels (see the module docstring)."""
    n, k = len(u), len(indicators)
    levels = {
        "normalisation": np.full(n, baseline["normalisation"], dtype=object),
        "weighting": np.full(n, baseline["weighting"], dtype=object),
        "aggregation": np.full(n, baseline["aggregation"], dtype=object),
        "shift_c": np.full(n, baseline["shift_c"]),
        "weight_multipliers": np.ones((n, k)),
        "dropped_position": np.zeros(n, dtype=int),
    }
    for factor, cols in columns.items():
        block = u[:, cols]
        if factor in CATEGORICAL and factor != "aggregation":
            levels[factor] = categorical_level(block[:, 0], levels_of(factor, baseline))
        elif factor == "aggregation":
            levels["aggregation"] = aggregation_level(
                block[:, 0], levels["normalisation"], baseline
            )
        elif factor == "shift_c":
            low, high = np.log10(SHIFT_C_RANGE[0]), np.log10(SHIFT_C_RANGE[1])
            levels["shift_c"] = 10.0 ** (low + block[:, 0] * (high - low))
        elif factor == "weight_perturbation":
            levels["weight_multipliers"] = 1.0 + PERTURBATION_HALF_WIDTH * (2.0 * block - 1.0)
        elif factor == "dropped_indicator":
            levels["dropped_position"] = np.minimum((block[:, 0] * (k + 1)).astype(int), k)
    return levels


def design(indicators: pd.DataFrame, n: int, seed: int, baseline: dict) -> pd.DataFrame:
    """Return the design, one row per index, variant and indicator.

    ``indicators`` has columns index_name, indicator; ``baseline`` the shipped settings
    (normalisation, weighting, aggregation, shift_c) that variant 0 and the constant
    factors take.
    """
    if n < 2:
        raise ValueError(f"var sensitivity_replications must be at least 2, got {n}")
    rng = np.random.default_rng(seed)
    factors = active_factors()
    frames = []
    for index_name, rows in indicators.groupby("index_name", sort=True):
        names = sorted(rows["indicator"].unique())
        k = len(names)
        columns = factor_columns(factors, k)
        blocks = [("baseline", None, None)] + saltelli_matrices(rng, n, columns)
        for position, (matrix, swapped, u) in enumerate(blocks):
            if u is None:
                lv = map_levels(np.zeros((1, 0)), {}, names, baseline)
                ids, base_rows = np.array([0]), np.array([0])
            else:
                lv = map_levels(u, columns, names, baseline)
                ids = (position - 1) * n + np.arange(1, n + 1)
                base_rows = np.arange(1, n + 1)
            m = len(ids)
            dropped = np.where(
                lv["dropped_position"] > 0,
                np.asarray([None, *names], dtype=object)[lv["dropped_position"]],
                None,
            )
            frames.append(
                pd.DataFrame(
                    {
                        "index_name": index_name,
                        "variant_id": np.repeat(ids, k),
                        "matrix": matrix,
                        "factor_swapped": swapped,
                        "base_row": np.repeat(base_rows, k),
                        "normalisation": np.repeat(lv["normalisation"], k),
                        "weighting": np.repeat(lv["weighting"], k),
                        "aggregation": np.repeat(lv["aggregation"], k),
                        "shift_c": np.repeat(lv["shift_c"], k),
                        "dropped_indicator": np.repeat(dropped, k),
                        "indicator": np.tile(names, m),
                        "weight_multiplier": lv["weight_multipliers"].reshape(-1),
                        "is_dropped": np.repeat(dropped, k) == np.tile(names, m),
                    }
                )
            )
    out = pd.concat(frames, ignore_index=True)
    out["variant_id"] = out["variant_id"].astype("int64")
    out["base_row"] = out["base_row"].astype("int64")
    return out


def _to_pandas(relation) -> pd.DataFrame:
    """Return a dbt.ref() result as pandas: DuckDB relations have .df(), Spark .toPandas()."""
    return relation.df() if hasattr(relation, "df") else relation.toPandas()


def model(dbt, session):
    """Entry point for dbt: read the indices' indicators, return the design."""
    dbt.config(materialized="table")
    n = int(dbt.config.get("sensitivity_replications"))
    seed = int(dbt.config.get("sensitivity_seed"))
    policy = dbt.config.get("zero_policy")
    baseline = {
        # the shipped index's settings (vars index_normalisation, _weighting, _aggregation)
        "normalisation": dbt.config.get("normalisation"),
        "weighting": dbt.config.get("weighting"),
        "aggregation": dbt.config.get("aggregation"),
        # the shift the shipped entropy used: none under the 0 ln 0 = 0 limit
        "shift_c": 0.0 if policy == "limit" else float(dbt.config.get("shift_c")),
    }
    indicators = _to_pandas(
        dbt.ref("int_entropy_weights_computed").select("index_name", "indicator")
    ).drop_duplicates()
    return design(indicators, n, seed, baseline)
