"""What the fixed effects absorb (resilience.panel.absorption) and Chen's unit + time regressors.

* The diagnostic against a hand computation: a 2-province, 3-year unbalanced panel worked
  below, then a random unbalanced panel against two oracles written here (least squares on
  pandas dummies, and alternating projections, the method of Guimarães and Portugal 2010
  that reghdfe uses).
* The issue's claim (issue 15 item 2): on the demo warehouse, with year effects the slope
  and standard error of lnim equal those on its province part ln_im_share alone (the pool
  ln IM_t is absorbed); without year effects they do not.
* A false ``construction`` declaration is a spec error; the one-way Chen table (equations
  (2)-(4), province effects only) against linearmodels directly and a refit in R.
"""

from __future__ import annotations

import shutil
import subprocess
import warnings
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from linearmodels import PanelOLS
from numpy.testing import assert_allclose

from conftest import query
from resilience import dgp, estimate
from resilience.estimate import stored_fits
from resilience.panel import absorption, regress, time_part_spread
from resilience.specs import Construction, SpecError, load_specs
from resilience.tables import build_table, to_html, to_latex, to_markdown

CHEN = "marts.panel_spillover_resilience"
CONTROLS = "lngov + lnftri + lninf + lnhum"

# ---------------------------------------------------------------- hand computation ---
# Province A has years 1, 2, 3; province B years 1 and 2 (unbalanced, n = 5):
#
#            year 1  year 2  year 3
#     A         1       2       6
#     B         3       5       .
#
# mean 17/5 = 3.4; deviations -2.4, -1.4, 2.6, -0.4, 1.6: total sum of squares 17.2,
# var_total = 17.2 / 4 = 4.3.
# Entity effects: means A 3, B 4; residuals -2, -1, 3 | -1, 1: SS 16, share_left 16/17.2,
# share_entity = 1 - 16/17.2 = 1.2/17.2.
# Year effects: means 2, 3.5, 6; residuals -1, -1.5, 0 | 1, 1.5: SS 6.5,
# share_time = 1 - 6.5/17.2 = 10.7/17.2.
# Two-way: year 3 has A only, so its dummy fits A3 exactly (residual 0); the rest is the
# balanced 2 x 2 block A1 A2 / B1 B2 = 1 2 / 3 5, whose residual is x - row mean - column
# mean + grand mean (row means 1.5, 4; column means 2, 3.5; grand mean 2.75):
# 0.25, -0.25 | -0.25, 0.25: SS 0.25, share_left 0.25/17.2, var_left 0.25/4 = 0.0625.
# Demeaning by entity and then by year (exact only in a balanced panel) would leave
# -0.5, -1, 0 | 0.5, 1: SS 2.5, ten times too much.
HAND = pd.DataFrame(
    {"entity": ["A", "A", "A", "B", "B"], "year": [1, 2, 3, 1, 2], "x": [1.0, 2, 6, 3, 5]}
)


def hand_absorption(effects: str) -> pd.Series:
    frame = absorption(HAND[["x"]], HAND.entity.to_numpy(), HAND.year.to_numpy(), effects)
    return frame.set_index("term").loc["x"]


def test_absorption_against_the_hand_computation():
    two_way = hand_absorption("two-way")
    assert two_way["n_obs"] == 5 and two_way["effects"] == "two-way"
    assert_allclose(two_way["var_total"], 4.3, rtol=1e-12)
    assert_allclose(two_way["var_left"], 0.0625, rtol=1e-12)
    assert_allclose(two_way["share_left"], 0.25 / 17.2, rtol=1e-12)
    assert_allclose(two_way["share_entity"], 1.2 / 17.2, rtol=1e-12)
    assert_allclose(two_way["share_time"], 10.7 / 17.2, rtol=1e-12)
    # unbalanced: the parts overlap, 1 - share_entity - share_time is not what is left
    assert not np.isclose(1 - 1.2 / 17.2 - 10.7 / 17.2, 0.25 / 17.2)
    assert_allclose(hand_absorption("entity")["share_left"], 16 / 17.2, rtol=1e-12)
    assert_allclose(hand_absorption("time")["share_left"], 6.5 / 17.2, rtol=1e-12)
    assert_allclose(hand_absorption("none")["share_left"], 1.0, rtol=1e-12)


