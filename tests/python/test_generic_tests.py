"""The in-house generic data tests (tests/dbt/generic/) pass on good tables and fail on bad.

Every data test declares its failure message (``meta.message``), checked on the manifest.

dbt renders every test once (one `dbt compile --inline`); the SQL then runs in DuckDB on
small tables built here. A generic test fails when its query returns rows, so each case
states how many rows a good and a bad table must return.
"""

from __future__ import annotations

import json

import duckdb
import pytest

from conftest import run_dbt
from resilience.dbt import describe_failure, failure_text

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


# ---- failure messages: every data test declares its own in meta.message ------------------


@pytest.fixture(scope="module")
def manifest(tmp_path_factory, built_warehouse):
    tmp = tmp_path_factory.mktemp("generic_tests_parse")
    proc = run_dbt(["parse"], built_warehouse, tmp)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads((tmp / "target" / "manifest.json").read_text())


def test_every_data_test_declares_its_failure_message(manifest):
    # resilience build names a failing row with its test's meta.message; a new test (or a
    # new kind of generic test) without one would fail with no words
    tests = [n for n in manifest["nodes"].values() if n["resource_type"] == "test"]
    assert len(tests) > 100
    silent = sorted(n["name"] for n in tests if not (n["config"].get("meta") or {}).get("message"))
    assert silent == []


def _node(manifest, name):
    return next(n for n in manifest["nodes"].values() if n["name"] == name)


# (test, a failing row, the message; the texts resilience build has always shown)
MESSAGES = [
    ("not_null_stg_inputs__province_accounts_exports_usd_mn", {"exports_usd_mn": None},
     "missing value in column exports_usd_mn"),
    ("unique_stg_inputs__exchange_rates_year", {"unique_field": 2010, "n_records": 2},
     "year = 2010 is not unique (2 rows)"),
    ("accepted_values_int_rd_expenditures_deflated_economy_kind__country__province",
     {"value_field": "city", "n_records": 3},
     "economy_kind = 'city' is not one of country, province"),
    ("relationships_stg_inputs__province_rd_province_code__province_code__ref_stg_reference__provinces_",
     {"from_field": "990000"},
     "province_code = '990000' not found in ref('stg_reference__provinces').province_code"),
    ("accepted_range_panel_spillover_resilience_res__1__0", {"res": None},
     "res = None outside [0, 1]"),
    ("accepted_range_panel_spillover_resilience_res__1__0", {"res": 1.5},
     "res = 1.5 outside [0, 1]"),
    ("index_weights_sum_to_one", {"total": None}, "weight sums to None, not 1"),
    ("unique_combination_of_columns_stg_inputs__indicator_values_unit_id__year__indicator",
     {"n_rows": 2}, "duplicate rows: 2 rows share the same unit_id, year, indicator"),
    ("panel_dataflow_export_all_31_provinces",
     {"expected_rows": 465, "actual_rows": 450, "condition_text": "true"},
     "expected 465 rows where true, found 450"),
    ("balanced_panel_stg_inputs__province_accounts_over_the_model_years",
     {"problem": "missing year"}, "unbalanced panel: missing year"),
    ("expression_is_true_int_index_variant_scores_computed_score___is_finite_score_",
     {"score": float("nan")}, "fails the check `{{ is_finite('score') }}`"),
    ("indicator_values_non_numeric", {"value_text": "1,234"},
     "fails the check `not (value_text is not null and value is null)`"),
    ("expression_is_true_stg_inputs__indicator_values_value__value_is_not_null_or_value_text_is_null",
     {"value_text": "…"}, "value '…' is not a number; leave the cell empty for a missing value"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "row", "message"), MESSAGES)
def test_a_failing_row_is_named_by_its_tests_message(manifest, name, row, message):
    assert failure_text(_node(manifest, name), row) == message


INDICATOR_COLUMN_KINDS = {"not_null", "accepted_range", "expression_is_true"}
"""The generic tests whose column is the failing cell's indicator (a wide input's column)."""


def test_the_tests_that_name_their_column_as_indicator_say_so_in_meta(manifest):
    # describe_failure takes the indicator from the tested column only when the test's meta
    # says so; the flag lives with the test in dbt, not in a list of kinds in Python
    kinds: dict[str, set[bool]] = {}
    for node in manifest["nodes"].values():
        kind = (node.get("test_metadata") or {}).get("name")
        if node["resource_type"] == "test" and kind:
            flag = bool((node["config"].get("meta") or {}).get("column_is_indicator"))
            kinds.setdefault(kind, set()).add(flag)
    assert {k for k, flags in kinds.items() if True in flags} == INDICATOR_COLUMN_KINDS
    assert all(flags == {True} for k, flags in kinds.items() if k in INDICATOR_COLUMN_KINDS)


@pytest.mark.parametrize(
    ("name", "row", "indicator"),
    [
        ("not_null_stg_inputs__province_accounts_exports_usd_mn",
         {"province_code": "110000", "year": 2010, "exports_usd_mn": None}, "exports_usd_mn"),
        ("unique_stg_inputs__exchange_rates_year", {"unique_field": 2010, "n_records": 2}, None),
    ],
)  # fmt: skip
def test_a_failure_names_the_indicator_only_where_the_test_says_its_column_is_one(
    manifest, name, row, indicator
):
    text = describe_failure(_node(manifest, name), row, manifest, {})
    assert ("indicator " in text) is (indicator is not None)
    if indicator:
        assert "unit 110000, year 2010, indicator exports_usd_mn: missing value" in text


def test_message_literal_doubles_braces(tmp_path, built_warehouse):
    call = "{{ message_literal('a {b} c}') }}|{{ message_literal(['x', 'y'] | join(', ')) }}"
    proc = run_dbt(["compile", "--quiet", "--inline", call], built_warehouse, tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip() == "a {{b}} c}}|x, y"
