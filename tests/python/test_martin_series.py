"""The ``martin_series`` input (E of ``fct_martin_resilience``): contract and pre-flight.

:func:`resilience.validate.validate_martin_series` names file, line, unit, year and column
of every problem before dbt runs; ``resilience build --input martin_series=FILE`` (and
``--inputs DIR`` holding ``martin_series.csv``) run it through ``validate_inputs``. The
Martin computation itself is tested by the dbt unit tests in
``models/marts/spillovers/fct_martin_resilience.yml`` and, on real GSP, by
``tests/python/test_example_us.py``.
"""

from __future__ import annotations

import pytest

from resilience import inputs, project_vars
from resilience.validate import validate_inputs, validate_martin_series

WINDOW = (1979, 1982, 1986)
GOOD = "unit_id,year,value\n" + "".join(
    f"{unit},{year},{value}\n"
    for unit, values in (("TX", (128, 128, 192)), ("NY", (128, 64, 72)))
    for year, value in zip(WINDOW, values, strict=True)
)


def check(tmp_path, text: str, window=WINDOW) -> list[str]:
    path = tmp_path / "martin_series.csv"
    path.write_text(text, encoding="utf-8")
    problems: list = []
    validate_martin_series(path, problems, window)
    return [p.format().replace(f"{path}", "F") for p in problems]


def test_the_contract_is_an_optional_input_with_its_own_path_var():
    spec = inputs.BY_NAME["martin_series"]
    assert (spec.var, spec.optional, spec.key) == ("martin_series_path", True, ("unit_id", "year"))
    assert spec.source == ""  # no source to skip: null falls back to provincial real GDP
    assert "martin_series_path" in project_vars.OPTION_VARS  # set with --input, not --var


def test_a_good_series_has_no_problem(tmp_path):
    assert check(tmp_path, GOOD) == []
    assert check(tmp_path, GOOD + "TX,1980,130.5\n") == []  # years outside the window are fine


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda t: t.replace("NY,1982,64", "NY,1982,6,4"),
            "F:6: unit NY, year 1982: the line has 4 cells but the header has 3",
        ),
        (
            lambda t: t.replace("NY,1982,64", "NY,1982,n/a"),
            "F:6: unit NY, year 1982, column value: value 'n/a' is not a number",
        ),
        (
            lambda t: t.replace("NY,1982,64", "NY,1982,-64"),
            "F:6: unit NY, year 1982, column value: value -64 must be positive",
        ),
        (
            lambda t: t.replace("NY,1982,64", "NY,82,64"),
            "F:6: unit NY, year 82, column year: year '82' is not a four-digit year",
        ),
        (
            lambda t: t.replace("NY,1982,64", "New York,1982,64"),
            "F:6: unit New York, year 1982, column unit_id: unit_id 'New York' is not a plain identifier",
        ),
        (lambda t: t + "TX,1979,1\n", "F:8: unit TX, year 1979: duplicate row (same unit_id, year"),
        (
            lambda t: t.replace("unit_id,", "state,"),
            "F: missing column 'unit_id'; expected columns unit_id, year, value",
        ),
    ],
)
def test_each_problem_names_line_unit_year_and_column(tmp_path, edit, expected):
    problems = check(tmp_path, edit(GOOD))
    assert any(p.startswith(expected) for p in problems), problems


def test_a_unit_missing_a_window_year_is_named(tmp_path):
    problems = check(tmp_path, GOOD.replace("NY,1982,64\n", ""))
    assert problems == [
        "F: unit NY, year 1982, column value: no value for a year of the Martin window "
        "1979-1982-1986 (vars martin_shock_start, martin_shock_end, martin_recovery_end); "
        "every unit needs all three"
    ]
    assert check(tmp_path, GOOD.replace("NY,1982,64", "NY,1982,"))[0].startswith(
        "F: unit NY, year 1982, column value: no value for a year of the Martin window"
    )


def test_validate_inputs_checks_the_series_against_the_window_vars(tmp_path):
    path = tmp_path / "martin_series.csv"
    path.write_text(GOOD, encoding="utf-8")
    # the default window 2008-2009-2012 is not in the file: every unit-year is named
    problems = validate_inputs(tables={"martin_series": path})
    assert sorted((p.unit, p.year) for p in problems) == [
        (u, y) for u in ("NY", "TX") for y in ("2008", "2009", "2012")
    ]
    window = {"martin_shock_start": "1979", "martin_shock_end": "1982"}
    window["martin_recovery_end"] = "1986"
    assert validate_inputs(var_overrides=window, tables={"martin_series": path}) == []
