r"""How fast can SQL do the numpy peer's work at all? A lower bound for the index models.

The issue-9 target "county index in SQL faster than numpy" is missed by the models
(``run_all.py``). This script asks whether *any* SQL formulation on this engine could meet
it: it runs the shortest queries we could write for the same numbers as the three peer
models (pooled min-max, shift c, entropy weights, total and dimension scores under the
default settings; formulas in ``numpy_peer.py``), none of the models' extra columns
(flags, scope, attributes, counts), results written as tables as dbt would write them,
and times them against the numpy peer's compute on the same panel:

* ``string keys``: on the gap-filled table as it is (index, unit, indicator as strings);
* ``integer keys``: the same queries on a copy whose index, unit, indicator and dimension
  are integer codes (the coding is done once beforehand and not timed, as if the gap-fill
  model had carried codes from the small unit and indicator tables);

* ``wide layout``: the long table pivoted to one row per unit-year and one column per
  indicator (``max(case when ...)``, timed), then column-wise min/max, entropies, weights
  and one score column per dimension -- numpy's own layout, in SQL;

each with 1 DuckDB thread (the profile's default: bit-for-bit reproducible sums) and 2.
The results must equal the numpy peer's weights and scores to 1e-9, or the run fails.

    python bench/sql_floor.py DB.duckdb VALUES.parquet SYSTEM.csv [--reps 5]

``DB.duckdb`` is a scratch file with the index models built on that panel
(``run_all.py`` passes its county file; the script writes only to schema ``bench_floor``).
Prints one JSON line per variant.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import numpy_peer  # noqa: E402

TOLERANCE = 1e-9

# one index, pooled scope, zero policy shift: {keys} are the grouping columns
WEIGHTS_SQL = """
create or replace table bench_floor.weights_{tag} as
with ranges as (
    select {index}, {indicator}, min(value) as min_value, max(value) as max_value,
        any_value({positive}) as is_positive
    from {cells} group by all
),
normalized as (
    select cells.{index}, cells.{indicator},
        case when ranges.is_positive
            then (cells.value - ranges.min_value) / (ranges.max_value - ranges.min_value)
            else (ranges.max_value - cells.value) / (ranges.max_value - ranges.min_value)
        end + {shift} as z_shifted
    from {cells} as cells inner join ranges using ({index}, {indicator})
),
entropies as (
    select {index}, {indicator}, any_value(min_value) as min_value,
        any_value(max_value) as max_value,
        -(sum(z_shifted * ln(z_shifted)) / sum(z_shifted) - ln(sum(z_shifted)))
            / ln(count(*)) as entropy
    from normalized inner join ranges using ({index}, {indicator})
    group by all
)
select *, (1 - entropy) / sum(1 - entropy) over (partition by {index}) as weight
from entropies
"""

SCORES_SQL = """
create or replace table bench_floor.scores_{tag} as
with ranged as (
    select cells.*, weights.min_value, weights.max_value, weights.weight
    from {cells} as cells inner join bench_floor.weights_{tag} as weights
        using ({index}, {indicator})
),
dimension_scores as (
    select {index}, {unit}, year, {dimension},
        sum(weight * case when {positive}
            then (value - min_value) / (max_value - min_value)
            else (max_value - value) / (max_value - min_value) end) as score
    from ranged group by all
)
select {index}, {unit}, year, {total_dimension} as {dimension}, sum(score) as score
from dimension_scores group by all
union all
select * from dimension_scores
"""

STRING_KEYS = {
    "index": "index_name",
    "indicator": "indicator",
    "unit": "unit_id",
    "dimension": "dimension",
    "positive": "direction = '+'",
    "total_dimension": "'total'",
    "cells": "intermediate.int_indicator_values_gap_filled",
}
INTEGER_KEYS = {
    "index": "index_code",
    "indicator": "indicator_code",
    "unit": "unit_code",
    "dimension": "dimension_code",
    "positive": "is_positive",
    "total_dimension": "0",
    "cells": "bench_floor.cells_coded",
}
CODE_CELLS = """
create or replace table bench_floor.cells_coded as
select dense_rank() over (order by index_name)::utinyint as index_code,
    dense_rank() over (order by indicator)::usmallint as indicator_code,
    dense_rank() over (order by dimension)::utinyint as dimension_code,
    dense_rank() over (order by unit_id)::integer as unit_code,
    year, direction = '+' as is_positive, value,
    index_name, indicator, dimension, unit_id
