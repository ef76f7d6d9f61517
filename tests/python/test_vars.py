"""Every dbt var can be set, as text, and a bad value is refused before dbt runs.

* ``resilience build --var k=v`` (strings, as a user types them): each var typed from its
  rule (``var_rules`` in dbt_project.yml, :mod:`resilience.project_vars`) reaches dbt as
  typed JSON; a value out of range, of the wrong type or not one of the listed words is
  one line on stderr with exit code 2, before dbt runs (fast: dbt is never started).
* macro ``typed_var`` applies the same rules to ``dbt build --vars`` given as strings
  (slow: dbt compile).
* every setting changed at once -- as strings -- still builds a consistent, fully tested
  warehouse, and so do moved panel years through ``resilience build --var`` (slow).
"""

from __future__ import annotations

import json
import shutil

import duckdb
import pytest
import yaml
from typer.testing import CliRunner

from conftest import PROJECT_ROOT, run_dbt
from resilience import build as build_module
from resilience import dbt as dbt_module
from resilience import project_vars
from resilience.cli import app

runner = CliRunner()
SAMPLES = "seeds/reference/index_samples.csv"
ACCOUNTS = PROJECT_ROOT / "data" / "demo" / "province_accounts.csv"

# (var, text typed on the command line, value dbt must receive)
TYPED_OK = [
    ("index_zero_policy", "limit", "limit"),
    ("index_shift_c", "0.001", 0.001),
    ("index_shift_c", "1e-05", 1e-05),
    ("index_scope", "per_year", "per_year"),
    ("index_subscore_form", "renormalised", "renormalised"),
    ("index_edge_fill", "false", False),
    ("index_edge_fill", "TRUE", True),
    ("index_pca_components", "first", "first"),
    ("index_normalisation", "rank", "rank"),
    ("index_weighting", "critic", "critic"),
    ("index_aggregation", "topsis", "topsis"),
    ("index_coupling_alpha", "weight", "weight"),
    ("sensitivity_replications", "1000", 1000),
    ("sensitivity_seed", "7", 7),
    ("rd_base_year", "2003", 2003),
    ("rd_base_year", "2005", 2005),
    ("rd_depreciation", "0.15", 0.15),
    ("rd_growth_method", "log_mean", "log_mean"),
    ("rd_gestation_lag", "1", 1),
    ("spillover_denominator", "gfcf", "gfcf"),
    ("chen_first_year", "2004", 2004),
    ("chen_last_year", "2018", 2018),
    ("martin_shock_start", "2007", 2007),
    ("martin_shock_end", "2010", 2010),
    ("martin_recovery_end", "2013", 2013),
    ("export_base_year", "2007", 2007),
    ("hp_lambda", "100", 100.0),
    ("hp_log_rule", "absolute", "absolute"),
    ("ftz_by_year", "2018", 2018),
    ("wl_first_year", "2010", 2010),
    ("wl_last_year", "2022", 2022),
    ("province_rd_base_year", "2012", 2012),
]

