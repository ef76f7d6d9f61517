"""Wild cluster restricted bootstrap (resilience.wildboot) and two-way clustering.

Expected values come from independent implementations: the ``wildboottest`` package
(py-econometrics, 0.3.2) with full Rademacher enumeration, a naive loop that refits
every draw with ``panel.regress`` from residuals of a numpy dummy-variable regression,
and R sandwich::vcovCL for the two-way clustered covariance
(tests/reference_data/vcov_twoway_grunfeld.R / .out).
"""

import itertools
import json
import math
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import wildboottest.wildboottest as wbt
from numpy.testing import assert_allclose

from resilience import dgp
from resilience.estimate import fit_model, record, select, stored_fits, wild_bootstraps
from resilience.panel import regress
from resilience.specs import SpecError, load_specs
from resilience.tables import build_table, to_docx, to_html, to_latex, to_markdown
from resilience.wildboot import TIE_TOL, FocalBootstrap, draw_weights


def shown(p: float) -> str:
    """How a table prints a p-value: 3 decimals, '<0.001' when it would print 0.000."""
    return "<0.001" if p < 0.0005 else f"{p:.3f}"


REFERENCE = Path(__file__).parents[1] / "reference_data"
FORMULA = "inv ~ capital + value + EntityEffects + TimeEffects"


@pytest.fixture(scope="module")
def grunfeld():
    return pd.read_csv(REFERENCE / "grunfeld.csv")


def lsdv_design(d: pd.DataFrame, terms: list[str]) -> pd.DataFrame:
    """Constant, ``terms``, firm dummies and year dummies (first level the base)."""
    parts = [
        d[terms].astype(float),
        pd.get_dummies(d.firm, prefix="f", drop_first=True, dtype=float),
        pd.get_dummies(d.year, prefix="y", drop_first=True, dtype=float),
    ]
    x = pd.concat(parts, axis=1)
    x.insert(0, "const", 1.0)
    return x


