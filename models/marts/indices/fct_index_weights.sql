{#
    Entropy weights of every composite index with the settings and sample they were
    estimated under (weights change with the sample, so it travels with them).
    One row per index-indicator-scope year (year null when the scope is pooled).
    weighting (var index_weighting) says how the weight was derived (entropy, equal, cv,
    critic) and weight_basis what it is proportional to; entropy and divergence are null
    unless the weighting is entropy.
#}
with

entropy_weights as (
    select * from {{ ref('int_entropy_weights_computed') }}
),

sample_units as (
    select * from {{ ref('int_index_sample_units_selected') }}
),

indicator_systems as (
    select * from {{ ref('stg_reference__indicator_systems') }}
),

samples_summarised as (
    select
        index_name,
        min(first_year) as sample_first_year,
        min(last_year) as sample_last_year,
        count(*) as sample_n_units,
        min(sample_description) as sample_description
    from sample_units
    group by index_name
),

weights_documented as (
    select
        entropy_weights.index_name,
        entropy_weights.indicator,
        indicator_systems.label_en,
        indicator_systems.label_zh,
        entropy_weights.dimension,
        entropy_weights.direction,
        entropy_weights.scope,
        entropy_weights.scope_year as year,
        entropy_weights.min_value,
        entropy_weights.max_value,
        entropy_weights.entropy,
        entropy_weights.divergence,
        entropy_weights.weight,
        indicator_systems.published_weight,
        entropy_weights.zero_policy,
        entropy_weights.shift_c,
        entropy_weights.weighting,
        entropy_weights.weight_basis,
        entropy_weights.n_obs,
        samples_summarised.sample_first_year,
        samples_summarised.sample_last_year,
        samples_summarised.sample_n_units,
        samples_summarised.sample_description
    from entropy_weights
    inner join samples_summarised
        on entropy_weights.index_name = samples_summarised.index_name
    left join indicator_systems
        on entropy_weights.index_name = indicator_systems.index_name
        and entropy_weights.indicator = indicator_systems.indicator
)

select * from weights_documented
