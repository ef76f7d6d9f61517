{#
    Scores and ranks of every index variant of the Saltelli design, all variants in one
    query (no build per variant), with the macros the single-setting index models call.
    For variant v of index I (factor levels in int_index_variant_indicators_designed):
        normalisation   of the values aggregated, x_kit over the index’s scope:
                        min_max z_kit (int_indicators_normalized, macro normalize_min_max),
                        z_score (macro normalize_z_score) or rank (macro normalize_rank);
                        x′_kit = x_kit + c_v (c_v = shift_c), the value a geometric mean
                        takes. The weights always come from the min-max z, as in
                        int_indicators_normalized: a normalisation changes what is
                        aggregated, not the weights
        dropped         indicator d_v removed (it takes no weight)
        weighting       entropy: macro entropy_weights on z + c_v, grouped by variant too;
                        equal: macro equal_weights, w_k = 1 / K_v;
                        cv: macro cv_weights, w_k = CV_k / sum CV on z;
                        critic: macro critic_weights, w_j = C_j / sum C on z;
                        given (a level only when the shipped index uses it): macro
                        given_weights, w_k = g_k / sum g over the kept indicators;
                        cv, critic and given do not depend on c_v or the perturbation,
                        only on which indicator is dropped: computed once per index,
                        scope-year and dropped indicator (K + 1 cases), then joined to
                        the variants
        perturbation    w′_k = w_k m_vk / sum_j w_j m_vj  (m_vk in [0.75, 1.25])
        aggregation     arithmetic: s_it = sum_k w′_k x_kit  (the shipped score, exact_sum)
                        geometric:  macro aggregate_geometric on x′,
                        s_it = exp(sum_k w′_k ln x′_kit / W) = prod x′^(w′/W), W = sum w′
                        (never with z_score: the design does not draw the pair)
                        topsis: macro topsis_closeness of w′ x to the ideal and anti-ideal
                        of the scope(-year)
        rank            r_it = rank of s_it among the units of year t (1 = highest;
                        ties share the lowest rank)
    Variant 0 (the shipped settings) reproduces fct_index_scores’ totals.
    New normalisation, weighting or aggregation methods: add the level in the design’s
    FACTORS and a branch in the CTE below that applies the factor (cells_weighted for
    normalisation, weights_by_method, scores_aggregated).
#}
with

indicators_normalized as (
    select * from {{ ref('int_indicators_normalized') }}
),

variant_indicators_designed as (
    select * from {{ ref('int_index_variant_indicators_designed') }}
),

indicator_systems as (
    select * from {{ ref('stg_reference__indicator_systems') }}
),

cells_min_max as (
    select
        index_name,
        indicator,
        direction,
        unit_id,
        year,
        value,
        scope,
        scope_year,
        z
    from indicators_normalized
),

cells_standardized as (
    {{ normalize_z_score('cells_min_max', ['index_name', 'indicator', 'scope_year']) }}
),

cells_ranked as (
    {{ normalize_rank('cells_standardized', ['index_name', 'indicator', 'scope_year']) }}
),

entropy_cells as (
    -- entropy weights depend on the variant's shift c: the min-max z + c_v of its kept
    -- indicators, one row per variant and cell
    select
        variant_indicators_designed.index_name,
        variant_indicators_designed.variant_id,
        cells_min_max.indicator,
        cells_min_max.unit_id,
        cells_min_max.year,
        cells_min_max.scope,
        cells_min_max.scope_year,
        cells_min_max.z + variant_indicators_designed.shift_c as z_shifted
    from variant_indicators_designed
    inner join cells_min_max
        on variant_indicators_designed.index_name = cells_min_max.index_name
        and variant_indicators_designed.indicator = cells_min_max.indicator
    where
        not variant_indicators_designed.is_dropped
        and variant_indicators_designed.weighting = 'entropy'
),

entropy_weights_computed as (
    {{ entropy_weights('entropy_cells', ['index_name', 'variant_id', 'scope', 'scope_year']) }}
),

scope_indicators as (
    select distinct
        index_name,
        indicator,
        scope,
        scope_year
    from cells_min_max
),

equal_cases as (
    -- equal weights need only which indicators a variant keeps: one row per variant,
    -- kept indicator and scope-year (n_obs of the macro then counts 1, unused here)
    select
        variant_indicators_designed.index_name,
        variant_indicators_designed.variant_id,
        scope_indicators.indicator,
        scope_indicators.scope_year,
        1.0 as z
    from variant_indicators_designed
    inner join scope_indicators
        on variant_indicators_designed.index_name = scope_indicators.index_name
        and variant_indicators_designed.indicator = scope_indicators.indicator
    where
        not variant_indicators_designed.is_dropped
        and variant_indicators_designed.weighting = 'equal'
),

equal_weights_computed as (
    {{ equal_weights('equal_cases', ['index_name', 'variant_id', 'scope_year']) }}
),

drop_cases as (
    -- the dropped-indicator cases cv, critic and given weights are needed for ('' = none
    -- dropped)
    select distinct
        index_name,
        coalesce(dropped_indicator, '') as drop_case
    from variant_indicators_designed
    where weighting in ('cv', 'critic', 'given')
),

drop_case_cells as (
    select
        drop_cases.index_name,
        drop_cases.drop_case,
        cells_min_max.indicator,
        cells_min_max.unit_id,
        cells_min_max.year,
        cells_min_max.scope,
        cells_min_max.scope_year,
        cells_min_max.z,
        indicator_systems.given_weight
    from drop_cases
    inner join cells_min_max
        on drop_cases.index_name = cells_min_max.index_name
    inner join indicator_systems
        on cells_min_max.index_name = indicator_systems.index_name
        and cells_min_max.indicator = indicator_systems.indicator
    where cells_min_max.indicator <> drop_cases.drop_case
),

cv_weights_computed as (
    {{ cv_weights('drop_case_cells', ['index_name', 'drop_case', 'scope', 'scope_year']) }}
),

critic_weights_computed as (
    {{ critic_weights(
        'drop_case_cells', ['index_name', 'drop_case', 'scope', 'scope_year'], ['unit_id', 'year']
    ) }}
),

given_weights_computed as (
    {{ given_weights('drop_case_cells', ['index_name', 'drop_case', 'scope', 'scope_year']) }}
),

case_weights as (
    {%- for method in ['cv', 'critic', 'given'] %}
    select
        '{{ method }}' as weighting,
        index_name,
        drop_case,
        indicator,
        scope_year,
        weight
    from {{ method }}_weights_computed
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

case_weights_by_variant as (
    select
        variant_indicators_designed.index_name,
        variant_indicators_designed.variant_id,
        variant_indicators_designed.indicator,
        case_weights.scope_year,
        case_weights.weight
    from variant_indicators_designed
    inner join case_weights
        on variant_indicators_designed.index_name = case_weights.index_name
        and variant_indicators_designed.weighting = case_weights.weighting
        and coalesce(variant_indicators_designed.dropped_indicator, '') = case_weights.drop_case
        and variant_indicators_designed.indicator = case_weights.indicator
    where not variant_indicators_designed.is_dropped
),

weights_by_method as (
    {%- set sources = [
        'entropy_weights_computed', 'equal_weights_computed', 'case_weights_by_variant'
    ] %}
    {%- for source in sources %}
    select
        index_name,
        variant_id,
        indicator,
        scope_year,
        weight
    from {{ source }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

weights_perturbed as (
    select
        weights_by_method.index_name,
        weights_by_method.variant_id,
        weights_by_method.indicator,
        weights_by_method.scope_year,
        variant_indicators_designed.normalisation,
        variant_indicators_designed.aggregation,
        variant_indicators_designed.shift_c,
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

cells_weighted as {{ cte_not_materialized() }} (
    -- normalisation factor: the value each variant aggregates (the one fan-out of the
    -- cells over the variants: 91 M rows at N = 1000 for the two shipped indices; inlined, not
    -- materialised, it streams into the three aggregations: 4.9 GB peak instead of 16)
    select
        weights_perturbed.index_name,
        weights_perturbed.variant_id,
        cells_ranked.unit_id,
        cells_ranked.year,
        cells_ranked.scope_year,
        weights_perturbed.aggregation,
        cells_ranked.indicator,
        weights_perturbed.weight,
        case weights_perturbed.normalisation
            when 'min_max' then cells_ranked.z
            when 'z_score' then cells_ranked.z_score
            when 'rank' then cells_ranked.z_rank
        end as z_normalized,
        case weights_perturbed.normalisation
            when 'min_max' then cells_ranked.z
            when 'z_score' then cells_ranked.z_score
            when 'rank' then cells_ranked.z_rank
        end + weights_perturbed.shift_c as z_normalized_shifted
    from weights_perturbed
    inner join cells_ranked
        on weights_perturbed.index_name = cells_ranked.index_name
        and weights_perturbed.indicator = cells_ranked.indicator
        and weights_perturbed.scope_year is not distinct from cells_ranked.scope_year
),

geometric_cells as (
    select * from cells_weighted
    where aggregation = 'geometric'
),

scores_geometric as (
    {{ aggregate_geometric(
        'geometric_cells', ['index_name', 'variant_id', 'unit_id', 'year'],
        value_column='z_normalized_shifted'
    ) }}
),

topsis_cells as (
    select * from cells_weighted
    where aggregation = 'topsis'
),

scores_topsis as (
    {{ topsis_closeness(
        'topsis_cells', ['index_name', 'variant_id', 'scope_year'],
        ['index_name', 'variant_id', 'scope_year', 'unit_id', 'year'],
        value_column='z_normalized'
    ) }}
),

scores_aggregated as (
    select
        index_name,
        variant_id,
        unit_id,
        year,
        {{ exact_sum('weight * z_normalized') }} as score
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
    union all
    select
        index_name,
        variant_id,
        unit_id,
        year,
        score
    from scores_topsis
),

scores_ranked as (
    select
        index_name,
        variant_id,
        unit_id,
        year,
        score,
        rank() over (partition by index_name, variant_id, year order by score desc) as score_rank
    from scores_aggregated
)

select * from scores_ranked
