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
#}
with

indicators_normalized as (
    select * from {{ ref('int_indicators_normalized') }}
),

weights_computed as (
    {{ entropy_weights('indicators_normalized', ['index_name', 'scope', 'scope_year']) }}
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
        indicator_attributes.shift_c
    from weights_computed
    inner join indicator_attributes
        on weights_computed.index_name = indicator_attributes.index_name
        and weights_computed.indicator = indicator_attributes.indicator
        and weights_computed.scope_year is not distinct from indicator_attributes.scope_year
)

select * from weights_described
