r"""Deterministic synthetic demo data: every raw input of ``docs/contracts.md``.

SYNTHETIC DATA. Everything this module writes is simulated from a fixed seed; magnitudes
are made plausible for China 2003-2023, but no number is an official statistic.

Run ``python -m resilience.demo [--out DIR]`` (default ``data/demo/``). It writes one file
per raw input of the contracts -- ``indicator_values.csv``, ``province_accounts.csv``,
``partner_macro.csv``, ``bilateral_flows.csv``, ``exchange_rates.csv`` -- and
``planted_effects.json``
(the planted effects and settings, machine-readable). Output is byte-identical across runs:
every float is written with 6 significant digits in positional notation, rows are sorted,
lines end in ``\n``. All planted quantities are computed from the *written* (rounded)
values, so the warehouse, reading the CSVs, reproduces them.

Data-generating process
-----------------------
Indices: provinces :math:`i` (31, codes and regions from ``seeds/reference/provinces.csv``),
years :math:`t = 2003..2023`, partners :math:`j` (21, ``partner_countries.csv``), indicators
:math:`k` (25, ``indicator_systems.csv``). Draws use one ``numpy.random.default_rng(seed)``
(seed 20240521) in a fixed order.

**Accounts.** Nominal GDP (100 million yuan) follows the national nominal growth path
:math:`C_t = \sum_{s \le t} \ln(1 + n_s)` scaled per province,
:math:`\ln Y_{it} = \ln Y_{i,2003} + a_i C_t + \xi_{it}` with
:math:`a_i = \ln(Y_{i,2023}/Y_{i,2003}) / C_{2023}` from stylised 2003/2023 levels and a
random walk :math:`\xi` (sd 0.01; Hubei gets an extra -7 % in 2020). The real GDP index
(previous year = 100) is nominal growth deflated by the national deflator. Population
(10k) is log-linear between stylised 2003 and 2023 levels. Ratios drawn per province with
trends and AR(1) noise: fiscal expenditure / GDP (``gov``), education / fiscal expenditure
(``edu``), telecom business / GDP, tech-contract turnover / GDP (``tec``), higher-education
students per person; medical institutions are population times a per-capita rate. FDI
inflow follows a common 7 % trend, outward FDI the national OFDI total, both times
trendless provincial shares with AR(1) noise; foreign capital used = FDI x (1.02-1.3).

**Data-flow indicators** (11, all direction ``+``), all years:

.. math::

    \ln x_{kit} = \ln c_k + a_k \ln(P_{it}/4000) + b_k \ln(y_{it}/2.5)
                  + \lambda_k D_{it} + \eta_{ki} + \epsilon_{kit},
    \qquad D_{it} = v_i + (1 + w_i - 0.5\, s_i)(t - 2009)/14,

:math:`P` population, :math:`y` GDP per capita (10k yuan), :math:`D` the latent digital
development, :math:`v_i \sim N(0.15\,\text{coastal}_i, 0.25^2)`,
:math:`w_i \sim N(0, 0.3^2)`, :math:`s_i = \ln(P_{i,2009}/4000) + \ln(y_{i,2009}/2.5)`
(catch-up: large, rich provinces digitalise more slowly), :math:`\eta \sim N(0, 0.15^2)`,
:math:`\epsilon \sim N(0, 0.06^2)`; :math:`c_k, a_k, b_k, \lambda_k` are in
:data:`DATAFLOW_SPEC`; counts are rounded to integers.

**Missing cells.** Only interior years of each index sample (resilience 2004-2018,
data-flow 2010-2022) can be missing, with probability 0.02 (Tibet 0.12) per cell; a gap
directly after another gap is dropped, so every gap has observed neighbours and the first
and last sample year of every province-indicator are observed.

**Data-flow index** :math:`d_{it}`: :func:`resilience.oracles.entropy.entropy_index` on the
data-flow sample (30 provinces without Tibet, 2009-2023, :math:`n = 450`) after blanking, exactly as
DESIGN.md "Composite indices": linear interpolation of interior gaps, pooled min-max
:math:`z`, :math:`z' = z + 0.0001`, :math:`p = z'/\sum z'`,
:math:`e = -(\ln n)^{-1} \sum p \ln p`, :math:`d = 1 - e`, :math:`w = d / \sum d`,
score :math:`= \sum_k w_k z_k`. Outside the sample (Tibet, years before 2009) an
extrapolated score :math:`\tilde d_{it}` (same min, max and weights, clipped to [0, 1])
drives Tibet's exports and the mediators; it is not part of the index.

**Export resilience** (2009-2023, base year 2008), with controls
:math:`x_{it} = (edu, open, gov, health, tec)`:

.. math::

    ExpRes_{it} = \beta_{g(i)}\, d_{it} + \gamma' x_{it} + \mu_i + \delta_t + \varepsilon_{it},
    \qquad \beta_{east} = 3,\ \beta_{central/west} = 8,\ \varepsilon \sim N(0, 0.1^2),

:math:`\gamma = (-2.0, 0.5, -1.5, 0.05, 3.0)`; :math:`\mu_i = m_i - \beta_g d_{i,2009}
- \gamma' x_{i,2009}` with :math:`m_i \sim N(0, 0.06^2)`, and :math:`\delta_t` chosen so
that the 2008-export-weighted mean of the systematic part follows a stylised national
export path (2009: -16 %, 2020: -3 %, 2023: +136 % on 2008). Exports:
:math:`X_{it} = X_{i,2008}(1 + ExpRes_{it})`. Definitions (the warehouse must use the same):
``edu = education_expenditure / fiscal_expenditure``,
``gov = fiscal_expenditure / gdp``, ``health = medical_institutions / 10000``,
``tec = tech_contract_turnover / gdp``,
``open = (exports_usd_mn + imports_usd_mn) * cny_per_usd / (100 * gdp_cny_100mn)``.
``open`` is set before the export noise is drawn, from exogenous quantities only: with
:math:`q_{it} = r_t / (100 Y_{it})` (:math:`r_t` the CNY/USD rate), target imports
:math:`M^*_{it}` = national imports times a trendless provincial share (AR(1) noise, sd
0.2), and :math:`s_{it}` the systematic part without the ``open`` term, ``open`` solves
:math:`open = q\,(X_{i,2008}(1 + s + \gamma_{open}(open - open_{i,2009})) + M^*)`, i.e.
it equals the trade ratio of noise-free exports and target imports. Imports are then
:math:`open_{it} / q_{it} - X_{it} = M^*_{it} - X_{i,2008}\varepsilon_{it}` (checked
>= 10 % of exports). Imports before 2009 are :math:`M^*_{it}`.

**Pseudo-true pooled coefficient.** The pooled two-way FE regression of ExpRes on
:math:`d` and the controls is misspecified (two slopes). ``dataflow_pooled_projection`` is
the coefficient on :math:`d` of the least-squares projection of the noise-free systematic
part on :math:`d`, the controls, province and year dummies (30 provinces, 2009-2023).

**Mediators**, with :math:`\theta_{ISU} = 0.10`, :math:`\theta_{TED} = 0.02` (ratios):

.. math::

    ISU_{it} = \alpha^{I}_i + 0.006 (t - 2003) + \theta_{ISU} \tilde d_{it} + u^{I}_{it},
    \qquad TED_{it} = \alpha^{T}_i + 0.0005 (t - 2003) + \theta_{TED} \tilde d_{it} + u^{T}_{it},

tertiary value added = ISU * GDP, R&D expenditure = TED * GDP; noise sd 0.008 and 0.0008.

**Partners and spillovers.** Partner GDP (USD mn) is log-linear between stylised
2003/2023 levels with a 2009 and 2020 dip; nominal R&D = R&D intensity x GDP; CPI has base
2010 = 100. China's imports from, FDI from and OFDI to each partner are national totals
times log-linear partner shares (noise sd 0.08). Perpetual inventory
(:func:`resilience.oracles.perpetual_inventory.perpetual_inventory`):
:math:`RD_{jt} = nominal_{jt} / (CPI_{jt}/CPI_{j,2003})`,
:math:`g_j` the geometric mean growth 2003-2019, :math:`S_{j,2003} = RD_{j,2003}/(g_j +
0.10)`, :math:`S_{jt} = 0.9 S_{j,t-1} + RD_{jt}`. Pools
:math:`POOL_{ct} = \sum_j flow_{cjt} / GDP_{jt}\, S_{jt}` per channel, apportioned to
provinces by their share of the national total of ``imports_usd_mn``, ``fdi_inflow_usd_mn``
and ``ofdi_usd_mn``: :math:`IM_{it} = im_{it}/im_t \cdot POOL_{im,t}`; LNIM, LNFDI, LNOFDI
are logs.

**Resilience indicators** (14) are functions of a latent resilience

.. math::

    r_{it} = a_i + b_t + 0.05\,LNIM_{it} + 0.03\,LNFDI_{it} + 0.02\,LNOFDI_{it} + u_{it},
    \qquad a_i = \ln(y_{i,2003}/\bar y_{2003}),\ b_t = 0.11 (t - 2003),\
    u \sim N(0, 0.02^2),

monotone in :math:`r` within each year: increasing for ``+`` indicators, decreasing for
``unemployment_rate`` and ``industrial_concentration``. With
:math:`\tilde r_{it} = r_{it} - b_t - \bar r_{2003}` (the detrended latent), per-capita
levels are additive in a year and a province term,
:math:`x = c\,(e^{k_t b_t} + e^{k_u \tilde r} - 1)\,e^{\epsilon}` (so that the pooled
min-max index stays close to additive in province and year and the two-way FE regression
is not swamped by level-times-trend interactions); rates and ratios are logistic or
exponential in :math:`\tilde r` plus a national year term (e.g. ``gdp_growth_rate`` =
national real growth + :math:`\tilde r` + noise). FDI-inflow and OFDI shares have no
province trends, only AR(1) noise (sd 0.3 and 0.4), so LNIM, LNFDI, LNOFDI vary within
province independently of the level-trend interaction. The planted expected signs of LNIM,
LNFDI, LNOFDI on the resilience index are positive, import channel largest; the index is
a nonlinear aggregate, so no exact coefficient is planted (the realised two-way FE
coefficients are recorded). The indicator series are not reconciled with the accounts.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from resilience.oracles import entropy, fixed_effects, perpetual_inventory, spillovers
from resilience.paths import PROJECT_ROOT, REFERENCE_DIR

SEED = 20240521
YEARS = np.arange(2003, 2024)
N_T = len(YEARS)
T_IDX = YEARS - YEARS[0]  # years since 2003
YEAR_POS = {int(y): i for i, y in enumerate(YEARS)}  # year -> column of a matrix
EXPORT_BASE_YEAR = 2008
PIM_DELTA = 0.10
PIM_BASE_YEAR = 2003
PIM_GROWTH_YEARS = (2003, 2019)
SIG_DIGITS = 6
DEFAULT_OUT = PROJECT_ROOT / "data" / "demo"
DEFAULT_REFERENCE = REFERENCE_DIR
NOTE = "Synthetic demo data generated by resilience.demo; not official statistics."

BETA = {"east": 3.0, "central_west": 8.0}
GAMMA = {"edu": -2.0, "open": 0.5, "gov": -1.5, "health": 0.05, "tec": 3.0}
CONTROLS = ("edu", "open", "gov", "health", "tec")
EXP_RES_NOISE_SD = 0.10
THETA = {"isu": 0.10, "ted": 0.02}
LATENT_SPILLOVER = {"lnim": 0.05, "lnfdi": 0.03, "lnofdi": 0.02}
RESILIENCE_YEAR_TERM = 0.11 * T_IDX  # b_t of the latent resilience
CATCH_UP = 0.5
MISSING_RATE = {"default": 0.02, "540000": 0.12}

#: Stylised province facts: GDP 2003 and 2023 (100 mn yuan), population 2003 and 2023
#: (10k), exports 2003 (USD mn), import/export ratio.
PROVINCE_FACTS = {
    "110000": (5007, 43761, 1456, 2186, 16900, 3.0),
    "120000": (2448, 16737, 1011, 1364, 14400, 1.1),
    "130000": (6921, 43944, 6769, 7393, 6000, 0.7),
    "140000": (2855, 25698, 3314, 3466, 2100, 0.7),
    "150000": (2388, 24628, 2380, 2396, 1100, 1.3),
    "210000": (6003, 30209, 4210, 4182, 14600, 0.9),
    "220000": (2523, 13531, 2704, 2339, 1700, 2.0),
    "230000": (4430, 15884, 3815, 3062, 2900, 0.8),
    "310000": (6251, 47219, 1711, 2487, 48500, 1.2),
    "320000": (12443, 128222, 7406, 8526, 59100, 0.8),
    "330000": (9705, 82553, 4680, 6627, 41600, 0.5),
    "340000": (3973, 47051, 6410, 6121, 3100, 0.9),
    "350000": (4984, 54355, 3488, 4183, 21100, 0.6),
    "360000": (2830, 32200, 4254, 4515, 1500, 0.8),
    "370000": (12436, 92069, 9125, 10123, 26600, 0.7),
    "410000": (7049, 59132, 9667, 9815, 3000, 0.7),
    "420000": (4758, 55804, 6002, 5838, 2700, 0.9),
    "430000": (4660, 50013, 6663, 6568, 2100, 0.6),
    "440000": (13626, 135673, 7954, 12706, 152800, 0.8),
    "450000": (2735, 27202, 4857, 5027, 2000, 0.8),
    "460000": (671, 7551, 811, 1043, 900, 1.3),
    "500000": (2251, 30146, 2803, 3191, 1600, 0.7),
    "510000": (5333, 60133, 8700, 8368, 3200, 0.8),
    "520000": (1356, 20913, 3870, 3865, 600, 0.6),
    "530000": (2466, 30021, 4376, 4673, 1700, 0.8),
    "540000": (185, 2393, 270, 365, 150, 0.6),
    "610000": (2399, 33786, 3690, 3952, 1700, 0.7),
    "620000": (1305, 11864, 2603, 2465, 900, 1.2),
    "630000": (390, 3799, 534, 594, 250, 0.5),
    "640000": (385, 5315, 580, 729, 500, 0.5),
    "650000": (1878, 19126, 1934, 2598, 2500, 0.6),
}

#: National nominal and real GDP growth (percent), 2003-2023 (stylised).
NOMINAL_GROWTH = [
    12.9,
    17.8,
    15.7,
    17.1,
    23.1,
    18.2,
    9.2,
    18.3,
    18.4,
    10.4,
    10.1,
    8.5,
    7.0,
    8.4,
    11.5,
    10.5,
    7.3,
    2.7,
    13.4,
    5.3,
    4.6,
]
REAL_GROWTH = [
    10.0,
    10.1,
    11.4,
    12.7,
    14.2,
    9.7,
    9.4,
    10.6,
    9.6,
    7.9,
    7.8,
    7.4,
    7.0,
    6.8,
    6.9,
    6.7,
    6.0,
    2.2,
    8.4,
    3.0,
    5.2,
]
#: CNY per USD, annual average 2003-2023 (public PBoC series, rounded).
CNY_PER_USD = [
    8.2770,
    8.2768,
    8.1917,
    7.9718,
    7.6040,
    6.9451,
    6.8310,
    6.7695,
    6.4588,
    6.3125,
    6.1932,
    6.1428,
    6.2284,
    6.6423,
    6.7518,
    6.6174,
    6.8985,
    6.8976,
    6.4515,
    6.7261,
    7.0467,
]
CNY_RATE = np.asarray(CNY_PER_USD)
#: Stylised national exports relative to 2008 minus 1 (the export-resilience path).
NATIONAL_EXP_RES = {
    2009: -0.16,
    2010: 0.103,
    2011: 0.327,
    2012: 0.432,
    2013: 0.544,
    2014: 0.637,
    2015: 0.589,
    2016: 0.466,
    2017: 0.582,
    2018: 0.738,
    2019: 0.747,
    2020: 0.695,
    2021: 1.25,
    2022: 1.40,
    2023: 1.36,
}
#: National totals (USD bn) used to scale partner flows: imports, inward FDI, outward FDI.
NATIONAL_IMPORTS = [
    412.8,
    561.2,
    660.0,
    791.5,
    956.1,
    1132.6,
    1005.9,
    1396.2,
    1743.5,
    1818.4,
    1949.9,
    1959.2,
    1679.6,
    1587.9,
    1843.8,
    2135.7,
    2078.4,
    2055.6,
    2687.5,
    2716.0,
    2556.8,
]
NATIONAL_FDI = [
    53.5,
    60.6,
    60.3,
    63.0,
    74.8,
    92.4,
    90.0,
    105.7,
    116.0,
    111.7,
    117.6,
    119.6,
    126.3,
    126.0,
    131.0,
    135.0,
    138.1,
    144.4,
    173.5,
    189.1,
    163.3,
]
NATIONAL_OFDI = [
    2.85,
    5.5,
    12.3,
    21.2,
    26.5,
    55.9,
    56.5,
    68.8,
    74.7,
    87.8,
    107.8,
    123.1,
    145.7,
    196.1,
    158.3,
    143.0,
    136.9,
    153.7,
    178.8,
    163.1,
    177.3,
]

#: Partner facts: GDP 2003, 2023 (USD bn), R&D intensity 2003, 2023 (% GDP), CPI inflation
#: (% a year), shares in China's imports, inward FDI, outward FDI (2003, 2023).
PARTNER_FACTS = {
    "USA": (11457, 27361, 2.55, 3.45, 2.5, (0.082, 0.064), (0.078, 0.021), (0.023, 0.039)),
    "JPN": (4519, 4900, 3.14, 3.50, 0.3, (0.180, 0.063), (0.094, 0.023), (0.003, 0.003)),
    "KOR": (703, 1713, 2.35, 4.93, 2.4, (0.104, 0.064), (0.084, 0.022), (0.053, 0.003)),
    "DEU": (2506, 4457, 2.46, 3.11, 1.6, (0.059, 0.042), (0.016, 0.013), (0.010, 0.011)),
    "GBR": (2054, 3345, 1.64, 2.70, 2.3, (0.009, 0.010), (0.014, 0.008), (0.003, 0.012)),
    "FRA": (1844, 3031, 2.11, 2.23, 1.5, (0.015, 0.013), (0.011, 0.004), (0.0005, 0.004)),
    "ITA": (1577, 2255, 1.10, 1.33, 1.7, (0.012, 0.010), (0.006, 0.002), (0.0003, 0.002)),
    "CAN": (895, 2140, 1.98, 1.70, 2.0, (0.009, 0.014), (0.011, 0.002), (0.0028, 0.004)),
    "AUS": (467, 1724, 1.70, 1.68, 2.7, (0.018, 0.064), (0.011, 0.001), (0.011, 0.011)),
    "NLD": (579, 1118, 1.81, 2.26, 1.8, (0.005, 0.005), (0.014, 0.011), (0.0003, 0.009)),
    "SWE": (342, 593, 3.80, 3.40, 1.3, (0.007, 0.003), (0.003, 0.002), (0.0002, 0.006)),
    "CHE": (376, 885, 2.70, 3.30, 0.4, (0.006, 0.016), (0.004, 0.003), (0.0003, 0.001)),
    "BEL": (318, 632, 1.83, 3.32, 2.0, (0.005, 0.002), (0.001, 0.001), (0.0001, 0.001)),
    "AUT": (263, 516, 2.18, 3.22, 2.0, (0.003, 0.002), (0.001, 0.001), (0.0001, 0.0005)),
    "DNK": (219, 404, 2.51, 2.89, 1.5, (0.002, 0.002), (0.001, 0.002), (0.0002, 0.0003)),
    "FIN": (171, 300, 3.30, 3.10, 1.6, (0.006, 0.002), (0.001, 0.0005), (0.0001, 0.0004)),
    "NOR": (229, 486, 1.68, 1.85, 2.1, (0.002, 0.003), (0.0005, 0.0003), (0.0001, 0.0003)),
    "ESP": (907, 1581, 1.02, 1.49, 2.0, (0.003, 0.004), (0.002, 0.001), (0.0002, 0.001)),
    "NZL": (92, 253, 1.15, 1.47, 2.3, (0.002, 0.005), (0.001, 0.0003), (0.0001, 0.001)),
    "SGP": (98, 501, 2.03, 2.16, 2.0, (0.026, 0.021), (0.039, 0.059), (0.0003, 0.071)),
    "HKG": (161, 382, 0.68, 1.01, 1.8, (0.027, 0.005), (0.331, 0.700), (0.403, 0.610)),
}

#: Data-flow indicators: level of a typical province in 2009 (c), population elasticity
#: (a), GDP-per-capita elasticity (b), loading on the latent digital development (lambda),
#: whether the value is an integer count.
DATAFLOW_SPEC = {
    "postal_business_volume": (40.0, 0.8, 0.3, 0.8, False),
    "telecom_business_volume": (700.0, 0.8, 0.3, 0.5, False),
    "postal_letters": (20000.0, 0.8, 0.2, 0.05, True),
    "mobile_switching_capacity": (4000.0, 0.9, 0.2, 0.3, False),
    "mobile_penetration": (55.0, 0.0, 0.3, 0.35, False),
    "fiber_cable_length": (25000.0, 0.7, 0.1, 0.15, False),
    "internet_users": (1200.0, 0.9, 0.3, 0.35, False),
    "broadband_ports": (450.0, 0.9, 0.3, 0.7, False),
    "broadband_subscribers": (330.0, 0.9, 0.3, 0.6, False),
    "granted_patents": (10000.0, 1.0, 0.6, 0.5, True),
    "large_commodity_markets": (150.0, 0.8, 0.3, 0.02, True),
}


# --------------------------------------------------------------------------- PIM, pools


def spillover_pools(stocks, partner_macro, flows, accounts) -> pd.DataFrame:
    """Return provincial spillover pools and their logs (LNIM, LNFDI, LNOFDI).

    ``POOL_ct = sum_j flow_cjt / gdp_jt * S_jt``, apportioned by each province's share of
    the national total of imports, FDI inflow and OFDI (:mod:`resilience.oracles.spillovers`).
    """
    pools = spillovers.pools(stocks, flows, partner_macro, "gdp")
    acc = accounts[accounts["year"].isin(pools["year"])].reset_index(drop=True)
    spill = spillovers.apportioned(acc, pools)
    out = spill[["province_code", "year"]].copy()
    for channel, short in (("imports", "im"), ("fdi", "fdi"), ("ofdi", "ofdi")):
        out[short] = spill[channel]
    for channel, short in (("imports", "im"), ("fdi", "fdi"), ("ofdi", "ofdi")):
        out[f"ln{short}"] = spill[f"ln_{channel}"]
    return out


# --------------------------------------------------------------------------- helpers


def _fmt(v: float) -> str:
    if not np.isfinite(v):
        return ""
    return np.format_float_positional(
        float(v), precision=SIG_DIGITS, unique=False, fractional=False, trim="-"
    )


def _round(a: np.ndarray) -> np.ndarray:
    """Round to what the CSV holds (6 significant digits)."""
    flat = np.asarray(a, dtype=float).reshape(-1)
    return np.array([float(_fmt(v)) if np.isfinite(v) else np.nan for v in flat]).reshape(
        np.shape(a)
    )


def _ar1(rng, shape, sd, rho=0.7) -> np.ndarray:
    """AR(1) noise along the last axis with stationary sd ``sd`` (draws innovations first)."""
    z = rng.standard_normal(shape)
    z[..., 0] = rng.standard_normal(shape[:-1])  # the start; the first innovation is unused
    return _ar1_from_normals(z, sd, rho)


def _ar1_from_normals(z: np.ndarray, sd: float, rho: float) -> np.ndarray:
    """AR(1) along the last axis with stationary sd ``sd`` from given standard normals ``z``."""
    out = np.empty_like(z)
    out[..., 0] = sd * z[..., 0]
    for t in range(1, z.shape[-1]):
        out[..., t] = rho * out[..., t - 1] + sd * np.sqrt(1 - rho**2) * z[..., t]
    return out


def _loglin(v0, v1) -> np.ndarray:
    """Log-linear path from v0 (2003) to v1 (2023), one row per element of v0."""
    s = np.linspace(0.0, 1.0, len(YEARS))
    lo, hi = np.log(np.asarray(v0, dtype=float)), np.log(np.asarray(v1, dtype=float))
    return np.exp(lo[..., None] * (1 - s) + hi[..., None] * s)


def _total(index: entropy.EntropyIndex) -> pd.DataFrame:
    """``province_code, year, score`` of an index's total score."""
    total = index.scores.loc[index.scores["dimension"] == "total", ["unit_id", "year", "score"]]
    return total.rename(columns={"unit_id": "province_code"}).reset_index(drop=True)


