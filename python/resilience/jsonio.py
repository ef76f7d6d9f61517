"""Strict JSON for results: a non-finite float becomes ``null``, never the invalid ``NaN``."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np


def _finite(value: Any) -> Any:
    """Return ``value`` with every non-finite float (nested) replaced by ``None``."""
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def dumps(payload: Any) -> str:
    """JSON text of ``payload`` that any strict parser accepts (NaN and inf become null)."""
    return json.dumps(_finite(payload), allow_nan=False)