@pytest.mark.reference
@pytest.mark.parametrize("term", ["capital", "value"])
def test_rademacher_enumeration_equals_wildboottest(grunfeld, term):
    """G = 10 firms, B = 9999 > 2^10: both enumerate all 1024 sign vectors, so p is exact."""
    x = lsdv_design(grunfeld, ["capital", "value"])
    r = np.zeros(x.shape[1])
    r[list(x.columns).index(term)] = 1
    boot = wbt.WildboottestCL(
        X=x.to_numpy(), Y=grunfeld.inv.to_numpy(), cluster=grunfeld.firm.to_numpy(), R=r,
        B=9999, seed=1, parallel=False,
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        boot.get_scores(bootstrap_type="11", impose_null=True, adj=True, cluster_adj=True)
        _, _, enumerated = boot.get_weights(weights_type="rademacher")
        boot.get_numer()
        boot.get_denom()
        boot.get_tboot()
        boot.get_vcov()
        boot.get_tstat()
        boot.get_pvalue(pval_type="two-tailed")
    assert enumerated
    focal = FocalBootstrap(regress(FORMULA, grunfeld, "firm", "year"), term)
    ours = focal.test("rademacher", 9999, 1)
    assert ours.enumerated and ours.reps == 1024
    # wildboottest's own p compares |t*| < |t| in raw floats, and two of the 1024 vectors
    # (all +1, all -1) give |t*| = |t| up to rounding: whether it counts them flips with
    # the last bit of its BLAS sums (p 50/1024 or 52/1024 from run to run). Its t* with the
    # tie rule of wildboot.TIE_TOL applied is the stable reference.
    t_ref, t_boot = abs(float(np.squeeze(boot.t_stat))), np.abs(np.squeeze(boot.t_boot))
    ties = np.isclose(t_boot, t_ref, rtol=TIE_TOL, atol=0)
    assert ties.sum() == 2
    assert_allclose(ours.p_value, np.mean(t_boot > t_ref * (1 + TIE_TOL)), atol=1e-10)
    assert abs(ours.p_value - boot.pvalue) <= 2 / 1024 + 1e-12  # at most the two ties apart
    # the draws themselves, in the same order (itertools.product over -1, 1); wildboottest
    # counts the firm dummies in its small-sample factor, which scales every t alike
    signs = np.array(list(itertools.product([-1.0, 1.0], repeat=10)))
    scale = focal.t_stat / float(np.squeeze(boot.t_stat))
    assert_allclose(focal.t_stats(signs), np.squeeze(boot.t_boot) * scale, rtol=1e-8)


def naive_t_boot(d: pd.DataFrame, term: str, others: list[str], v: np.ndarray) -> np.ndarray:
    """Refit every draw: y* = restricted fit + restricted residual x v_g, then regress."""
    x = lsdv_design(d, others)
    coef = np.linalg.lstsq(x.to_numpy(), d.inv.to_numpy(), rcond=None)[0]
    fitted = x.to_numpy() @ coef
    resid = d.inv.to_numpy() - fitted
    firms = np.unique(d.firm)
    where = np.searchsorted(firms, d.firm.to_numpy())
    out = []
    for draw in v:
        star = d.assign(inv=fitted + resid * draw[where])
        out.append(regress(FORMULA, star, "firm", "year").tstats[term])
    return np.array(out)


@pytest.mark.parametrize(("weights", "term"), [("webb", "capital"), ("rademacher", "value")])
def test_vectorised_draws_equal_a_naive_refit_loop(grunfeld, weights, term):
    """B = 40 (2^10 > 40: drawn, not enumerated) with the same weight matrix in both."""
    focal = FocalBootstrap(regress(FORMULA, grunfeld, "firm", "year"), term)
    v, enumerated = draw_weights(weights, 10, 40, 7)
    assert not enumerated
    others = [t for t in ("capital", "value") if t != term]
    naive = naive_t_boot(grunfeld, term, others, v)
    assert_allclose(focal.t_stats(v), naive, rtol=1e-8)
    # a draw of all +1 or all -1 reproduces |t| (a tie, not counted): 1e-10 relative
    observed = abs(regress(FORMULA, grunfeld, "firm", "year").tstats[term])
    p_naive = np.mean(np.abs(naive) > observed * (1 + 1e-10))
    assert focal.test(weights, 40, 7).p_value == pytest.approx(p_naive, abs=1e-12)


def test_observed_t_is_the_models_clustered_t():
    specs = load_specs()
    panel = dgp.simulate_dataflow_panel()
    fit = fit_model(panel, specs.models["wl_t2_c2"])
    assert FocalBootstrap(fit).t_stat == pytest.approx(fit.tstats["data_index"], rel=1e-10)


def test_webb_weights_take_six_values_equally_often():
    v, enumerated = draw_weights("webb", 30, 20000, 1)
    assert not enumerated
    # Webb (2023): +-sqrt(1/2), +-1, +-sqrt(3/2), each with probability 1/6
    expected = [-1.224744871391589, -1.0, -0.7071067811865476, 0.7071067811865476, 1.0,
                1.224744871391589]  # fmt: skip
    values, counts = np.unique(v, return_counts=True)
    assert_allclose(values, expected, rtol=1e-15)
    assert_allclose(counts / v.size, 1 / 6, atol=0.005)
    assert v.mean() == pytest.approx(0, abs=0.01)
    assert (v**2).mean() == pytest.approx(1, abs=0.01)


def test_rademacher_enumerates_only_when_two_to_the_g_fits_in_b():
    v, enumerated = draw_weights("rademacher", 4, 16, 1)
    assert enumerated and v.shape == (16, 4) and len({tuple(r) for r in v}) == 16
    v, enumerated = draw_weights("rademacher", 4, 15, 1)
    assert not enumerated and v.shape == (15, 4) and set(np.unique(v)) == {-1.0, 1.0}


def test_seed_makes_the_p_value_reproducible():
    specs = load_specs()
    fit = fit_model(dgp.simulate_dataflow_panel(), specs.models["wl_t2_c1"])
    focal = FocalBootstrap(fit)
    first, again = focal.test("webb", 999, 5), focal.test("webb", 999, 5)
    assert first == again
    assert_allclose(draw_weights("webb", 30, 50, 5)[0], draw_weights("webb", 30, 50, 5)[0])
    assert not np.array_equal(
        draw_weights("webb", 30, 50, 5)[0], draw_weights("webb", 30, 50, 6)[0]
    )
    detail = first.detail()
    assert detail["seed"] == 5 and detail["reps"] == 999 and detail["null_imposed"]


def reference_values() -> dict[str, float]:
    out = {}
    for line in (REFERENCE / "vcov_twoway_grunfeld.out").read_text().splitlines():
        match = re.fullmatch(r"(raw_var|cadjust_var|coef) (\w+) (\S+)", line)
        if match:
            out[f"{match[1]} {match[2]}"] = float(match[3])
    return out


@pytest.mark.reference
def test_twoway_clustered_se_equals_sandwich_vcovcl(grunfeld):
    """R sandwich's raw CGM sum times G_min/(G_min-1)(n-1)/(n-k) (G_min 10, n 200, k 22)."""
    ref = reference_values()
    fit = regress(FORMULA, grunfeld, "firm", "year", cov="clustered-twoway")
    c = 10 / 9 * 199 / 178
    for term in ("value", "capital"):
        assert fit.params[term] == pytest.approx(ref[f"coef {term}"], rel=1e-9)
        assert fit.std_errors[term] == pytest.approx(
            math.sqrt(c * ref[f"raw_var {term}"]), rel=1e-8
        )
    assert fit.df_inference == 9
    assert fit.cov_type == "clustered-twoway"
    alias = regress(FORMULA, grunfeld, "firm", "year", cov="two-way")
    assert_allclose(alias.std_errors["value"], fit.std_errors["value"])


def test_twoway_clustered_se_equals_a_hand_formula(grunfeld):
    """V_firm + V_year - V_obs from the dummy-variable regression, in numpy."""
    x = lsdv_design(grunfeld, ["capital", "value"]).to_numpy()
    y = grunfeld.inv.to_numpy()
    bread = np.linalg.inv(x.T @ x)
    e = y - x @ (bread @ x.T @ y)
    scores = x * e[:, None]

    def meat(groups):
        summed = pd.DataFrame(scores).groupby(groups).sum().to_numpy()
        return summed.T @ summed

    v = bread @ (meat(grunfeld.firm) + meat(grunfeld.year) - meat(np.arange(len(y)))) @ bread
    n, k, g = len(y), 22, 10  # k: constant, 2 regressors, 19 year dummies
    expected = np.sqrt(np.diag(v)[[1, 2]] * g / (g - 1) * (n - 1) / (n - k))
    fit = regress(FORMULA, grunfeld, "firm", "year", cov="clustered-twoway")
    assert_allclose(fit.std_errors[["capital", "value"]], expected, rtol=1e-8)


def spec_file(tmp_path, extra: str, table_extra: str = "") -> Path:
    text = f"""
models:
  m1: {{panel: marts.p, outcome: y, regressors: [x]}}
tables:
  t1:
    columns: [m1]
{table_extra}
{extra}
"""
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("wild_bootstrap: {reps: 0}", "top level, wild_bootstrap, key 'reps': must be"),
        ("wild_bootstrap: {reps: 99.5}", "key 'reps'"),
        ("wild_bootstrap: {seed: -1}", "key 'seed': must be a whole number, at least 0"),
        ("wild_bootstrap: {weights: [mammen]}", "key 'weights': must be a list of distinct"),
        ("wild_bootstrap: {weights: []}", "key 'weights'"),
        ("wild_bootstrap: {weights: [webb, webb]}", "key 'weights'"),
        ("wild_bootstrap: {draws: 99}", "top level, wild_bootstrap, key 'draws': unknown key"),
        ("wild_bootstrap: 99", "top level, key 'wild_bootstrap': must be a mapping"),
    ],
)
def test_wild_bootstrap_spec_errors_name_file_and_key(tmp_path, extra, message):
    path = spec_file(tmp_path, extra)
    with pytest.raises(SpecError, match=re.escape(str(path)) + ".*" + re.escape(message)):
        load_specs(path)