def _sample(samples: pd.DataFrame, name: str) -> tuple[int, int, list[str]]:
    row = samples.set_index("index_name").loc[name]
    excl = row["excluded_unit_ids"]
    excluded = [] if pd.isna(excl) or excl == "" else str(excl).split(";")
    return int(row["first_year"]), int(row["last_year"]), excluded


@dataclass
class DemoData:
    """Generated tables (as written, floats already rounded) and the planted effects."""

    indicator_values: pd.DataFrame
    province_accounts: pd.DataFrame
    partner_macro: pd.DataFrame
    bilateral_flows: pd.DataFrame
    exchange_rates: pd.DataFrame
    planted: dict


@dataclass(frozen=True)
class _Provinces:
    """The provinces drawn for, in ``province_code`` order, with their stylised facts."""

    codes: list[str]
    facts: np.ndarray  # one row of PROVINCE_FACTS per province
    region: np.ndarray
    is_east: np.ndarray
    coastal: np.ndarray
    tibet: np.ndarray

    @property
    def n(self) -> int:
        """Number of provinces."""
        return len(self.codes)


@dataclass(frozen=True)
class _DataflowIndex:
    """The data-flow index: the oracle's fit, its sample, and the score matrices."""

    index: entropy.EntropyIndex
    sample: tuple[int, int, list[str]]
    score: np.ndarray  # d: the index inside its sample, the extrapolated score outside
    extrapolated: np.ndarray  # d~: the extrapolated score everywhere


