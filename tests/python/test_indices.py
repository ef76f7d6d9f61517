"""Composite indices: the dbt models against independent implementations.

* the oracle :mod:`resilience.oracles.entropy` (gap filling by ``np.interp``, min-max by
  direction, ``p ln p`` summed directly -- not the S/A shortcut of the SQL), which the
  demo generator also draws the planted data-flow index from;
* scikit-criteria's ``EntropyWeighter`` fed the same shifted normalised matrix (it
  normalises each column to p and uses ``scipy.stats.entropy(..., base=len(matrix))``,
  i.e. 1/ln n with n the number of rows: N*T pooled, N per year);
each to 1e-9, pooled and per year, on the demo panel and on the public US-states panel
(Munnell 1990, ``examples/us_states``). Bad inputs must fail the build naming the rows.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from conftest import load_model_module
from resilience.indices import IndexBuildFailed, build_index
from resilience.oracles import entropy

pytestmark = pytest.mark.slow

PROJECT_ROOT = Path(__file__).resolve().parents[2]
US_VALUES = PROJECT_ROOT / "examples" / "us_states" / "values.csv"
US_SYSTEM = PROJECT_ROOT / "examples" / "us_states" / "system.csv"
SHIFT = 0.0001
TOL = 1e-9


# ---- the oracle, fed a sample ------------------------------------------------------------


def reference_index(values, system, index_name, units, years, scope="pooled", shift=SHIFT):
    """Entropy weights and scores of :mod:`resilience.oracles.entropy` over a sample.

    Returns (weights, scores, z_shifted_by_scope): weights with columns indicator, year
    (missing pooled), weight, entropy; scores with unit_id, year, dimension, score; and the
    shifted normalised matrix of each scope (for scikit-criteria).
    """
    res = entropy.entropy_index(
        values[values["unit_id"].isin(units)],
        system,
        index_name=index_name,
        first_year=years[0],
        last_year=years[-1],
        shift=shift,
        scope=scope,
    )
    matrices = {year: z + shift for year, z in res.normalised.items()}
    return res.weights, res.scores, matrices


def skcriteria_weights(matrix: np.ndarray, indicators: list[str]) -> pd.Series:
    """scikit-criteria's entropy weights of a (n x K) matrix of shifted normalised values."""
    import skcriteria as skc
    from skcriteria.preprocessing.weighters import EntropyWeighter

    dm = skc.mkdm(matrix, objectives=[max] * len(indicators), criteria=indicators)
    return EntropyWeighter().transform(dm).weights


def read_inputs(con) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Staged values, system and samples from a built warehouse."""
    values = con.sql(
        "select unit_id, year, indicator, value from staging.stg_inputs__indicator_values"
    ).df()
    system = con.sql("select * from staging.stg_reference__indicator_systems").df()
    samples = con.sql("select * from staging.stg_reference__index_samples").df()
    return values, system, samples


def sample_of(values, samples, index_name):
    """Units and years of an index's sample, as DESIGN.md and index_samples declare."""
    row = samples[samples["index_name"] == index_name]
    if row.empty:
        return sorted(values["unit_id"].unique()), list(
            range(int(values["year"].min()), int(values["year"].max()) + 1)
        )
    row = row.iloc[0]
    excluded = {u.strip() for u in str(row["excluded_unit_ids"] or "").split(";") if u.strip()}
    units = sorted(u for u in values["unit_id"].unique() if u not in excluded)
    return units, list(range(int(row["first_year"]), int(row["last_year"]) + 1))