from intermediate.int_indicator_values_gap_filled
"""


def wide_sqls(con, tag: str) -> list[str]:
    """The wide-layout statements for the panel's indicators (one index)."""
    system = con.sql(
        "select indicator, dimension, direction from staging.stg_reference__indicator_systems "
        "order by indicator"
    ).fetchall()
    q = {k: '"' + k.replace('"', '""') + '"' for k, _, _ in system}

    def z(k: str, direction: str) -> str:
        lo, hi = f'"min {k}"', f'"max {k}"'
        top = f"({q[k]} - {lo})" if direction == "+" else f"({hi} - {q[k]})"
        return f"{top} / ({hi} - {lo})"

    c = numpy_peer.SHIFT_C
    pivot = (
        f"create or replace table bench_floor.wide_{tag} as select unit_id, year, "
        + ", ".join(f"max(case when indicator = '{k}' then value end) as {q[k]}" for k in q)
        + " from intermediate.int_indicator_values_gap_filled group by unit_id, year"
    )
    ranges = (
        f"create or replace table bench_floor.ranges_{tag} as select "
        + ", ".join(f'min({q[k]}) as "min {k}", max({q[k]}) as "max {k}"' for k in q)
        + f" from bench_floor.wide_{tag}"
    )
    entropies = (
        f"create or replace table bench_floor.entropies_{tag} as select "
        + ", ".join(
            f"-(sum(({z(k, d)} + {c}) * ln({z(k, d)} + {c})) / sum({z(k, d)} + {c}) "
            f'- ln(sum({z(k, d)} + {c}))) / ln(count(*)) as "e {k}"'
            for k, _, d in system
        )
        + f" from bench_floor.wide_{tag}, bench_floor.ranges_{tag}"
    )
    total_d = " + ".join(f'(1 - "e {k}")' for k in q)
    weights = (
        f"create or replace table bench_floor.weights_{tag} as select "
        + ", ".join(f'(1 - "e {k}") / ({total_d}) as "w {k}"' for k in q)
        + f" from bench_floor.entropies_{tag}"
    )
    dimensions = sorted({dim for _, dim, _ in system})
    scores = (
        f"create or replace table bench_floor.scores_{tag} as select unit_id, year, "
        + ", ".join(
            "("
            + " + ".join(f'"w {k}" * {z(k, d)}' for k, dim, d in system if dim == dimension)
            + f') as "{dimension}"'
            for dimension in dimensions
        )
        + f" from bench_floor.wide_{tag}, bench_floor.ranges_{tag}, bench_floor.weights_{tag}"
    )
    return [pivot, ranges, entropies, weights, scores]


def run_variant(con, keys: dict[str, str] | None, tag: str, reps: int) -> list[float]:
    """Time weights + scores for one layout (``keys`` None: wide); seconds per repetition."""
    if keys is None:
        sqls = wide_sqls(con, tag)
    else:
        sqls = [
            WEIGHTS_SQL.format(tag=tag, shift=numpy_peer.SHIFT_C, **keys),
            SCORES_SQL.format(tag=tag, **keys),
        ]
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        for sql in sqls:
            con.execute(sql)
        times.append(time.perf_counter() - start)
    return times


def decoded(con, tag: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Weights and scores of a variant, long and with string keys (codes joined back)."""
    if tag.startswith("wide"):
        weights = con.sql(f"select * from bench_floor.weights_{tag}").df()
        entropies = con.sql(f"select * from bench_floor.entropies_{tag}").df()
        indicators = [c.removeprefix("w ") for c in weights.columns]
        w = pd.DataFrame(
            {
                "indicator": indicators,
                "entropy": [entropies[f"e {k}"].iloc[0] for k in indicators],
                "weight": [weights[f"w {k}"].iloc[0] for k in indicators],
            }
        )
        wide = con.sql(f"select * from bench_floor.scores_{tag}").df()
        s = wide.melt(id_vars=["unit_id", "year"], var_name="dimension", value_name="score")
        total = wide.drop(columns=["unit_id", "year"]).sum(axis=1)
        s = pd.concat(
            [s, wide[["unit_id", "year"]].assign(dimension="total", score=total)],
            ignore_index=True,
        )
        return w, s
    if tag.startswith("string"):
        w = con.sql(f"select indicator, entropy, weight from bench_floor.weights_{tag}").df()
        s = con.sql(f"select unit_id, year, dimension, score from bench_floor.scores_{tag}").df()
        return w, s
    w = con.sql(
        f"select distinct c.indicator, w.entropy, w.weight from bench_floor.weights_{tag} w "
        "inner join bench_floor.cells_coded c using (index_code, indicator_code)"
    ).df()
    s = con.sql(
        "with units as (select distinct unit_code, unit_id from bench_floor.cells_coded), "
        "dims as (select distinct dimension_code, dimension from bench_floor.cells_coded "
        "union all select 0, 'total') "
        f"select units.unit_id, s.year, dims.dimension, s.score from bench_floor.scores_{tag} s "
        "inner join units using (unit_code) inner join dims using (dimension_code)"
    ).df()
    return w, s


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("values", type=Path)
    parser.add_argument("system", type=Path)
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args(argv)

    values = numpy_peer.read_values(str(args.values))
    system = pd.read_csv(args.system)
    peer = numpy_peer.entropy_index(values, system)
    peer_times = []
    for _ in range(args.reps):
        start = time.perf_counter()
        numpy_peer.entropy_index(values, system)
        peer_times.append(time.perf_counter() - start)

    lines = []
    with duckdb.connect(str(args.db)) as con:
        con.execute("create schema if not exists bench_floor")
        con.execute(CODE_CELLS)
        for threads in (1, 2):
            con.execute(f"set threads = {threads}")
            for name, keys in (
                ("string keys", STRING_KEYS),
                ("integer keys", INTEGER_KEYS),
                ("wide layout", None),
            ):
                tag = f"{name.split()[0]}_{threads}"
                times = run_variant(con, keys, tag, args.reps)
                diff = max(peer.differences(*decoded(con, tag), f"SQL floor {name}").values())
                if not diff <= TOLERANCE:
                    raise AssertionError(f"SQL floor {name} differs from numpy by {diff}")
                line = {
                    "variant": name,
                    "duckdb_threads": threads,
                    "sql_s": statistics.median(times),
                    "sql_min_s": min(times),
                    "sql_max_s": max(times),
                    "numpy_compute_s": statistics.median(peer_times),
                    "max_abs_diff": diff,
                }
                lines.append(line)
                print(json.dumps(line), flush=True)
        con.execute("drop schema bench_floor cascade")
    return lines


if __name__ == "__main__":
    main()
