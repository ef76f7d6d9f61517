import json

import numpy as np
import pytest

from resilience import jsonio
from resilience.hausman import HausmanResult


def strict_loads(text):
    def reject(constant):
        raise ValueError(f"non-standard JSON constant {constant}")

    return json.loads(text, parse_constant=reject)


def test_non_finite_floats_become_null_and_numpy_scalars_plain():
    payload = {
        "a": float("nan"),
        "b": [np.float64("inf"), 1.5],
        "c": np.int64(3),
        "d": np.bool_(True),
    }
    assert jsonio.dumps(payload) == '{"a": null, "b": [null, 1.5], "c": 3, "d": true}'


def test_a_hausman_without_p_value_is_valid_json():
    result = HausmanResult(-3.0, 2, float("nan"), ("x", "w"), {"x": 1.0}, {"x": 2.0}, "H < 0")
    payload = strict_loads(result.to_json())
    assert payload["pvalue"] is None and payload["statistic"] == -3.0


@pytest.mark.parametrize("text", ['{"p": NaN}', '{"p": Infinity}'])
def test_the_strict_parser_used_here_rejects_nan(text):
    with pytest.raises(ValueError):
        strict_loads(text)