@dataclass(frozen=True)
class _ExportResilience:
    """Exports and imports of every year, the noise-free systematic part and delta_t."""

    exports: np.ndarray
    imports: np.ndarray
    systematic: np.ndarray
    delta: np.ndarray


@dataclass(frozen=True)
class _Projection:
    """The pseudo-true pooled projection and the realised two-way FE data coefficients."""

    coefficients: np.ndarray  # on d, then on CONTROLS
    realised: dict[str, float]
    n_obs: int


@dataclass(frozen=True)
class _ResilienceIndex:
    """The resilience index (oracle fit), its sample, the realised spillover coefficients."""

    index: entropy.EntropyIndex
    sample: tuple[int, int, list[str]]
    realised: np.ndarray  # on LNIM, LNFDI, LNOFDI


# --------------------------------------------------------------------------- generator


def generate(reference_dir: Path | str = DEFAULT_REFERENCE, seed: int = SEED) -> DemoData:
    """Generate the synthetic demo tables and the planted effects (see module docstring).

    One ``numpy.random.default_rng(seed)`` feeds every step below, in this order; the
    order is the contract (``test_regeneration_is_byte_identical``): a step that drew
    earlier or later would change every number after it.

    Parameters
    ----------
    reference_dir : path
        Folder with ``provinces.csv``, ``partner_countries.csv``,
        ``indicator_systems.csv`` and ``index_samples.csv``.
    seed : int
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    DemoData
        The five raw tables and the ``planted_effects.json`` content.
    """
    prov, partners, system, samples = _read_reference(reference_dir)
    rng = np.random.default_rng(seed)
    gdp, gdp_index, pop = _gdp_and_population(rng, prov)
    services = _public_services(rng, prov, gdp, pop)
    fdi, fcap, ofdi = _foreign_investment(rng, prov, gdp)
    flow_values = _dataflow_indicators(rng, prov, pop, gdp / pop)
    gaps = _gap_masks(rng, prov, system, samples)
    flow_long = _long_values(flow_values, gaps, prov.codes)
    dataflow = _dataflow_index(flow_values, flow_long, system, samples, prov.codes)
    ctrl = _controls_without_open(services, gdp)
    trade = _export_resilience(rng, prov, dataflow.score, ctrl, gdp)
    projection = _pooled_projection(prov, dataflow, ctrl, trade, gdp)
    tertiary, rd_exp = _mediators(rng, prov, dataflow.extrapolated, gdp)
    accounts = _accounts_frame(
        prov.codes,
        gdp_cny_100mn=gdp,
        gdp_index_prev_year=gdp_index,
        population_10k=pop,
        exports_usd_mn=trade.exports,
        imports_usd_mn=trade.imports,
        fdi_inflow_usd_mn=fdi,
        ofdi_usd_mn=ofdi,
        foreign_capital_used_usd_mn=fcap,
        fiscal_expenditure_cny_100mn=services["fiscal"],
        education_expenditure_cny_100mn=services["education"],
        telecom_business_cny_100mn=services["telecom"],
        higher_ed_students_10k=services["students"],
        medical_institutions=services["medical"],
        tech_contract_turnover_cny_100mn=services["tech"],
        tertiary_value_added_cny_100mn=tertiary,
        rd_expenditure_cny_100mn=rd_exp,
    )
    partner_macro = _partner_macro(rng, partners)
    flows = _bilateral_flows(rng, partners)
    rates = pd.DataFrame({"year": YEARS, "cny_per_usd": CNY_RATE})
    ln = _spillovers(partner_macro, flows, accounts, prov.codes)
    detrended = _latent_resilience(rng, ln, gdp, pop)
    res_values = _resilience_indicators(rng, detrended)
    _check_indicator_system(system, res_values, flow_values)
    res_long = _long_values({k: _round(v) for k, v in res_values.items()}, gaps, prov.codes)
    indicator_values = pd.concat([flow_long, res_long], ignore_index=True).sort_values(
        ["province_code", "year", "indicator"], ignore_index=True
    )
    resilience = _resilience_index(indicator_values, system, samples, ln)
    planted = _planted(seed, dataflow, trade, projection, resilience, indicator_values)
    return DemoData(indicator_values, accounts, partner_macro, flows, rates, planted)


