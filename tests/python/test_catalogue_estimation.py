"""Failure catalogue, estimation: bad specs, formulas, data and options (exit 2).

``resilience estimate --spec``, ``regress``, ``hausman`` and ``index``: each case names the
model (spec id) or formula, the column and what to do, in one exact line; the harness
(failure_catalogue.py) checks the exit code and that the warehouse copy is untouched. No
``--where`` case may run a second statement: none leaves ``{tmp}/pwned.csv`` behind.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from failure_catalogue import Case, run_case

pytestmark = pytest.mark.slow

PANEL = "marts.panel_dataflow_export"
SPEC = "{tmp}/spec.yaml"
ESTIMATE = ("estimate", "--db", "{db}", "--spec", SPEC, "--out-dir", "{tmp}/out")
WHERE_HINT = "write a predicate on the columns of --data, e.g. 'in_paper_sample and year >= 2010'"
PWNED = "{tmp}/pwned.csv"


def spec(models: str, extra: str = "", tables: str = "t1: {columns: [m1]}") -> str:
    """A small spec on the Wang & Lu panel: defaults, the given models, one table."""
    return (
        "defaults: {panel: marts.panel_dataflow_export, sample: in_paper_sample}\n"
        f"models:\n{models}\ntables:\n  {tables}\n{extra}"
    )


M1 = "  m1: {outcome: exp_res, regressors: [data_index], controls: [edu]}\n"
MEDIATION = (
    M1 + "  m2: {outcome: isu, regressors: [data_index], controls: [edu]}\n",
    "t1: {columns: [m1, m2]}",
)


def mediation_spec(settings: str) -> str:
    return spec(MEDIATION[0], f"mediation:\n  med: {{total: m1, mediator_model: m2{settings}}}\n",
                MEDIATION[1])  # fmt: skip


def heterogeneity_spec(settings: str) -> str:
    return spec(M1, f"heterogeneity:\n  het: {{model: m1, flag: is_coastal{settings}}}\n")


def panel_csv(change=None) -> str:
    """10 units x 6 years: x, w, y, a year-only column, a constant, 2x, a text column."""
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(
        {"unit": np.repeat([f"u{i:02d}" for i in range(10)], 6),
         "year": np.tile(np.arange(2000, 2006), 10)}
    )  # fmt: skip
    frame["x"] = rng.normal(size=60).round(6)
    frame["w"] = rng.normal(size=60).round(6)
    frame["y"] = (frame.x + rng.normal(size=60)).round(6)
    frame["trend"] = (frame.year - 2000) * 0.5
    frame["one"] = 1.0
    frame["x2"] = 2 * frame.x
    frame["kind"] = np.where(frame.index % 2 == 0, "east", "west")
    if change is not None:
        frame = change(frame)
    return frame.to_csv(index=False)


def _set(row: int, column: str, value):
    def change(frame):
        frame[column] = frame[column].astype(object) if isinstance(value, str) else frame[column]
        frame.loc[row, column] = value
        return frame

    return change


def _lone_unit_year(frame):
    """Unit u09 only in 2006, a year no other unit has: the 2006 dummy is u09's effect."""
    frame = frame[frame.unit != "u09"]
    lone = frame.iloc[[0]].assign(unit="u09", year=2006)
    return pd.concat([frame, lone], ignore_index=True)


def _empty_x(frame):
    frame["x"] = np.nan
    return frame


def regress_csv(formula: str, *options: str) -> tuple[str, ...]:
    return ("regress", formula, "--data", "{tmp}/panel.csv", "--entity", "unit", *options)


def regress_panel(formula: str, *options: str) -> tuple[str, ...]:
    return ("regress", formula, "--data", PANEL, "--db", "{db}", *options)


def where_case(case_id: str, where: str, problem: str, data: str = "panel") -> Case:
    argv = (
        regress_panel("exp_res ~ data_index + EntityEffects", "--where", where)
        if data == "panel"
        else regress_csv("y ~ x + EntityEffects", "--where", where)
    )
    return Case(
        id=case_id,
        argv=argv,
        files={"panel.csv": panel_csv()},
        exit_code=2,
        message=f"error: --where {where!r} is not one boolean expression: {problem}; {WHERE_HINT}",
    )