def alternating_projections(x: np.ndarray, entities, times, tol: float = 1e-14) -> np.ndarray:
    """Residual on entity and year effects by demeaning in turn until nothing changes."""
    r = x - x.mean()
    for _ in range(10_000):
        before = r.copy()
        r = r - pd.Series(r).groupby(entities).transform("mean").to_numpy()
        r = r - pd.Series(r).groupby(times).transform("mean").to_numpy()
        if np.abs(r - before).max() < tol:
            return r
    raise AssertionError("alternating projections did not converge")


def test_absorption_of_a_fit_against_two_oracles():
    rng = np.random.default_rng(7)
    frame = dgp.simulate_spillover_panel(seed=3)
    frame = frame.loc[rng.random(len(frame)) > 0.25].reset_index(drop=True)  # unbalanced
    fit = regress(f"res ~ lnim + {CONTROLS} + EntityEffects + TimeEffects", frame,
                  "province_code", "year")  # fmt: skip
    shares = fit.absorption.set_index("term")
    assert list(shares.index) == ["lnim", "lngov", "lnftri", "lninf", "lnhum"]
    sample = fit.sample
    dummies = pd.get_dummies(sample[["province_code", "year"]].astype(str), drop_first=True)
    z = np.column_stack([np.ones(len(sample)), dummies.to_numpy(float)])
    for term in shares.index:
        x = sample[term].to_numpy(float)
        total = ((x - x.mean()) ** 2).sum()
        lstsq = x - z @ np.linalg.lstsq(z, x, rcond=None)[0]
        assert_allclose(shares.at[term, "share_left"], (lstsq**2).sum() / total, rtol=1e-10)
        iterated = alternating_projections(x, sample.province_code.to_numpy(), sample.year)
        assert_allclose(shares.at[term, "share_left"], (iterated**2).sum() / total, rtol=1e-8)
    one_way = regress(f"res ~ lnim + {CONTROLS} + EntityEffects", frame, "province_code", "year")
    x = one_way.sample["lnim"]
    within = x - x.groupby(one_way.sample.province_code).transform("mean")
    assert_allclose(
        one_way.absorption.set_index("term").at["lnim", "share_left"],
        (within**2).sum() / ((x - x.mean()) ** 2).sum(),
        rtol=1e-12,
    )


# ------------------------------------------------------ Chen's unit + time regressors ---
@pytest.fixture(scope="module")
def chen_panel(built_warehouse) -> pd.DataFrame:
    return query(built_warehouse, f"select * from {CHEN}")


@pytest.mark.parametrize(
    ("column", "unit_part"),
    [("lnim", "ln_im_share"), ("lnfdi", "ln_fdi_share"), ("lnofdi", "ln_ofdi_share")],
)
def test_mart_regressor_is_province_part_plus_year_part(chen_panel, column, unit_part):
    spread, _ = time_part_spread(chen_panel, column, unit_part, "year")
    assert spread < 1e-12
    assert chen_panel.groupby("year")[unit_part].std().gt(0).all()  # the part that varies


@pytest.mark.parametrize(
    ("column", "unit_part"),
    [("lnim", "ln_im_share"), ("lnfdi", "ln_fdi_share"), ("lnofdi", "ln_ofdi_share")],
)
def test_two_way_slope_and_se_rest_on_the_province_part_alone(chen_panel, column, unit_part):
    """The issue's claim: ln IM_t is absorbed, the slope is the one on ln(im_it/im_t)."""
    frame = chen_panel.rename(columns={column: "spillover"})
    on_log = regress(f"res ~ spillover + {CONTROLS} + EntityEffects + TimeEffects",
                     frame, "province_code", "year")  # fmt: skip
    on_share = regress(f"res ~ {unit_part} + {CONTROLS} + EntityEffects + TimeEffects",
                       frame, "province_code", "year")  # fmt: skip
    assert_allclose(on_log.params["spillover"], on_share.params[unit_part], rtol=1e-10)
    assert_allclose(on_log.std_errors["spillover"], on_share.std_errors[unit_part], rtol=1e-10)
    # the same variation is left (the shares differ: ln IM_t adds to the total variance)
    left = on_log.absorption.set_index("term").at["spillover", "var_left"]
    assert_allclose(left, on_share.absorption.set_index("term").at[unit_part, "var_left"],
                    rtol=1e-10)  # fmt: skip
    # province effects only: the pool identifies too, the slopes differ
    one_log = regress(f"res ~ spillover + {CONTROLS} + EntityEffects", frame,
                      "province_code", "year")  # fmt: skip
    one_share = regress(f"res ~ {unit_part} + {CONTROLS} + EntityEffects", frame,
                        "province_code", "year")  # fmt: skip
    assert not np.isclose(one_log.params["spillover"], one_share.params[unit_part], rtol=1e-3)


