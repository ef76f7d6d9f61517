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
"""

import numpy as np
import pandas as pd


def pca_loadings(values: pd.DataFrame, entropy: pd.DataFrame, rule: str) -> pd.DataFrame:
    """Return one row per index, component and indicator (see the module docstring)."""
    frames = []
    for index_name, cells in values.groupby("index_name", sort=True):
        wide = cells.pivot_table(
            index=["unit_id", "year"], columns="indicator", values="value", aggfunc="first"
        ).sort_index(axis=1)
        if wide.isna().any().any():
            raise ValueError(f"PCA of index {index_name}: gap-filled values still missing")
        if wide.size != len(cells):  # pivot_table would keep the first of a repeated cell
            twice = cells[cells.duplicated(["unit_id", "year", "indicator"], keep=False)]
            first = twice.iloc[0]
            raise ValueError(
                f"PCA of index {index_name}: unit {first['unit_id']}, year {first['year']}, "
                f"indicator {first['indicator']} appears more than once "
                f"({len(twice)} duplicated rows)"
            )
        means = wide.mean()
        sds = wide.std(ddof=1)
        flat = sds[sds == 0].index.tolist()
        if flat:
            raise ValueError(f"PCA of index {index_name}: zero variance in indicator(s) {flat}")
        standardised = (wide - means) / sds
        corr = np.corrcoef(standardised.to_numpy(), rowvar=False)
        eigenvalues, eigenvectors = np.linalg.eigh(corr)
        order = np.argsort(eigenvalues)[::-1]
        eigenvalues, eigenvectors = eigenvalues[order], eigenvectors[:, order]
        scores = standardised.to_numpy() @ eigenvectors
        target = (
            entropy.loc[entropy["index_name"] == index_name]
            .set_index(["unit_id", "year"])["score"]
            .reindex(wide.index)
        )
        if target.isna().any():
            raise ValueError(
                f"PCA of index {index_name}: entropy scores missing for some unit-years"
            )
        signs = np.array(
            [
                1.0 if np.corrcoef(scores[:, c], target)[0, 1] >= 0 else -1.0
                for c in range(len(order))
            ]
        )
        eigenvectors = eigenvectors * signs
        scores = scores * signs
        if rule == "first":
            selected = np.arange(len(eigenvalues)) == 0
        else:
            selected = eigenvalues > 1.0
            if not selected.any():
                selected[0] = True
        selection_weight = np.where(selected, eigenvalues, 0.0) / eigenvalues[selected].sum()
        n_indicators = len(eigenvalues)
        for c in range(n_indicators):
            corr_entropy = float(np.corrcoef(scores[:, c], target)[0, 1])
            frames.append(
                pd.DataFrame(
                    {
                        "index_name": index_name,
                        "component": c + 1,
                        "eigenvalue": float(eigenvalues[c]),
                        "explained_variance_share": float(eigenvalues[c] / n_indicators),
                        "is_selected": bool(selected[c]),
                        "selection_weight": float(selection_weight[c]),
                        "sign_flipped": bool(signs[c] < 0),
                        "corr_with_entropy_index": corr_entropy,
                        "indicator": wide.columns.to_list(),
                        "indicator_mean": means.to_numpy(),
                        "indicator_sd": sds.to_numpy(),
                        "loading": eigenvectors[:, c],
                        "components_rule": rule,
                        "n_obs": len(wide),
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
    # project (and filter) in the database before converting: pandas copies of the 15-column
    # gap-filled table cost ~0.9 GB and ~3 s at county scale (1.7 M rows, bench/results.md)
    values = _to_pandas(
        dbt.ref("int_indicator_values_gap_filled").select(
            "index_name", "unit_id", "year", "indicator", "value"
        )
    )
    entropy = _to_pandas(
        dbt.ref("int_index_scores_computed")
        .filter("dimension = 'total'")
        .select("index_name", "unit_id", "year", "score")
    )
    return pca_loadings(values, entropy, rule)
