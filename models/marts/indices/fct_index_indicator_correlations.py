"""Pearson correlation of every pair of an index's indicators (collinearity diagnostic).

For each index, over its gap-filled sample (observations = unit-years i, pooled), for
indicators a < b (alphabetically):

    r_ab = sum_i (x_ia - mean_a)(x_ib - mean_b)
           / sqrt(sum_i (x_ia - mean_a)^2 * sum_i (x_ib - mean_b)^2)
    over the unit-years where both are present (n_obs of them; all of them once gaps
    are filled), is_highly_correlated = |r_ab| > 0.9 (OECD/JRC Handbook 2008).

Python, not SQL: the SQL form pairs every cell with every other cell of its unit-year
(a self-join of K(K-1)/2 rows per unit-year, 24.8 M rows for a county panel of
2,850 x 20 x 30, 2.5-3.5 s); here the cells go into one unit-year x indicator matrix
per index (integer codes, no pivot_table) and the pairs are matrix products
(bench/README.md, issue 9). tests/python/test_indices.py checks it against DuckDB's
corr() aggregate over that self-join.
"""

import numpy as np
import pandas as pd

HIGH_CORRELATION = 0.9


def indicator_matrix(cells: pd.DataFrame) -> tuple[list[str], np.ndarray]:
    """Return the sorted indicators and the unit-year x indicator matrix of one index.

    Cells are placed by integer codes (unit, year, indicator); a missing cell is nan, and
    unit-years with no value at all are left out. A cell given twice is an error naming
    it (the uniqueness test upstream stops ``dbt build`` first; ``dbt run`` does not).
    """
    unit_codes, units = pd.factorize(cells["unit_id"], sort=True)
    years = cells["year"].to_numpy(dtype=np.int64)
    first_year = years.min()
    n_years = int(years.max() - first_year + 1)
    indicator_codes, indicators = pd.factorize(cells["indicator"], sort=True)
    rows = unit_codes * n_years + (years - first_year)
    placed = np.bincount(rows * len(indicators) + indicator_codes)
    if placed.max() > 1:
        twice = cells.iloc[np.flatnonzero(placed[rows * len(indicators) + indicator_codes] > 1)]
        first = twice.iloc[0]
        raise ValueError(
            f"fct_index_indicator_correlations: index {first['index_name']}, unit "
            f"{first['unit_id']}, year {first['year']}, indicator {first['indicator']} "
            f"appears more than once ({len(twice)} duplicated rows)"
        )
    matrix = np.full((len(units) * n_years, len(indicators)), np.nan)
    matrix[rows, indicator_codes] = cells["value"].to_numpy(dtype=float, na_value=np.nan)
    observed_rows = ~np.isnan(matrix).all(axis=1)
    return [str(i) for i in indicators], matrix[observed_rows]


def pairwise_correlations(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pearson r and the number of rows of every column pair, pairwise-complete."""
    present = ~np.isnan(matrix)
    as_float = present.astype(float)  # a BLAS product; counts are exact integers in float64
    counts = np.rint(as_float.T @ as_float).astype(np.int64)
    if present.all():
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.corrcoef(matrix, rowvar=False), counts
    return pd.DataFrame(matrix).corr(method="pearson", min_periods=2).to_numpy(), counts


def indicator_correlations(values: pd.DataFrame, dimensions: pd.DataFrame) -> pd.DataFrame:
    """One row per index and unordered indicator pair (see the module docstring)."""
    dimension_of = dimensions.set_index(["index_name", "indicator"])["dimension"]
    frames = []
    for index_name, cells in values.groupby("index_name", sort=True):
        indicators, matrix = indicator_matrix(cells)
        r, counts = pairwise_correlations(matrix)
        a, b = np.triu_indices(len(indicators), k=1)
        names = np.array(indicators, dtype=object)
        correlation = pd.array(r[a, b], dtype="Float64")
        correlation[np.isnan(r[a, b])] = pd.NA  # no variance: null, never NaN
        frames.append(
            pd.DataFrame(
                {
                    "index_name": index_name,
                    "indicator_a": names[a],
                    "indicator_b": names[b],
                    "dimension_a": dimension_of.loc[index_name].reindex(names[a]).to_numpy(),
                    "dimension_b": dimension_of.loc[index_name].reindex(names[b]).to_numpy(),
                    "n_obs": counts[a, b].astype(np.int32),
                    "correlation": correlation,
                    "is_highly_correlated": (abs(correlation) > HIGH_CORRELATION)
                    .fillna(False)
                    .to_numpy(dtype=bool),
                }
            )
        )
    columns = [
        "index_name",
        "indicator_a",
        "indicator_b",
        "dimension_a",
        "dimension_b",
        "n_obs",
        "correlation",
        "is_highly_correlated",
    ]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def _to_pandas(relation) -> pd.DataFrame:
    """Return a dbt.ref() result as pandas: DuckDB relations have .df(), Spark .toPandas()."""
    return relation.df() if hasattr(relation, "df") else relation.toPandas()


def model(dbt, session):
    """Entry point for dbt: read the gap-filled values, return the pair correlations."""
    dbt.config(materialized="table")
    # project in the database before converting (the 15-column table costs ~3 s in pandas)
    values = _to_pandas(
        dbt.ref("int_indicator_values_gap_filled").select(
            "index_name", "unit_id", "year", "indicator", "value"
        )
    )
    dimensions = _to_pandas(
        dbt.ref("stg_reference__indicator_systems").select("index_name", "indicator", "dimension")
    )
    return indicator_correlations(values, dimensions)