# (var=text, the message after "error: --var: ")
REFUSED = [
    # the cell-reading rule shared by the pre-flight and staging (a mapping var)
    (
        "cell_rules=x",
        "var cell_rules cannot be set: it is a fixed rule of the project (dbt_project.yml)",
    ),
    # full-width digits are not a number, in a var as in a cell
    (
        "hp_lambda=６.25",
        "var hp_lambda value '６.25' is not a plain number or word; rejected, it is never "
        "passed to SQL",
    ),
    (
        "wl_first_year=２０１０",
        "var wl_first_year value '２０１０' is not a plain number or word; rejected, it is never "
        "passed to SQL",
    ),
    # out of range
    ("index_shift_c=0", "var index_shift_c=0 must lie in (0, 1]"),
    ("rd_depreciation=1", "var rd_depreciation=1 must lie in (0, 1)"),
    ("rd_depreciation=-0.1", "var rd_depreciation=-0.1 must lie in (0, 1)"),
    ("rd_gestation_lag=2", "var rd_gestation_lag=2 must lie in [0, 1]"),
    ("sensitivity_replications=1", "var sensitivity_replications=1 must lie in [2, 100000]"),
    ("sensitivity_seed=-1", "var sensitivity_seed=-1 must be >= 0"),
    ("hp_lambda=-1", "var hp_lambda=-1 must be > 0"),
    ("hp_lambda=0", "var hp_lambda=0 must be > 0"),
    ("rd_base_year=2020", "var rd_base_year=2020 must not be after chen_last_year=2019"),
    (
        "chen_first_year=2002",
        f"var chen_first_year=2002 must lie in [2003, 2019], the years of index resilience in "
        f"{SAMPLES}",
    ),
    (
        "chen_last_year=2020",
        f"var chen_last_year=2020 must lie in [2003, 2019], the years of index resilience in "
        f"{SAMPLES}",
    ),
    ("martin_shock_start=2009", "var martin_shock_end=2009 must be after martin_shock_start=2009"),
    ("martin_shock_end=2008", "var martin_shock_end=2008 must be after martin_shock_start=2008"),
    (
        "martin_recovery_end=2009",
        "var martin_recovery_end=2009 must be after martin_shock_end=2009",
    ),
    ("ftz_by_year=1850", "var ftz_by_year=1850: expected a year (an integer such as 2003)"),
    (
        "province_rd_base_year=2010.0",
        "var province_rd_base_year=2010.0: expected a year (an integer such as 2003)",
    ),
    (
        "wl_first_year=2008",
        f"var wl_first_year=2008 must lie in [2009, 2023], the years of index dataflow in "
        f"{SAMPLES}",
    ),
    (
        "wl_last_year=2024",
        f"var wl_last_year=2024 must lie in [2009, 2023], the years of index dataflow in {SAMPLES}",
    ),
    # wrong type
    ("index_shift_c=tiny", "var index_shift_c=tiny: expected a finite number"),
    ("index_shift_c=inf", "var index_shift_c=inf: expected a finite number"),
    ("index_shift_c=1e400", "var index_shift_c=1e400: expected a finite number"),
    ("index_shift_c=1e308", "var index_shift_c=1e308 must lie in (0, 1]"),
    ("hp_lambda=nan", "var hp_lambda=nan: expected a finite number"),
    ("rd_depreciation=ten", "var rd_depreciation=ten: expected a finite number"),
    ("index_edge_fill=no", "var index_edge_fill=no: expected true or false"),
    ("rd_gestation_lag=one", "var rd_gestation_lag=one: expected an integer"),
    ("rd_base_year=2003.5", "var rd_base_year=2003.5: expected a year (an integer such as 2003)"),
    (
        "chen_first_year=2004a",
        "var chen_first_year=2004a: expected a year (an integer such as 2003)",
    ),
    ("chen_last_year=last", "var chen_last_year=last: expected a year (an integer such as 2003)"),
    ("martin_shock_start=s", "var martin_shock_start=s: expected a year (an integer such as 2003)"),
    ("martin_shock_end=e", "var martin_shock_end=e: expected a year (an integer such as 2003)"),
    (
        "martin_recovery_end=r",
        "var martin_recovery_end=r: expected a year (an integer such as 2003)",
    ),
    (
        "export_base_year=base",
        "var export_base_year=base: expected a year (an integer such as 2003)",
    ),
    (
        "ftz_by_year=province_code",
        "var ftz_by_year=province_code: expected a year (an integer such as 2003)",
    ),
    ("wl_first_year=first", "var wl_first_year=first: expected a year (an integer such as 2003)"),
    ("wl_last_year=2023.0", "var wl_last_year=2023.0: expected a year (an integer such as 2003)"),
    # unknown word
    (
        "index_zero_policy=zero",
        "var index_zero_policy=zero: expected one of shift, shift_if_zero, limit",
    ),
    ("index_scope=global", "var index_scope=global: expected one of pooled, per_year"),
    (
        "index_normalisation=minmax",
        "var index_normalisation=minmax: expected one of min_max, z_score, rank",
    ),
    (
        "index_weighting=pca",
        "var index_weighting=pca: expected one of entropy, equal, cv, critic, given",
    ),
    (
        "index_aggregation=sum",
        "var index_aggregation=sum: expected one of arithmetic, geometric, topsis",
    ),
    (
        "index_coupling_alpha=1",
        "var index_coupling_alpha=1: expected one of equal, weight",
    ),
    (
        "index_subscore_form=renormalized",
        "var index_subscore_form=renormalized: expected one of sum, renormalised",
    ),
    (
        "index_pca_components=second",
        "var index_pca_components=second: expected one of kaiser, first",
    ),
    (
        "rd_growth_method=arithmetic",
        "var rd_growth_method=arithmetic: expected one of geometric, log_mean",
    ),
    ("spillover_denominator=gnp", "var spillover_denominator=gnp: expected one of gdp, gfcf"),
    ("hp_log_rule=abs", "var hp_log_rule=abs: expected one of positive_only, absolute"),
    # years out of order with each other, names and how vars are passed
    (
        "chen_last_year=2003",
        "var chen_last_year=2003 must not be before chen_first_year=2004",
    ),
    ("rd_deprecation=0.1", "unknown var rd_deprecation; known vars are in dbt_project.yml"),
    (
        "index_scope=pooled'; drop table marts.fct_index_scores; --",
        'var index_scope value "pooled\'; drop table marts.fct_index_scores; --" is not a plain '
        "number or word; rejected, it is never passed to SQL",
    ),
    (
        "indicator_values_path=x.csv",
        "var indicator_values_path is set with --values (or --inputs DIR), not --var",
    ),
    (
        "indicator_system_path=x.csv",
        "var indicator_system_path is set with --system (or --inputs DIR), not --var",
    ),
]
EXTRA = {"chen_last_year=2003": ["chen_first_year=2004"]}
"""Further --var options a refused case needs (its partner in a pair of years)."""


