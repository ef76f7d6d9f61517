"""Centred cross-products of each index's indicators and its entropy total, streamed.

The one pass over the gap-filled cells that the pair correlations
(fct_index_indicator_correlations) and the PCA variant (int_index_pca_loadings_computed)
need, so that neither pulls the long table into pandas (issue 18: 100 M cells at firm
scale). In DuckDB the cells are pivoted to one row per unit-year with a column per
indicator (integer codes, alphabetical) plus the entropy total score t; the rows come back
sorted by unit and year in fixed blocks of BLOCK_ROWS and are accumulated in numpy. With
the columns x_1..x_K, x_{K+1} = t, m_a the mean of x_a over the unit-years where it is
present, d_ia = x_ia - m_a and M_ia = 1 where x_ia is present (0 and d = 0 where not),
for every pair a <= b:

    n_ab      = sum_i M_ia M_ib                     (unit-years where both are present)
    sum_da    = sum_i d_ia M_ib,   sum_db  = sum_i d_ib M_ia
    sum_da2   = sum_i d_ia^2 M_ib, sum_db2 = sum_i d_ib^2 M_ia
    sum_dadb  = sum_i d_ia d_ib

from which the pairwise-complete Pearson r is
(sum_dadb - sum_da sum_db / n) / sqrt((sum_da2 - sum_da^2/n)(sum_db2 - sum_db^2/n)), and
the variance of x_a is sum_da2 / (n_aa - 1) on the diagonal. Two passes (the means, then
the centred sums), each over the blocks in the same order, so the result has the same bits
at any DuckDB thread count; memory is a few blocks, whatever the number of unit-years.
"""

import numpy as np
import pandas as pd

BLOCK_ROWS = 131_072
"""Rows per accumulation block (fixed, so the floating-point sums have a fixed order)."""


def _blocks(reader, columns: list[str]):
    """Yield (rows, columns) float arrays of exactly BLOCK_ROWS rows (the last one shorter)."""
    pending: list[np.ndarray] = []
    held = 0
    for batch in reader:
        part = np.column_stack(
            [batch.column(c).to_numpy(zero_copy_only=False).astype(float) for c in columns]
        )
        pending.append(part)
        held += len(part)
        while held >= BLOCK_ROWS:
            stacked = np.concatenate(pending)
            yield stacked[:BLOCK_ROWS]
            pending, held = [stacked[BLOCK_ROWS:]], held - BLOCK_ROWS
    if held:
        yield np.concatenate(pending)


def _refuse_duplicates(con, index_name: str) -> None:
    """Raise ValueError naming the first cell of ``index_name`` given more than once."""
    found = con.execute(
        "select unit_id, year, indicator, count(*) as n, sum(count(*)) over () as rows "
        "from __moments_cells where index_name = ? group by all having count(*) > 1 "
        "order by unit_id, year, indicator limit 1",
        [index_name],
    ).fetchall()[0]
    unit, year, indicator, _, rows = found
    raise ValueError(
        f"int_index_indicator_moments_computed: index {index_name}, unit {unit}, year "
        f"{year}, indicator {indicator} appears more than once ({int(rows)} duplicated rows)"
    )


