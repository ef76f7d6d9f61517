{#
    Fails with every indicator value dated outside the years of the data: the span of all
    index samples (seeds/reference/index_samples.csv), min(first_year)..max(last_year). A
    year outside it is a typo (2103) or data the models would silently ignore. The year vars
    (chen_first_year, wl_first_year, rd_base_year, ...) lie inside the same span (checked
    before dbt runs, resilience.project_vars), so moving one never makes data out of range.
    Only indicators of an index with a declared sample are checked: a user's own index
    (cities, US states) has no configured range.
#}
{{ config(meta={
    'message': 'year outside the configured range {first_year}-{last_year} (the index samples,'
        ~ ' seeds/reference/index_samples.csv); drop the row or widen the range'
}) }}

with

indicator_values as (
    select * from {{ ref('stg_inputs__indicator_values') }}
),

indicator_systems as (
    select * from {{ ref('stg_reference__indicator_systems') }}
),

index_samples as (
    select * from {{ ref('stg_reference__index_samples') }}
),

data_years as (
    select
        min(first_year) as first_year,
        max(last_year) as last_year
    from index_samples
),

indicators_with_declared_sample as (
    select distinct indicator_systems.indicator
    from indicator_systems
    inner join index_samples
        on indicator_systems.index_name = index_samples.index_name
),

out_of_range as (
    select
        indicator_values.unit_id,
        indicator_values.year,
        indicator_values.indicator,
        indicator_values.value_text,
        data_years.first_year,
        data_years.last_year
    from indicator_values
    inner join indicators_with_declared_sample
        on indicator_values.indicator = indicators_with_declared_sample.indicator
    cross join data_years
    where
        indicator_values.year < data_years.first_year
        or indicator_values.year > data_years.last_year
)

select * from out_of_range
