r"""Oracle: the entropy-weight composite index, in numpy.

Source: ``DESIGN.md`` "Composite indices by the entropy weight method" (the textbook
entropy weight method, e.g. Zou, Yun & Sun 2006). An independent check, not the
warehouse's computation: the warehouse computes the index in the models
``int_indicator_values_gap_filled`` -> ``int_indicators_normalized`` ->
``int_entropy_weights_computed`` -> ``int_index_scores_computed``, where the entropy uses
the shortcut :math:`\sum p \ln p = A/S - \ln S`; here :math:`p \ln p` is summed directly.

For indicator :math:`k` over the observations :math:`o` (unit-years) of the sample:
interior gaps of each unit-indicator series are filled by linear interpolation in year
(an edge gap is an error); then

.. math::

    z_{ok} = \frac{x_{ok} - \min_k}{\max_k - \min_k}\ (+),\quad
    \frac{\max_k - x_{ok}}{\max_k - \min_k}\ (-),\qquad
    p_{ok} = \frac{z_{ok} + c}{\sum_o (z_{ok} + c)},

.. math::

    e_k = -\frac{1}{\ln n}\sum_o p_{ok}\ln p_{ok}\ (0 \ln 0 = 0),\quad
    d_k = 1 - e_k,\quad w_k = \frac{d_k}{\sum_l d_l},\quad
    \text{score}_o = \sum_k w_k z_{ok},

with :math:`n` the number of observations of the scope (:math:`N T` pooled, :math:`N` per
year); a dimension's sub-score is the same sum over its indicators.

Users: the demo generator (the planted data-flow index), the benchmark's numpy peer
(``bench/numpy_peer.py`` times :func:`min_max`, :func:`entropy_weights` and
:func:`dimension_scores` stage by stage) and the index tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

DEFAULT_SHIFT = 1e-4
"""The shift :math:`c` of DESIGN.md (``index_shift_c`` of the dbt project)."""


class EntropyIndex(NamedTuple):
    """Result of :func:`entropy_index`.

    ``weights``: one row per indicator and scope (``indicator, dimension, direction, year``
    -- missing when pooled -- ``min_value, max_value, entropy, divergence, weight``);
    ``scores``: ``unit_id, year, dimension, score`` for ``total`` and each dimension
    (the ``total`` rows first, unit-major); ``filled``: the sample cells after gap filling
    (``unit_id, year, indicator, value, is_filled``); ``normalised``: the matrix
    :math:`z` of each scope (key ``None`` when pooled, else the year), rows unit-major,
    columns the indicators in system order.
    """

    weights: pd.DataFrame
    scores: pd.DataFrame
    filled: pd.DataFrame
    normalised: dict


def fill_interior_gaps(
    cube: np.ndarray,
    years: np.ndarray,
    *,
    units: Sequence[str],
    indicators: Sequence[str],
    label: str,
) -> tuple[np.ndarray, np.ndarray]:
    """Fill interior gaps of a ``(units, years, indicators)`` cube by linear interpolation.

    Returns the filled copy and the mask of the cells that were missing. An edge gap (first
    or last sample year missing) raises ``ValueError`` naming the unit, indicator and year.
    """
    cube = np.array(cube, dtype=float, copy=True)
    missing = np.isnan(cube)
    for i, k in zip(*np.nonzero(missing.any(axis=1)), strict=True):
        obs = ~missing[i, :, k]
        if not (obs[0] and obs[-1]):
            year = years[0] if not obs[0] else years[-1]
            raise ValueError(
                f"{label}: edge gap for province {units[i]}, indicator {indicators[k]}, "
                f"year {year}; only interior gaps are interpolated"
            )
        cube[i, ~obs, k] = np.interp(years[~obs], years[obs], cube[i, obs, k])
    return cube, missing


def min_max(
    x: np.ndarray, negative: np.ndarray, *, indicators: Sequence[str], label: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Min-max normalise the columns of ``x`` (``(n, K)``) by direction; return z, min, max.

    ``negative`` marks the ``-`` indicators. A constant column raises ``ValueError`` naming
    the indicator.
    """
    lo, hi = x.min(axis=0), x.max(axis=0)
    span = hi - lo
    flat = span == 0
    if flat.any():
        raise ValueError(
            f"{label}: indicator {indicators[int(np.argmax(flat))]} is constant over the "
            "sample (max = min); drop it or widen the sample"
        )
    z = (x - lo) / span
    if negative.any():  # column by column, so no second full matrix is allocated
        z[:, negative] = (hi[negative] - x[:, negative]) / span[negative]
    return z, lo, hi


def entropy_weights(z: np.ndarray, shift: float = DEFAULT_SHIFT) -> tuple[np.ndarray, np.ndarray]:
    """Entropy :math:`e_k` and weight :math:`w_k` of each column of ``z`` (n = its rows)."""
    p = z + shift
    p /= p.sum(axis=0)
    positive = p > 0
    if positive.all():
        plogp = np.log(p)
        plogp *= p
    else:  # the 0 ln 0 = 0 limit (shift c = 0)
        plogp = np.where(positive, p * np.log(np.where(positive, p, 1.0)), 0.0)
    e = -plogp.sum(axis=0) / np.log(z.shape[0])
    d = 1.0 - e
    return e, d / d.sum()