def project_var_names() -> list[str]:
    return list(project_vars.defaults())


def build_cli(tmp_path, *options):
    """Run ``resilience build --db <tmp> --var ...``; return the CliRunner result."""
    args = ["build", "--db", str(tmp_path / "w.duckdb")]
    for opt in options:
        args += ["--var", opt]
    return runner.invoke(app, args)


@pytest.fixture()
def dbt_vars_seen(monkeypatch):
    """Stand in for dbt: record the ``--vars`` JSON that build passes, then stop (exit 5)."""
    seen = {}

    def fake_run_dbt(args, *rest, **kwargs):
        seen.update(json.loads(args[args.index("--vars") + 1]) if "--vars" in args else {})
        return 2, ["dbt stand-in: stopped after recording --vars"]

    monkeypatch.setattr(dbt_module, "run", fake_run_dbt)
    return seen


@pytest.mark.parametrize(
    ("name", "text", "value"), TYPED_OK, ids=[f"{n}={t}" for n, t, _ in TYPED_OK]
)
def test_a_var_typed_on_the_command_line_reaches_dbt_typed(
    tmp_path, dbt_vars_seen, name, text, value
):
    result = build_cli(tmp_path, f"{name}={text}")
    assert result.exit_code == 5, result.output  # the stand-in dbt "could not run"
    assert dbt_vars_seen == {name: value}
    assert type(dbt_vars_seen[name]) is type(value)


def test_every_var_has_a_typed_ok_case_and_a_refused_case():
    declared = yaml.safe_load((PROJECT_ROOT / "dbt_project.yml").read_text())["vars"]["var_rules"]
    settable = set(declared)  # vars without a rule: test_a_var_without_a_rule_...
    assert settable <= {n for n, _, _ in TYPED_OK}
    refused = {opt.partition("=")[0] for opt, _ in REFUSED}
    assert settable <= refused