def indicator_moments(con, cells, totals) -> pd.DataFrame:
    """One row per index and column pair a <= b (see the module docstring).

    ``con``: the DuckDB connection; ``cells``: relation ``index_name, unit_id, year,
    indicator, value``; ``totals``: relation ``index_name, unit_id, year, score`` (the
    entropy total). ``indicator_b`` is null where the partner is the entropy total.
    """
    con.register("__moments_cells", cells)  # connection-local views, never in the file
    con.register("__moments_totals", totals)
    codes = con.execute(
        "select index_name, indicator, "
        "row_number() over (partition by index_name order by indicator) - 1 as k "
        "from (select distinct index_name, indicator from __moments_cells) "
        "order by index_name, k"
    ).df()
    frames = []
    for index_name, coded in codes.groupby("index_name", sort=True):
        indicators = coded["indicator"].astype(str).tolist()
        n_ind = len(indicators)
        pivot = ", ".join(
            f"max(c.value) filter (where d.k = {j}) as c{j}, "
            f"count(*) filter (where d.k = {j}) as n{j}"
            for j in range(n_ind)
        )
        con.execute(
            "create or replace temp table __moments_codes as "
            "select indicator, k from (values "
            + ", ".join(f"(?, {j})" for j in range(n_ind))
            + ") as v (indicator, k)",
            indicators,
        )
        con.execute(
            "create or replace temp table __moments_wide as "
            "select w.*, t.score as ct from ("
            f"select c.unit_id, c.year, {pivot} from __moments_cells as c "
            "join __moments_codes as d on c.indicator = d.indicator "
            "where c.index_name = ? group by c.unit_id, c.year) as w "
            "left join (select * from __moments_totals where index_name = ?) as t "
            "on w.unit_id = t.unit_id and w.year = t.year",
            [index_name, index_name],
        )
        repeats = " or ".join(f"n{j} > 1" for j in range(n_ind))
        if con.execute(f"select count(*) from __moments_wide where {repeats}").fetchall()[0][0]:
            _refuse_duplicates(con, index_name)
        columns = [f"c{j}" for j in range(n_ind)] + ["ct"]
        observed = " or ".join(f"c{j} is not null" for j in range(n_ind))
        query = (
            f"select {', '.join(columns)} from __moments_wide where {observed} "
            "order by unit_id, year"
        )

        def blocks(query=query, columns=columns):
            return _blocks(con.sql(query).to_arrow_reader(BLOCK_ROWS), columns)

        width = len(columns)
        counts, sums, n_rows = np.zeros(width), np.zeros(width), 0
        for x in blocks():
            present = ~np.isnan(x)
            counts += present.sum(axis=0)
            sums += np.where(present, x, 0.0).sum(axis=0)
            n_rows += len(x)
        with np.errstate(invalid="ignore", divide="ignore"):
            means = sums / counts
        n = np.zeros((width, width))
        s = np.zeros((width, width))
        q = np.zeros((width, width))
        p = np.zeros((width, width))
        for x in blocks():
            mask = (~np.isnan(x)).astype(float)
            d = np.where(mask > 0, x - means, 0.0)
            n += mask.T @ mask
            s += d.T @ mask
            q += (d * d).T @ mask
            p += d.T @ d
        a, b = np.triu_indices(width)
        names = np.array([*indicators, None], dtype=object)
        frames.append(
            pd.DataFrame(
                {
                    "index_name": index_name,
                    "indicator_a": names[a],
                    "indicator_b": names[b],
                    "n_unit_years": n_rows,
                    "n_obs": np.rint(n[a, b]).astype(np.int64),
                    "mean_a": means[a],
                    "mean_b": means[b],
                    "sum_da": s[a, b],
                    "sum_db": s[b, a],
                    "sum_da2": q[a, b],
                    "sum_db2": q[b, a],
                    "sum_dadb": p[a, b],
                }
            )
        )
    con.execute("drop table if exists __moments_wide")
    con.execute("drop table if exists __moments_codes")
    con.unregister("__moments_cells")
    con.unregister("__moments_totals")
    # the entropy total as a_c: only its pairs with indicators are kept (b = t)
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return out[out["indicator_a"].notna()].reset_index(drop=True) if len(out) else out


def model(dbt, session):
    """Entry point for dbt: gap-filled cells and entropy totals in, the moments out."""
    dbt.config(materialized="table")
    cells = dbt.ref("int_indicator_values_gap_filled").select(
        "index_name", "unit_id", "year", "indicator", "value"
    )
    totals = (
        dbt.ref("int_index_scores_computed")
        .filter("dimension = 'total'")
        .select("index_name", "unit_id", "year", "score")
    )
    return indicator_moments(session, cells, totals)
