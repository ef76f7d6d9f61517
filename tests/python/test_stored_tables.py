"""One renderer of publication tables, fed from the stored results (issue 17).

* a model read back from ``results.*`` (:class:`resilience.results.StoredModel`) has the
  fit's coefficients, standard errors, t and p-values to the bit;
* a table spec stored in ``results.tables`` is the spec it was rendered with;
* the report's table of a shipped spec has the cells of ``reports/tables``; a user's spec
  (``estimate --spec``) renders in the report too;
* ``resilience tables`` re-renders ``reports/tables`` from the warehouse byte for byte.
"""

from __future__ import annotations

import shutil

import duckdb
import numpy as np
import pytest
from typer.testing import CliRunner

from resilience import dgp
from resilience.estimate import fit_model, record, stored_fits
from resilience.results import (
    read_results,
    stored_models,
    stored_table_specs,
    write_results,
)
from resilience.specs import TableSpec, load_specs
from resilience.tables import build_table, to_html, to_markdown

USER_SPEC = """\
name: mine
defaults:
  panel: marts.panel_dataflow_export
  sample: in_paper_sample
models:
  my_baseline: {outcome: exp_res, regressors: [data_index], controls: [edu, open]}
  my_without: {outcome: exp_res, regressors: [data_index]}
tables:
  my_table:
    title: "My table: export resilience on the data environment"
    columns:
      - {model: my_baseline, label: "(A) two controls"}
      - {model: my_without, label: "(B) none"}
    labels: {data_index: Data environment, edu: Education}
    parentheses: t_stat
    notes: ["A note only my spec has."]
    wild_bootstrap: false
"""


@pytest.fixture(scope="module")
def table3():
    """Wang & Lu Table 3 fitted on the simulated panel: specs, fits."""
    specs = load_specs()
    panel = dgp.simulate_dataflow_panel(hp_missing=3)
    spec = specs.tables["wl_table3"]
    return specs, {c.model: fit_model(panel, specs.models[c.model]) for c in spec.columns}


def test_stored_model_round_trip_equals_the_fit_to_the_bit(table3, tmp_path):
    specs, fits = table3
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    records = [record(f, specs.models[m], specs) for m, f in fits.items()]
    write_results(con, records, tables=[specs.tables["wl_table3"]])
    frames = read_results(con)
    con.close()
    stored = stored_models(frames)
    assert list(stored) == list(fits)
    for model_id, fit in fits.items():
        back = stored[model_id]
        for name in ("params", "std_errors", "tstats", "pvalues"):
            got, want = getattr(back, name), getattr(fit, name)
            assert list(got.index) == list(want.index.astype(str)), name
            assert np.array_equal(got.to_numpy(), want.to_numpy(), equal_nan=True), name
        assert (back.nobs, back.n_dropped, back.cov_type) == (fit.nobs, fit.n_dropped, fit.cov_type)
        assert (back.r2_within, back.r2_lsdv) == (fit.r2_within, fit.r2_lsdv)
        assert back.formula == fit.formula and back.terms == fit.terms
        assert back.dropped_by_column == fit.dropped_by_column
        assert back.dropped_by_year == fit.dropped_by_year
        spec = specs.models[model_id]
        assert (back.regressors, back.controls) == (spec.regressors, spec.controls)
    # the warehouse's rows and the in-memory rows estimate renders from make one table
    table = specs.tables["wl_table3"]
    assert build_table(table, stored) == build_table(table, stored_fits(fits, specs))
    assert stored_table_specs(frames["tables"]) == {"wl_table3": table}


def test_table_spec_json_round_trip():
    for table in load_specs().tables.values():
        assert TableSpec.from_json(table.to_json()) == table


@pytest.fixture(scope="module")
def estimated(built_warehouse, tmp_path_factory):
    """A copy of the built warehouse estimated with a shipped table and a user's spec."""
    from resilience import estimate

    tmp = tmp_path_factory.mktemp("stored_tables")
    db = tmp / "warehouse.duckdb"
    shutil.copy(built_warehouse, db)
    estimate.run(db, tables=["wl_table2"], out_dir=tmp / "shipped")
    user = tmp / "mine.yaml"
    user.write_text(USER_SPEC, encoding="utf-8")
    estimate.run(db, spec_path=user, out_dir=tmp / "mine")
    return db, tmp


def _report_tables(db, lang="en"):
    from resilience.report import load_warehouse, regression_tables

    frames, _ = load_warehouse(db)
    return {t.table_id: t for t in regression_tables(frames, lang)}


@pytest.mark.slow
def test_report_table_has_the_cells_of_the_estimate_table(estimated):
    db, tmp = estimated
    table = _report_tables(db)["wl_table2"]
    assert to_markdown(table) == (tmp / "shipped" / "wl_table2.md").read_text(encoding="utf-8")
    assert to_html(table) == (tmp / "shipped" / "wl_table2.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_user_spec_renders_in_the_report(estimated):
    db, tmp = estimated
    tables = _report_tables(db)
    mine = tables["my_table"]
    assert to_markdown(mine) == (tmp / "mine" / "my_table.md").read_text(encoding="utf-8")
    assert mine.header == ("(A) two controls", "(B) none")
    assert "A note only my spec has." in mine.notes
    assert dict(mine.rows)["Data environment"]  # the user's labels, not the shipped ones
    assert "wl_table2" in tables  # the shipped table estimated before is still shown
    from resilience.report import load_warehouse, section_regressions

    frames, meta = load_warehouse(db)
    body = "".join(section_regressions(frames, meta["build_id"]).blocks)
    assert 'id="my_table"' in body and "My table: export resilience" in body


@pytest.mark.slow
def test_tables_command_renders_the_stored_tables_again(estimated, tmp_path):
    from resilience.cli import app

    db, tmp = estimated
    out = tmp_path / "again"
    result = CliRunner().invoke(
        app, ["tables", "--db", str(db), "--out-dir", str(out), "-t", "wl_table2,my_table"]
    )
    assert result.exit_code == 0, result.output
    for folder, table_id in ((tmp / "shipped", "wl_table2"), (tmp / "mine", "my_table")):
        for suffix in (".md", ".tex", ".html"):
            name = f"{table_id}{suffix}"
            assert (out / name).read_bytes() == (folder / name).read_bytes(), name
    assert (out / "tables.docx").exists()
    unknown = CliRunner().invoke(app, ["tables", "--db", str(db), "-t", "nope"])
    assert unknown.exit_code == 2 and "nope" in unknown.output


def test_tables_command_says_when_nothing_is_estimated(tmp_path):
    from resilience.cli import app

    db = tmp_path / "empty.duckdb"
    duckdb.connect(str(db)).close()
    result = CliRunner().invoke(app, ["tables", "--db", str(db), "--out-dir", str(tmp_path)])
    assert result.exit_code == 6
    assert "resilience estimate" in result.output
