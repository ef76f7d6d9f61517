"""Macros exact_sum and ordered_aggregate: the same bits in any row order and at any thread count.

The macros are compiled by dbt (``dbt compile --inline``, the adapter's dispatched form)
and the SQL is run here on hand-made tables.

Hand-worked cases (float64, round to nearest even):
* ordered_aggregate('sum', 'x', 'k') over x = 1e16, 1, -1e16, 1 (k = 1..4): 1e16 + 1 is
  halfway between the neighbours 1e16 and 1e16 + 2 and rounds to the even 1e16; - 1e16 gives
  0; + 1 gives 1. In the order k desc: 1 - 1e16 rounds to -1e16; + 1 again to -1e16;
  + 1e16 gives 0. So the sum is 1.0 in order k and 0.0 in order k desc: the order is obeyed.
* exact_sum('x') over 0.1, 0.2, 0.3: the double sum is 0.6000000000000001 in the order
  (0.1 + 0.2) + 0.3 and 0.6 in 0.1 + (0.2 + 0.3); the fixed-point sum is the double nearest
  0.1 + 0.2 + 0.3 = 0.6 within 2e-17 (each term's conversion error), and the doubles next to
  0.6 are 1.1e-16 apart, so it is 0.6 in every order.
* exact_sum of 1e14 (= 10^(38 - 24)) is refused with an error, not a wrong number.
"""

from __future__ import annotations

import json

import duckdb
import pytest

from conftest import run_dbt

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def compiled(tmp_path_factory) -> dict[str, str]:
    """The dispatched DuckDB SQL of each macro call, by name."""
    calls = {
        "exact_sum": "{{ exact_sum('x') }}",
        "ordered_sum": "{{ ordered_aggregate('sum', 'x', 'k') }}",
        "ordered_sum_desc": "{{ ordered_aggregate('sum', 'x', 'k desc') }}",
    }
    tmp = tmp_path_factory.mktemp("compile")
    inline = "select " + ", ".join(f"{sql} as {name}" for name, sql in calls.items())
    proc = run_dbt(["compile", "--inline", inline, "--output", "json"], tmp / "x.duckdb", tmp)
    assert proc.returncode == 0, proc.stdout[-3000:]
    sql = json.loads(proc.stdout[proc.stdout.index("{\n") :])["compiled"]
    out, rest = {}, sql.removeprefix("select ")
    for name in calls:  # "<sql> as <name>, <sql> as <name>, ..." in the order of calls
        out[name], rest = rest.split(f" as {name}", 1)
        rest = rest.removeprefix(", ")
    return out


def _one(sql: str, threads: int = 1):
    with duckdb.connect() as con:
        con.execute(f"set threads = {threads}")
        con.execute(
            "create table t as select * from (values (1, 1e16::double), (2, 1.0::double), "
            "(3, -1e16::double), (4, 1.0::double)) v(k, x)"
        )
        con.execute(
            "create table tenths as select * from (values (1, 0.1::double), (2, 0.2::double), "
            "(3, 0.3::double)) v(k, x)"
        )
        return con.execute(sql).fetchall()


def test_ordered_aggregate_follows_the_order_grouped_and_as_a_window(compiled):
    assert _one(f"select {compiled['ordered_sum']} from t") == [(1.0,)]
    assert _one(f"select {compiled['ordered_sum_desc']} from t") == [(0.0,)]
    window = _one(f"select {compiled['ordered_sum']} over () from t")
    assert window == [(1.0,)] * 4


def test_exact_sum_is_the_same_in_every_order(compiled):
    plain = {
        _one("select sum(x order by k) from tenths")[0][0],
        _one("select sum(x order by k desc) from tenths")[0][0],
    }
    assert plain == {0.6000000000000001, 0.6}  # the plain sum depends on the order
    for order in ("k", "k desc", "x * 7 % 1"):
        sql = f"select {compiled['exact_sum']} from (select * from tenths order by {order})"
        assert _one(sql) == [(0.6,)]


def test_exact_sum_of_a_million_rows_has_the_same_bits_at_1_and_4_threads(compiled):
    sql = (
        f"select {compiled['exact_sum']} from (select sin(i) * 1000 as x from range(1000000) r(i))"
    )
    assert _one(sql, threads=1) == _one(sql, threads=4)


def test_exact_sum_beyond_its_range_is_an_error(compiled):
    with pytest.raises(duckdb.Error):
        _one(f"select {compiled['exact_sum']} from (select 1e14::double as x)")