def check_against_references(db_path: Path, scope: str):
    """Compare every index's weights and scores in db_path with numpy and scikit-criteria."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        values, system, samples = read_inputs(con)
        weights = con.sql("select * from marts.fct_index_weights").df()
        scores = con.sql("select * from marts.fct_index_scores where method = 'entropy'").df()
    assert set(weights["scope"]) == {scope}
    for index_name in system["index_name"].unique():
        units, years = sample_of(values, samples, index_name)
        ref_w, ref_s, matrices = reference_index(values, system, index_name, units, years, scope)
        got = weights[weights["index_name"] == index_name]
        merged = ref_w.merge(
            got.assign(year=got["year"].astype("Int64")),
            on=["indicator", "year"] if scope == "per_year" else ["indicator"],
            suffixes=("_ref", ""),
        )
        assert len(merged) == len(ref_w) == len(got), index_name
        assert_allclose(merged["weight"], merged["weight_ref"], rtol=0, atol=TOL)
        assert_allclose(merged["entropy"], merged["entropy_ref"], rtol=0, atol=TOL)
        got_s = scores[scores["index_name"] == index_name]
        both = ref_s.merge(got_s, on=["unit_id", "year", "dimension"], suffixes=("_ref", ""))
        assert len(both) == len(ref_s) == len(got_s), index_name
        assert_allclose(both["score"], both["score_ref"], rtol=0, atol=TOL)
        indicators = system.loc[system["index_name"] == index_name, "indicator"].tolist()
        for year, matrix in matrices.items():
            sk = skcriteria_weights(matrix, indicators)
            mine = got if year is None else got[got["year"] == year]
            mine = mine.set_index("indicator")["weight"].reindex(indicators)
            assert_allclose(mine.to_numpy(), sk.to_numpy(), rtol=0, atol=TOL)


def demo_values_csv(con, path: Path) -> Path:
    """Write the staged demo values in the bring-your-own layout."""
    con.sql(
        "select unit_id, year, indicator, value_text as value "
        "from staging.stg_inputs__indicator_values"
    ).df().to_csv(path, index=False)
    return path


# ---- fixtures ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_per_year_db(built_warehouse, tmp_path_factory) -> Path:
    """The demo panel rebuilt through build_index with per-year scope."""
    tmp = tmp_path_factory.mktemp("index_demo_per_year")
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        values = demo_values_csv(con, tmp / "values.csv")
    db = tmp / "per_year.duckdb"
    build_index(
        values,
        PROJECT_ROOT / "seeds" / "reference" / "indicator_systems.csv",
        db_path=db,
        vars={"index_scope": "per_year"},
    )
    return db


@pytest.fixture(scope="module", params=["pooled", "per_year"])
def us_states_db(request, tmp_path_factory) -> tuple[Path, str, Path]:
    """The US-states panel (Munnell 1990) built through build_index, pooled and per year."""
    tmp = tmp_path_factory.mktemp(f"index_us_{request.param}")
    db = tmp / "us.duckdb"
    build_index(
        US_VALUES, US_SYSTEM, out_dir=tmp / "out", db_path=db, vars={"index_scope": request.param}
    )
    return db, request.param, tmp / "out"


# ---- the warehouse against the references ---------------------------------------------


def test_demo_pooled_weights_and_scores_match_numpy_and_skcriteria(built_warehouse):
    check_against_references(built_warehouse, "pooled")


def test_demo_per_year_weights_and_scores_match_numpy_and_skcriteria(demo_per_year_db):
    check_against_references(demo_per_year_db, "per_year")


def test_us_states_weights_and_scores_match_numpy_and_skcriteria(us_states_db):
    db, scope, _ = us_states_db
    check_against_references(db, scope)


def test_demo_dataflow_index_equals_generator(built_warehouse):
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        values, system, samples = read_inputs(con)
        weights = con.sql(
            "select * from marts.fct_index_weights where index_name = 'dataflow'"
        ).df()
        scores = con.sql(
            "select unit_id as province_code, year, score from marts.fct_index_scores "
            "where index_name = 'dataflow' and dimension = 'total'"
        ).df()
    row = samples.set_index("index_name").loc["dataflow"]
    planted = entropy.entropy_index(
        values,
        system,
        index_name="dataflow",
        first_year=int(row["first_year"]),
        last_year=int(row["last_year"]),
        excluded_units=[u for u in row["excluded_unit_ids"].split(";") if u],
        shift=SHIFT,
    )
    w = planted.weights.merge(weights, on="indicator", suffixes=("_planted", ""))
    assert len(w) == 11
    assert_allclose(w["weight"], w["weight_planted"], rtol=0, atol=TOL)
    assert_allclose(w["entropy"], w["entropy_planted"], rtol=0, atol=TOL)
    total = planted.scores[planted.scores["dimension"] == "total"]
    s = total.rename(columns={"unit_id": "province_code"}).merge(
        scores, on=["province_code", "year"], suffixes=("_planted", "")
    )
    assert len(s) == len(total) == 450
    assert_allclose(s["score"], s["score_planted"], rtol=0, atol=TOL)


def test_demo_samples_and_settings_recorded(built_warehouse):
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        got = (
            con.sql(
                "select index_name, count(*) as k, min(n_obs) as n, "
                "min(sample_n_units) as units, min(zero_policy) as policy, min(shift_c) as c "
                "from marts.fct_index_weights group by 1"
            )
            .df()
            .set_index("index_name")
        )
    assert got.loc["dataflow", "k"] == 11 and got.loc["dataflow", "n"] == 30 * 15
    assert got.loc["resilience", "k"] == 14 and got.loc["resilience", "n"] == 31 * 17
    assert got.loc["dataflow", "units"] == 30
    assert (got["policy"] == "shift").all() and np.allclose(got["c"], SHIFT)


def test_pca_variant_matches_numpy_and_aligns_with_entropy_index(built_warehouse):
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        filled = con.sql(
            "select unit_id, year, indicator, value "
            "from intermediate.int_indicator_values_gap_filled "
            "where index_name = 'dataflow'"
        ).df()
        got = con.sql(
            "select p.unit_id, p.year, p.raw_score, p.score as pca, e.score as entropy "
            "from intermediate.int_index_pca_scores_computed as p "
            "inner join marts.fct_index_scores as e on e.index_name = 'dataflow' "
            "and e.dimension = 'total' and e.unit_id = p.unit_id and e.year = p.year "
            "where p.index_name = 'dataflow' order by p.unit_id, p.year"
        ).df()
        mart = con.sql(
            "select count(*) from marts.fct_index_scores where index_name = 'dataflow_pca'"
        )
        assert mart.fetchall()[0][0] == 450
    wide = filled.pivot(index=["unit_id", "year"], columns="indicator", values="value").sort_index()
    s = ((wide - wide.mean()) / wide.std(ddof=1)).to_numpy()
    lam, vec = np.linalg.eigh(np.corrcoef(s, rowvar=False))
    lam, vec = lam[::-1], vec[:, ::-1]
    keep = lam > 1
    comps = s @ vec[:, keep]
    entropy = got["entropy"].to_numpy()
    comps *= np.sign([np.corrcoef(c, entropy)[0, 1] for c in comps.T])
    raw = comps @ (lam[keep] / lam[keep].sum())
    assert_allclose(got["raw_score"], raw, rtol=0, atol=TOL)
    assert got["pca"].min() == 0 and got["pca"].max() == 1
    assert np.corrcoef(got["pca"], entropy)[0, 1] > 0


# ---- pair correlations: the Python model against DuckDB's corr() over a self-join ------

CORR_SELF_JOIN = """
    select a.index_name, a.indicator as indicator_a, b.indicator as indicator_b,
        count(a.value * b.value) as n_obs, corr(a.value, b.value) as correlation
    from {table} as a
    inner join {table} as b
        on a.index_name = b.index_name and a.unit_id = b.unit_id and a.year = b.year
        and a.indicator < b.indicator
    group by all
    order by all
