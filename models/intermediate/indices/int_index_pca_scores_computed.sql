{#
    PCA variant of each index from the loadings of int_index_pca_loadings_computed.
    One row per index-unit-year.
        s_ik = (x_ik - mean_k) / sd_k                     standardised gap-filled value
        F_ic = sum_k v_kc s_ik                             component score (aligned sign)
        raw_score_i = sum_{c selected} a_c F_ic            a_c = lambda_c / sum_sel lambda
        score_i = (raw_score_i - min raw) / (max raw - min raw)   over the index’s sample
    The min-max rescaling to [0, 1] is linear: it keeps correlations and the sign, so the
    rescaled index is a drop-in regressor in place of the entropy index; raw_score is kept.
#}
with

indicator_values_gap_filled as (
    select * from {{ ref('int_indicator_values_gap_filled') }}
),

pca_loadings as (
    select * from {{ ref('int_index_pca_loadings_computed') }}
),

components_scored as (
    select
        indicator_values_gap_filled.index_name,
        indicator_values_gap_filled.unit_id,
        indicator_values_gap_filled.year,
        pca_loadings.component,
        min(pca_loadings.selection_weight) as selection_weight,
        {{ exact_sum(
            'pca_loadings.loading
            * (indicator_values_gap_filled.value - pca_loadings.indicator_mean)
            / pca_loadings.indicator_sd'
        ) }} as component_score
    from indicator_values_gap_filled
    inner join pca_loadings
        on indicator_values_gap_filled.index_name = pca_loadings.index_name
        and indicator_values_gap_filled.indicator = pca_loadings.indicator
    where pca_loadings.is_selected
    group by
        indicator_values_gap_filled.index_name,
        indicator_values_gap_filled.unit_id,
        indicator_values_gap_filled.year,
        pca_loadings.component
),

raw_scores as (
    select
        index_name,
        unit_id,
        year,
        {{ exact_sum('selection_weight * component_score') }} as raw_score,
        count(*) as n_components
    from components_scored
    group by index_name, unit_id, year
),

scores_rescaled as (
    select
        raw_scores.*,
        (raw_score - min(raw_score) over (partition by index_name))
        / (
            max(raw_score) over (partition by index_name)
            - min(raw_score) over (partition by index_name)
        ) as score
    from raw_scores
)

select * from scores_rescaled