def dimension_scores(z: np.ndarray, w: np.ndarray, dimensions: np.ndarray) -> dict[str, np.ndarray]:
    r"""Sub-score of each dimension: :math:`\sum_{k \in d} w_k z_k` (dimensions sorted)."""
    return {d: z[:, dimensions == d] @ w[dimensions == d] for d in sorted(set(dimensions))}


def entropy_index(
    values: pd.DataFrame,
    system: pd.DataFrame,
    *,
    index_name: str,
    first_year: int | None = None,
    last_year: int | None = None,
    excluded_units: Sequence[str] = (),
    shift: float = DEFAULT_SHIFT,
    scope: str = "pooled",
) -> EntropyIndex:
    """Compute one entropy-weight composite index over its sample (module docstring).

    Parameters
    ----------
    values : pandas.DataFrame
        Long table ``unit_id, year, indicator, value`` (NaN = missing).
    system : pandas.DataFrame
        Indicator system (``index_name, dimension, indicator, direction``).
    index_name : str
        Which index of ``system`` to compute.
    first_year, last_year : int, optional
        Sample years (inclusive); default the first and last year of ``values``.
    excluded_units : sequence of str
        Units outside the sample.
    shift : float
        The shift :math:`c` added to :math:`z` before taking logs.
    scope : {"pooled", "per_year"}
        Weights over all sample years at once, or one set per year.

    Returns
    -------
    EntropyIndex
        Weights, scores, the gap-filled sample and the normalised matrices.

    Raises
    ------
    ValueError
        On an unknown index or scope, an unbalanced sample, an edge gap or a constant
        indicator, naming the unit, year or indicator.
    """
    label = f"index {index_name!r}"
    if scope not in ("pooled", "per_year"):
        raise ValueError(f"{label}: scope {scope!r} is not 'pooled' or 'per_year'")
    spec = system.loc[system["index_name"] == index_name, ["dimension", "indicator", "direction"]]
    if spec.empty:
        raise ValueError(f"{label} is not in the indicator system")
    spec = spec.reset_index(drop=True)
    indicators = spec["indicator"].tolist()
    negative = (spec["direction"].astype(str).str.strip() == "-").to_numpy()
    first_year = int(values["year"].min()) if first_year is None else first_year
    last_year = int(values["year"].max()) if last_year is None else last_year
    years = np.arange(first_year, last_year + 1)
    codes = values["unit_id"].astype(str)
    mask = (
        values["indicator"].isin(indicators)
        & values["year"].between(first_year, last_year)
        & ~codes.isin(list(excluded_units))
    )
    sample = values.loc[mask].assign(unit_id=codes[mask])
    units = sorted(sample["unit_id"].unique())
    if sample.duplicated(["unit_id", "year", "indicator"]).any():
        raise ValueError(f"{label}: duplicated province-year-indicator rows")
    full = pd.MultiIndex.from_product(
        [units, years, indicators], names=["unit_id", "year", "indicator"]
    )
    cells = sample.set_index(["unit_id", "year", "indicator"])["value"]
    absent = full.difference(cells.index)
    if len(absent):
        unit, year, ind = absent[0]
        raise ValueError(
            f"{label}: no row for province {unit}, year {year}, indicator {ind} "
            f"({len(absent)} rows absent); the panel must be balanced"
        )
    raw = cells.reindex(full).to_numpy(dtype=float).reshape(len(units), len(years), -1)
    cube, missing = fill_interior_gaps(raw, years, units=units, indicators=indicators, label=label)
    blocks = [(None, cube.reshape(-1, len(indicators)))]
    if scope == "per_year":
        blocks = [(int(y), cube[:, t, :]) for t, y in enumerate(years)]
    dims = spec["dimension"].to_numpy()
    weights, totals, subs, normalised = [], [], [], {}
    for year, x in blocks:
        z, lo, hi = min_max(x, negative, indicators=indicators, label=label)
        e, w = entropy_weights(z, shift)
        normalised[year] = z
        weights.append(
            spec.assign(
                year=pd.NA if year is None else year,
                min_value=lo,
                max_value=hi,
                entropy=e,
                divergence=1.0 - e,
                weight=w,
            )
        )
        rows = years if year is None else [year]
        grid = pd.MultiIndex.from_product([units, rows], names=["unit_id", "year"])
        frame = grid.to_frame(index=False)
        totals.append(frame.assign(dimension="total", score=z @ w))
        subs += [
            frame.assign(dimension=d, score=s) for d, s in dimension_scores(z, w, dims).items()
        ]
    filled = full.to_frame(index=False).assign(
        value=cube.reshape(-1), is_filled=missing.reshape(-1)
    )
    return EntropyIndex(
        pd.concat(weights, ignore_index=True),
        pd.concat(totals + subs, ignore_index=True),
        filled,
        normalised,
    )