"""


def _correlations_module():
    return load_model_module("models/marts/indices/fct_index_indicator_correlations.py")


def test_indicator_correlations_match_duckdb_corr_over_the_self_join(built_warehouse):
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        expected = con.sql(
            CORR_SELF_JOIN.format(table="intermediate.int_indicator_values_gap_filled")
        ).df()
        got = con.sql("select * from marts.fct_index_indicator_correlations order by all").df()
    assert len(got) == len(expected) == 14 * 13 // 2 + 11 * 10 // 2
    merged = got.merge(expected, on=["index_name", "indicator_a", "indicator_b"])
    assert len(merged) == len(got)
    assert (merged["n_obs_x"] == merged["n_obs_y"]).all()
    assert_allclose(merged["correlation_x"], merged["correlation_y"], rtol=0, atol=1e-12)
    assert (merged["is_highly_correlated"] == (merged["correlation_y"].abs() > 0.9)).all()


def test_indicator_correlations_with_gaps_and_a_constant_indicator():
    rng = np.random.default_rng(7)
    rows = [
        (u, y, k, float(rng.normal()) if k != "x4_flat" else 1.0)
        for u in ("A", "B", "C", "D")
        for y in range(2001, 2006)
        for k in ("x1", "x2", "x3", "x4_flat")
    ]
    values = pd.DataFrame(rows, columns=["unit_id", "year", "indicator", "value"])
    values.insert(0, "index_name", "gappy")
    values.loc[[3 * 4 + 1, 7 * 4 + 2, 7 * 4 + 1], "value"] = np.nan  # three missing cells
    values.loc[values["indicator"] == "x3", "value"] += values["value"].fillna(0).shift(2)
    dims = pd.DataFrame(
        {
            "index_name": "gappy",
            "indicator": ["x1", "x2", "x3", "x4_flat"],
            "dimension": ["d1", "d1", "d2", "d2"],
        }
    )
    totals = values[["index_name", "unit_id", "year"]].drop_duplicates().assign(score=0.5)
    got = _correlations_module().indicator_correlations(_moments(values, totals), dims)
    with duckdb.connect() as con:
        con.register("cells", values)
        expected = con.sql(CORR_SELF_JOIN.format(table="cells")).df()
    merged = got.merge(expected, on=["index_name", "indicator_a", "indicator_b"])
    assert len(merged) == len(got) == 6
    assert (merged["n_obs_x"] == merged["n_obs_y"]).all()
    assert merged["n_obs_x"].min() < 20  # the gaps are left out pairwise
    varying = merged[merged["indicator_b"] != "x4_flat"]
    assert_allclose(varying["correlation_x"], varying["correlation_y"], rtol=0, atol=1e-12)
    flat = merged[merged["indicator_b"] == "x4_flat"]
    assert flat["correlation_x"].isna().all() and not flat["is_highly_correlated"].any()
    assert list(got["dimension_b"]) == ["d1", "d2", "d2", "d2", "d2", "d2"]


def _moments(values: pd.DataFrame, totals: pd.DataFrame) -> pd.DataFrame:
    """int_index_indicator_moments_computed's function on two pandas frames (in-memory DuckDB)."""
    module = load_model_module(
        "models/intermediate/indices/int_index_indicator_moments_computed.py"
    )
    with duckdb.connect() as con:
        return module.indicator_moments(con, con.from_df(values), con.from_df(totals))


