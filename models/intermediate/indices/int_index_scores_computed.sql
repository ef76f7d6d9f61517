{#
    Composite scores from the unshifted normalised values z and the entropy weights w
    of the same scope(-year). One row per index-unit-year-dimension, dimension = 'total'
    for the overall score.
        total          score_it = sum_k w_k z_kit                         in [0, 1]
        sum form       score_dit = sum_{k in d} w_k z_kit       (sum over d = total)
        renormalised   score_dit = sum_{k in d} w_k z_kit / sum_{k in d} w_k   in [0, 1]
    (var index_subscore_form: sum | renormalised; the total is the same in both).
    One pass over the index-unit-year-indicator rows: the grouped sums per dimension
    (sum w z, sum w, count), then the total as the sum of those over the dimensions,
        score_it = sum_d (sum_{k in d} w_k z_kit),   weight_it = sum_d (sum_{k in d} w_k)
    (the same sums grouped differently; the rounding may differ from a flat sum over k in
    the last bit) -- not a second grouped pass over the indicator rows (issue 9).
#}
{%- set form = typed_var('index_subscore_form') -%}
{%- if form not in ['sum', 'renormalised'] -%}
    {{ exceptions.raise_compiler_error("int_index_scores_computed: var index_subscore_form must be sum or renormalised, got '" ~ form ~ "'") }}
{%- endif %}

with

indicators_normalized as (
    select * from {{ ref('int_indicators_normalized') }}
),

entropy_weights as (
    select * from {{ ref('int_entropy_weights_computed') }}
),

contributions_weighted as (
    select
        indicators_normalized.index_name,
        indicators_normalized.dimension,
        indicators_normalized.unit_id,
        indicators_normalized.year,
        indicators_normalized.scope,
        entropy_weights.weight,
        entropy_weights.weight * indicators_normalized.z as weighted_z
    from indicators_normalized
    inner join entropy_weights
        on indicators_normalized.index_name = entropy_weights.index_name
        and indicators_normalized.indicator = entropy_weights.indicator
        and indicators_normalized.scope_year is not distinct from entropy_weights.scope_year
),

dimensions_summed as (
    select
        index_name,
        unit_id,
        year,
        dimension,
        {{ dbt.any_value('scope') }} as scope,
        {{ exact_sum('weight') }} as dimension_weight,
        {{ exact_sum('weighted_z') }} as weighted_z_sum,
        count(*) as n_indicators
    from contributions_weighted
    group by index_name, unit_id, year, dimension
),

dimension_scores as (
    select
        index_name,
        unit_id,
        year,
        dimension,
        scope,
        dimension_weight,
        {%- if form == 'renormalised' %}
        weighted_z_sum / dimension_weight as score,
        {%- else %}
        weighted_z_sum as score,
        {%- endif %}
        n_indicators
    from dimensions_summed
),

total_scores as (
    select
        index_name,
        unit_id,
        year,
        'total' as dimension,
        {{ dbt.any_value('scope') }} as scope,
        {{ exact_sum('dimension_weight') }} as dimension_weight,
        {{ exact_sum('weighted_z_sum') }} as score,
        cast(sum(n_indicators) as bigint) as n_indicators
    from dimensions_summed
    group by index_name, unit_id, year
),

scores_stacked as (
    select *, '{{ form }}' as subscore_form from total_scores
    union all
    select *, '{{ form }}' as subscore_form from dimension_scores
)

select * from scores_stacked
