{#
    Entropy weights per index, indicator and scope(-year) from the shifted normalised
    values (macro entropy_weights; formulas there): p = z′/S, e_k = -(1/ln n) sum p ln p
    computed as -(A/S - ln S)/ln n with S = sum z′, A = sum z′ ln z′; d_k = 1 - e_k;
    w_k = d_k / sum d_k within index and scope-year. n = N*T pooled, N per year.
    One row per index-indicator-scope_year (scope_year null when pooled).
    The indicator’s attributes are constant within index-indicator-scope_year (dimension
    and direction come from the indicator system, min and max are the scope’s, the policy
    is a var), so any one row’s value is the value: dbt.any_value, not min/max, which on
    strings cost ~40 ms at county scale (bench/README.md, issue 9).
    Weighting (var index_weighting; the model keeps its name, the entropy being the
    default): entropy (above), equal (w = 1/K, macro equal_weights), cv (w = CV/sum CV on
    the min-max z, macro cv_weights), critic (w = C/sum C, C_j = sigma_j sum_k (1 - r_jk)
    on the min-max z, macro critic_weights) or given (the user’s own weights g_k, column
    weight of the indicator system, w = g/sum g, macro given_weights). weight_basis is the
    quantity the weight is proportional to (d_k, 1, CV_k, C_j, g_k); entropy and
    divergence are null for the others.
#}
{%- set weighting = typed_var('index_weighting') %}
with

indicators_normalized as (
    select * from {{ ref('int_indicators_normalized') }}
),

{%- set scope_group = ['index_name', 'scope', 'scope_year'] %}
{%- if weighting == 'given' %}

indicator_systems as (
    select * from {{ ref('stg_reference__indicator_systems') }}
),

indicators_given as (
    select
        indicators_normalized.*,
        indicator_systems.given_weight
    from indicators_normalized
    inner join indicator_systems
        on indicators_normalized.index_name = indicator_systems.index_name
        and indicators_normalized.indicator = indicator_systems.indicator
),
{%- endif %}

weights_computed as (
    {%- if weighting == 'entropy' %}
    select
        entropies.*,
        entropies.divergence as weight_basis
    from ({{ entropy_weights('indicators_normalized', scope_group) }}) as entropies
    {%- elif weighting == 'equal' %}
    select
        equals.*,
        cast(null as double) as sum_z,
        cast(null as double) as sum_z_ln_z,
        cast(null as double) as entropy,
        cast(null as double) as divergence,
        1.0 as weight_basis
    from ({{ equal_weights('indicators_normalized', scope_group) }}) as equals
    {%- elif weighting == 'cv' %}
    select
        variations.*,
        cast(null as double) as sum_z,
        cast(null as double) as sum_z_ln_z,
        cast(null as double) as entropy,
        cast(null as double) as divergence,
        variations.cv as weight_basis
    from ({{ cv_weights('indicators_normalized', scope_group) }}) as variations
    {%- elif weighting == 'critic' %}
    select
        criteria.*,
        cast(null as double) as sum_z,
        cast(null as double) as sum_z_ln_z,
        cast(null as double) as entropy,
        cast(null as double) as divergence,
        criteria.information as weight_basis
    from ({{ critic_weights('indicators_normalized', scope_group, ['unit_id', 'year']) }}) as criteria
    {%- elif weighting == 'given' %}
    select
        givens.*,
        cast(null as double) as sum_z,
        cast(null as double) as sum_z_ln_z,
        cast(null as double) as entropy,
        cast(null as double) as divergence,
        givens.given_weight as weight_basis
    from ({{ given_weights('indicators_given', scope_group) }}) as givens
    {%- endif %}
),

indicator_attributes as (
    select
        index_name,
        indicator,
        scope_year,
        {{ dbt.any_value('dimension') }} as dimension,
        {{ dbt.any_value('direction') }} as direction,
        {{ dbt.any_value('min_value') }} as min_value,
        {{ dbt.any_value('max_value') }} as max_value,
        {{ dbt.any_value('zero_policy') }} as zero_policy,
        {{ dbt.any_value('shift_c') }} as shift_c
    from indicators_normalized
    group by index_name, indicator, scope_year
),

weights_described as (
    select
        weights_computed.index_name,
        indicator_attributes.dimension,
        weights_computed.indicator,
        indicator_attributes.direction,
        weights_computed.scope,
        weights_computed.scope_year,
        indicator_attributes.min_value,
        indicator_attributes.max_value,
        weights_computed.n_obs,
        weights_computed.sum_z,
        weights_computed.sum_z_ln_z,
        weights_computed.entropy,
        weights_computed.divergence,
        weights_computed.weight,
        indicator_attributes.zero_policy,
        indicator_attributes.shift_c,
        '{{ weighting }}' as weighting,
        weights_computed.weight_basis
    from weights_computed
    inner join indicator_attributes
        on weights_computed.index_name = indicator_attributes.index_name
        and weights_computed.indicator = indicator_attributes.indicator
        and weights_computed.scope_year is not distinct from indicator_attributes.scope_year
)

select * from weights_described