def test_a_false_construction_is_a_spec_error(chen_panel):
    specs = load_specs()
    spec = specs.models["ch_t2_m4"]
    fit = estimate.fit_model(chen_panel, spec)
    wrong = Construction("lnim", CHEN, "lngov", "ln gov", "ln IM_t", source="my.yaml")
    bad = replace(specs, construction={**specs.construction, (CHEN, "lnim"): wrong})
    with pytest.raises(SpecError, match=r"my.yaml: construction 'lnim'.*not common to all"):
        estimate.checked_constructions(fit, spec, bad)
    absent = replace(wrong, unit_part="ln_im_shares")
    bad = replace(specs, construction={(CHEN, "lnim"): absent})
    with pytest.raises(SpecError, match="'ln_im_shares' is not in marts.panel_spillover"):
        estimate.checked_constructions(fit, spec, bad)
    assert estimate.checked_constructions(fit, spec, specs) == {
        "lnim": specs.construction[(CHEN, "lnim")]
    }


def test_construction_spec_errors_name_the_key(tmp_path):
    path = tmp_path / "s.yaml"
    base = (
        "defaults: {panel: marts.p}\nmodels:\n  m: {outcome: y, regressors: [x]}\n"
        "construction:\n  x: {unit_part: %s, unit_label: 'u', time_label: 't'%s}\n"
    )
    path.write_text(base % ("xu", ", colour: red"), encoding="utf-8")
    with pytest.raises(SpecError, match="construction 'x', key 'colour': unknown key"):
        load_specs(path)
    path.write_text(base % ("x", ""), encoding="utf-8")
    with pytest.raises(SpecError, match="key 'unit_part': must be another column"):
        load_specs(path)
    path.write_text(base % ("xu", ""), encoding="utf-8")
    built = load_specs(path).construction[("marts.p", "x")]
    assert (built.unit_part, built.formula) == ("xu", "u + t")


# ------------------------------------------------------ the one-way (equations) table ---
@pytest.fixture(scope="module")
def chen_fits(chen_panel):
    specs = load_specs()
    ids = [c.model for t in ("ch_table2", "ch_table2_province_fe") for c in
           specs.tables[t].columns]  # fmt: skip
    return specs, {m: estimate.fit_model(chen_panel, specs.models[m]) for m in ids}


def test_province_fe_table_has_no_year_effects_and_the_new_rows(chen_fits):
    specs, fits = chen_fits
    one_way = build_table(specs.tables["ch_table2_province_fe"], stored_fits(fits, specs))
    two_way = build_table(specs.tables["ch_table2"], stored_fits(fits, specs))
    rows = dict(one_way.rows)
    assert rows["Year FE"] == ("No",) * 3 and rows["Province FE"] == ("Yes",) * 3
    assert dict(two_way.rows)["Year FE"] == ("Yes",) * 3
    for table, prefix in ((one_way, "ch_t2_pfe"), (two_way, "ch_t2")):
        share = fits[f"{prefix}_m4"].absorption.set_index("term").at["lnim", "share_left"]
        assert dict(table.rows)["Variance of LNIM left by FE"] == ("", "", f"{share:.3f}")
    two_notes = " ".join(two_way.notes)
    assert (
        "and LNIM = ln(im_it/im_t) + ln IM_t by construction" in two_notes
        and "LNFDI = ln(fdi_it/fdi_t) + ln FDI_t, LNOFDI" in two_notes  # one note, 3 channels
        and "each slope is identified by its first part (ln(fdi_it/fdi_t), ln(ofdi_it/ofdi_t), "
        "ln(im_it/im_t)) alone: the year effects absorb the second part"
        in two_notes
        and "move only the constant and the year effects" in two_notes
    )
    one_notes = " ".join(one_way.notes)
    assert "ln(im_it/im_t)) and the second part together (no year effects)" in one_notes
    for render in (to_markdown, to_latex, to_html):
        text = render(one_way)
        assert "Variance of LNIM left by FE" in text and "by construction" in text


