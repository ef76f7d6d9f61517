{#
    Fails with every indicator value dated outside the configured years: the earliest
    first year or base year of any model (vars chen_first_year, wl_first_year,
    rd_base_year, export_base_year) to the latest last year (chen_last_year, wl_last_year).
    A year outside that window is a typo (2103) or data the models would silently ignore.
#}
{%- set first_year = [var('chen_first_year'), var('wl_first_year'), var('rd_base_year'), var('export_base_year')] | map('int') | min %}
{%- set last_year = [var('chen_last_year'), var('wl_last_year')] | map('int') | max %}
{{ config(meta={'message': 'year outside the configured range ' ~ first_year ~ '-' ~ last_year ~ ' (dbt_project.yml vars); drop the row or widen the range'}) }}

with

indicator_values as (
    select * from {{ ref('stg_demo__indicator_values') }}
),

out_of_range as (
    select unit_id, year, indicator, value_text
    from indicator_values
    where year < {{ first_year }} or year > {{ last_year }}
)

select * from out_of_range