def _read_reference(
    reference_dir: Path | str,
) -> tuple[_Provinces, list[str], pd.DataFrame, pd.DataFrame]:
    """Read the provinces, partners, indicator systems and index samples of the seeds."""
    ref = Path(reference_dir)
    provinces = pd.read_csv(ref / "provinces.csv", dtype={"province_code": str})
    provinces = provinces.sort_values("province_code").reset_index(drop=True)
    partners = sorted(pd.read_csv(ref / "partner_countries.csv")["country_code"])
    system = pd.read_csv(ref / "indicator_systems.csv")
    samples = pd.read_csv(ref / "index_samples.csv", dtype={"excluded_unit_ids": str})
    codes = provinces["province_code"].tolist()
    unknown = sorted(set(codes) ^ set(PROVINCE_FACTS))
    if unknown:
        raise ValueError(f"provinces.csv and PROVINCE_FACTS disagree on {unknown}")
    region = provinces["region"].to_numpy()
    prov = _Provinces(
        codes=codes,
        facts=np.array([PROVINCE_FACTS[c] for c in codes], dtype=float),
        region=region,
        is_east=region == "east",
        coastal=provinces["is_coastal"].astype(str).str.lower().eq("true").to_numpy(),
        tibet=np.array([c == "540000" for c in codes]),
    )
    return prov, partners, system, samples


# ---- province accounts


