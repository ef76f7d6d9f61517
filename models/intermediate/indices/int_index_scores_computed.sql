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
    The values aggregated are z_normalized (var index_normalisation: the min-max z by
    default, or a z-score or rank). Aggregation (var index_aggregation):
        arithmetic  the sums above (the default)
        geometric   score = exp(sum w ln z′ / sum w) over the indicators of the total or
                    of the dimension (macro aggregate_geometric; z′ = z_normalized_shifted,
                    > 0 by the shift; a z′ of 0 under zero policy limit gives 0). A
                    z-score has negative values: refused at compile time.
        topsis      closeness D-/(D+ + D-) to the ideal and anti-ideal of v = w z over the
                    scope (macro topsis_closeness), the total over all indicators, a
                    dimension over its own (closeness does not change when the weights
                    are rescaled, so it is the renormalised form by construction).
    For geometric and topsis the dimension scores are their own aggregates (not parts of
    the total) whatever index_subscore_form says; dimension_weight is still sum w.
#}
{%- set form = typed_var('index_subscore_form') -%}
{%- set normalisation = typed_var('index_normalisation') -%}
{%- set weighting = typed_var('index_weighting') -%}
{%- set aggregation = typed_var('index_aggregation') -%}
{%- if aggregation == 'geometric' and normalisation == 'z_score' -%}
    {{ exceptions.raise_compiler_error("int_index_scores_computed: var index_aggregation=geometric needs positive values, but index_normalisation=z_score gives negative ones; use min_max or rank") }}
{%- endif -%}
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
        indicators_normalized.indicator,
        indicators_normalized.unit_id,
        indicators_normalized.year,
        indicators_normalized.scope,
        indicators_normalized.scope_year,
        entropy_weights.weight,
        indicators_normalized.z_normalized,
        indicators_normalized.z_normalized_shifted,
        entropy_weights.weight * indicators_normalized.z_normalized as weighted_z
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

{%- if aggregation == 'geometric' %}

dimensions_aggregated as (
    {{ aggregate_geometric('contributions_weighted', ['index_name', 'unit_id', 'year', 'dimension'], value_column='z_normalized_shifted') }}
),

totals_aggregated as (
    {{ aggregate_geometric('contributions_weighted', ['index_name', 'unit_id', 'year'], value_column='z_normalized_shifted') }}
),
{%- elif aggregation == 'topsis' %}

dimensions_aggregated as (
    {{ topsis_closeness('contributions_weighted', ['index_name', 'scope_year'], ['index_name', 'scope_year', 'unit_id', 'year', 'dimension'], value_column='z_normalized') }}
),

totals_aggregated as (
    {{ topsis_closeness('contributions_weighted', ['index_name', 'scope_year'], ['index_name', 'scope_year', 'unit_id', 'year'], value_column='z_normalized') }}
),
{%- endif %}

dimension_scores as (
    select
        dimensions_summed.index_name,
        dimensions_summed.unit_id,
        dimensions_summed.year,
        dimensions_summed.dimension,
        dimensions_summed.scope,
        dimensions_summed.dimension_weight,
        {%- if aggregation != 'arithmetic' %}
        dimensions_aggregated.score,
        {%- elif form == 'renormalised' %}
        dimensions_summed.weighted_z_sum / dimensions_summed.dimension_weight as score,
        {%- else %}
        dimensions_summed.weighted_z_sum as score,
        {%- endif %}
        dimensions_summed.n_indicators
    from dimensions_summed
    {%- if aggregation != 'arithmetic' %}
    inner join dimensions_aggregated
        on dimensions_summed.index_name = dimensions_aggregated.index_name
        and dimensions_summed.unit_id = dimensions_aggregated.unit_id
        and dimensions_summed.year = dimensions_aggregated.year
        and dimensions_summed.dimension = dimensions_aggregated.dimension
    {%- endif %}
),

totals_summed as (
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

total_scores as (
    {%- if aggregation == 'arithmetic' %}
    select * from totals_summed
    {%- else %}
    select
        totals_summed.index_name,
        totals_summed.unit_id,
        totals_summed.year,
        totals_summed.dimension,
        totals_summed.scope,
        totals_summed.dimension_weight,
        totals_aggregated.score,
        totals_summed.n_indicators
    from totals_summed
    inner join totals_aggregated
        on totals_summed.index_name = totals_aggregated.index_name
        and totals_summed.unit_id = totals_aggregated.unit_id
        and totals_summed.year = totals_aggregated.year
    {%- endif %}
),

{%- set settings = "'" ~ form ~ "' as subscore_form, '" ~ normalisation ~ "' as normalisation, '"
    ~ weighting ~ "' as weighting, '" ~ aggregation ~ "' as aggregation" %}

scores_stacked as (
    select *, {{ settings }} from total_scores
    union all
    select *, {{ settings }} from dimension_scores
)

select * from scores_stacked