def test_wild_bootstrap_spec_section_table_override_and_default(tmp_path):
    specs = load_specs(spec_file(tmp_path, "wild_bootstrap: {reps: 99, weights: webb, seed: 3}"))
    settings = specs.tables["t1"].wild_bootstrap
    assert (settings.reps, settings.weights, settings.seed) == (99, ("webb",), 3)
    off = load_specs(spec_file(tmp_path, "wild_bootstrap: {reps: 99}", "    wild_bootstrap: false"))
    assert off.tables["t1"].wild_bootstrap is None
    with pytest.raises(SpecError, match="table 't1', wild_bootstrap, key 'reps'"):
        load_specs(spec_file(tmp_path, "", "    wild_bootstrap: {reps: -3}"))
    assert load_specs(spec_file(tmp_path, "")).tables["t1"].wild_bootstrap is None
    shipped = load_specs().tables["ch_table2"].wild_bootstrap
    assert (shipped.reps, shipped.weights) == (9999, ("rademacher", "webb"))


@pytest.fixture(scope="module")
def chen_table():
    specs = select(load_specs(), ["ch_table2"])
    panel = dgp.simulate_spillover_panel()
    table = specs.tables["ch_table2"]
    fits = {c.model: fit_model(panel, specs.models[c.model]) for c in table.columns}
    tests = wild_bootstraps(specs, fits)
    return table, fits, specs, tests