TWO_WAY = "EntityEffects + TimeEffects"
F_COASTAL = f"exp_res ~ data_index + is_coastal + {TWO_WAY}"

CASES = [
    # ---- 1. regressors the effects absorb, or collinear ones --------------------------
    Case(
        id="spec_regressor_absorbed_by_entity_effects",
        argv=ESTIMATE,
        files={"spec.yaml": spec("  m1: {outcome: exp_res, regressors: [data_index, is_coastal]}")},
        exit_code=2,
        message="error: model 'm1': regressor 'is_coastal' is constant within each "
        "province_code, so the entity effects (EntityEffects) absorb it; drop 'is_coastal' "
        "or EntityEffects",
    ),
    Case(
        id="regress_regressor_absorbed_by_entity_effects",
        argv=regress_panel(F_COASTAL),
        exit_code=2,
        message=f"error: formula {F_COASTAL!r}: regressor 'is_coastal' is constant within "
        "each province_code, so the entity effects (EntityEffects) absorb it; drop "
        "'is_coastal' or EntityEffects",
    ),
    Case(
        id="hausman_regressor_absorbed_by_fe",
        argv=("hausman", "exp_res ~ data_index + is_coastal", "--data", PANEL, "--db", "{db}"),
        exit_code=2,
        message="error: formula 'exp_res ~ data_index + is_coastal': regressor 'is_coastal' "
        "is constant within each province_code, so the entity effects (EntityEffects) absorb "
        "it; drop 'is_coastal'",
    ),
    Case(
        id="regress_regressor_absorbed_by_time_effects",
        argv=regress_csv(f"y ~ x + trend + {TWO_WAY}"),
        files={"panel.csv": panel_csv()},
        exit_code=2,
        message=f"error: formula 'y ~ x + trend + {TWO_WAY}': regressor 'trend' varies only "
        "by year, so the time effects (TimeEffects) absorb it; drop 'trend' or TimeEffects",
    ),
    Case(
        id="regress_year_dummy_absorbed_by_entity_effects",
        argv=regress_csv(f"y ~ x + {TWO_WAY}"),
        files={"panel.csv": panel_csv(_lone_unit_year)},
        exit_code=2,
        message=f"error: formula 'y ~ x + {TWO_WAY}': the year dummy 'year_2006' "
        "(TimeEffects) is absorbed by the entity effects: no unit with a row in 2006 has a "
        "row in another year; drop those rows or TimeEffects",
    ),
    Case(
        id="regress_one_row_per_unit",
        argv=regress_panel("exp_res ~ data_index + EntityEffects", "--where", "year = 2015"),
        exit_code=2,
        message="error: formula 'exp_res ~ data_index + EntityEffects': every province_code "
        "has one row in the sample, so the entity effects (EntityEffects) absorb every "
        "regressor; use several years per province_code or drop EntityEffects",
    ),
    Case(
        id="regress_constant_regressor",
        argv=regress_csv("y ~ x + one"),
        files={"panel.csv": panel_csv()},
        exit_code=2,
        message="error: formula 'y ~ x + one': regressor 'one' is 1 in every row, so it is "
        "collinear with the constant; drop 'one'",
    ),
    Case(
        id="regress_linear_combination",
        argv=regress_csv("y ~ x + w + x2 + EntityEffects"),
        files={"panel.csv": panel_csv()},
        exit_code=2,
        message="error: formula 'y ~ x + w + x2 + EntityEffects': regressor 'x2' is a linear "
        "combination of 'x'; drop one of them",
    ),
    # ---- 2. a regressor listed twice ---------------------------------------------------
    Case(
        id="spec_regressor_also_a_control",
        argv=ESTIMATE,
        files={"spec.yaml": spec("  m1: {outcome: exp_res, regressors: [edu], controls: [edu]}")},
        exit_code=2,
        message="error: {tmp}/spec.yaml: model 'm1', key 'controls': 'edu' is listed in "
        "regressors and in controls; list each column once",
    ),
    Case(
        id="spec_control_twice",
        argv=ESTIMATE,
        files={
            "spec.yaml": spec(
                "  m1: {outcome: exp_res, regressors: [data_index], controls: [edu, gov, edu]}"
            )
        },  # fmt: skip
        exit_code=2,
        message="error: {tmp}/spec.yaml: model 'm1', key 'controls': 'edu' is listed twice "
        "in controls; list each column once",
    ),
    Case(
        id="spec_regressor_twice",
        argv=ESTIMATE,
        files={"spec.yaml": spec("  m1: {outcome: exp_res, regressors: [data_index, data_index]}")},
        exit_code=2,
        message="error: {tmp}/spec.yaml: model 'm1', key 'regressors': 'data_index' is listed "
        "twice in regressors; list each column once",
    ),
    Case(
        id="spec_regressor_in_default_controls",
        argv=ESTIMATE,
        files={
            "spec.yaml": spec("  m1: {outcome: exp_res, regressors: [gov]}").replace(
                "sample: in_paper_sample}", "sample: in_paper_sample, controls: [edu, gov]}"
            )
        },
        exit_code=2,
        message="error: {tmp}/spec.yaml: model 'm1', key 'controls': 'gov' is listed in "
        "regressors and in controls; list each column once",
    ),
    Case(
        id="regress_regressor_twice",
        argv=regress_panel(f"exp_res ~ data_index + edu + data_index + {TWO_WAY}"),
        exit_code=2,
        message=f"error: formula 'exp_res ~ data_index + edu + data_index + {TWO_WAY}': "
        "regressor 'data_index' is listed twice; list each regressor once",
    ),
    Case(
        id="hausman_regressor_twice",
        argv=("hausman", "y ~ x + x", "--data", "{tmp}/panel.csv", "--entity", "unit"),
        files={"panel.csv": panel_csv()},
        exit_code=2,
        message="error: formula 'y ~ x + x': regressor 'x' is listed twice; list each "
        "regressor once",
    ),
    # ---- 3. bootstrap and permutation settings -----------------------------------------
    *[
        Case(
            id=f"mediation_n_boot_{name}",
            argv=ESTIMATE,
            files={"spec.yaml": mediation_spec(f", n_boot: {value}")},
            exit_code=2,
            message="error: {tmp}/spec.yaml: mediation 'med', key 'n_boot': must be a whole "
            f"number of draws, at least 1, got {shown}",
        )
        for name, value, shown in (
            ("0", "0", "0"),
            ("negative", "-1", "-1"),
            ("fraction", "2.5", "2.5"),
            ("text", "many", "'many'"),
        )
    ],  # fmt: skip
    Case(
        id="heterogeneity_n_perm_0",
        argv=ESTIMATE,
        files={"spec.yaml": heterogeneity_spec(", n_perm: 0")},
        exit_code=2,
        message="error: {tmp}/spec.yaml: heterogeneity 'het', key 'n_perm': must be a whole "
        "number of draws, at least 1, got 0",
    ),
    Case(
        id="mediation_seed_negative",
        argv=ESTIMATE,
        files={"spec.yaml": mediation_spec(", seed: -5")},
        exit_code=2,
        message="error: {tmp}/spec.yaml: mediation 'med', key 'seed': must be a whole number, "
        "at least 0, got -5",
    ),
    Case(
        id="mediation_level_above_1",
        argv=ESTIMATE,
        files={"spec.yaml": mediation_spec(", level: 95")},
        exit_code=2,
        message="error: {tmp}/spec.yaml: mediation 'med', key 'level': must be a number "
        "between 0 and 1, got 95",
    ),
    # ---- 4. infinite and missing values ------------------------------------------------
    Case(
        id="regress_inf_in_regressor",
        argv=regress_csv("y ~ x + EntityEffects"),
        files={"panel.csv": panel_csv(_set(3, "x", np.inf))},
        exit_code=2,
        message="error: formula 'y ~ x + EntityEffects': column 'x' is infinite in 1 row(s), "
        "first unit u00, year 2003 (inf); replace it by a number or leave it empty (a row "
        "with a missing value is dropped)",
    ),
    Case(
        id="regress_minus_inf_in_outcome",
        argv=regress_csv(f"y ~ x + w + {TWO_WAY}"),
        files={"panel.csv": panel_csv(_set(14, "y", -np.inf))},
        exit_code=2,
        message=f"error: formula 'y ~ x + w + {TWO_WAY}': column 'y' is infinite in 1 row(s), "
        "first unit u02, year 2002 (-inf); replace it by a number or leave it empty (a row "
        "with a missing value is dropped)",
    ),
    Case(
        id="hausman_inf_in_regressor",
        argv=("hausman", "y ~ x + w", "--data", "{tmp}/panel.csv", "--entity", "unit"),
        files={"panel.csv": panel_csv(_set(20, "w", np.inf))},
        exit_code=2,
        message="error: formula 'y ~ x + w': column 'w' is infinite in 1 row(s), first unit "
        "u03, year 2002 (inf); replace it by a number or leave it empty (a row with a missing "
        "value is dropped)",
    ),
    Case(
        id="regress_nan_in_every_row",
        argv=regress_csv("y ~ x + w + EntityEffects"),
        files={"panel.csv": panel_csv(_empty_x)},
        exit_code=2,
        message="error: formula 'y ~ x + w + EntityEffects': no complete rows: column 'x' is "
        "missing (empty or NaN) in all 60 rows; fill the column or drop it from the model",
    ),
    Case(
        id="regress_no_rows_selected",
        argv=regress_csv("y ~ x + EntityEffects", "--where", "year > 2050"),
        files={"panel.csv": panel_csv()},
        exit_code=2,
        message="error: formula 'y ~ x + EntityEffects': the data has no rows; check the "
        "sample filter (--where or the spec's sample)",
    ),
    Case(
        id="regress_repeated_unit_year",
        argv=regress_panel("exp_res ~ data_index + EntityEffects", "--entity", "region"),
        exit_code=2,
        # regress --data reads the mart sorted: Beijing (110000, east) is the first row
        message="error: formula 'exp_res ~ data_index + EntityEffects': 405 row(s) repeat "
        "the region and year of an earlier row, first region east, year 2009; a panel has "
        "one row per region and year: check the entity and time columns",
    ),
    # ---- 5. a text column --------------------------------------------------------------
    Case(
        id="spec_text_regressor",
        argv=ESTIMATE,
        files={"spec.yaml": spec("  m1: {outcome: exp_res, regressors: [data_index, region]}")},
        exit_code=2,
        # the first row in (province_code, year) order: estimate reads the panels sorted
        message="error: model 'm1': column 'region' is text, not a number (province_code "
        "110000, year 2009: 'east'); use a numeric column (a category as 0/1 flags)",
    ),
    Case(
        id="regress_text_regressor_csv",
        argv=regress_csv("y ~ x + kind + EntityEffects"),
        files={"panel.csv": panel_csv()},
        exit_code=2,
        message="error: formula 'y ~ x + kind + EntityEffects': column 'kind' is text, not a "
        "number (unit u00, year 2000: 'east'); use a numeric column (a category as 0/1 flags)",
    ),
    Case(
        id="regress_text_outcome",
        argv=regress_panel("province_name_en ~ data_index + EntityEffects"),
        exit_code=2,
        message="error: formula 'province_name_en ~ data_index + EntityEffects': column "
        "'province_name_en' is text, not a number (province_code 110000, year 2009: "
        "'Beijing'); use a numeric column (a category as 0/1 flags)",
        prefix=False,
    ),
    # ---- 6. the outcome as a regressor -------------------------------------------------
    Case(
        id="spec_outcome_in_regressors",
        argv=ESTIMATE,
        files={"spec.yaml": spec("  m1: {outcome: exp_res, regressors: [data_index, exp_res]}")},
        exit_code=2,
        message="error: {tmp}/spec.yaml: model 'm1', key 'regressors': 'exp_res' is the "
        "outcome; a column cannot be both the outcome and a regressor, remove it",
    ),
    Case(
        id="spec_outcome_in_controls",
        argv=ESTIMATE,
        files={
            "spec.yaml": spec(
                "  m1: {outcome: edu, regressors: [data_index], controls: [gov, edu]}"
            )
        },  # fmt: skip
        exit_code=2,
        message="error: {tmp}/spec.yaml: model 'm1', key 'controls': 'edu' is the outcome; a "
        "column cannot be both the outcome and a regressor, remove it",
    ),
    Case(
        id="regress_outcome_as_regressor",
        argv=regress_panel(f"exp_res ~ exp_res + data_index + {TWO_WAY}"),
        exit_code=2,
        message=f"error: formula 'exp_res ~ exp_res + data_index + {TWO_WAY}': the outcome "
        "'exp_res' is also a regressor; remove it from the right-hand side",
    ),
    Case(
        id="mediation_mediator_is_a_control",
        argv=ESTIMATE,
        files={
            "spec.yaml": spec(
                "  m1: {outcome: exp_res, regressors: [data_index], controls: [edu]}\n"
                "  m2: {outcome: edu, regressors: [data_index], controls: [gov]}\n",
                "mediation:\n  med: {total: m1, mediator_model: m2}\n",
                "t1: {columns: [m1, m2]}",
            )
        },
        exit_code=2,
        message="error: {tmp}/spec.yaml: mediation 'med', key 'mediator_model': 'm2' must "
        "have the terms, sample and panel of 'm1'",
    ),
    # ---- 7. the spec file itself -------------------------------------------------------
    Case(
        id="spec_empty_file",
        argv=ESTIMATE,
        files={"spec.yaml": ""},
        exit_code=2,
        message="error: {tmp}/spec.yaml: the spec file is empty; write its models and tables "
        "(see python/resilience/specs/wang_lu.yaml)",
    ),
    Case(
        id="spec_only_comments",
        argv=ESTIMATE,
        files={"spec.yaml": "# my models, to do\n"},
        exit_code=2,
        message="error: {tmp}/spec.yaml: the spec file is empty; write its models and tables "
        "(see python/resilience/specs/wang_lu.yaml)",
    ),
    Case(
        id="spec_without_models",
        argv=ESTIMATE,
        files={"spec.yaml": "name: mine\ndescription: nothing yet\n"},
        exit_code=2,
        message="error: {tmp}/spec.yaml: section 'models' is missing or empty; a spec file "
        "defines at least one model (see python/resilience/specs/wang_lu.yaml)",
    ),
    Case(
        id="spec_yaml_syntax_error",
        argv=ESTIMATE,
        files={"spec.yaml": "models:\n  m1: {outcome: exp_res, regressors: [data_index}\n"},
        exit_code=2,
        message="error: {tmp}/spec.yaml: line 2, column 49: not valid YAML: expected ',' or "
        "']', but got '}' (while parsing a flow sequence); fix the syntax there",
    ),
    Case(
        id="spec_yaml_bad_indentation",
        argv=ESTIMATE,
        files={"spec.yaml": "models:\n  m1:\n    outcome: exp_res\n   regressors: [x]\n"},
        exit_code=2,
        message="error: {tmp}/spec.yaml: line 4, column 4: not valid YAML: expected <block "
        "end>, but found '<block mapping start>' (while parsing a block mapping); fix the "
        "syntax there",
    ),
    Case(
        id="spec_unknown_key",
        argv=ESTIMATE,
        files={"spec.yaml": spec("  m1: {outcome: exp_res, regressors: [data_index], fe: yes}")},
        exit_code=2,
        message="error: {tmp}/spec.yaml: model 'm1', key 'fe': unknown key; allowed: "
        "['controls', 'cov', 'description', 'effects', 'entity', 'label', 'outcome', 'panel', "
        "'regressors', 'sample', 'time']",
    ),
    Case(
        id="spec_missing_outcome",
        argv=ESTIMATE,
        files={"spec.yaml": spec("  m1: {regressors: [data_index]}")},
        exit_code=2,
        message="error: {tmp}/spec.yaml: model 'm1', key 'outcome': is required (a name)",
    ),
    Case(
        id="spec_file_missing",
        argv=ESTIMATE,
        exit_code=2,
        message="error: {tmp}/spec.yaml: spec file not found; give a YAML spec (see "
        "python/resilience/specs/)",
    ),
    Case(
        id="report_out_is_a_folder",
        argv=("report", "--db", "{db}", "--out", "{tmp}/reports"),
        files={"reports/notes.txt": "a folder, not the report file"},
        exit_code=2,
        message="error: --out {tmp}/reports: is a folder; give the HTML file to write, e.g. "
        "{tmp}/reports/index.html",
    ),
    *[
        Case(
            id=f"{command}_db_is_a_folder",
            argv=(command, "--db", "{tmp}/wh.duckdb"),
            files={"wh.duckdb/notes.txt": "a folder named like the warehouse"},
            exit_code=2,
            message="error: --db {tmp}/wh.duckdb: is a folder, not a warehouse file; give the "
            "file, e.g. {tmp}/wh.duckdb/warehouse.duckdb",
        )
        for command in ("build", "report")
    ],
    # ---- 8. --where: one boolean expression, never a second statement ------------------
    where_case(
        "where_semicolon_copy",
        f"true; copy (select 1) to '{PWNED}'",
        "it holds a ';' (a second SQL statement)",
    ),
    where_case(
        "where_semicolon_copy_csv",
        f"true; copy (select 1) to '{PWNED}'",
        "it holds a ';' (a second SQL statement)",
        data="csv",
    ),
    where_case(
        "where_union",
        "true) union all (select * from marts.panel_dataflow_export",
        "it adds a UNION, ORDER BY, LIMIT, GROUP BY or WITH to the query",
    ),
    where_case(
        "where_order_limit",
        "true) order by 1 limit 5 or (true",
        "it adds a UNION, ORDER BY, LIMIT, GROUP BY or WITH to the query",
    ),
    where_case(
        "where_read_csv", "exists (select * from read_csv('/etc/passwd'))", "it holds a subquery"
    ),
    where_case(
        "where_copy_in_subquery",
        f"(select count(*) from read_csv('{PWNED}')) = 0",
        "it holds a subquery",
        data="csv",
    ),
    where_case(
        "where_comment_hides_paren",
        "true) --",
        'not valid SQL (Parser Error: syntax error at or near ")")',
    ),
    # ---- 9. resilience index -----------------------------------------------------------
    Case(
        id="index_bad_scope",
        argv=(
            "index",
            "{project}/examples/us_states/values.csv",
            "{project}/examples/us_states/system.csv",
            "--scope",
            "weekly",
        ),  # fmt: skip
        exit_code=2,
        message="error: --scope 'weekly': var index_scope=weekly: expected one of pooled, per_year",
    ),
    Case(
        id="index_bad_zero_policy",
        argv=(
            "index",
            "{project}/examples/us_states/values.csv",
            "{project}/examples/us_states/system.csv",
            "--zero-policy",
            "drop;",
        ),  # fmt: skip
        exit_code=2,
        message="error: --zero-policy 'drop;': var index_zero_policy value 'drop;' is not a "
        "plain number or word; rejected, it is never passed to SQL",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_catalogue_estimation(case, cli_built_warehouse, tmp_path):
    run_case(case, cli_built_warehouse, tmp_path)
    assert not (tmp_path / "pwned.csv").exists(), "a --where ran a second statement"
    assert not (tmp_path / "out").exists(), "estimate wrote tables before failing"


def test_where_still_selects_rows(cli_built_warehouse, tmp_path):
    """One plain predicate, with a comment, still selects the sample (the refusals above
    are not over-eager)."""
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "resilience.cli", "regress", "exp_res ~ data_index + EntityEffects",
         "--data", PANEL, "--db", str(cli_built_warehouse), "--where",
         "in_paper_sample and year >= 2015 -- the later years", "--json"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["nobs"] == 30 * 9
