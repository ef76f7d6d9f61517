import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from resilience import dgp
from resilience.hausman import hausman_test

REF = Path(__file__).resolve().parents[1] / "reference_data"
PUBLISHED = json.loads((REF / "grunfeld_published.json").read_text())


@pytest.mark.reference
def test_plm_phtest_grunfeld():
    ref = PUBLISHED["plm_phtest"]
    data = pd.read_csv(REF / "grunfeld.csv")
    res = hausman_test("inv ~ value + capital", data, "firm", "year")
    value, digits = ref["statistic"]
    assert_allclose(res.statistic, value, rtol=0, atol=10.0**-digits)
    value, digits = ref["p_value"]
    assert_allclose(res.pvalue, value, rtol=0, atol=10.0**-digits)
    assert res.df == ref["df"]
    assert res.note == ""
    assert json.loads(res.to_json())["df"] == 2


def test_hausman_rejects_re_when_effects_correlate():
    panel = dgp.simulate_dataflow_panel(seed=1)
    res = hausman_test("exp_res ~ data_index + edu + open + TimeEffects", panel,
                       "province_code", "year")
    assert res.terms == ("data_index", "edu", "open")
    assert res.pvalue < 0.01 and res.conclusion == "fixed effects"


def test_negative_statistic_has_no_pvalue(monkeypatch):
    import resilience.hausman as hausman

    panel = dgp.simulate_dataflow_panel(seed=1)
    real_eigvalsh = np.linalg.eigvalsh
    real_pinv = np.linalg.pinv
    monkeypatch.setattr(hausman.np.linalg, "eigvalsh", lambda v: -real_eigvalsh(v))
    monkeypatch.setattr(hausman.np.linalg, "pinv", lambda v: -real_pinv(v))
    res = hausman.hausman_test("exp_res ~ data_index + edu", panel, "province_code", "year")
    assert res.statistic < 0 and np.isnan(res.pvalue)
    assert "not positive definite" in res.note and "not informative" in res.note