def test_province_fe_coefficients_equal_linearmodels(chen_fits, chen_panel):
    specs, fits = chen_fits
    for model_id, x in (("ch_t2_pfe_m2", "lnfdi"), ("ch_t2_pfe_m3", "lnofdi"),
                        ("ch_t2_pfe_m4", "lnim")):  # fmt: skip
        data = chen_panel.set_index(["province_code", "year"])
        exog = data[[x, "lngov", "lnftri", "lninf", "lnhum"]].assign(const=1.0)
        direct = PanelOLS(data["res"], exog, entity_effects=True).fit(
            cov_type="clustered", cluster_entity=True, group_debias=True
        )
        assert_allclose(fits[model_id].params[x], direct.params[x], rtol=1e-10)
        assert_allclose(fits[model_id].std_errors[x], direct.std_errors[x], rtol=1e-10)
        assert fits[model_id].effects == "entity"


R_LSDV = """
# Province effects only, as Chen's equations (2)-(4): the dummy-variable regression in base
# R (lm with factor(province_code)), whose slopes are those of the within estimator (plm's
# model = "within", Stata xtreg, fe) by Frisch-Waugh-Lovell.
d <- read.csv(commandArgs(TRUE)[1], colClasses = c(province_code = "character"))
for (x in c("lnfdi", "lnofdi", "lnim")) {
  f <- as.formula(paste("res ~", x, "+ lngov + lnftri + lninf + lnhum + factor(province_code)"))
  cat(x, sprintf("%.15g", coef(lm(f, data = d))[[x]]), "\\n")
}
"""


