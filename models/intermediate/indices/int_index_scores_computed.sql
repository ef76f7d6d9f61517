{#
    Composite scores from the unshifted normalised values z and the entropy weights w
    of the same scope(-year). One row per index-unit-year-dimension, dimension = 'total'
    for the overall score.
        total          score_it = sum_k w_k z_kit                         in [0, 1]
        sum form       score_dit = sum_{k in d} w_k z_kit       (sum over d = total)
        renormalised   score_dit = sum_{k in d} w_k z_kit / sum_{k in d} w_k   in [0, 1]
    (var index_subscore_form: sum | renormalised; the total is the same in both).
#}
{%- set form = var('index_subscore_form', 'sum') -%}
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

dimension_scores as (
    select
        index_name,
        unit_id,
        year,
        dimension,
        min(scope) as scope,
        sum(weight) as dimension_weight,
        {%- if form == 'renormalised' %}
        sum(weighted_z) / sum(weight) as score,
        {%- else %}
        sum(weighted_z) as score,
        {%- endif %}
        count(*) as n_indicators
    from contributions_weighted
    group by index_name, unit_id, year, dimension
),

total_scores as (
    select
        index_name,
        unit_id,
        year,
        'total' as dimension,
        min(scope) as scope,
        sum(weight) as dimension_weight,
        sum(weighted_z) as score,
        count(*) as n_indicators
    from contributions_weighted
    group by index_name, unit_id, year
),

scores_stacked as (
    select *, '{{ form }}' as subscore_form from total_scores
    union all
    select *, '{{ form }}' as subscore_form from dimension_scores
)

select * from scores_stacked