def _gdp_and_population(rng, prov: _Provinces) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Nominal GDP, the real GDP index (previous year = 100) and population ("Accounts")."""
    n_p, facts = prov.n, prov.facts
    cum = np.concatenate([[0.0], np.cumsum(np.log1p(np.asarray(NOMINAL_GROWTH[1:]) / 100))])
    a_gdp = np.log(facts[:, 1] / facts[:, 0]) / cum[-1]
    xi = np.cumsum(rng.normal(0, 0.01, (n_p, N_T)), axis=1)
    xi[:, 0] = 0.0
    hubei = np.array([c == "420000" for c in prov.codes])
    xi[hubei, YEAR_POS[2020]] -= 0.07
    gdp = _round(facts[:, [0]] * np.exp(a_gdp[:, None] * cum[None, :] + xi))
    deflator = (1 + np.asarray(NOMINAL_GROWTH) / 100) / (1 + np.asarray(REAL_GROWTH) / 100)
    nom_g = np.empty_like(gdp)
    nom_g[:, 1:] = gdp[:, 1:] / gdp[:, :-1]
    nom_g[:, 0] = 1 + NOMINAL_GROWTH[0] / 100 + (a_gdp - a_gdp.mean()) * 0.1
    gdp_index = _round(100 * nom_g / deflator[None, :] + rng.normal(0, 0.15, (n_p, N_T)))
    pop = _round(_loglin(facts[:, 2], facts[:, 3]) * np.exp(rng.normal(0, 0.002, (n_p, N_T))))
    return gdp, gdp_index, pop


def _public_services(rng, prov: _Provinces, gdp, pop) -> dict[str, np.ndarray]:
    """Fiscal, education, telecom, students, medical institutions, tech contracts.

    Ratios to GDP, fiscal expenditure or population, each with a trend and AR(1) noise.
    """
    n_p, codes, tibet = prov.n, prov.codes, prov.tibet
    gdppc = gdp / pop  # 10k yuan per person
    rel = gdp[:, 0].sum() / pop[:, 0].sum() / gdppc[:, 0]
    gov0 = (0.08 + 0.045 * rel**1.2) * np.where(prov.region == "west", 1.2, 1.0)
    gov0 = gov0 * np.where(tibet, 4.0, 1.0)
    gov_ratio = gov0[:, None] * np.exp(0.025 * T_IDX[None, :] + _ar1(rng, (n_p, N_T), 0.02))
    fiscal = _round(gov_ratio * gdp)
    edu_ratio = (
        rng.uniform(0.13, 0.18, n_p)[:, None]
        + 0.003 * np.minimum(T_IDX, 9)[None, :]
        + _ar1(rng, (n_p, N_T), 0.006)
    )
    education = _round(edu_ratio * fiscal)
    telecom = _round(
        rng.uniform(0.025, 0.045, n_p)[:, None]
        * np.exp(-0.05 * T_IDX)[None, :]
        * np.exp(_ar1(rng, (n_p, N_T), 0.04))
        * gdp
    )
    stud0 = 0.009 * np.exp(rng.normal(0, 0.2, n_p))
    special = {"110000": 0.040, "310000": 0.026, "120000": 0.025, "520000": 0.005, "540000": 0.0075}
    for c, v in special.items():
        stud0[codes.index(c)] = v
    stud_g = np.where(stud0 > 0.02, 0.5, 1.0)
    stud_path = (0.11 * T_IDX - 0.0025 * T_IDX**2)[None, :]
    stud_share = stud0[:, None] * np.exp(stud_g[:, None] * stud_path + _ar1(rng, (n_p, N_T), 0.02))
    students = _round(stud_share * pop)
    med_rate = np.where(tibet, 18.0, rng.uniform(5.5, 9.5, n_p))
    medical = np.round(
        pop * med_rate[:, None] * np.exp(0.01 * T_IDX[None, :] + _ar1(rng, (n_p, N_T), 0.02))
    )
    tec0 = np.exp(rng.uniform(np.log(0.002), np.log(0.012), n_p))
    tec0[codes.index("110000")], tec0[codes.index("310000")] = 0.053, 0.027
    tec_g = rng.uniform(0.05, 0.12, n_p)
    tec_g[codes.index("110000")] = 0.065
    tech = _round(
        tec0[:, None] * np.exp(tec_g[:, None] * T_IDX[None, :] + _ar1(rng, (n_p, N_T), 0.05)) * gdp
    )
    return {
        "fiscal": fiscal,
        "education": education,
        "telecom": telecom,
        "students": students,
        "medical": medical,
        "tech": tech,
    }


def _foreign_investment(rng, prov: _Provinces, gdp) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """FDI inflow, foreign capital used and outward FDI (USD mn)."""
    n_p = prov.n
    exp03 = prov.facts[:, 4]
    fdi0 = exp03**0.7 / (exp03**0.7).sum() * 60000.0
    fdi_g = 0.07 + rng.normal(0, 0.0, n_p)
    fdi = _round(
        fdi0[:, None]
        * np.exp(fdi_g[:, None] * T_IDX[None, :] + _ar1(rng, (n_p, N_T), 0.3, rho=0.3))
    )
    # foreign capital used = FDI plus foreign loans and other investment, which move on
    # their own: an AR(1) deviation (sd 0.25, rho 0.6) keeps LNFTRI from duplicating LNFDI
    fcap_ratio = rng.uniform(1.02, 1.3, n_p)[:, None]
    fcap_dev = _ar1_from_normals(rng.normal(0.0, 1.0, (n_p, N_T)), sd=0.25, rho=0.6)
    fcap = _round(fdi * fcap_ratio * np.exp(fcap_dev))
    ofdi_w = gdp[:, [0]] ** 1.3 * np.exp(
        rng.normal(0, 0.0, n_p)[:, None] * T_IDX[None, :] + _ar1(rng, (n_p, N_T), 0.4, rho=0.3)
    )
    ofdi = _round(ofdi_w / ofdi_w.sum(axis=0) * np.asarray(NATIONAL_OFDI)[None, :] * 1000 * 0.85)
    return fdi, fcap, ofdi


def _accounts_frame(codes: list[str], **columns: np.ndarray) -> pd.DataFrame:
    """``province_accounts``: one row per province-year, the columns in the order given."""
    n_p = len(codes)
    return pd.DataFrame(
        {
            "province_code": np.repeat(codes, N_T),
            "year": np.tile(YEARS, n_p),
            **{name: values.reshape(-1) for name, values in columns.items()},
        }
    )


# ---- data-flow indicators, gaps, the data-flow index


def _dataflow_indicators(rng, prov: _Provinces, pop, gdppc) -> dict[str, np.ndarray]:
    """Draw the 11 data-flow indicators of every year from the latent digital development D."""
    n_p = prov.n
    size09 = np.log(pop[:, YEAR_POS[2009]] / 4000) + np.log(gdppc[:, YEAR_POS[2009]] / 2.5)
    speed = 1 + rng.normal(0, 0.3, n_p) - CATCH_UP * size09
    digital = (rng.normal(0, 0.25, n_p) + 0.15 * prov.coastal)[:, None] + speed[:, None] * (
        YEARS - 2009
    )[None, :] / 14.0
    values: dict[str, np.ndarray] = {}
    for ind, (c0, a_k, b_k, lam, is_count) in DATAFLOW_SPEC.items():
        eta = rng.normal(0, 0.15, n_p)[:, None]
        eps = rng.normal(0, 0.06, (n_p, N_T))
        x = c0 * np.exp(
            a_k * np.log(pop / 4000) + b_k * np.log(gdppc / 2.5) + lam * digital + eta + eps
        )
        values[ind] = np.maximum(np.round(x), 1.0) if is_count else _round(x)
    return values


def _gap_masks(rng, prov: _Provinces, system, samples) -> dict[str, np.ndarray]:
    """Missing cells per indicator: interior years of its index sample, never two in a row."""
    n_p = prov.n
    miss_rate = np.where(prov.tibet, MISSING_RATE["540000"], MISSING_RATE["default"])
    gap_mask: dict[str, np.ndarray] = {}
    for index_name, ind in system[["index_name", "indicator"]].itertuples(index=False):
        first, last, _ = _sample(samples, index_name)
        inner = (YEARS > first) & (YEARS < last)
        draw = (rng.random((n_p, N_T)) < miss_rate[:, None]) & inner[None, :]
        for t in range(1, N_T):
            draw[:, t] &= ~draw[:, t - 1]
        gap_mask[ind] = draw
    return gap_mask


def _long_values(
    block: dict[str, np.ndarray], gap_mask: dict[str, np.ndarray], codes: list[str]
) -> pd.DataFrame:
    """``province_code, year, indicator, value`` of indicator matrices, gaps blanked."""
    n_p = len(codes)
    frames = []
    for ind, arr in block.items():
        v = np.where(gap_mask[ind], np.nan, arr)
        frames.append(
            pd.DataFrame(
                {
                    "province_code": np.repeat(codes, N_T),
                    "year": np.tile(YEARS, n_p),
                    "indicator": ind,
                    "value": v.reshape(-1),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _dataflow_index(values, flow_long, system, samples, codes: list[str]) -> _DataflowIndex:
    """Fit the entropy index on the data-flow sample; extrapolate it outside (no draws)."""
    df_first, df_last, df_excl = _sample(samples, "dataflow")
    dfi = entropy.entropy_index(
        flow_long.rename(columns={"province_code": "unit_id"}),
        system,
        index_name="dataflow",
        first_year=df_first,
        last_year=df_last,
        excluded_units=df_excl,
    )
    w = dfi.weights.set_index("indicator")
    ext = np.zeros((len(codes), N_T))
    for ind in w.index:
        lo, hi = w.at[ind, "min_value"], w.at[ind, "max_value"]
        ext += w.at[ind, "weight"] * (values[ind] - lo) / (hi - lo)
    data_ext = np.clip(ext, 0.0, 1.0)
    scores = _total(dfi).pivot(index="province_code", columns="year", values="score")
    data = data_ext.copy()
    for i, c in enumerate(codes):
        if c in scores.index:
            data[i, YEAR_POS[df_first] : YEAR_POS[df_last] + 1] = scores.loc[c].to_numpy()
    return _DataflowIndex(dfi, (df_first, df_last, df_excl), data, data_ext)


# ---- exports, imports, export resilience


def _controls_without_open(services: dict[str, np.ndarray], gdp) -> dict[str, np.ndarray]:
    """Return the controls ``edu, gov, health, tec`` (``open`` follows the trade draws)."""
    return {
        "edu": services["education"] / services["fiscal"],
        "gov": services["fiscal"] / gdp,
        "health": services["medical"] / 10000.0,
        "tec": services["tech"] / gdp,
    }


def _export_resilience(rng, prov: _Provinces, data, ctrl, gdp) -> _ExportResilience:
    """Draw exports and imports: 2003-2008 paths, then ExpRes, ``open`` solved noise-free."""
    n_p, exp03 = prov.n, prov.facts[:, 4]
    exp_g = np.where(prov.coastal | (exp03 > 10000), np.log(3.2), np.log(3.8)) / 5
    exp_path = exp03[:, None] * np.exp(
        exp_g[:, None] * np.arange(6)[None, :] + _ar1(rng, (n_p, 6), 0.03)
    )
    exports = np.empty((n_p, N_T))
    exports[:, :6] = _round(exp_path)
    ex08 = exports[:, YEAR_POS[EXPORT_BASE_YEAR]]
    imp_w = (exp03 * prov.facts[:, 5])[:, None] * np.exp(_ar1(rng, (n_p, N_T), 0.2, rho=0.3))
    imports_target = imp_w / imp_w.sum(axis=0) * np.asarray(NATIONAL_IMPORTS)[None, :] * 1000
    imports = np.empty((n_p, N_T))
    imports[:, :6] = _round(imports_target[:, :6])

    y09 = YEAR_POS[2009]
    post = slice(y09, N_T)
    beta = np.where(prov.is_east, BETA["east"], BETA["central_west"])
    lin_no_open = beta[:, None] * (data - data[:, [y09]])
    for name, arr in ctrl.items():
        lin_no_open = lin_no_open + GAMMA[name] * (arr - arr[:, [y09]])
    m_i = rng.normal(0, 0.06, n_p)
    wts = ex08 / ex08.sum()
    delta = np.zeros(N_T)
    for y, target in NATIONAL_EXP_RES.items():
        delta[YEAR_POS[y]] = target - wts @ (m_i + lin_no_open[:, YEAR_POS[y]])
    s0 = delta[None, :] + m_i[:, None] + lin_no_open
    if (s0[:, post] <= -0.9).any():
        raise RuntimeError("generator: systematic export resilience <= -0.9; retune")
    # open solves open = q * (X_hat + M_target), X_hat = X_2008 (1 + s0 + g_open (open - open_2009))
    q = CNY_RATE[None, :] / (100 * gdp)
    open09 = (q * (ex08[:, None] * (1 + s0) + imports_target))[:, [y09]]
    g_open = GAMMA["open"]
    open_ratio = (
        q
        * (ex08[:, None] * (1 + s0 - g_open * open09) + imports_target)
        / (1 - q * ex08[:, None] * g_open)
    )
    systematic = s0 + GAMMA["open"] * (open_ratio - open_ratio[:, [y09]])
    eps = rng.normal(0, EXP_RES_NOISE_SD, (n_p, N_T))
    exp_res = systematic + eps
    if (exp_res[:, post] <= -0.9).any():
        raise RuntimeError("generator: export resilience <= -0.9; retune")
    exports[:, post] = _round(ex08[:, None] * (1 + exp_res[:, post]))
    imports[:, post] = _round(
        open_ratio[:, post] * 100 * gdp[:, post] / CNY_RATE[None, post] - exports[:, post]
    )
    if (imports[:, post] < 0.1 * exports[:, post]).any():
        raise RuntimeError("generator: imports below 10% of exports; retune openness")
    return _ExportResilience(exports, imports, systematic, delta)


def _pooled_projection(
    prov: _Provinces, dataflow: _DataflowIndex, ctrl, trade: _ExportResilience, gdp
) -> _Projection:
    """Project the noise-free systematic part on d and the controls (data-flow sample)."""
    n_p = prov.n
    df_first, df_last, df_excl = dataflow.sample
    data, exports = dataflow.score, trade.exports
    open_obs = (exports + trade.imports) * CNY_RATE[None, :] / (100 * gdp)
    controls = {**ctrl, "open": open_obs}
    in_df_sample = ~np.isin(prov.codes, df_excl)
    sel = np.zeros((n_p, N_T), dtype=bool)
    sel[np.ix_(in_df_sample, (YEARS >= df_first) & (YEARS <= df_last))] = True
    unit_id = np.repeat(np.arange(n_p), N_T).reshape(n_p, N_T)[sel]
    year_id = np.tile(YEARS, (n_p, 1))[sel]
    design = np.column_stack([data[sel]] + [controls[k][sel] for k in CONTROLS])
    projection = fixed_effects.two_way_slopes(trade.systematic[sel], design, unit_id, year_id)
    observed = exports / exports[:, [YEAR_POS[EXPORT_BASE_YEAR]]] - 1
    east_sel = prov.is_east[unit_id]
    realised = {
        group: round(
            float(
                fixed_effects.two_way_slopes(
                    observed[sel][rows], design[rows], unit_id[rows], year_id[rows]
                )[0]
            ),
            6,
        )
        for group, rows in (
            ("pooled", np.ones_like(east_sel)),
            ("east", east_sel),
            ("central_west", ~east_sel),
        )
    }
    return _Projection(projection, realised, int(sel.sum()))


def _mediators(rng, prov: _Provinces, data_ext, gdp) -> tuple[np.ndarray, np.ndarray]:
    """Tertiary value added (ISU x GDP) and R&D expenditure (TED x GDP), driven by d~."""
    n_p, codes = prov.n, prov.codes
    isu0 = rng.uniform(0.30, 0.40, n_p)
    for c, v in {"110000": 0.68, "310000": 0.50, "460000": 0.42, "540000": 0.45}.items():
        isu0[codes.index(c)] = v
    isu = (
        isu0[:, None]
        + 0.006 * T_IDX[None, :]
        + THETA["isu"] * data_ext
        + rng.normal(0, 0.008, (n_p, N_T))
    )
    ted0 = rng.uniform(0.003, 0.008, n_p)
    for c, v in {
        "110000": 0.055,
        "310000": 0.020,
        "120000": 0.015,
        "320000": 0.012,
        "440000": 0.011,
        "610000": 0.025,
        "330000": 0.008,
        "540000": 0.0025,
    }.items():
        ted0[codes.index(c)] = v
    ted = (
        ted0[:, None]
        + 0.0005 * T_IDX[None, :]
        + THETA["ted"] * data_ext
        + rng.normal(0, 0.0008, (n_p, N_T))
    )
    if (ted <= 0).any() or (isu <= 0).any():
        raise RuntimeError("generator: non-positive mediator; retune")
    return _round(isu * gdp), _round(ted * gdp)


# ---- partners and bilateral flows


def _partner_macro(rng, partners: list[str]) -> pd.DataFrame:
    """``partner_macro``: partner GDP, nominal R&D, gross fixed capital formation, CPI."""
    n_j = len(partners)
    pf = [PARTNER_FACTS[c] for c in partners]
    cycle = np.zeros(N_T)
    cycle[YEAR_POS[2009]], cycle[YEAR_POS[2020]] = -0.05, -0.04
    p_gdp = _round(
        _loglin([f[0] for f in pf], [f[1] for f in pf])
        * 1000
        * np.exp(cycle[None, :] + _ar1(rng, (n_j, N_T), 0.02))
    )
    intensity = np.linspace(np.array([f[2] for f in pf]), np.array([f[3] for f in pf]), N_T).T
    p_rd = _round(intensity / 100 * p_gdp * np.exp(rng.normal(0, 0.02, (n_j, N_T))))
    infl = np.array([f[4] for f in pf]) / 100
    p_cpi = _round(
        100
        * np.exp(
            np.log1p(infl)[:, None] * (YEARS - 2010)[None, :]
            + np.cumsum(rng.normal(0, 0.004, (n_j, N_T)), axis=1)
        )
    )
    p_gfcf = _round(
        p_gdp * rng.uniform(0.18, 0.30, n_j)[:, None] * np.exp(_ar1(rng, (n_j, N_T), 0.03))
    )
    return pd.DataFrame(
        {
            "country_code": np.repeat(partners, N_T),
            "year": np.tile(YEARS, n_j),
            "rd_expenditure_usd_mn": p_rd.reshape(-1),
            "gdp_usd_mn": p_gdp.reshape(-1),
            "gfcf_usd_mn": p_gfcf.reshape(-1),
            "cpi": p_cpi.reshape(-1),
        }
    )


def _bilateral_flows(rng, partners: list[str]) -> pd.DataFrame:
    """``bilateral_flows``: China's imports from, FDI from, OFDI to each partner."""
    n_j = len(partners)
    pf = [PARTNER_FACTS[c] for c in partners]
    flow_cols = {}
    for col, pos, total in (
        ("imports_from_usd_mn", 5, NATIONAL_IMPORTS),
        ("fdi_from_usd_mn", 6, NATIONAL_FDI),
        ("ofdi_to_usd_mn", 7, NATIONAL_OFDI),
    ):
        share = _loglin([f[pos][0] for f in pf], [f[pos][1] for f in pf])
        flow_cols[col] = _round(
            share * np.asarray(total)[None, :] * 1000 * np.exp(rng.normal(0, 0.08, (n_j, N_T)))
        )
    return pd.DataFrame(
        {
            "country_code": np.repeat(partners, N_T),
            "year": np.tile(YEARS, n_j),
            **{k: v.reshape(-1) for k, v in flow_cols.items()},
        }
    )