def test_pair_moments_refuse_a_duplicated_cell_and_pca_runs_without_it():
    module = load_model_module("models/intermediate/indices/int_index_pca_loadings_computed.py")
    values = pd.DataFrame(
        {
            "index_name": "dup",
            "unit_id": ["A", "A", "B", "B", "B", "C", "C"],
            "year": 2001,
            "indicator": ["x1", "x2", "x1", "x2", "x2", "x1", "x2"],
            "value": [1.0, 2.0, 3.0, 4.0, 5.0, 2.0, 7.0],
        }
    )
    entropy = pd.DataFrame(
        {"index_name": "dup", "unit_id": ["A", "B", "C"], "year": 2001, "score": [0.1, 0.5, 0.9]}
    )
    with pytest.raises(ValueError, match=r"index dup, unit B, year 2001, indicator x2 .*\(2 dup"):
        _moments(values, entropy)
    loadings = module.pca_loadings(_moments(values.drop(index=4), entropy), "kaiser")
    assert len(loadings) == 4 and (loadings["n_obs"] == 3).all()  # 2 components x 2 indicators


def test_build_index_writes_weights_and_scores(us_states_db):
    db, scope, out = us_states_db
    weights = pd.read_csv(out / "weights.csv")
    scores = pd.read_csv(out / "scores.csv")
    assert set(weights["index_name"]) == {"us_states_capacity"}
    assert weights.groupby(weights["year"].fillna(0))["weight"].sum().sub(1).abs().max() < TOL
    assert set(scores["index_name"]) == {"us_states_capacity", "us_states_capacity_pca"}
    assert (
        len(scores.query("dimension == 'total' and index_name == 'us_states_capacity'")) == 48 * 17
    )
    assert weights["sample_description"].str.contains("all units and years").all()


