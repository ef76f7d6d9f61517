r"""Oracle: R&D capital stocks by the perpetual inventory method, as explicit loops.

Source: ``DESIGN.md`` "R&D capital stocks (perpetual inventory) for partner countries"
(Griliches 1980; Coe & Helpman 1995 for the spillover use). An independent check, not the
warehouse's computation: the warehouse computes the stocks in
``int_rd_growth_rates_computed`` and ``int_rd_stocks_accumulated`` by a closed-form window
sum; here the recursion is run year by year.

Per economy :math:`j`, from the base year :math:`b` on:

.. math::

    RD_{jt} = \frac{nominal_{jt}}{CPI_{jt} / CPI_{jb}},\qquad
    g_j = \Big(\frac{RD_{jL}}{RD_{jb}}\Big)^{1/(L - b)} - 1\ \text{(geometric)}
    \ \text{or}\ \frac{1}{L - b}\sum_{t=b+1}^{L} \ln\frac{RD_{jt}}{RD_{j,t-1}}
    \ \text{(log_mean)},

.. math::

    S_{jb} = \frac{RD_{jb}}{g_j + \delta},\qquad
    S_{jt} = (1 - \delta) S_{j,t-1} + RD_{j,t-\ell}\quad (\ell = 0 \text{ or } 1),

with :math:`L` the last year of the growth average (clipped to the economy's last year)
and :math:`g_j + \delta \le 0` an error.

Users: the demo generator (the planted spillover pools) and the spillover, world-bank and
China-example tests.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd


def growth_rate(rd_real: pd.Series, last_year: int, method: str = "geometric") -> float:
    """Average annual growth of real R&D from the first year of ``rd_real`` to ``last_year``.

    ``rd_real`` is indexed by consecutive years; ``last_year`` is clipped to its last year.
    ``method``: ``geometric`` or ``log_mean`` (the mean of the log growth rates).
    """
    rd_real = rd_real.sort_index()
    first, last = int(rd_real.index[0]), min(int(last_year), int(rd_real.index[-1]))
    if method == "geometric":
        return float((rd_real[last] / rd_real[first]) ** (1.0 / (last - first)) - 1.0)
    if method == "log_mean":
        logs = [math.log(rd_real[t] / rd_real[t - 1]) for t in range(first + 1, last + 1)]
        return float(np.mean(logs))
    raise ValueError(f"growth method {method!r} is not 'geometric' or 'log_mean'")


def accumulate(rd_real: np.ndarray, growth: float, delta: float, lag: int = 0) -> np.ndarray:
    """Stocks :math:`S_t` of one economy by the recursion (``rd_real`` from the base year).

    The initial stock is ``rd_real[0] / (growth + delta)``; ``lag`` 1 accumulates the
    previous year's R&D (gestation lag).
    """
    rd_real = np.asarray(rd_real, dtype=float)
    stock = np.empty_like(rd_real)
    stock[0] = rd_real[0] / (growth + delta)
    for t in range(1, len(rd_real)):
        inflow = rd_real[t - 1] if lag else rd_real[t]
        stock[t] = (1.0 - delta) * stock[t - 1] + inflow
    return stock


def perpetual_inventory(
    macro: pd.DataFrame,
    *,
    base_year: int,
    delta: float,
    growth_last_year: int,
    method: str = "geometric",
    lag: int = 0,
) -> pd.DataFrame:
    r"""Return the R&D capital stocks of every economy (module docstring).

    Parameters
    ----------
    macro : pandas.DataFrame
        ``country_code, year, rd_expenditure_usd_mn, cpi`` (other columns ignored), one row
        per economy and year, consecutive years.
    base_year : int
        Price base and first year of the stock.
    delta : float
        Depreciation rate.
    growth_last_year : int
        Last year of the growth average (clipped to each economy's last year).
    method : {"geometric", "log_mean"}
        Growth average.
    lag : {0, 1}
        Gestation lag of the accumulated R&D.

    Returns
    -------
    pandas.DataFrame
        ``country_code, year, rd_real, growth_rate, rd_stock`` from ``base_year`` on.

    Raises
    ------
    ValueError
        If :math:`g + \delta \le 0` for an economy, naming it.
    """
    out = []
    for code, grp in macro.sort_values(["country_code", "year"]).groupby("country_code"):
        grp = grp.loc[grp["year"] >= base_year]
        cpi = grp["cpi"].to_numpy(float)
        real = grp["rd_expenditure_usd_mn"].to_numpy(float) / (cpi / cpi[0])
        years = grp["year"].to_numpy()
        growth = growth_rate(pd.Series(real, index=years), growth_last_year, method)
        if growth + delta <= 0:
            raise ValueError(
                f"country {code}: g + delta = {growth + delta:.4f} <= 0; the initial R&D "
                "stock is undefined"
            )
        out.append(
            pd.DataFrame(
                {
                    "country_code": code,
                    "year": years,
                    "rd_real": real,
                    "growth_rate": growth,
                    "rd_stock": accumulate(real, growth, delta, lag),
                }
            )
        )
    return pd.concat(out, ignore_index=True)