def test_results_tests_rows_of_the_wild_bootstrap(chen_table):
    table, fits, _, tests = chen_table
    rows = tests[tests.table_id == table.table_id]
    assert sorted(set(rows.test_name)) == ["wild_bootstrap_rademacher", "wild_bootstrap_webb"]
    assert len(rows) == 2 * len(table.columns)
    first = rows[rows.model_id == "ch_t2_m2"].set_index("test_name")
    assert first.loc["wild_bootstrap_webb", "statistic"] == pytest.approx(
        fits["ch_t2_m2"].tstats["lnfdi"], rel=1e-10
    )
    detail = json.loads(first.loc["wild_bootstrap_webb", "detail"])
    assert detail["term"] == "lnfdi" and detail["weights"] == "webb"
    assert detail["reps"] == 9999 and detail["seed"] == 20250905
    assert detail["null_imposed"] is True and detail["enumerated"] is False
    assert first.loc["wild_bootstrap_webb", "df"] == fits["ch_t2_m2"].n_entities - 1


def test_table_rows_and_note_in_every_format(chen_table):
    table, fits, specs, tests = chen_table
    built = build_table(table, stored_fits(fits, specs), tests)
    rows = dict(built.rows)
    p = tests.set_index(["model_id", "test_name"]).p_value
    expected = tuple(shown(p[(c.model, "wild_bootstrap_webb")]) for c in table.columns)
    assert rows["Wild bootstrap p (Webb)"] == expected
    labels = [label for label, _ in built.rows]
    assert labels.index("Wild bootstrap p (Rademacher)") == built.n_coefficient_rows - 2
    note = next(n for n in built.notes if n.startswith("Wild bootstrap p"))
    assert "null (coefficient = 0) imposed" in note and "B = 9999" in note
    assert "seed 20250905" in note and "LNFDI, LNOFDI, LNIM" in note
    for render in (to_markdown, to_latex, to_html):
        text = render(built)
        assert "Wild bootstrap p (Rademacher)" in text and "Wild bootstrap p (Webb)" in text
        assert "wild cluster restricted bootstrap" in text
    assert "Wild bootstrap p (Webb)" not in dict(build_table(table, stored_fits(fits, specs)).rows)


def test_word_table_carries_the_rows(chen_table, tmp_path):
    from docx import Document

    table, fits, specs, tests = chen_table
    path = to_docx([build_table(table, stored_fits(fits, specs), tests)], tmp_path / "t.docx")
    grid = Document(str(path)).tables[0]
    first = [row.cells[0].text for row in grid.rows]
    assert "Wild bootstrap p (Rademacher)" in first and "Wild bootstrap p (Webb)" in first
    paragraphs = [p.text for p in Document(str(path)).paragraphs]
    assert any(p.startswith("Wild bootstrap p: wild cluster restricted") for p in paragraphs)


def test_report_table_carries_the_rows(chen_table):
    from resilience.report import regression_tables
    from resilience.results import result_rows

    table, fits, specs, tests = chen_table
    frames = result_rows((record(f, specs.models[m], specs) for m, f in fits.items()), tests)
    built = next(t for t in regression_tables(frames) if t.table_id == table.table_id)
    p = tests.set_index(["model_id", "test_name"]).p_value
    assert dict(built.rows)["Wild bootstrap p (Rademacher)"] == tuple(
        shown(p[(c.model, "wild_bootstrap_rademacher")]) for c in table.columns
    )
    assert any(n.startswith("Wild bootstrap p") and "B = 9999" in n for n in built.notes)
