{#
    Fails with every indicator value dated outside the configured years: the earliest
    first year or base year of any model (vars chen_first_year, wl_first_year,
    rd_base_year, export_base_year) to the latest last year (chen_last_year, wl_last_year).
    A year outside that window is a typo (2103) or data the models would silently ignore.
    Only indicators of an index with a declared sample (seeds/reference/index_samples.csv)
    are checked: a user's own index (cities, US states) has no configured range.
#}
{%- set first_year = [var('chen_first_year'), var('wl_first_year'), var('rd_base_year'), var('export_base_year')] | map('int') | min %}
{%- set last_year = [var('chen_last_year'), var('wl_last_year')] | map('int') | max %}
{{ config(meta={
    'message': 'year outside the configured range ' ~ first_year ~ '-' ~ last_year
        ~ ' (dbt_project.yml vars); drop the row or widen the range'
}) }}

with

indicator_values as (
    select * from {{ ref('stg_demo__indicator_values') }}
),

indicator_systems as (
    select * from {{ ref('stg_reference__indicator_systems') }}
),

index_samples as (
    select * from {{ ref('stg_reference__index_samples') }}
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
        indicator_values.value_text
    from indicator_values
    inner join indicators_with_declared_sample
        on indicator_values.indicator = indicators_with_declared_sample.indicator
    where indicator_values.year < {{ first_year }} or indicator_values.year > {{ last_year }}
)

select * from out_of_range
