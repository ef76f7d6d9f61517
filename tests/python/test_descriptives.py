"""Descriptive statistics: the warehouse computes them (marts.fct_descriptive_statistics),
the publication tables render them; pandas ``describe()`` of the panel is the oracle."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from docx import Document

from conftest import query
from resilience.specs import DescriptivesSpec, SpecError, load_specs
from resilience.tables import build_descriptives, number, write_tables

MART = "marts.fct_descriptive_statistics"
SAMPLES = {"panel_spillover_resilience": None, "panel_dataflow_export": "in_paper_sample"}
"""Each paper's estimation sample (Chen: the whole panel; Wang & Lu: in_paper_sample)."""


@pytest.fixture(scope="module")
def statistics(built_warehouse) -> pd.DataFrame:
    return query(built_warehouse, f"select * from {MART}")


@pytest.fixture(scope="module")
def oracle(built_warehouse) -> pd.DataFrame:
    """pandas ``describe()`` of every variable the mart describes, over the same sample."""
    rows = []
    for panel, sample in SAMPLES.items():
        frame = query(built_warehouse, f"select * from marts.{panel}")
        if sample:
            frame = frame[frame[sample]]
        described = frame.describe().T.astype(float)
        rows.append(described.assign(panel=panel))
    return pd.concat(rows).rename_axis("variable").reset_index()


def test_statistics_equal_pandas_describe(statistics, oracle):
    merged = statistics.merge(oracle, on=["panel", "variable"], suffixes=("", "_pd"))
    assert len(merged) == len(statistics) == 20  # 9 Chen + 11 Wang & Lu variables
    np.testing.assert_array_equal(merged["n"], merged["count"])
    for ours, theirs in (("mean", "mean"), ("sd", "std"), ("min", "min_pd"), ("max", "max_pd")):
        np.testing.assert_allclose(merged[ours], merged[theirs], rtol=1e-12, atol=1e-12)


def test_each_paper_sample(statistics):
    by = statistics.set_index(["panel", "variable"])
    wl = by.loc[("panel_dataflow_export", "data_index")]
    assert (wl.n, wl.n_provinces, wl.first_year, wl.last_year) == (450, 30, 2009, 2023)
    assert wl.sample_rule == "in_paper_sample"
    ch = by.loc[("panel_spillover_resilience", "res")]
    assert (ch.n, ch.n_provinces, ch.first_year, ch.last_year) == (31 * 17, 31, 2003, 2019)
    assert ch.sample_rule == "all rows"


def test_every_shipped_descriptives_variable_is_in_the_mart(statistics):
    specs = load_specs()
    assert set(specs.descriptives) == {"ch_descriptives", "wl_descriptives"}
    assert specs.descriptives["wl_descriptives"].variables == (
        "exp_res", "data_index", "edu", "open", "gov", "health", "tec",
    )  # fmt: skip
    assert specs.descriptives["ch_descriptives"].variables == (
        "res", "lnfdi", "lnofdi", "lnim", "lngov", "lnftri", "lninf", "lnhum",
    )  # fmt: skip
    for spec in specs.descriptives.values():
        build_descriptives(spec, statistics)  # raises if a variable is missing


@pytest.fixture(scope="module")
def tables(statistics):
    specs = load_specs()
    return {t: build_descriptives(d, statistics) for t, d in specs.descriptives.items()}


def test_table_cells_are_the_mart_values(tables, statistics):
    table = tables["wl_descriptives"]
    assert table.header == ("N", "Mean", "SD", "Min", "Max")
    row = statistics.set_index(["panel", "variable"]).loc[("panel_dataflow_export", "exp_res")]
    assert table.rows[0] == (
        "ExpRes",
        ("450", number(row["mean"]), number(row["sd"]), number(row["min"]), number(row["max"])),
    )
    assert [label for label, _ in table.rows] == [
        "ExpRes", "Data", "edu", "open", "gov", "health", "tec",
    ]  # fmt: skip
    note = table.notes[0]
    assert "sample standard deviation (divisor n − 1" in note
    assert "in_paper_sample: 30 provinces, 2009–2023" in note


def test_table_in_every_format(tables, tmp_path):
    files = write_tables(list(tables.values()), tmp_path)
    assert {f.name for f in files} >= {
        "wl_descriptives.md", "wl_descriptives.tex", "wl_descriptives.html",
        "ch_descriptives.md", "ch_descriptives.tex", "ch_descriptives.html", "tables.docx",
    }  # fmt: skip
    md = (tmp_path / "ch_descriptives.md").read_text(encoding="utf-8")
    assert "| | N | Mean | SD | Min | Max |" in md and "| LNFDI | 527 |" in md
    tex = (tmp_path / "ch_descriptives.tex").read_text(encoding="utf-8")
    assert r"\label{tab:ch_descriptives}" in tex and "LNFDI & 527 &" in tex
    html = (tmp_path / "wl_descriptives.html").read_text(encoding="utf-8")
    assert "<th>ExpRes</th><td>450</td>" in html
    document = Document(str(tmp_path / "tables.docx"))
    cells = [[c.text for c in row.cells] for row in document.tables[1].rows]
    assert cells[0] == ["", "N", "Mean", "SD", "Min", "Max"] and cells[1][:2] == ["ExpRes", "450"]


def _spec(**change) -> DescriptivesSpec:
    base = load_specs().descriptives["wl_descriptives"]
    return DescriptivesSpec(**{**base.__dict__, **change})


def test_a_variable_the_mart_lacks_is_an_error_naming_it(statistics):
    spec = _spec(variables=("exp_res", "lag1_data_index"))
    with pytest.raises(
        SpecError,
        match=r"wang_lu.yaml: descriptives 'wl_descriptives'.*"
        r"\['lag1_data_index'\] not in marts.fct_descriptive_statistics",
    ):
        build_descriptives(spec, statistics)


def test_another_sample_than_the_marts_is_an_error(statistics):
    spec = _spec(sample="in_paper_sample and is_coastal")
    with pytest.raises(SpecError, match="models' sample is 'in_paper_sample and is_coastal'"):
        build_descriptives(spec, statistics)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("{}", "descriptives 'd', key 'models': is required"),
        ("{models: [nope]}", "descriptives 'd', key 'models': unknown model 'nope'"),
        ("{models: [m1, m2]}", "key 'models': the models differ in sample"),
        ("{models: [m1], colour: red}", "descriptives 'd', key 'colour': unknown key"),
    ],
)
def test_spec_validation(tmp_path, entry, message):
    path = tmp_path / "spec.yaml"
    path.write_text(
        "models:\n"
        "  m1: {panel: marts.p, outcome: y, regressors: [x]}\n"
        "  m2: {panel: marts.p, outcome: y, regressors: [x], sample: is_east}\n"
        f"descriptives:\n  d: {entry}\n",
        encoding="utf-8",
    )
    with pytest.raises(SpecError, match=message) as info:
        load_specs(path)
    assert str(path) in str(info.value)