@pytest.mark.parametrize(("option", "message"), REFUSED, ids=[o for o, _ in REFUSED])
def test_a_bad_var_is_one_line_and_exit_2_before_dbt_runs(tmp_path, dbt_vars_seen, option, message):
    result = build_cli(tmp_path, *EXTRA.get(option, []), option)
    failed = build_module.failed_path((tmp_path / "w.duckdb").resolve())
    assert result.exit_code == 2, result.output
    assert [line for line in result.output.splitlines() if line.strip()] == [
        f"error: --var: {message}; all rows in {failed} (table test_failures.preflight_problems)"
    ]
    assert dbt_vars_seen == {}  # dbt never started


@pytest.mark.parametrize("name", [n for n in project_var_names() if n.endswith("_path")])
def test_an_input_path_is_set_with_its_option_not_with_var(tmp_path, dbt_vars_seen, name):
    result = build_cli(tmp_path, f"{name}=my data/file.csv")
    assert result.exit_code == 2
    assert f"--var: var {name} is set with {project_vars.OPTION_VARS[name]}, not --var" in (
        " ".join(result.output.split())
    )
    assert dbt_vars_seen == {}


def test_an_input_path_with_a_quote_is_refused_before_dbt(tmp_path, dbt_vars_seen):
    bad = tmp_path / "it's.csv"
    bad.write_text("year,cny_per_usd\n")
    result = runner.invoke(
        app, ["build", "--db", str(tmp_path / "w.duckdb"), "--input", f"exchange_rates={bad}"]
    )
    assert result.exit_code == 2
    assert f"{bad}: the path contains a quote character; rename the file" in " ".join(
        result.output.split()
    )
    assert dbt_vars_seen == {}


def test_every_default_satisfies_its_rule():
    rules = project_vars.rules()
    declared = yaml.safe_load((PROJECT_ROOT / "dbt_project.yml").read_text())["vars"]["var_rules"]
    assert set(declared) <= set(rules), "a rule for a var that does not exist"
    for name, default in project_vars.defaults().items():
        assert project_vars.coerce(name, default, rules[name]) == default, name


def test_a_var_without_a_rule_takes_the_type_of_its_default(tmp_path):
    """A var added later (an index role, a new input) without a var_rules entry."""
    shutil.copy(PROJECT_ROOT / "dbt_project.yml", tmp_path / "dbt_project.yml")
    (tmp_path / "seeds/reference").mkdir(parents=True)
    shutil.copy(PROJECT_ROOT / SAMPLES, tmp_path / SAMPLES)
    text = (tmp_path / "dbt_project.yml").read_text()
    added = "  new_flag: false\n  new_count: 3\n  new_rate: 0.5\n  new_role: lead\n  new_thing_path: null\n"
    (tmp_path / "dbt_project.yml").write_text(text.replace("vars:\n", "vars:\n" + added, 1))
    typed, problems = project_vars.check_overrides(
        {
            "new_flag": "true",
            "new_count": "4",
            "new_rate": "0.25",
            "new_role": "lag",
            "new_thing_path": "a.csv",
        },
        tmp_path,
    )
    assert problems == []
    assert typed == {
        "new_flag": True,
        "new_count": 4,
        "new_rate": 0.25,
        "new_role": "lag",
        "new_thing_path": "a.csv",
    }
    _, problems = project_vars.check_overrides({"new_count": "four", "new_role": "x;y"}, tmp_path)
    assert [p.message for p in problems] == [
        "var new_count=four: expected an integer",
        "var new_role value 'x;y' is not a plain number or word; rejected, it is never passed to SQL",
    ]


# ---------------------------------------------------------------- typed_var in dbt (slow)


def compile_inline(tmp_path, sql: str, dbt_vars: dict):
    return run_dbt(
        ["compile", "--inline", sql, "--vars", json.dumps(dbt_vars)],
        tmp_path / "x.duckdb",
        tmp_path,
    )


