"""The in-house generic data tests (tests/dbt/generic/) pass on good tables and fail on bad.

dbt renders every test once (one `dbt compile --inline`); the SQL then runs in DuckDB on
small tables built here. A generic test fails when its query returns rows, so each case
states how many rows a good and a bad table must return.
"""

from __future__ import annotations

import duckdb
import pytest

from conftest import run_dbt

pytestmark = pytest.mark.slow

SEPARATOR = "-- next test --"

CASES = {
    "unique": "test_unique_combination_of_columns(model='t', combination_of_columns=['u', 'y'])",
    "expression": "test_expression_is_true(model='t', expression='x >= 0')",
    "expression_where": "test_expression_is_true(model='t', expression='x >= 0', where_clause='u = 1')",
    "range": "test_accepted_range(model='t', column_name='x', min_value=0, max_value=1)",
    "range_tolerance": (
        "test_accepted_range(model='t', column_name='x', min_value=0, max_value=1, tolerance=0.5)"
    ),
    "sums": "test_sums_to_value(model='t', column_name='x', group_by=['y'], value=1, tolerance=1e-9)",
    "count": "test_row_count_where(model='t', condition='u = 1', expected=2)",
    "balanced": (
        "test_balanced_panel(model='t', unit_column='u', year_column='y', first_year=2000, "
        "last_year=2001)"
    ),
}

GOOD = "select * from (values (1, 2000, 0.25), (1, 2001, 0.5), (2, 2000, 0.75), (2, 2001, 0.5)) as v(u, y, x)"

# (bad table, rows the test must return on it)
BAD = {
    "unique": ("select * from (values (1, 2000, 0.5), (1, 2000, 0.5)) as v(u, y, x)", 1),
    "expression": ("select * from (values (1, 2000, -1.0), (2, 2000, null)) as v(u, y, x)", 2),
    "expression_where": (
        "select * from (values (1, 2000, -1.0), (2, 2000, -1.0)) as v(u, y, x)",
        1,
    ),
    "range": (
        "select * from (values (1, 2000, 1.5), (1, 2001, -0.1), (2, 2000, null)) as v(u, y, x)",
        3,
    ),
    "range_tolerance": ("select * from (values (1, 2000, 1.4), (1, 2001, 1.6)) as v(u, y, x)", 1),
    "sums": (
        "select * from (values (1, 2000, 0.6), (2, 2000, 0.5), (1, 2001, null)) as v(u, y, x)",
        2,
    ),
    "count": ("select * from (values (1, 2000, 0.5)) as v(u, y, x)", 1),
    "balanced": (
        "select * from (values (1, 2000, 0.5), (2, 2000, 0.5), (2, 2003, 0.5)) as v(u, y, x)",
        3,
    ),
}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, built_warehouse):
    tmp = tmp_path_factory.mktemp("generic_tests")
    inline = f"\n{SEPARATOR}\n".join("{{ " + call + " }}" for call in CASES.values())
    proc = run_dbt(["compile", "--quiet", "--inline", inline], built_warehouse, tmp)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    pieces = proc.stdout.strip().split(SEPARATOR)
    assert len(pieces) == len(CASES)
    return dict(zip(CASES, pieces, strict=True))


def failing_rows(sql: str, table: str) -> int:
    with duckdb.connect() as con:
        con.execute(f"create table t as {table}")
        return len(con.execute(sql).fetchall())


@pytest.mark.parametrize("case", sorted(CASES))
def test_passes_on_a_good_table(rendered, case):
    assert failing_rows(rendered[case], GOOD) == 0


@pytest.mark.parametrize("case", sorted(CASES))
def test_fails_on_a_bad_table_with_the_offending_rows(rendered, case):
    table, expected = BAD[case]
    assert failing_rows(rendered[case], table) == expected


def test_index_role_defined_fails_only_when_the_system_lacks_the_panel_index(
    tmp_path, built_warehouse
):
    # var export_panel_index is 'dataflow' on the defaults
    call = "{{ test_index_role_defined(model='t', role='export_panel', systems='s') }}"
    proc = run_dbt(["compile", "--quiet", "--inline", call], built_warehouse, tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    sql = proc.stdout.strip()
    for systems, expected in [(["resilience", "dataflow"], []), (["resilience"], ["dataflow"])]:
        with duckdb.connect() as con:
            con.execute(GOOD.join(["create table t as ", ""]))
            con.execute("create table s (index_name varchar)")
            con.executemany("insert into s values (?)", [[name] for name in systems])
            rows = con.execute(sql).fetchall()
        assert [r[1] for r in rows] == expected
        assert all(r[0] == "export_panel_index" and r[2] == 4 for r in rows)
