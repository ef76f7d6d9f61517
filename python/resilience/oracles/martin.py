r"""Oracle: Martin (2012) resistance and recovery indices, in pandas.

Source: ``DESIGN.md`` "Resilience outcomes" (Martin 2012, "Regional economic resilience,
hysteresis and recessionary shocks", J. Econ. Geogr. 12(1); the sensitivity-index form of
Martin, Sunley, Gardiner & Tyler 2016, Regional Studies 50(4)). An independent check, not
the warehouse's computation: the warehouse computes the indices in
``marts.fct_martin_resilience`` (formula in that model's header).

For a level :math:`E` that adds up across the units to the nation :math:`N`, a shock from
year :math:`s` to :math:`e` and a recovery to :math:`r`:

.. math::

    c_i = \frac{E_{ie}}{E_{is}} - 1,\quad c_N = \frac{\sum_i E_{ie}}{\sum_i E_{is}} - 1,\quad
    \text{resistance}_i = \frac{c_i - c_N}{|c_N|},

.. math::

    v_i = \frac{E_{ir}}{E_{ie}} - 1,\quad v_N = \frac{\sum_i E_{ir}}{\sum_i E_{ie}} - 1,\quad
    \text{recovery}_i = \frac{v_i - v_N}{|v_N|}.

The provinces' default level is real GDP at year-:math:`s` prices, chained from nominal
GDP of year :math:`s` by the previous-year real index (:func:`chained_real_levels`).

Users: the US-states example tests and the spillover tests.
"""

from __future__ import annotations

import pandas as pd


def martin_indices(
    levels: pd.DataFrame, shock_start: int, shock_end: int, recovery_end: int
) -> tuple[pd.DataFrame, float, float]:
    """Resistance and recovery of each unit, and the national changes :math:`c_N, v_N`.

    Parameters
    ----------
    levels : pandas.DataFrame
        Long ``unit_id, year, value`` (at least the three window years of every unit).
    shock_start, shock_end, recovery_end : int
        :math:`s`, :math:`e` and :math:`r`.

    Returns
    -------
    tuple
        A frame indexed by ``unit_id`` (sorted) with ``level_shock_start``,
        ``level_shock_end``, ``level_recovery_end``, ``c``, ``v``, ``resistance`` and
        ``recovery``; then :math:`c_N` and :math:`v_N`.
    """
    s, e, r = shock_start, shock_end, recovery_end
    wide = levels.pivot(index="unit_id", columns="year", values="value")[[s, e, r]].sort_index()
    nation = wide.sum()
    c_n = nation[e] / nation[s] - 1
    v_n = nation[r] / nation[e] - 1
    out = pd.DataFrame(
        {
            "level_shock_start": wide[s],
            "level_shock_end": wide[e],
            "level_recovery_end": wide[r],
            "c": wide[e] / wide[s] - 1,
            "v": wide[r] / wide[e] - 1,
        }
    )
    out["resistance"] = (out.c - c_n) / abs(c_n)
    out["recovery"] = (out.v - v_n) / abs(v_n)
    return out, float(c_n), float(v_n)


def chained_real_levels(accounts: pd.DataFrame, first_year: int, last_year: int) -> pd.DataFrame:
    """Real GDP at ``first_year`` prices: nominal GDP of that year moved by the real index.

    ``accounts``: ``province_code, year, gdp_cny_100mn, gdp_index_prev_year`` (previous
    year = 100). Returns long ``unit_id, year, value`` for ``first_year .. last_year``.
    """
    rows = []
    for code, acc in accounts.groupby("province_code"):
        acc = acc.set_index("year").sort_index()
        level = acc.gdp_cny_100mn[first_year]
        rows.append((code, first_year, level))
        for t in range(first_year + 1, last_year + 1):
            level = level * acc.gdp_index_prev_year[t] / 100
            rows.append((code, t, level))
    return pd.DataFrame(rows, columns=["unit_id", "year", "value"])
