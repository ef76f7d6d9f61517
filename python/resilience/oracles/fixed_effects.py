r"""Oracle: two-way fixed-effects slopes by least squares on dummy variables (LSDV).

Source: the textbook least-squares dummy-variable estimator (Baltagi, *Econometric
Analysis of Panel Data*, ch. 3; Wooldridge, *Econometric Analysis of Cross Section and
Panel Data*, 10.5). An independent check, not the warehouse's estimator: ``estimate``
fits the two-way model with linearmodels' ``PanelOLS`` (within transformation); here the
unit and year dummies are put in the design matrix and the whole system is solved by
``numpy.linalg.lstsq``,

.. math::

    y_{it} = x_{it}'\beta + \mu_i + \delta_t + \varepsilon_{it},\qquad
    \hat\beta = \text{the } x \text{ block of }
    \arg\min_{\beta, \mu, \delta} \lVert y - X\beta - D_\mu \mu - D_\delta \delta \rVert^2,

one unit dummy per unit and one year dummy per year but the first (no constant).

Users: the demo generator (the planted pseudo-true and realised coefficients).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def two_way_slopes(y: np.ndarray, x: np.ndarray, unit: np.ndarray, year: np.ndarray) -> np.ndarray:
    """Coefficients on ``x`` (``(n, k)``) of OLS of ``y`` on ``x`` plus unit and year dummies."""
    unit_dummies = pd.get_dummies(unit).to_numpy(float)
    year_dummies = pd.get_dummies(year).to_numpy(float)[:, 1:]
    design = np.column_stack([x, unit_dummies, year_dummies])
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    return coef[: x.shape[1]]
