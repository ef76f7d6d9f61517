r"""Simulated province-year panels with known coefficients, for tests and demos.

The panels have the column names of the warehouse marts (``docs/contracts.md``):
:func:`simulate_dataflow_panel` mimics ``marts.panel_dataflow_export`` and
:func:`simulate_spillover_panel` mimics ``marts.panel_spillover_resilience``. Both are
two-way error-component panels

.. math::

    y_{it} = \alpha + x_{it}'\beta + \mu_i + \delta_t + \varepsilon_{it},
    \qquad \mu_i \sim N(0, \sigma_\mu^2),\ \delta_t \sim N(0, \sigma_\delta^2),\
    \varepsilon_{it} \sim N(0, \sigma^2),

with regressors correlated with :math:`\mu_i` (so that fixed and random effects differ),
and, for the data-flow panel, a mediator equation

.. math::

    m_{it} = \alpha_m + a\, d_{it} + \mu^m_i + \delta^m_t + u_{it}

whose outcome enters :math:`y_{it}` with coefficient :math:`b`, so that the indirect effect
of :math:`d` on :math:`y` through :math:`m` is :math:`ab`. The true values are in
:data:`DATAFLOW_TRUTH` and :data:`SPILLOVER_TRUTH`. The data are synthetic.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from resilience.panel import lag
from resilience.paths import PROVINCES_CSV

#: True coefficients of the data-flow panel (outcome ``exp_res``, mediator ``isu``).
DATAFLOW_TRUTH = {
    "const": 2.0,
    "data_index": 5.0,
    "edu": -2.0,
    "open": 1.5,
    "gov": -1.0,
    "health": 0.8,
    "tec": 0.5,
    "isu_on_data_index": 0.1,  # a
    "exp_res_on_isu": 4.0,  # b
    "ted_on_data_index": 0.5,
}

#: True coefficients of the spillover panel (outcome ``res``).
SPILLOVER_TRUTH = {
    "const": 0.3,
    "lnfdi": 0.05,
    "lnofdi": 0.03,
    "lnim": 0.07,
    "lngov": -0.1,
    "lnftri": -0.01,
    "lninf": -0.02,
    "lnhum": -0.1,
}

DATAFLOW_CONTROLS = ("edu", "open", "gov", "health", "tec")
SPILLOVER_CONTROLS = ("lngov", "lnftri", "lninf", "lnhum")


def provinces() -> pd.DataFrame:
    """Return the province attributes used by the simulated panels.

    Returns
    -------
    pandas.DataFrame
        One row per province: ``province_code`` (six-digit string), ``province_name_en``,
        ``region``, ``is_coastal`` (bool), ``ftz_year`` (int, 0 = no pilot FTZ).
    """
    frame = pd.read_csv(
        PROVINCES_CSV,
        usecols=["province_code", "province_name_en", "region", "is_coastal", "ftz_year"],
        dtype={"province_code": str},
    )
    frame["is_coastal"] = frame["is_coastal"].astype(bool)
    frame["ftz_year"] = frame["ftz_year"].fillna(0).astype(int)
    return frame


def _grid(first_year: int, last_year: int) -> pd.DataFrame:
    """Cross provinces with years, sorted by province and year."""
    years = pd.DataFrame({"year": np.arange(first_year, last_year + 1)})
    return provinces().merge(years, how="cross")


def _effects(
    frame: pd.DataFrame, rng: np.random.Generator, sd_entity: float, sd_time: float
) -> np.ndarray:
    """Draw province and year effects and map them onto the rows of ``frame``."""
    codes, entity = np.unique(frame["province_code"], return_inverse=True)
    years, time = np.unique(frame["year"], return_inverse=True)
    return (
        rng.normal(0.0, sd_entity, codes.size)[entity] + rng.normal(0.0, sd_time, years.size)[time]
    )


def simulate_dataflow_panel(
    seed: int = 0, first_year: int = 2009, last_year: int = 2023, hp_missing: int = 0
) -> pd.DataFrame:
    r"""Simulate a panel with the columns of ``marts.panel_dataflow_export``.

    .. math::

        \text{isu}_{it} = 0.4 + a\,\text{data}_{it} + \mu^m_i + \delta^m_t + u_{it},\qquad
        \text{exp\_res}_{it} = \alpha + \beta\,\text{data}_{it} + b\,\text{isu}_{it}
        + \gamma'X_{it} + \mu_i + \delta_t + \varepsilon_{it}

    Parameters
    ----------
    seed : int
        Seed of the random generator.
    first_year, last_year : int
        Years of the panel (2009-2023 as in Wang & Lu).
    hp_missing : int
        Number of rows (the last year of the first ``hp_missing`` provinces) whose
        ``exp_res_hp`` is missing, to exercise the handling of missing values.

    Returns
    -------
    pandas.DataFrame
        31 provinces x years; Tibet has ``in_paper_sample = False``.
    """
    rng = np.random.default_rng(seed)
    frame = _grid(first_year, last_year)
    n = len(frame)
    t = frame["year"].to_numpy() - first_year
    frame["is_east"] = frame["region"].eq("east")
    frame["is_central_west"] = ~frame["is_east"]
    frame["is_ftz_province"] = frame["ftz_year"].between(1, 2019)
    frame["has_ftz"] = frame["ftz_year"].gt(0) & frame["year"].ge(frame["ftz_year"])
    frame["in_paper_sample"] = frame["province_code"].ne("540000")
    truth = DATAFLOW_TRUTH
    entity_level = _effects(frame, rng, 0.3, 0.0)
    frame["data_index"] = 0.2 + 0.02 * t + 0.3 * entity_level + rng.normal(0, 0.1, n)
    frame["data_index_pca"] = 3.0 * frame["data_index"] + rng.normal(0, 0.1, n)
    for column in DATAFLOW_CONTROLS:
        frame[column] = rng.normal(0.0, 1.0, n) + 0.5 * entity_level
    frame["isu"] = (
        0.4
        + truth["isu_on_data_index"] * frame["data_index"]
        + _effects(frame, rng, 0.05, 0.02)
        + rng.normal(0, 0.02, n)
    )
    frame["ted"] = (
        0.01
        + truth["ted_on_data_index"] * frame["data_index"]
        + _effects(frame, rng, 0.05, 0.02)
        + rng.normal(0, 0.05, n)
    )
    controls = sum(truth[c] * frame[c] for c in DATAFLOW_CONTROLS)
    frame["exp_res"] = (
        truth["const"]
        + truth["data_index"] * frame["data_index"]
        + truth["exp_res_on_isu"] * frame["isu"]
        + controls
        + _effects(frame, rng, 1.0, 0.5)
        + 2.0 * entity_level
        + rng.normal(0, 0.5, n)
    )
    frame["exp_res_hp"] = np.log(100.0 + 10.0 * frame["exp_res"].abs()) + rng.normal(0, 0.1, n)
    last = frame["year"].eq(last_year) & frame["province_code"].isin(
        frame["province_code"].unique()[:hp_missing]
    )
    frame.loc[last, "exp_res_hp"] = np.nan
    frame["lag1_data_index"] = lag(frame, "data_index", 1, "province_code", "year")
    frame["lag2_data_index"] = lag(frame, "data_index", 2, "province_code", "year")
    return frame.drop(columns="ftz_year")


def simulate_spillover_panel(
    seed: int = 0, first_year: int = 2003, last_year: int = 2019
) -> pd.DataFrame:
    r"""Simulate a panel with the columns of ``marts.panel_spillover_resilience``.

    .. math::

        \text{res}_{it} = \alpha + \beta_1 \text{lnfdi}_{it} + \beta_2 \text{lnofdi}_{it}
        + \beta_3 \text{lnim}_{it} + \gamma'X_{it} + \mu_i + \delta_t + \varepsilon_{it}

    Parameters
    ----------
    seed : int
        Seed of the random generator.
    first_year, last_year : int
        Years of the panel (2003-2019 as in Chen).

    Returns
    -------
    pandas.DataFrame
        31 provinces x years with ``res``, the three spillovers and their province parts
        (``ln_im_share``, ...: the spillover less a part common to the year), four controls
        and ``gdp_growth``.
    """
    rng = np.random.default_rng(seed)
    frame = _grid(first_year, last_year)
    n = len(frame)
    t = frame["year"].to_numpy() - first_year
    frame["is_east"] = frame["region"].eq("east")
    truth = SPILLOVER_TRUTH
    entity_level = _effects(frame, rng, 0.5, 0.0)
    for column in ("lnfdi", "lnofdi", "lnim"):
        frame[column] = 0.1 * t + entity_level + rng.normal(0, 0.3, n)
        # the mart's province part: lnim = ln_im_share + a part common to the year (0.1 t)
        frame[f"ln_{column[2:]}_share"] = frame[column] - 0.1 * t
    for column in SPILLOVER_CONTROLS:
        frame[column] = rng.normal(0, 0.5, n) + 0.3 * entity_level
    linear = truth["const"] + sum(
        truth[c] * frame[c] for c in ("lnfdi", "lnofdi", "lnim", *SPILLOVER_CONTROLS)
    )
    frame["res"] = linear + _effects(frame, rng, 0.05, 0.02) + rng.normal(0, 0.02, n)
    frame["gdp_growth"] = (
        8.0
        + 10.0 * (linear - truth["const"])
        + _effects(frame, rng, 1.0, 1.0)
        + rng.normal(0, 0.5, n)
    )
    return frame.drop(columns="ftz_year")
