r"""Oracle: international R&D spillover pools and their provincial apportionment, in pandas.

Source: ``DESIGN.md`` "International technology spillover pools" (Lichtenberg and van
Pottelsberghe de la Potterie 1998, as Chen apportions them to provinces). An independent
check, not the warehouse's computation: the warehouse computes the pools in
``int_partner_flows_weighted`` and ``int_spillover_pools_summed`` and the provincial shares in
``int_province_flow_shares_computed`` / ``int_province_spillovers_apportioned``; here they
are two merges and two group-bys.

Per channel :math:`c` (imports, inward FDI, outward FDI) and year :math:`t`:

.. math::

    POOL_{ct} = \sum_j \frac{flow_{cjt}}{Y_{jt}} S_{jt},\qquad
    SPILL_{cit} = \frac{flow_{cit}}{\sum_k flow_{ckt}} POOL_{ct},

with :math:`S_{jt}` partner :math:`j`'s R&D stock (:mod:`.perpetual_inventory`),
:math:`Y_{jt}` its GDP (or gross fixed capital formation), :math:`flow_{cjt}` China's flow
with the partner, and :math:`flow_{cit}` province :math:`i`'s flow (its share of the
national total of the provinces given).

Users: the demo generator (the planted spillover effects) and the spillover tests.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

PARTNER_FLOW = {
    "imports": "imports_from_usd_mn",
    "fdi": "fdi_from_usd_mn",
    "ofdi": "ofdi_to_usd_mn",
}
"""Channel -> China's flow with a partner (``bilateral_flows``, current USD mn)."""

PROVINCE_FLOW = {
    "imports": "imports_usd_mn",
    "fdi": "fdi_inflow_usd_mn",
    "ofdi": "ofdi_usd_mn",
}
"""Channel -> a province's flow that apportions the pool (``province_accounts``)."""


def pools(
    stocks: pd.DataFrame, flows: pd.DataFrame, macro: pd.DataFrame, denominator: str = "gdp"
) -> pd.DataFrame:
    """Return ``POOL_ct``: one row per year and channel (``year``, ``channel``, ``pool``).

    ``stocks`` has ``country_code``, ``year``, ``rd_stock``; ``flows`` the columns of
    :data:`PARTNER_FLOW`; ``macro`` ``<denominator>_usd_mn`` (``gdp`` or ``gfcf``). Only the
    partner-years present in all three enter (an inner merge).
    """
    keys = ["country_code", "year"]
    y = f"{denominator}_usd_mn"
    merged = stocks.merge(flows, on=keys).merge(macro[[*keys, y]], on=keys)
    parts = []
    for channel, column in PARTNER_FLOW.items():
        pool = (merged[column] / merged[y] * merged["rd_stock"]).groupby(merged["year"]).sum()
        parts.append(pd.DataFrame({"year": pool.index, "channel": channel, "pool": pool.values}))
    return pd.concat(parts, ignore_index=True)


def apportioned(accounts: pd.DataFrame, pool: pd.DataFrame) -> pd.DataFrame:
    """Return ``SPILL_cit`` and its log for every province-year of ``accounts``.

    One row per province-year: ``province_code``, ``year`` and per channel ``<channel>``
    (the spillover, USD mn at the stocks' prices) and ``ln_<channel>``. The national total
    of a year is the sum over the provinces of ``accounts`` in that year.
    """
    out = accounts[["province_code", "year"]].copy()
    for channel, column in PROVINCE_FLOW.items():
        share = accounts[column] / accounts.groupby("year")[column].transform("sum")
        by_year = pool[pool["channel"] == channel].set_index("year")["pool"]
        out[channel] = share * accounts["year"].map(by_year)
        out[f"ln_{channel}"] = np.log(out[channel])
    return out
