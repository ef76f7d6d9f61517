"""PCA of each index's gap-filled indicators: eigenvalues, loadings, selection and sign.

Python because it needs an eigendecomposition; the scores are computed in SQL from this
table (int_index_pca_scores_computed). For each index over its gap-filled sample
(observations = unit-years, n of them):

    x_k standardised:  s_ik = (x_ik - mean_k) / sd_k        (sd with ddof = 1)
    R = S'S / (n - 1)  (correlation matrix), R v_c = lambda_c v_c, lambda descending
    component score    F_ic = sum_k v_kc s_ik
    selection          kaiser: lambda_c > 1 (if none, the first); first: c = 1 only
    selection weight   a_c = lambda_c / sum_{selected} lambda
    sign               v_c -> -v_c when corr(F_c, entropy total score) < 0, so every
                       selected component, hence the index sum_c a_c F_c, correlates
                       positively with the entropy index.

Everything comes from the pair moments of int_index_indicator_moments_computed (one
streamed pass over the cells; issue 18: no model pulls the long table into pandas): mean_k
and sd_k = sqrt(sum_dk2 / (n - 1)) from the diagonal, R_ab = the Pearson r of the pair,
and, with t the entropy total and r_kt its correlation with indicator k,

    corr(F_c, t) = sum_k v_kc r_kt / sqrt(v_c' R v_c)

(cov(s_k, t) / sd_t = r_kt and var(F_c) = v_c' R v_c), so no unit-year is read here.
"""

import numpy as np
import pandas as pd


def _pair_r(moments: pd.DataFrame) -> np.ndarray:
    """Pearson r of each pair row of the moments table."""
    n = moments["n_obs"].to_numpy(dtype=float)
    sa, sb = moments["sum_da"].to_numpy(), moments["sum_db"].to_numpy()
    cov = moments["sum_dadb"].to_numpy() - sa * sb / n
    var_a = moments["sum_da2"].to_numpy() - sa * sa / n
    var_b = moments["sum_db2"].to_numpy() - sb * sb / n
    return cov / np.sqrt(var_a * var_b)


def pca_loadings(moments: pd.DataFrame, rule: str) -> pd.DataFrame:
    """Return one row per index, component and indicator (see the module docstring)."""
    frames = []
    for index_name, m in moments.groupby("index_name", sort=True):
        pairs = m[m["indicator_b"].notna()]
        indicators = sorted(pairs["indicator_a"].unique())
        k = len(indicators)
        n_obs = int(m["n_unit_years"].iloc[0])
        if (pairs["n_obs"] != n_obs).any():
            raise ValueError(f"PCA of index {index_name}: gap-filled values still missing")
        to_entropy = m[m["indicator_b"].isna()].set_index("indicator_a").reindex(indicators)
        if (to_entropy["n_obs"] != n_obs).any():
            raise ValueError(
                f"PCA of index {index_name}: entropy scores missing for some unit-years"
            )
        diagonal = pairs[pairs["indicator_a"] == pairs["indicator_b"]].set_index("indicator_a")
        diagonal = diagonal.reindex(indicators)
        means = diagonal["mean_a"].to_numpy()
        sds = np.sqrt(diagonal["sum_da2"].to_numpy() / (n_obs - 1))
        flat = [i for i, sd in zip(indicators, sds, strict=True) if not sd > 0]
        if flat:
            raise ValueError(f"PCA of index {index_name}: zero variance in indicator(s) {flat}")
        position = {name: j for j, name in enumerate(indicators)}
        a = pairs["indicator_a"].map(position).to_numpy()
        b = pairs["indicator_b"].map(position).to_numpy()
        corr = np.eye(k)
        off = a != b
        corr[a[off], b[off]] = corr[b[off], a[off]] = _pair_r(pairs)[off]
        r_entropy = _pair_r(to_entropy)
        eigenvalues, eigenvectors = np.linalg.eigh(corr)
        order = np.argsort(eigenvalues)[::-1]
        eigenvalues, eigenvectors = eigenvalues[order], eigenvectors[:, order]
        sd_scores = np.sqrt(np.einsum("kc,kl,lc->c", eigenvectors, corr, eigenvectors))
        corr_entropy = (eigenvectors.T @ r_entropy) / sd_scores
        signs = np.where(corr_entropy >= 0, 1.0, -1.0)
        eigenvectors = eigenvectors * signs
        corr_entropy = corr_entropy * signs
        if rule == "first":
            selected = np.arange(len(eigenvalues)) == 0
        else:
            selected = eigenvalues > 1.0
            if not selected.any():
                selected[0] = True
        selection_weight = np.where(selected, eigenvalues, 0.0) / eigenvalues[selected].sum()
        for c in range(k):
            frames.append(
                pd.DataFrame(
                    {
                        "index_name": index_name,
                        "component": c + 1,
                        "eigenvalue": float(eigenvalues[c]),
                        "explained_variance_share": float(eigenvalues[c] / k),
                        "is_selected": bool(selected[c]),
                        "selection_weight": float(selection_weight[c]),
                        "sign_flipped": bool(signs[c] < 0),
                        "corr_with_entropy_index": float(corr_entropy[c]),
                        "indicator": indicators,
                        "indicator_mean": means,
                        "indicator_sd": sds,
                        "loading": eigenvectors[:, c],
                        "components_rule": rule,
                        "n_obs": n_obs,
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)


def _to_pandas(relation) -> pd.DataFrame:
    """Return a dbt.ref() result as pandas: DuckDB relations have .df(), Spark .toPandas()."""
    return relation.df() if hasattr(relation, "df") else relation.toPandas()


def model(dbt, session):
    """Entry point for dbt: read the gap-filled values and entropy totals, return the loadings."""
    dbt.config(materialized="table")
    rule = dbt.config.get("pca_components") or "kaiser"
    if rule not in ("kaiser", "first"):
        raise ValueError(f"var index_pca_components must be kaiser or first, got {rule!r}")
    moments = _to_pandas(dbt.ref("int_index_indicator_moments_computed"))
    return pca_loadings(moments, rule)