def test_labels_of_a_users_system_without_label_columns_are_the_ids(us_states_db):
    # examples/us_states/system.csv has no label_en / label_zh: the id, and no Chinese label
    db, _, _ = us_states_db
    with duckdb.connect(str(db), read_only=True) as con:
        labels = con.sql("select indicator, label_en, label_zh from marts.fct_index_weights").df()
    assert (labels["label_en"] == labels["indicator"]).all()
    assert labels["label_zh"].isna().all()


def test_labels_of_a_users_system_with_label_columns_are_read(demo_per_year_db):
    # the shipped seed passed as a user's file: its label columns are read from the file
    with duckdb.connect(str(demo_per_year_db), read_only=True) as con:
        labels = con.sql(
            "select distinct indicator, label_en, label_zh from marts.fct_index_weights"
        ).df()
    by_id = labels.set_index("indicator")
    assert by_id.loc["postal_business_volume"].tolist() == [
        "Total postal business volume",
        "邮政业务总量",
    ]
    assert by_id.loc["unemployment_rate", "label_zh"] == "城镇登记失业率"
    assert labels["label_zh"].notna().all() and len(labels) == 25


def _bad_build(tmp_path, values: pd.DataFrame, system: pd.DataFrame | None = None) -> str:
    values_path = tmp_path / "values.csv"
    values.to_csv(values_path, index=False)
    system_path = US_SYSTEM
    if system is not None:
        system_path = tmp_path / "system.csv"
        system.to_csv(system_path, index=False)
    with pytest.raises(IndexBuildFailed) as err:
        build_index(values_path, system_path, db_path=tmp_path / "bad.duckdb")
    return str(err.value)


def test_bad_cells_fail_naming_unit_year_indicator(tmp_path):
    # the staging tests on stg_inputs__indicator_values catch these first; the index models'
    # own indicator_values_non_numeric / indicator_values_duplicated are the second line
    values = pd.read_csv(US_VALUES, dtype=str)
    values.loc[
        (values.unit_id == "AL")
        & (values.year == "1975")
        & (values.indicator == "unemployment_rate"),
        "value",
    ] = "1,234"
    dup = values[
        (values.unit_id == "CA")
        & (values.year == "1986")
        & (values.indicator == "highway_capital_per_worker")
    ]
    message = _bad_build(tmp_path, pd.concat([values, dup]))
    assert "1,234" in message and "AL" in message and "1975" in message
    assert "CA" in message and "1986" in message and "highway_capital_per_worker" in message


def test_indicator_mismatch_fails_naming_indicators(tmp_path):
    values = pd.read_csv(US_VALUES, dtype=str)
    values.loc[
        (values.unit_id == "TX") & (values.year == "1980") & (values.indicator == "gsp_per_worker"),
        "indicator",
    ] = "mystery_indicator"
    system = pd.read_csv(US_SYSTEM)
    system = pd.concat([system, system.iloc[[0]].assign(indicator="never_observed")])
    message = _bad_build(tmp_path, values, system)
    assert "indicator_values_not_in_system" in message and "mystery_indicator" in message
    assert "indicator_system_indicators_without_values" in message and "never_observed" in message


def test_edge_gap_fails_naming_the_cell(tmp_path):
    values = pd.read_csv(US_VALUES, dtype=str)
    values = values[
        ~(
            (values.unit_id == "OH")
            & (values.year == "1970")
            & (values.indicator == "unemployment_rate")
        )
    ]
    message = _bad_build(tmp_path, values)
    assert "indicator_values_missing_after_gap_fill" in message
    assert "OH" in message and "1970" in message and "unemployment_rate" in message


def test_constant_indicator_fails_naming_it(tmp_path):
    # (a direction other than + / - is rejected by the staging test on the indicator
    # system before the index models run; int_indicators_normalized's own
    # indicators_direction_invalid test is the second line, unit-tested in its YAML)
    values = pd.read_csv(US_VALUES, dtype=str)
    values.loc[values.indicator == "water_capital_per_worker", "value"] = "1.5"
    message = _bad_build(tmp_path, values)
    assert "indicators_zero_range" in message and "water_capital_per_worker" in message
