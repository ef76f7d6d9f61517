"""HP filter on ln(exports) per province: trend and cycle (Wang & Lu robustness outcome).

For each province, over the whole export series the provincial accounts hold (2003-2023
on the default inputs, not only the 2009-2023 panel years: a longer series moves the panel
years away from the filter's end points, where the HP trend is least reliable):

    ln x_t = tau_t + c_t,
    tau = argmin  sum_t (ln x_t - tau_t)^2
                  + lambda * sum_t ((tau_t+1 - tau_t) - (tau_t - tau_t-1))^2

with lambda = var('hp_lambda') (6.25, Ravn-Uhlig for annual data): tau = (I + lambda K'K)^-1 ln x,
K the (n-2) x n second-difference matrix, c = ln x - tau -- the system
``statsmodels.tsa.filters.hp_filter.hpfilter`` solves (same values to ~1e-14), solved densely
here so the dbt process does not import statsmodels (that import was most of this model's
2-10 s in a default build; bench/results.md). The ratio trend / cycle and its log are taken
downstream in SQL (int_export_hp_ratios_logged), where the rule for non-positive values lives.

Bad input is an error naming the model, province, year and indicator: a missing or
non-positive export (ln undefined), a gap in the years (the filter assumes consecutive
years), or fewer than 3 years.
"""

import numpy as np
import pandas as pd

MODEL = "int_exports_hp_filtered"
INDICATOR = "exports_usd_mn"


def _check_series(province_code: str, years: np.ndarray, exports: np.ndarray) -> None:
    """Raise a ValueError naming province, year(s) and indicator if the series can't be filtered."""
    bad = [int(y) for y, x in zip(years, exports, strict=True) if not np.isfinite(x) or x <= 0]
    if bad:
        raise ValueError(
            f"{MODEL}: province {province_code}, indicator {INDICATOR}: missing or non-positive "
            f"export in year(s) {bad}; ln(exports) is undefined. Fix the accounts rows."
        )
    if len(np.unique(years)) != len(years):
        counts = np.unique(years, return_counts=True)
        repeated = [int(y) for y, n in zip(*counts, strict=True) if n > 1]
        raise ValueError(
            f"{MODEL}: province {province_code}, indicator {INDICATOR}: year(s) {repeated} "
            "appear more than once; the HP filter needs one value per year."
        )
    expected = np.arange(years.min(), years.max() + 1)
    missing = sorted(set(expected.tolist()) - set(years.tolist()))
    if missing:
        raise ValueError(
            f"{MODEL}: province {province_code}, indicator {INDICATOR}: year(s) {missing} missing "
            f"inside {years.min()}-{years.max()}; the HP filter needs consecutive years."
        )
    if len(years) < 3:
        raise ValueError(
            f"{MODEL}: province {province_code}, indicator {INDICATOR}: only {len(years)} year(s); "
            "the HP filter needs at least 3."
        )


def hpfilter(y: np.ndarray, lamb: float) -> tuple[np.ndarray, np.ndarray]:
    """Return (cycle, trend) of the HP filter, as statsmodels' ``hpfilter``."""
    n = len(y)
    second_difference = np.diff(np.eye(n), n=2, axis=0)
    trend = np.linalg.solve(np.eye(n) + lamb * second_difference.T @ second_difference, y)
    return y - trend, trend


def model(dbt, session):
    """Filter every province's ln(exports) series; one row per province-year."""
    dbt.config(materialized="table", packages=["numpy", "pandas"])

    hp_lambda = float(dbt.config.get("hp_lambda"))
    accounts = dbt.ref("stg_inputs__province_accounts").df()
    accounts = accounts[["province_code", "year", INDICATOR]].sort_values(["province_code", "year"])

    frames = []
    for province_code, series in accounts.groupby("province_code", sort=True):
        years = series["year"].to_numpy(dtype=int)
        exports = series[INDICATOR].to_numpy(dtype=float)
        _check_series(province_code, years, exports)
        ln_exports = np.log(exports)
        cycle, trend = hpfilter(ln_exports, lamb=hp_lambda)
        frames.append(
            pd.DataFrame(
                {
                    "province_code": province_code,
                    "year": years,
                    "exports_usd_mn": exports,
                    "ln_exports": ln_exports,
                    "hp_trend": np.asarray(trend, dtype=float),
                    "hp_cycle": np.asarray(cycle, dtype=float),
                    "hp_lambda": hp_lambda,
                    "series_first_year": int(years.min()),
                    "series_last_year": int(years.max()),
                }
            )
        )
    if not frames:
        raise ValueError(f"{MODEL}: stg_inputs__province_accounts has no rows to filter.")
    result = pd.concat(frames, ignore_index=True)
    result["year"] = result["year"].astype("int32")
    result["series_first_year"] = result["series_first_year"].astype("int32")
    result["series_last_year"] = result["series_last_year"].astype("int32")
    return result
