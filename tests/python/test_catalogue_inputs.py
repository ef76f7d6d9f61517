"""Failure catalogue, inputs: bad raw files given to ``resilience build`` (pre-flight, exit 2).

Each case names the exact one-line message; the harness (failure_catalogue.py) checks the
exit code and that the warehouse copy is untouched afterwards.
"""

from __future__ import annotations

import pytest

from failure_catalogue import Case, run_case

pytestmark = pytest.mark.slow

HEADER = "unit_id,year,indicator,value\n"

CASES = [
    Case(
        id="values_na_cell",
        argv=("build", "--db", "{db}", "--input", "indicator_values={tmp}/values.csv"),
        files={"values.csv": HEADER + "110000,2003,gdp_per_capita,NA\n"},
        exit_code=2,
        message="error: {tmp}/values.csv:2: unit 110000, year 2003, indicator gdp_per_capita: "
        "value 'NA' is not a number",
        prefix=True,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_catalogue_inputs(case, cli_built_warehouse, tmp_path):
    run_case(case, cli_built_warehouse, tmp_path)