@pytest.mark.reference
@pytest.mark.skipif(shutil.which("Rscript") is None, reason="R is not installed")
def test_province_fe_coefficients_equal_an_r_refit(chen_fits, chen_panel, tmp_path):
    """An independent refit in R (base lm on province dummies) of the one-way columns."""
    specs, fits = chen_fits
    data = tmp_path / "chen.csv"
    columns = ["province_code", "year", "res", "lnfdi", "lnofdi", "lnim", *CONTROLS.split(" + ")]
    chen_panel[columns].to_csv(data, index=False, float_format="%.17g")
    script = tmp_path / "lsdv.R"
    script.write_text(R_LSDV, encoding="utf-8")
    proc = subprocess.run(["Rscript", str(script), str(data)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    refit = {x: float(v) for x, v in (line.split() for line in proc.stdout.splitlines())}
    for model_id, x in (("ch_t2_pfe_m2", "lnfdi"), ("ch_t2_pfe_m3", "lnofdi"),
                        ("ch_t2_pfe_m4", "lnim")):  # fmt: skip
        assert_allclose(fits[model_id].params[x], refit[x], rtol=1e-9)


# ------------------------------------------------ the stored rows, Word and the report ---
@pytest.fixture(scope="module")
def chen_estimated(built_warehouse, tmp_path_factory):
    """A copy of the built warehouse with the two Chen Table 2 versions estimated."""
    tmp = tmp_path_factory.mktemp("chen")
    db = tmp / "warehouse.duckdb"
    shutil.copy(built_warehouse, db)
    estimate.run(db, tables=["ch_table2", "ch_table2_province_fe"], out_dir=tmp / "tables")
    return db, tmp / "tables"


def test_word_and_files_carry_the_rows_and_notes(chen_estimated):
    from docx import Document

    _, out = chen_estimated
    for suffix in ("md", "tex", "html"):
        text = (out / f"ch_table2_province_fe.{suffix}").read_text(encoding="utf-8")
        assert "Variance of LNIM left by FE" in text and "by construction" in text
    document = Document(str(out / "tables.docx"))
    cells = [[c.text for c in row.cells] for grid in document.tables for row in grid.rows]
    assert ["Year FE", "No", "No", "No"] in cells
    assert any(row[0] == "Variance of LNOFDI left by FE" for row in cells)
    notes = " ".join(p.text for p in document.paragraphs)
    assert "each slope is identified by its first part (" in notes and "ln(ofdi_it/ofdi_t)" in notes


def test_report_shows_the_absorption_and_which_part_identifies(chen_estimated):
    from resilience.report import write_report

    db, out = chen_estimated
    page = write_report(db, out.parent / "index.html").path.read_text(encoding="utf-8")
    stored = query(db, "select * from results.absorption").set_index(["model_id", "term"])
    share = stored.loc[("ch_t2_pfe_m3", "lnofdi"), "share_left"]
    assert "(marts.panel_spillover_resilience): share of each regressor" in page
    assert "Variance of LNOFDI left by FE" in page and f"{share:.3f}" in page
    assert "Chen Table 2 as equations (2)-(4) write it: province effects only" in page
    assert "ln(im_it/im_t)) alone: the year effects absorb the second part" in page
    assert "ln(im_it/im_t)) and the second part together (no year effects)" in page


# ----------------------------------------------------------------------- in Chinese ---
def test_chen_tables_in_chinese_say_which_part_identifies(chen_fits):
    """Every text of the two Chen tables has zh (a LanguageWarning would list the rest)."""
    from resilience.i18n import LanguageWarning

    specs, fits = chen_fits
    with warnings.catch_warnings():
        warnings.simplefilter("error", LanguageWarning)
        two_way = build_table(specs.tables["ch_table2"], stored_fits(fits, specs), lang="zh")
        one_way = build_table(
            specs.tables["ch_table2_province_fe"], stored_fits(fits, specs), lang="zh"
        )
    two_notes, one_notes = " ".join(two_way.notes), " ".join(one_way.notes)
    assert "LNOFDI = ln(ofdi_it/ofdi_t) + ln OFDI_t和LNIM = ln(im_it/im_t) + ln IM_t" in two_notes
    assert "（ln(fdi_it/fdi_t)、ln(ofdi_it/ofdi_t)、ln(im_it/im_t)）单独识别" in two_notes
    assert "年份固定效应吸收了第二部分" in two_notes and "只影响常数项与年份固定效应" in two_notes
    assert "与第二部分共同识别（无年份固定效应）" in one_notes and "也影响斜率" in one_notes
    # the parameters the pool depends on come from chen.yaml's zh text of time_depends_on
    assert "伙伴国研发资本存量及其永续盘存参数（折旧率、基年、增长率算法、时滞、分母）" in one_notes
    assert "省份虚拟变量；含年份固定效应时另加年份虚拟变量" in one_notes  # not "province and year"
    assert dict(one_way.rows)["年份固定效应"] == ("否",) * 3
    assert "进口贸易技术溢出：固定效应后剩余方差占比" in dict(one_way.rows)


def test_stored_absorption_keeps_what_the_time_part_depends_on(chen_estimated):
    db, _ = chen_estimated
    stored = query(db, "select model_id, term, time_depends_on from results.absorption")
    lnim = stored[stored.term == "lnim"].set_index("model_id").time_depends_on
    assert lnim.notna().all() and lnim.str.startswith("the partner R&D stocks").all()
    assert stored[stored.term == "lngov"].time_depends_on.isna().all()  # not constructed


def test_an_older_results_schema_gains_the_column(tmp_path):
    """A warehouse estimated before time_depends_on existed is extended, its rows kept."""
    import duckdb

    from resilience import results

    db = tmp_path / "old.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create schema results")
        con.execute(
            "create table results.absorption (model_id varchar, term varchar, effects varchar,"
            " share_left double)"
        )
        con.execute("insert into results.absorption values ('m', 'x', 'two-way', 0.5)")
        results.ensure_schema(con)
        rows = con.execute("select model_id, time_depends_on from results.absorption").fetchall()
    assert rows == [("m", None)]


def test_report_in_chinese_has_no_english_left(chen_estimated):
    from resilience.i18n import LanguageWarning
    from resilience.report import write_report

    db, out = chen_estimated
    with warnings.catch_warnings():
        warnings.simplefilter("error", LanguageWarning)
        page = write_report(db, out.parent / "zh.html", lang="zh").path.read_text("utf-8")
    assert "单独识别" in page and "共同识别（无年份固定效应）" in page
    assert "中固定效应吸收了什么（marts.panel_spillover_resilience）" in page
    assert "What the fixed effects absorb" not in page and "by construction" not in page
