{#
    Scores and ranks of every index variant of the Saltelli design, all variants in one
    query (no build per variant). For variant v of index I (factor levels in
    int_index_variant_indicators_designed):
        normalisation   z_kit: min-max over the index’s scope (int_indicators_normalized,
                        macro normalize_min_max), z′_kit = z_kit + c_v (c_v = shift_c)
        dropped         indicator d_v removed (it takes no weight)
        weighting       entropy: macro entropy_weights on z′ grouped by variant too
                        (e_k, d_k, w_k = d_k / sum d over the kept indicators);
                        equal: macro equal_weights, w_k = 1 / K_v over the K_v kept
                        indicators
        perturbation    w′_k = w_k m_vk / sum_j w_j m_vj  (m_vk in [0.75, 1.25])
        aggregation     arithmetic: s_it = sum_k w′_k z_kit  (the shipped score, exact_sum)
                        geometric:  macro aggregate_geometric on the shifted values,
                        s_it = exp(sum_k w′_k ln z′_kit / W) = prod z′^(w′/W), W = sum w′
                        (so a zero does not zero the product)
        rank            r_it = rank of s_it among the units of year t (1 = highest;
                        ties share the lowest rank)
    Variant 0 (the shipped settings) reproduces fct_index_scores’ entropy totals.
    New normalisation, weighting or aggregation methods: add the level in the design’s
    FACTORS and a branch in the CTE of the same name below (cells_normalized,
    weights_by_method, scores_aggregated).
#}
with

indicators_normalized as (
    select * from {{ ref('int_indicators_normalized') }}
),

variant_indicators_designed as (
    select * from {{ ref('int_index_variant_indicators_designed') }}
),

cells_normalized as (
    -- normalisation factor: min_max is the only level today (z of int_indicators_normalized)
    select
        variant_indicators_designed.index_name,
        variant_indicators_designed.variant_id,
        variant_indicators_designed.weighting,
        variant_indicators_designed.aggregation,
        indicators_normalized.indicator,
        indicators_normalized.unit_id,
        indicators_normalized.year,
        indicators_normalized.scope,
        indicators_normalized.scope_year,
        indicators_normalized.z,
        indicators_normalized.z + variant_indicators_designed.shift_c as z_shifted
    from variant_indicators_designed
    inner join indicators_normalized
        on variant_indicators_designed.index_name = indicators_normalized.index_name
        and variant_indicators_designed.indicator = indicators_normalized.indicator
    where
        not variant_indicators_designed.is_dropped
        and variant_indicators_designed.normalisation = 'min_max'
),

entropy_cells as (
    select * from cells_normalized
    where weighting = 'entropy'
),

entropy_weights_computed as (
    {{ entropy_weights('entropy_cells', ['index_name', 'variant_id', 'scope', 'scope_year']) }}
),

equal_cells as (
    select * from cells_normalized
    where weighting = 'equal'
),

equal_weights_computed as (
    {{ equal_weights('equal_cells', ['index_name', 'variant_id', 'scope_year']) }}
),

weights_by_method as (
    select
        index_name,
        variant_id,
        indicator,
        scope_year,
        weight
    from entropy_weights_computed
    union all
    select
        index_name,
        variant_id,
        indicator,
        scope_year,
        weight
    from equal_weights_computed
),

weights_perturbed as (
    select
        weights_by_method.index_name,
        weights_by_method.variant_id,
        weights_by_method.indicator,
        weights_by_method.scope_year,
        weights_by_method.weight * variant_indicators_designed.weight_multiplier
        / {{ ordered_aggregate(
            'sum',
            'weights_by_method.weight * variant_indicators_designed.weight_multiplier',
            'weights_by_method.indicator'
        ) }} over (
            partition by
                weights_by_method.index_name,
                weights_by_method.variant_id,
                weights_by_method.scope_year
        ) as weight
    from weights_by_method
    inner join variant_indicators_designed
        on weights_by_method.index_name = variant_indicators_designed.index_name
        and weights_by_method.variant_id = variant_indicators_designed.variant_id
        and weights_by_method.indicator = variant_indicators_designed.indicator
),

cells_weighted as (
    select
        cells_normalized.index_name,
        cells_normalized.variant_id,
        cells_normalized.unit_id,
        cells_normalized.year,
        cells_normalized.aggregation,
        cells_normalized.indicator,
        cells_normalized.z,
        cells_normalized.z_shifted,
        weights_perturbed.weight
    from cells_normalized
    inner join weights_perturbed
        on cells_normalized.index_name = weights_perturbed.index_name
        and cells_normalized.variant_id = weights_perturbed.variant_id
        and cells_normalized.indicator = weights_perturbed.indicator
        and cells_normalized.scope_year is not distinct from weights_perturbed.scope_year
),

geometric_cells as (
    select * from cells_weighted
    where aggregation = 'geometric'
),

scores_geometric as (
    {{ aggregate_geometric('geometric_cells', ['index_name', 'variant_id', 'unit_id', 'year']) }}
),

scores_finished as (
    select
        index_name,
        variant_id,
        unit_id,
        year,
        {{ exact_sum('weight * z') }} as score
    from cells_weighted
    where aggregation = 'arithmetic'
    group by
        index_name,
        variant_id,
        unit_id,
        year
    union all
    select
        index_name,
        variant_id,
        unit_id,
        year,
        score
    from scores_geometric
),

scores_ranked as (
    select
        index_name,
        variant_id,
        unit_id,
        year,
        score,
        rank() over (partition by index_name, variant_id, year order by score desc) as score_rank
    from scores_finished
)

select * from scores_ranked
