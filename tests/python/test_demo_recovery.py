"""End to end on the demo: dbt marts -> estimate.run recovers what the generator planted.

The generator (``resilience.demo``) writes its planted effects to
``data/demo/planted_effects.json``; nothing here is produced by the code under test.
Because the pooled baseline is misspecified under the planted regional heterogeneity
(east 3.0, central-west 8.0), the value the baseline should recover is the generator's own
least-squares projection of the noise-free outcome (``dataflow_pooled_projection``).
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from docx import Document

from resilience import estimate

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PLANTED = json.loads((PROJECT_ROOT / "data/demo/planted_effects.json").read_text())

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def estimated(built_warehouse, tmp_path_factory):
    """A copy of the demo warehouse with every table estimated (the build stays untouched)."""
    tmp = tmp_path_factory.mktemp("recovery")
    copy = tmp / "warehouse.duckdb"
    copy.write_bytes(built_warehouse.read_bytes())
    summary = estimate.run(copy, out_dir=tmp / "tables")
    return copy, tmp / "tables", summary


def coefficient(db: Path, model_id: str, term: str) -> pd.Series:
    with duckdb.connect(str(db), read_only=True) as con:
        frame = con.execute(
            "select * from results.coefficients where model_id = ? and term = ?",
            [model_id, term],
        ).df()
    assert len(frame) == 1, f"{model_id}: no coefficient {term}"
    return frame.iloc[0]


def covers(row: pd.Series, value: float) -> bool:
    return row["ci_lower"] <= value <= row["ci_upper"]


def test_planted_dataflow_effect_in_table2_col2_interval(estimated):
    db, _, _ = estimated
    row = coefficient(db, "wl_t2_c2", "data_index")
    assert covers(row, PLANTED["dataflow_pooled_projection"]), row.to_dict()


def test_planted_central_west_effect_in_its_interval(estimated):
    db, _, _ = estimated
    row = coefficient(db, "wl_t4_cw", "data_index")
    assert covers(row, PLANTED["beta_central_west"]), row.to_dict()


@pytest.mark.parametrize(
    ("model_id", "group"),
    [("wl_t2_c2", "pooled"), ("wl_t4_cw_complement", "east"), ("wl_t4_cw", "central_west")],
)
def test_data_coefficient_equals_the_generators_own_fit(estimated, model_id, group):
    """The generator fits two-way FE to the data it wrote (numpy lstsq with dummies)."""
    db, _, _ = estimated
    row = coefficient(db, model_id, "data_index")
    realised = PLANTED["dataflow"]["realised_twoway_fe_data_coefficient"][group]
    assert row["estimate"] == pytest.approx(realised, abs=1e-6)


def test_the_planted_east_effect_is_not_recovered(estimated):
    """What the README says: the east 3.0 lies outside the east estimate's interval."""
    db, _, _ = estimated
    row = coefficient(db, "wl_t4_cw_complement", "data_index")
    assert PLANTED["beta_east"] == 3.0
    assert not covers(row, PLANTED["beta_east"]) and row["ci_upper"] < 3.0, row.to_dict()


@pytest.mark.parametrize("mediator", ["isu", "ted"])
def test_planted_mediator_responses_in_their_intervals(estimated, mediator):
    db, _, _ = estimated
    row = coefficient(db, f"wl_t4_{mediator}", "data_index")
    assert covers(row, PLANTED["mediators"][mediator]), row.to_dict()


def test_spillovers_raise_resilience_import_channel_most(estimated):
    """Chen Table 2: the planted signs (all positive) and ranking (imports largest)."""
    db, _, _ = estimated
    with duckdb.connect(str(db), read_only=True) as con:
        rows = (
            con.execute(
                "select term, estimate, p_value from results.coefficients "
                "where term in ('lnim', 'lnfdi', 'lnofdi') and model_id in "
                "(select model_id from results.models where table_id = 'ch_table2')"
            )
            .df()
            .set_index("term")
        )
    assert set(rows.index) == {"lnim", "lnfdi", "lnofdi"}
    assert (rows["estimate"] > 0).all() and (rows["p_value"] < 0.10).all(), rows
    assert rows["estimate"].idxmax() == PLANTED["spillover"]["largest_channel"]


def test_all_result_tables_populated(estimated):
    db, _, summary = estimated
    with duckdb.connect(str(db), read_only=True) as con:
        counts = {
            t: con.execute(f"select count(*) from results.{t}").fetchone()[0]
            for t in ("models", "coefficients", "tests")
        }
        test_names = {
            r[0] for r in con.execute("select distinct test_name from results.tests").fetchall()
        }
    assert all(n > 0 for n in counts.values()), counts
    assert len(summary.models) == counts["models"]
    assert {
        "hausman",
        "sobel[isu]",
        "sobel[ted]",
        "cluster_bootstrap_indirect[isu]",
        "permutation_difference[is_central_west]",
    } <= test_names, test_names


def test_word_file_holds_every_table(estimated):
    _, tables_dir, summary = estimated
    document = Document(str(tables_dir / "tables.docx"))
    assert len(document.tables) == len(summary.tables)
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Wang & Lu Table 2" in text
    # every regression table has an N row; a descriptive-statistics table an N column
    for table in document.tables:
        first_column = [row.cells[0].text for row in table.rows]
        header = [cell.text for cell in table.rows[0].cells]
        assert "N" in first_column or header[1:3] == ["N", "Mean"], first_column