# ---- spillovers, latent resilience, resilience indicators and index


def _spillovers(partner_macro, flows, accounts, codes: list[str]) -> pd.DataFrame:
    """LNIM, LNFDI, LNOFDI per province-year (perpetual inventory, pools; no draws)."""
    stocks = perpetual_inventory.perpetual_inventory(
        partner_macro,
        base_year=PIM_BASE_YEAR,
        delta=PIM_DELTA,
        growth_last_year=PIM_GROWTH_YEARS[1],
    )
    growth = stocks.groupby("country_code")["growth_rate"].first()
    if (growth <= 0).any():
        raise RuntimeError(
            f"generator: non-positive real R&D growth for {list(growth[growth <= 0].index)}"
        )
    ln = spillover_pools(stocks, partner_macro, flows, accounts)
    return ln.set_index(["province_code", "year"]).reindex(
        pd.MultiIndex.from_product([codes, YEARS], names=["province_code", "year"])
    )


def _latent_resilience(rng, ln: pd.DataFrame, gdp, pop) -> np.ndarray:
    """Draw the latent resilience r; return it detrended, r~ = r - b_t - mean(r_2003)."""
    n_p = gdp.shape[0]
    lnmat = {k: ln[k].to_numpy().reshape(n_p, N_T) for k in ("lnim", "lnfdi", "lnofdi")}
    gdppc = gdp / pop
    a_i = np.log(gdppc[:, 0] / (gdp[:, 0].sum() / pop[:, 0].sum()))
    b_t = RESILIENCE_YEAR_TERM
    r = (
        a_i[:, None]
        + b_t[None, :]
        + sum(LATENT_SPILLOVER[k] * lnmat[k] for k in lnmat)
        + rng.normal(0, 0.02, (n_p, N_T))
    )
    rho = r - r[:, 0].mean()
    return rho - b_t[None, :]


