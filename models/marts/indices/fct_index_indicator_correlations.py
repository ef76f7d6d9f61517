"""Pearson correlation of every pair of an index's indicators (collinearity diagnostic).

For each index, over its gap-filled sample (observations = unit-years i, pooled), for
indicators a < b (alphabetically):

    r_ab = sum_i (x_ia - mean_a)(x_ib - mean_b)
           / sqrt(sum_i (x_ia - mean_a)^2 * sum_i (x_ib - mean_b)^2)
    over the unit-years where both are present (n_obs of them; all of them once gaps
    are filled), is_highly_correlated = |r_ab| > 0.9 (OECD/JRC Handbook 2008).

The sums come from int_index_indicator_moments_computed (one streamed pass over the
cells, centred cross-products per pair; issue 18: no model pulls the long table into
pandas at firm scale). With its pair-complete sums over the n_obs unit-years where both
are present:

    r_ab = (sum_dadb - sum_da sum_db / n) / sqrt((sum_da2 - sum_da^2 / n)(sum_db2 - sum_db^2 / n))

(the same r as above; null when either has no variance or n < 2).
tests/python/test_indices.py checks it against DuckDB's corr() over the self-join of
every cell with every other cell of its unit-year.
"""

import numpy as np
import pandas as pd

HIGH_CORRELATION = 0.9
COLUMNS = [
    "index_name",
    "indicator_a",
    "indicator_b",
    "dimension_a",
    "dimension_b",
    "n_obs",
    "correlation",
    "is_highly_correlated",
]


def pair_correlation(moments: pd.DataFrame) -> np.ndarray:
    """Pearson r of each pair row of int_index_indicator_moments_computed (nan: undefined)."""
    n = moments["n_obs"].to_numpy(dtype=float)
    sa, sb = moments["sum_da"].to_numpy(), moments["sum_db"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = moments["sum_dadb"].to_numpy() - sa * sb / n
        var_a = moments["sum_da2"].to_numpy() - sa * sa / n
        var_b = moments["sum_db2"].to_numpy() - sb * sb / n
        r = cov / np.sqrt(var_a * var_b)
    r[(n < 2) | ~(var_a > 0) | ~(var_b > 0)] = np.nan
    return r


def indicator_correlations(moments: pd.DataFrame, dimensions: pd.DataFrame) -> pd.DataFrame:
    """One row per index and unordered indicator pair (see the module docstring)."""
    pairs = moments[
        moments["indicator_b"].notna() & (moments["indicator_a"] != moments["indicator_b"])
    ]
    pairs = pairs.sort_values(["index_name", "indicator_a", "indicator_b"], ignore_index=True)
    if pairs.empty:
        return pd.DataFrame(columns=COLUMNS)
    dimension_of = dimensions.set_index(["index_name", "indicator"])["dimension"]
    r = pair_correlation(pairs)
    correlation = pd.array(r, dtype="Float64")
    correlation[np.isnan(r)] = pd.NA  # no variance: null, never NaN
    keys_a = pd.MultiIndex.from_arrays([pairs["index_name"], pairs["indicator_a"]])
    keys_b = pd.MultiIndex.from_arrays([pairs["index_name"], pairs["indicator_b"]])
    return pd.DataFrame(
        {
            "index_name": pairs["index_name"],
            "indicator_a": pairs["indicator_a"],
            "indicator_b": pairs["indicator_b"],
            "dimension_a": dimension_of.reindex(keys_a).to_numpy(),
            "dimension_b": dimension_of.reindex(keys_b).to_numpy(),
            "n_obs": pairs["n_obs"].astype(np.int32),
            "correlation": correlation,
            "is_highly_correlated": (abs(correlation) > HIGH_CORRELATION)
            .fillna(False)
            .to_numpy(dtype=bool),
        }
    )[COLUMNS]


def _to_pandas(relation) -> pd.DataFrame:
    """Return a dbt.ref() result as pandas: DuckDB relations have .df(), Spark .toPandas()."""
    return relation.df() if hasattr(relation, "df") else relation.toPandas()


def model(dbt, session):
    """Entry point for dbt: the pair moments in (a few rows per index), the correlations out."""
    dbt.config(materialized="table")
    moments = _to_pandas(dbt.ref("int_index_indicator_moments_computed"))
    dimensions = _to_pandas(
        dbt.ref("stg_reference__indicator_systems").select("index_name", "indicator", "dimension")
    )
    return indicator_correlations(moments, dimensions)