@pytest.mark.slow
def test_typed_var_types_strings_from_dbt_vars(tmp_path):
    names = [
        "index_edge_fill",
        "rd_base_year",
        "hp_lambda",
        "index_scope",
        "rd_depreciation",
    ]
    sql = "select " + ", ".join(
        f"'{{% set v = typed_var('{n}') %}}{{{{ v }}}}|{{{{ 'bool' if v is boolean else 'int' "
        f"if v is integer else 'float' if v is float else 'str' }}}}' as {n}"
        for n in names
    )
    proc = compile_inline(
        tmp_path,
        sql,
        {
            "index_edge_fill": "false",
            "rd_base_year": "2005",
            "hp_lambda": "100",
            "index_scope": "per_year",
            "rd_depreciation": "0.9999",
        },
    )
    assert proc.returncode == 0, proc.stdout[-3000:]
    compiled = proc.stdout[proc.stdout.index("select") :]
    for expected in (
        "'False|bool'",
        "'2005|int'",
        "'100.0|float'",
        "'per_year|str'",
        "'0.9999|float'",
    ):
        assert expected in compiled, compiled


@pytest.mark.slow
@pytest.mark.parametrize(
    ("dbt_vars", "message"),
    [
        ({"index_edge_fill": "no"}, "var index_edge_fill=no: expected true or false"),
        ({"rd_depreciation": "1"}, "var rd_depreciation=1 must lie in (0, 1)"),
        ({"hp_lambda": -1}, "var hp_lambda=-1 must be > 0"),
        (
            {"ftz_by_year": "province_code"},
            "var ftz_by_year=province_code: expected a year (an integer such as 2003)",
        ),
        ({"index_scope": "global"}, "var index_scope=global: expected one of pooled, per_year"),
        (
            {"martin_shock_end": "2008"},
            "var martin_shock_end=2008 must be after martin_shock_start=2008",
        ),
    ],
    ids=["bool", "open-bound", "lambda", "year-word", "enum", "order"],
)
def test_typed_var_refuses_a_bad_value_at_compile_time(tmp_path, dbt_vars, message):
    name = next(iter(dbt_vars))
    proc = compile_inline(tmp_path, f"select '{{{{ typed_var('{name}') }}}}'", dbt_vars)
    assert proc.returncode != 0
    assert message in proc.stdout, proc.stdout[-3000:]


# ---------------------------------------------------------------- whole builds (slow)

NON_DEFAULT = {  # strings, as `dbt build --vars` may give them: typed_var types them
    "index_zero_policy": "limit",
    "index_scope": "per_year",
    "index_subscore_form": "renormalised",
    "index_edge_fill": "true",
    "index_pca_components": "first",
    "rd_depreciation": "0.15",
    "rd_growth_method": "log_mean",
    "rd_gestation_lag": "1",
    "spillover_denominator": "gfcf",
    "export_base_year": "2007",
    "hp_lambda": "100",
    "hp_log_rule": "positive_only",
    "ftz_by_year": "2018",
}


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("vars")
    db = tmp / "warehouse.duckdb"
    proc = run_dbt(["build", "--vars", json.dumps(NON_DEFAULT)], db, tmp)
    assert proc.returncode == 0, proc.stdout[-5000:]
    return db


@pytest.fixture(scope="module")
def moved_years(tmp_path_factory):
    """`resilience build --var chen_first_year=2004 --var rd_base_year=2005 --var wl_first_year=2010`."""
    db = tmp_path_factory.mktemp("years") / "warehouse.duckdb"
    result = runner.invoke(
        app,
        [
            "build",
            "--db",
            str(db),
            "--var",
            "chen_first_year=2004",
            "--var",
            "rd_base_year=2005",
            "--var",
            "wl_first_year=2010",
        ],
    )
    assert result.exit_code == 0, result.output[-5000:]
    return db