def _resilience_indicators(rng, rd: np.ndarray) -> dict[str, np.ndarray]:
    """Draw the 14 resilience indicators (unrounded), monotone in r~ within a year."""
    n_p = rd.shape[0]
    b_t = RESILIENCE_YEAR_TERM

    def noise(sd):
        return rng.normal(0, sd, (n_p, N_T))

    real_g = np.asarray(REAL_GROWTH)[None, :]

    def level(c, k_time, k_unit, sd):
        """Additive in a year term and a province term: c (e^{k_t b_t} + e^{k_u rd} - 1)."""
        return c * (np.exp(k_time * b_t)[None, :] + np.exp(k_unit * rd) - 1) * np.exp(noise(sd))

    # the draws follow the order of this literal
    return {
        "gdp_per_capita": level(10500, 1.0, 1.0, 0.03),
        "unemployment_rate": 1.5 + 3.5 / (1 + np.exp(1.5 * rd - 0.8)) + noise(0.08),
        "fiscal_self_sufficiency": np.clip(
            0.05 + 0.9 / (1 + np.exp(-(1.6 * rd - 0.2))) + noise(0.02), 0.03, 1.2
        ),
        "household_deposits_per_capita": level(8000, 1.05, 1.2, 0.03),
        "gdp_growth_rate": real_g + 1.0 * rd + noise(0.3),
        "fixed_investment_per_capita": level(4300, 1.1, 0.8, 0.04),
        "retail_sales_per_capita": level(3600, 1.0, 1.0, 0.03),
        "tertiary_share": np.clip(40 + 0.8 * T_IDX[None, :] + 8 * rd + noise(0.5), 25, 85),
        "trade_openness": (0.05 + 1.8 / (1 + np.exp(-1.8 * (rd - 0.6)))) * np.exp(noise(0.03)),
        "urbanisation_rate": np.clip(
            22 + 40 / (1 + np.exp(-1.5 * rd)) + 1.2 * T_IDX[None, :] + noise(0.5), 10, 95
        ),
        "industrial_concentration": (0.06 + 0.20 / (1 + np.exp(1.5 * rd + 0.3)))
        * np.exp(noise(0.04)),
        "rd_intensity": level(1.1, 0.35, 0.8, 0.04),
        "patents_per_10k": level(1.4, 1.2, 1.5, 0.04),
        "higher_ed_students_per_10k": level(90, 0.6, 0.6, 0.03),
    }


def _check_indicator_system(system: pd.DataFrame, resilience: dict, dataflow: dict) -> None:
    """Refuse an ``indicator_systems.csv`` whose indicators are not the generator's."""
    res_inds = system.loc[system["index_name"] == "resilience", "indicator"].tolist()
    if sorted(res_inds) != sorted(resilience) or sorted(
        system.loc[system["index_name"] == "dataflow", "indicator"]
    ) != sorted(dataflow):
        raise ValueError("indicator_systems.csv does not match the generator's indicators")


def _resilience_index(indicator_values, system, samples, ln: pd.DataFrame) -> _ResilienceIndex:
    """Fit the entropy resilience index and its two-way FE slopes on LNIM, LNFDI, LNOFDI."""
    rs_first, rs_last, rs_excl = _sample(samples, "resilience")
    rsi = entropy.entropy_index(
        indicator_values.rename(columns={"province_code": "unit_id"}),
        system,
        index_name="resilience",
        first_year=rs_first,
        last_year=rs_last,
        excluded_units=rs_excl,
    )
    res_score = _total(rsi).merge(ln.reset_index(), on=["province_code", "year"])
    realised = fixed_effects.two_way_slopes(
        res_score["score"].to_numpy(),
        res_score[["lnim", "lnfdi", "lnofdi"]].to_numpy(),
        res_score["province_code"].to_numpy(),
        res_score["year"].to_numpy(),
    )
    return _ResilienceIndex(rsi, (rs_first, rs_last, rs_excl), realised)


