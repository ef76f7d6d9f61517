"""The analyst's SQL in analysis/: compiles, runs on the built warehouse, papers' shapes."""

from __future__ import annotations

import duckdb
import numpy as np
import pytest

from conftest import run_dbt

ANALYSES = [
    "correlation_matrix",
    "top_bottom_provinces",
    "weights_vs_published",
]


@pytest.fixture(scope="module")
def analyses(built_warehouse, tmp_path_factory):
    """Compile the analyses against the built warehouse; run each; return the frames."""
    tmp = tmp_path_factory.mktemp("analyses")
    proc = run_dbt(["compile", "--select", *ANALYSES], built_warehouse, tmp)
    assert proc.returncode == 0, proc.stdout[-3000:]
    root = tmp / "target" / "compiled" / "resilience_warehouse" / "analysis"
    con = duckdb.connect(str(built_warehouse), read_only=True)
    try:
        return {name: con.execute((root / f"{name}.sql").read_text()).df() for name in ANALYSES}
    finally:
        con.close()


def test_correlation_matrix_is_symmetric_with_unit_diagonal(analyses):
    matrix = analyses["correlation_matrix"].set_index("variable")
    assert list(matrix.index) == list(matrix.columns)
    values = matrix.to_numpy(dtype=float)
    np.testing.assert_allclose(np.diag(values), 1.0, atol=1e-12)
    np.testing.assert_allclose(values, values.T, atol=1e-12)


def test_top_bottom_provinces(analyses):
    extremes = analyses["top_bottom_provinces"]
    for _, group in extremes.groupby("index_name"):
        assert (group.position == "top").sum() == 5 and (group.position == "bottom").sum() == 5
        top = group[group.position == "top"].mean_score.min()
        bottom = group[group.position == "bottom"].mean_score.max()
        assert top > bottom
    assert extremes.unit_name.notna().all()


def test_weights_next_to_published(analyses):
    weights = analyses["weights_vs_published"]
    assert set(weights.index_name) == {"dataflow"}
    assert len(weights) == 11
    assert weights.weight.sum() == pytest.approx(1.0)
    assert weights.published_weight.sum() == pytest.approx(1.0, abs=1e-3)
    np.testing.assert_allclose(weights.difference, weights.weight - weights.published_weight)
