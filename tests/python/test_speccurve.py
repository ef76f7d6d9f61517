"""The specification curve's batched refits against one linearmodels PanelOLS fit per variant.

Reference: linearmodels (the version in requirements.lock) ``PanelOLS(y, X,
entity_effects=True).fit(cov_type="clustered", cluster_entity=True, debiased=True,
group_debias=True)`` with an explicit constant and year dummies (first year the base), the
covariance ``resilience estimate`` uses; its design is built here from the columns, not by
the code under test. p-values and 95 % intervals follow Stata's convention for clustered
SEs (t with G - 1 degrees of freedom; linearmodels uses its residual df), so they are
computed from linearmodels' estimate and SE with ``scipy.stats.t``. Tolerance 1e-10.

The variants are the simulated panel's index plus seeded noise (``numpy.random``): variant 0
is the index itself.
"""

from __future__ import annotations

import os
import subprocess
import sys

import duckdb
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from linearmodels import PanelOLS
from numpy.testing import assert_allclose
from scipy import stats

from resilience import dgp, estimate, speccurve
from resilience.errors import EstimationError
from resilience.panel import Covariance
from resilience.specs import load_specs

TOL = 1e-10
SPECS = load_specs()
N_VARIANTS = 5


def variant_scores(panel: pd.DataFrame, column: str, index_name: str, seed: int = 7):
    """Variant 0: the panel's index column; variants 1-4: it plus N(0, 0.2 sd) noise."""
    rng = np.random.default_rng(seed)
    base = panel[column].to_numpy(float)
    frames = []
    for v in range(N_VARIANTS):
        noise = 0 if v == 0 else rng.normal(0, 0.2 * base.std(), base.size)
        frames.append(
            pd.DataFrame(
                {
                    "index_name": index_name,
                    "variant_id": v,
                    "unit_id": panel["province_code"].to_numpy(),
                    "year": panel["year"].to_numpy(),
                    "score": base + noise,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def panelols(frame: pd.DataFrame, outcome: str, terms: list[str]) -> tuple[float, float, int]:
    """Coefficient and SE of ``terms[0]`` from linearmodels; clusters G."""
    exog = frame[terms].astype(float)
    exog.insert(0, "const", 1.0)
    years = pd.get_dummies(frame["year"], prefix="year", drop_first=True, dtype=float)
    exog = pd.concat([exog, years], axis=1)
    index = pd.MultiIndex.from_arrays([frame["province_code"], frame["year"]])
    exog.index = index
    y = pd.Series(frame[outcome].to_numpy(float), index=index)
    fit = PanelOLS(y, exog, entity_effects=True).fit(
        cov_type="clustered", cluster_entity=True, debiased=True, group_debias=True
    )
    return fit.params[terms[0]], fit.std_errors[terms[0]], frame["province_code"].nunique()


def with_variant(panel, scores, column, v):
    one = scores[scores["variant_id"] == v][["unit_id", "year", "score"]]
    one = one.rename(columns={"unit_id": "province_code", "score": column})
    return panel.drop(columns=column).merge(one, on=["province_code", "year"], how="left")


def check_against_panelols(curve, panel, scores, spec, column):
    sample = estimate.model_frame(panel, spec)
    for v in range(N_VARIANTS):
        frame = with_variant(sample, scores, column, v)
        row = curve[curve["variant_id"] == v].iloc[0]
        term = row["term"]
        others = [t for t in spec.terms if t != term]
        b, se, groups = panelols(frame, spec.outcome, [term, *others])
        q = stats.t.ppf(0.975, groups - 1)
        expected = {
            "estimate": b,
            "std_error": se,
            "t_stat": b / se,
            "p_value": 2 * stats.t.sf(abs(b / se), groups - 1),
            "ci_low": b - q * se,
            "ci_high": b + q * se,
        }
        # the beta coefficient: the same model on outcome and focal regressor divided by
        # their sample sd (ddof=1) over the estimation sample
        scaled = frame.assign(**{c: frame[c] / frame[c].std(ddof=1) for c in {term, spec.outcome}})
        b_std, se_std, _ = panelols(scaled, spec.outcome, [term, *others])
        expected |= {
            "estimate_standardised": b_std,
            "ci_low_standardised": b_std - q * se_std,
            "ci_high_standardised": b_std + q * se_std,
        }
        for key, value in expected.items():
            assert_allclose(row[key], value, rtol=TOL, atol=1e-14, err_msg=f"{v} {key}")
        assert row["n_obs"] == len(frame) and row["n_clusters"] == groups


def test_index_as_regressor_equals_one_panelols_fit_per_variant():
    """Wang & Lu Table 2 col. 2: data_index on the right, five variants."""
    panel = dgp.simulate_dataflow_panel(seed=3)
    spec = SPECS.models["wl_t2_c2"]
    scores = variant_scores(panel, "data_index", "dataflow")
    curve = speccurve.refit_variants(spec, panel, scores, speccurve.CURVES["wang_lu"])
    assert len(curve) == N_VARIANTS and set(curve["term"]) == {"data_index"}
    check_against_panelols(curve, panel, scores, spec, "data_index")
    assert curve["is_shipped"].tolist() == [True, False, False, False, False]


@pytest.mark.parametrize("model_id", ["ch_t2_m2", "ch_t2_m3", "ch_t2_m4"])
def test_index_as_outcome_equals_one_panelols_fit_per_variant(model_id):
    """Chen Table 2: res on the left, the spillover channel fixed, five variants."""
    panel = dgp.simulate_spillover_panel(seed=4)
    spec = SPECS.models[model_id]
    scores = variant_scores(panel, "res", "resilience")
    curve = speccurve.refit_variants(spec, panel, scores, speccurve.CURVES["chen"])
    assert set(curve["term"]) == {spec.regressors[0]}
    check_against_panelols(curve, panel, scores, spec, "res")


def test_unbalanced_panel_still_equals_panelols():
    """Rows missing (a control empty in 9 rows): the sweep is a projection, not two demeanings."""
    panel = dgp.simulate_dataflow_panel(seed=5)
    rng = np.random.default_rng(0)
    panel.loc[rng.choice(panel.index, 9, replace=False), "edu"] = np.nan
    spec = SPECS.models["wl_t2_c2"]
    scores = variant_scores(panel, "data_index", "dataflow")
    curve = speccurve.refit_variants(spec, panel, scores, speccurve.CURVES["wang_lu"])
    complete = panel.dropna(subset=["edu"])
    assert curve["n_obs"].iloc[0] == int(complete["in_paper_sample"].sum())
    check_against_panelols(curve, complete, scores, spec, "data_index")


def test_a_variant_without_a_score_for_a_sample_row_is_named():
    panel = dgp.simulate_dataflow_panel(seed=3)
    scores = variant_scores(panel, "data_index", "dataflow")
    hole = (scores["variant_id"] == 2) & (scores["unit_id"] == "110000") & (scores["year"] == 2012)
    with pytest.raises(EstimationError, match=r"variant 2 .* unit 110000, year 2012"):
        speccurve.refit_variants(
            SPECS.models["wl_t2_c2"], panel, scores[~hole], speccurve.CURVES["wang_lu"]
        )


def test_no_variant_of_the_index_is_an_error():
    panel = dgp.simulate_dataflow_panel(seed=3)
    scores = variant_scores(panel, "data_index", "other_index")
    with pytest.raises(EstimationError, match="no variant of index 'dataflow'"):
        speccurve.refit_variants(
            SPECS.models["wl_t2_c2"], panel, scores, speccurve.CURVES["wang_lu"]
        )


def test_a_covariance_other_than_clustered_is_refused():
    from dataclasses import replace

    spec = replace(SPECS.models["wl_t2_c2"], cov=Covariance("robust"))
    panel = dgp.simulate_dataflow_panel(seed=3)
    scores = variant_scores(panel, "data_index", "dataflow")
    with pytest.raises(EstimationError, match="clustered .* only, the spec has 'robust'"):
        speccurve.refit_variants(spec, panel, scores, speccurve.CURVES["wang_lu"])


def test_summary_hand_worked():
    """Four variants, paper sign +: estimates 0.5 (p .01), 0.2 (p .07), -0.1 (p .02), 0.3 (p .2).

    Paper's sign: 3 of 4 = 0.75; with p < 0.05: only the first = 0.25; with p < 0.10: the
    first two = 0.5. Median of (-0.1, 0.2, 0.3, 0.5) = (0.2 + 0.3) / 2 = 0.25; min -0.1,
    max 0.5; the shipped variant (the second) 0.2. Standardised estimates
    (0.05, 0.4, -0.3, 0.1) summarised the same way.
    """
    curve = pd.DataFrame(
        {
            "index_name": "dataflow",
            "model_id": "m",
            "term": "x",
            "variant_id": [0, 1, 2, 3],
            "is_shipped": [False, True, False, False],
            "estimate": [0.5, 0.2, -0.1, 0.3],
            "estimate_standardised": [0.05, 0.4, -0.3, 0.1],
            "p_value": [0.01, 0.07, 0.02, 0.2],
        }
    )
    row = speccurve.summarise(curve, paper_sign=1).iloc[0]
    assert row["n_variants"] == 4
    assert row["share_paper_sign"] == 0.75
    assert row["share_sign_significant_05"] == 0.25
    assert row["share_sign_significant_10"] == 0.5
    assert row["estimate_median"] == pytest.approx(0.25)
    assert (row["estimate_min"], row["estimate_max"]) == (-0.1, 0.5)
    assert row["shipped_estimate"] == 0.2
    # standardised (-0.3, 0.05, 0.1, 0.4): median (0.05 + 0.1) / 2 = 0.075
    assert row["standardised_median"] == pytest.approx(0.075)
    assert (row["standardised_min"], row["standardised_max"]) == (-0.3, 0.4)


def test_an_unknown_model_is_refused():
    with pytest.raises(EstimationError, match="'wl_t3_pca' has no specification curve"):
        speccurve.specification_curves(SPECS, {}, pd.DataFrame(), ["wl_t3_pca"])


# ------------------------------------------------------------------ on the warehouse --------
@pytest.fixture(scope="module")
def curve_warehouse(built_warehouse, tmp_path_factory):
    """A copy of the built warehouse, Table 2s estimated; its index variants are the build's.

    Returns the path, the folder and the number of variants per index (the build's
    ``marts.fct_index_variant_scores``: variant 0 the shipped index, the Saltelli design).
    """
    tmp = tmp_path_factory.mktemp("speccurve")
    db = tmp / "warehouse.duckdb"
    db.write_bytes(built_warehouse.read_bytes())
    estimate.run(db, tables=["wl_table2", "ch_table2"], out_dir=tmp / "tables")
    with duckdb.connect(str(db), read_only=True) as con:
        counts = con.execute(
            f"select index_name, count(distinct variant_id) from {speccurve.VARIANT_SCORES} "
            "group by index_name"
        ).fetchall()
    per_index = {name: n for name, n in counts}
    assert per_index["dataflow"] == per_index["resilience"] > 1, per_index
    return db, tmp, per_index["dataflow"]


@pytest.mark.slow
def test_the_shipped_variant_reproduces_the_stored_baseline(curve_warehouse):
    db, _, n_variants = curve_warehouse
    curve, summary = speccurve.run(db)
    assert sorted(summary["model_id"]) == ["ch_t2_m2", "ch_t2_m3", "ch_t2_m4", "wl_t2_c2"]
    with duckdb.connect(str(db), read_only=True) as con:
        stored = con.execute(
            "select s.model_id, s.estimate, s.std_error, s.p_value, s.ci_low, s.ci_high, "
            "c.estimate as b, c.std_error as se, c.p_value as p, c.ci_lower as lo, "
            "c.ci_upper as hi, s.n_obs, m.n_obs as n from results.specification_curve s "
            "join results.coefficients c using (model_id, term) "
            "join results.models m using (model_id) where s.is_shipped"
        ).df()
        rows = con.execute("select count(*) from results.specification_curve").fetchone()[0]
    assert len(stored) == 4 and rows == 4 * n_variants
    for mine, theirs in [("estimate", "b"), ("std_error", "se"), ("p_value", "p"),
                         ("ci_low", "lo"), ("ci_high", "hi")]:  # fmt: skip
        assert_allclose(stored[mine], stored[theirs], rtol=TOL, atol=1e-14, err_msg=mine)
    assert (stored["n_obs"] == stored["n"]).all()


@pytest.mark.slow
def test_cli_sensitivity_prints_the_summary_and_rewrites_its_rows(curve_warehouse):
    db, tmp, n_variants = curve_warehouse
    cmd = [sys.executable, "-m", "resilience.cli", "sensitivity", "--db", str(db)]
    for _ in range(2):  # twice: one copy of the rows
        proc = subprocess.run(
            [*cmd, "--model", "wl_t2_c2", "--out-dir", str(tmp / "csv")],
            capture_output=True, text=True, env={**os.environ, "COLUMNS": "200"},
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
    assert "wl_t2_c2" in proc.stdout and f"Wrote {n_variants:,} refits" in proc.stdout
    with duckdb.connect(str(db), read_only=True) as con:
        n = con.execute(
            "select count(*) from results.specification_curve where model_id = 'wl_t2_c2'"
        ).fetchone()[0]
    assert n == n_variants
    assert len(pd.read_csv(tmp / "csv" / "specification_curve.csv")) == n_variants


@pytest.mark.slow
def test_cli_without_variant_scores_exits_6(built_warehouse, tmp_path):
    db = tmp_path / "warehouse.duckdb"
    db.write_bytes(built_warehouse.read_bytes())
    with duckdb.connect(str(db)) as con:  # a build without the analysis (--exclude tag:sensitivity)
        con.execute(f"drop view {speccurve.VARIANT_SCORES}")
    proc = subprocess.run(
        [sys.executable, "-m", "resilience.cli", "sensitivity", "--db", str(db)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert proc.returncode == 6
    assert "marts.fct_index_variant_scores is not in" in proc.stderr


# ------------------------------------------------------------------ report section -----------
def test_report_section_draws_one_curve_per_model_and_the_summary():
    from resilience.report_speccurve import choice_levels, section_speccurve

    panel = dgp.simulate_dataflow_panel(seed=3)
    scores = variant_scores(panel, "data_index", "dataflow")
    curve = speccurve.refit_variants(
        SPECS.models["wl_t2_c2"], panel, scores, speccurve.CURVES["wang_lu"]
    )
    frames = {
        "specification_curve": curve,
        "specification_curve_summary": speccurve.summarise(curve, 1),
    }
    sec = section_speccurve(frames)
    assert (sec.id, sec.n_figures, sec.n_tables) == ("specification-curve", 1, 1)
    assert any("dot matrix" in b for b in sec.blocks)  # the lower panel: said to be missing
    design = pd.DataFrame(
        {
            "index_name": "dataflow",
            "variant_id": range(N_VARIANTS),
            "normalisation": ["min-max", "z-score", "rank", "min-max", "z-score"],
            "weighting": ["entropy", "equal", "critic", "entropy", "equal"],
            "aggregation": ["arithmetic"] * 4 + ["geometric"],
            "shift_c": [1e-4, 1e-3, 1e-2, 1e-5, 5e-3],
            "dropped_indicator": [None, "x1", None, None, "x3"],
        }
    )
    with_design = section_speccurve({**frames, "variant_design": design})
    assert with_design.n_figures == 1 and not any("dot matrix" in b for b in with_design.blocks)
    levels = choice_levels(design)
    assert levels["dropped_indicator"].tolist() == [
        "dropped indicator: " + v for v in ("none", "one", "none", "none", "one")
    ]
    assert levels["shift_c"].nunique() == 3  # three quantile bins of five values
    from resilience.i18n import Translator

    ids = design.assign(normalisation=["min_max", "z_score", "rank", "min_max", "z_score"])
    zh = choice_levels(ids, Translator("zh"))  # the method ids of marts.dim_index_variants
    assert zh["normalisation"].tolist()[:3] == ["标准化方法：极差法", "标准化方法：Z 分数",
                                                "标准化方法：排序"]  # fmt: skip
    assert zh["weighting"].tolist()[:3] == [
        "赋权方法：熵值",
        "赋权方法：等权",
        "赋权方法：CRITIC 法",
    ]
    assert zh["dropped_indicator"].tolist()[:2] == ["剔除指标：无", "剔除指标：剔除一个"]
    assert zh["shift_c"].str.startswith("平移量 c：").all()
    empty = section_speccurve({"specification_curve": None})
    assert empty.n_figures == 0 and "resilience sensitivity" in empty.blocks[0]
    # a curve estimated before the standardised columns were stored: said, not a KeyError
    old = {**frames, "specification_curve": curve.drop(columns=["estimate_standardised"])}
    stale = section_speccurve(old)
    assert stale.n_figures == 0 and "resilience sensitivity` again" in stale.blocks[0]


@pytest.mark.parametrize(
    ("lang", "term"), [("en", "data-flow index of the province"), ("zh", "数据要素流动指数")]
)
def test_the_curve_y_label_fits_in_its_panel(lang, term):
    """The y label stays within the upper panel's height (on one line it outgrew it)."""
    from resilience.i18n import Translator
    from resilience.report import use_plot_fonts
    from resilience.report_speccurve import curve_figure

    use_plot_fonts()
    n = 40
    est = np.linspace(0.1, 0.5, n)
    rows = pd.DataFrame(
        {
            "variant_id": range(n), "term": "data_index", "estimate": est, "p_value": 0.01,
            "estimate_standardised": est, "ci_low_standardised": est - 0.1,
            "ci_high_standardised": est + 0.1, "is_shipped": [True] + [False] * (n - 1),
        }
    )  # fmt: skip
    design = pd.DataFrame(
        {
            "variant_id": range(n),
            "normalisation": ["min_max", "z_score", "rank", "min_max"] * 10,
            "weighting": ["entropy", "equal", "cv", "critic"] * 10,
            "aggregation": ["arithmetic", "geometric", "topsis", "arithmetic"] * 10,
            "shift_c": np.geomspace(1e-5, 1e-2, n),
            "dropped_indicator": [None, "x1"] * 20,
        }
    )
    fig = curve_figure(rows, 1, design, Translator(lang), term)
    renderer = fig.canvas.get_renderer()
    label = fig.axes[0].yaxis.label.get_window_extent(renderer)
    panel = fig.axes[0].get_window_extent(renderer)
    assert term in fig.axes[0].get_ylabel()
    assert label.y0 >= panel.y0 and label.y1 <= panel.y1, (label, panel)
    plt.close(fig)


# ------------------------------------------------------------------ results tables -----------
def test_results_tables_are_typed_described_and_refuse_another_build():
    from resilience.errors import WarehouseRebuilt
    from resilience.results import DESCRIPTIONS, write_specification_curve

    panel = dgp.simulate_dataflow_panel(seed=3)
    scores = variant_scores(panel, "data_index", "dataflow")
    curve = speccurve.refit_variants(
        SPECS.models["wl_t2_c2"], panel, scores, speccurve.CURVES["wang_lu"]
    )
    summary = speccurve.summarise(curve, 1)
    with duckdb.connect() as con:
        written = write_specification_curve(con, curve, summary)
        assert written == {"specification_curve": 5, "specification_curve_summary": 1}
        write_specification_curve(con, curve, summary)  # again: replaced, not appended
        for table in ("specification_curve", "specification_curve_summary"):
            columns = con.execute(f"describe results.{table}").df()
            assert list(columns["column_name"]) == list(DESCRIPTIONS[table][1]), table
        assert con.execute("select count(*) from results.specification_curve").fetchone()[0] == 5
        kinds = dict(con.execute("describe results.specification_curve").fetchall()[i][:2]
                     for i in range(4, 6))  # fmt: skip
        assert kinds == {"is_shipped": "BOOLEAN", "estimate": "DOUBLE"}
        with pytest.raises(WarehouseRebuilt):
            write_specification_curve(con, curve, summary, expected_build_id="another")


def test_a_variant_the_effects_absorb_is_named():
    """Variant 3 = a province level plus a year trend: the two-way effects absorb all of it."""
    panel = dgp.simulate_dataflow_panel(seed=3)
    scores = variant_scores(panel, "data_index", "dataflow")
    rows = scores["variant_id"] == 3
    codes = pd.factorize(scores.loc[rows, "unit_id"])[0]
    scores.loc[rows, "score"] = 0.1 * codes + 0.01 * (scores.loc[rows, "year"] - 2009)
    with pytest.raises(EstimationError, match="variant 3 of index 'dataflow' is a linear comb"):
        speccurve.refit_variants(
            SPECS.models["wl_t2_c2"], panel, scores, speccurve.CURVES["wang_lu"]
        )