# ---- planted_effects.json


def _planted(
    seed: int,
    dataflow: _DataflowIndex,
    trade: _ExportResilience,
    projection: _Projection,
    resilience: _ResilienceIndex,
    indicator_values: pd.DataFrame,
) -> dict:
    """Return ``planted_effects.json``: the settings, planted and realised effects."""
    return {
        "synthetic": True,
        "note": NOTE,
        "generator": "resilience.demo",
        "seed": seed,
        "years": [int(YEARS[0]), int(YEARS[-1])],
        "beta_east": BETA["east"],
        "beta_central_west": BETA["central_west"],
        "gammas": GAMMA,
        "exp_res_noise_sd": EXP_RES_NOISE_SD,
        "dataflow_pooled_projection": round(float(projection.coefficients[0]), 8),
        "dataflow": _planted_dataflow(dataflow, trade, projection),
        "mediators": {
            "isu": THETA["isu"],
            "ted": THETA["ted"],
            "definitions": {
                "isu": "tertiary_value_added / gdp (ratio)",
                "ted": "rd_expenditure / gdp (ratio)",
            },
            "noise_sd": {"isu": 0.008, "ted": 0.0008},
        },
        "control_definitions": {
            "edu": "education_expenditure_cny_100mn / fiscal_expenditure_cny_100mn",
            "open": "(exports_usd_mn + imports_usd_mn) * cny_per_usd / (100 * gdp_cny_100mn)",
            "gov": "fiscal_expenditure_cny_100mn / gdp_cny_100mn",
            "health": "medical_institutions / 10000 (10k institutions)",
            "tec": "tech_contract_turnover_cny_100mn / gdp_cny_100mn",
        },
        "spillover": _planted_spillover(resilience),
        "missing": {
            "rate": MISSING_RATE,
            "rule": "interior years of each index sample only; no two consecutive gaps; "
            "first and last sample year always observed; accounts, partner and "
            "flow files complete",
            "n_missing": int(indicator_values["value"].isna().sum()),
        },
        "units": {
            "province_accounts": "column suffixes: _cny_100mn = 100 million yuan (current), "
            "_usd_mn = million US dollars (current), _10k = 10 thousand; "
            "medical_institutions is a count",
            "partner_macro": "usd_mn current US dollars; cpi index 2010 = 100",
            "exchange_rates": "CNY per USD, annual average",
        },
    }


def _planted_dataflow(
    dataflow: _DataflowIndex, trade: _ExportResilience, projection: _Projection
) -> dict:
    """Return the ``dataflow`` block: equation, sample, weights, projection, growth."""
    df_first, df_last, df_excl = dataflow.sample
    w = dataflow.index.weights.set_index("indicator")
    nat = trade.exports.sum(axis=0)
    return {
        "equation": "exp_res = beta_g*data_index + gamma'(edu,open,gov,health,tec) "
        "+ mu_i + delta_t + eps; east: beta_east, central+west: "
        "beta_central_west",
        "sample": {
            "first_year": df_first,
            "last_year": df_last,
            "excluded_unit_ids": df_excl,
            "n_obs": projection.n_obs,
        },
        "export_base_year": EXPORT_BASE_YEAR,
        "delta_t": {
            str(int(y)): round(float(trade.delta[YEAR_POS[y]]), 8) for y in NATIONAL_EXP_RES
        },
        "entropy_shift": entropy.DEFAULT_SHIFT,
        "entropy_weights": {k: round(float(v), 10) for k, v in w["weight"].items()},
        "pooled_projection_controls": {
            k: round(float(v), 8)
            for k, v in zip(CONTROLS, projection.coefficients[1:], strict=True)
        },
        "realised_twoway_fe_data_coefficient": projection.realised,
        "pooled_projection_note": "coefficient on data_index of the least-squares "
        "projection of the noise-free systematic part on "
        "data_index, the 5 controls, province and year dummies",
        "national_export_growth": {
            str(int(y)): round(float(nat[i] / nat[i - 1] - 1), 6)
            for i, y in enumerate(YEARS)
            if i > 0
        },
    }


def _planted_spillover(resilience: _ResilienceIndex) -> dict:
    """Return the ``spillover`` block: latent equation, realised slopes, PIM, weights."""
    rs_first, rs_last, rs_excl = resilience.sample
    return {
        "latent": "r = a_i + b_t + 0.05*LNIM + 0.03*LNFDI + 0.02*LNOFDI + u, u ~ N(0, 0.02^2)",
        "latent_coefficients": LATENT_SPILLOVER,
        "expected_signs": {"lnim": "+", "lnfdi": "+", "lnofdi": "+"},
        "largest_channel": "lnim",
        "realised_twoway_fe_on_res_index": {
            k: round(float(v), 6)
            for k, v in zip(("lnim", "lnfdi", "lnofdi"), resilience.realised, strict=True)
        },
        "pim": {
            "base_year": PIM_BASE_YEAR,
            "delta": PIM_DELTA,
            "growth": f"geometric mean of real R&D, {PIM_GROWTH_YEARS[0]}-{PIM_GROWTH_YEARS[1]}",
            "initial_stock": "RD_base / (g + delta)",
            "gestation_lag": 0,
            "cpi_base_in_file": 2010,
            "pool_denominator": "gdp_usd_mn",
        },
        "sample": {"first_year": rs_first, "last_year": rs_last, "excluded_unit_ids": rs_excl},
        "resilience_entropy_weights": {
            k: round(float(v), 10)
            for k, v in resilience.index.weights.set_index("indicator")["weight"].items()
        },
    }


# --------------------------------------------------------------------------- writing


def _to_csv(df: pd.DataFrame, path: Path, int_cols: Sequence[str] = ()) -> None:
    out = pd.DataFrame(index=df.index)
    for col in df.columns:
        s = df[col]
        if col in ("unit_id", "province_code", "country_code", "indicator"):
            out[col] = s.astype(str)
        elif col == "year" or col in int_cols:
            out[col] = s.map(lambda v: "" if pd.isna(v) else str(int(v)))
        else:
            out[col] = [_fmt(v) for v in s.to_numpy(float)]
    out.to_csv(path, index=False, lineterminator="\n")


def write_demo(
    out_dir: Path | str = DEFAULT_OUT,
    reference_dir: Path | str = DEFAULT_REFERENCE,
    seed: int = SEED,
) -> list[Path]:
    """Generate the demo data and write it to ``out_dir``; return the written paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    demo = generate(reference_dir, seed)
    key = ["province_code", "year"]
    tables = [
        (
            "indicator_values.csv",
            demo.indicator_values.rename(columns={"province_code": "unit_id"}),
            ["unit_id", "year", "indicator"],
            (),
        ),
        ("province_accounts.csv", demo.province_accounts, key, ("medical_institutions",)),
        ("partner_macro.csv", demo.partner_macro, ["country_code", "year"], ()),
        ("bilateral_flows.csv", demo.bilateral_flows, ["country_code", "year"], ()),
        ("exchange_rates.csv", demo.exchange_rates, ["year"], ()),
    ]
    paths = []
    for name, df, order, ints in tables:
        path = out / name
        _to_csv(df.sort_values(order, ignore_index=True), path, ints)
        paths.append(path)
    path = out / "planted_effects.json"
    path.write_text(json.dumps(demo.planted, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    paths.append(path)
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m resilience.demo [--out DIR] [--reference DIR] [--seed N]``."""
    parser = argparse.ArgumentParser(
        prog="python -m resilience.demo", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument(
        "--reference", type=Path, default=DEFAULT_REFERENCE, help="folder with the reference seeds"
    )
    parser.add_argument("--seed", type=int, default=SEED, help="random seed")
    args = parser.parse_args(argv)
    for path in write_demo(args.out, args.reference, args.seed):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