def rows(db, sql):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.mark.slow
def test_index_settings_are_recorded_beside_the_weights(rebuilt):
    assert rows(rebuilt, "select distinct zero_policy, scope from marts.fct_index_weights") == [
        ("limit", "per_year")
    ]
    # no shift under limit, so none is recorded (the var keeps its default 0.0001)
    assert rows(rebuilt, "select count(shift_c) from marts.fct_index_weights") == [(0,)]
    # per-year scope: one weight set per index and year, each summing to 1
    sums = rows(
        rebuilt,
        "select index_name, year, sum(weight) from marts.fct_index_weights group by all",
    )
    assert len(sums) == (2019 - 2003 + 1) + (2023 - 2009 + 1)
    assert all(abs(total - 1) < 1e-12 for _, _, total in sums)


@pytest.mark.slow
def test_spillover_parameters_are_recorded(rebuilt):
    recorded = dict(rows(rebuilt, "select parameter, value from marts.dim_spillover_parameters"))
    assert recorded["rd_depreciation"] == "0.15"
    assert recorded["rd_growth_method"] == "log_mean"
    assert recorded["rd_gestation_lag"] == "1"
    assert recorded["spillover_denominator"] == "gfcf"


@pytest.mark.slow
def test_export_settings_reach_the_panel_and_diagnostics(rebuilt):
    assert rows(
        rebuilt, "select distinct hp_lambda, hp_log_rule from marts.fct_export_hp_diagnostics"
    ) == [(100.0, "positive_only")]
    # FTZ by 2018: the 12 provinces of the 2013, 2015, 2017 and 2018 waves (not the 2019 wave)
    assert rows(
        rebuilt,
        "select count(distinct province_code) from marts.panel_dataflow_export "
        "where in_paper_sample and is_ftz_province",
    ) == [(12,)]
    # exp_res is zero exactly in the new base year
    assert rows(
        rebuilt,
        "select count(*) from intermediate.int_exports_rebased where exp_res = 0 and year <> 2007",
    ) == [(0,)]


@pytest.mark.slow
def test_moved_panel_years_build_and_reach_the_marts(moved_years):
    # Chen panel from max(chen_first_year, rd_base_year) = 2005, all 31 provinces
    assert rows(
        moved_years, "select min(year), max(year), count(*) from marts.panel_spillover_resilience"
    ) == [(2005, 2019, 31 * 15)]
    # Wang & Lu panel from 2010: 31 provinces x 14 years, 30 in the paper sample
    assert rows(
        moved_years,
        "select min(year), max(year), count(*), count(*) filter (where in_paper_sample) "
        "from marts.panel_dataflow_export",
    ) == [(2010, 2023, 31 * 14, 30 * 14)]
    recorded = dict(
        rows(moved_years, "select parameter, value from marts.dim_spillover_parameters")
    )
    assert (
        recorded["chen_first_year"],
        recorded["rd_base_year"],
        recorded["panel_first_year"],
    ) == ("2004", "2005", "2005")
    assert rows(moved_years, "select distinct price_base_year from marts.fct_spillover_pools") == [
        (2005,)
    ]


# A year var that moves a window beyond the input files: the pre-flight of the inputs names
# the first missing row (the year var itself is valid; the data does not cover it).
OUTSIDE_DATA = [
    ("rd_base_year=2002", "unit 110000, year 2002", "2002-2023", "export_base_year=2008"),
    ("martin_shock_start=2002", "unit 110000, year 2002", "2002-2023", None),
    ("martin_recovery_end=2024", "unit 110000, year 2024", "2003-2024", None),
    ("export_base_year=2024", "unit 110000, year 2024", "2003-2024", None),
]


@pytest.mark.parametrize(("option", "where", "window", "_"), OUTSIDE_DATA)
def test_a_year_var_beyond_the_inputs_is_named_before_dbt_runs(
    tmp_path, dbt_vars_seen, option, where, window, _
):
    result = build_cli(tmp_path, option)
    assert result.exit_code == 2, result.output
    first = [line for line in result.output.splitlines() if line.strip()][0]
    assert first.startswith(
        f"error: {ACCOUNTS}: {where}: missing row: every province-year of {window} is needed "
        "(the years of the configured windows) (+"
    ), first
    assert dbt_vars_seen == {}
