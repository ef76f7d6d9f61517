{# Fails with every unit whose years are not exactly first_year..last_year, one row per missing or surplus year. #}
{% test balanced_panel(model, unit_column, year_column, first_year, last_year, where_clause=none) %}
{{ config(meta={'message': 'unbalanced panel: {problem}'}) }}

with

panel as (
    select distinct {{ unit_column }} as unit_id, {{ year_column }} as year
    from {{ model }}
    {%- if where_clause %}
    where {{ where_clause }}
    {%- endif %}
),

units as (
    select distinct unit_id from panel
),

expected as (
    select units.unit_id, years.year
    from units
    cross join {{ year_spine(first_year, last_year) }} as years
),

missing_years as (
    select expected.unit_id, expected.year, 'missing year' as problem
    from expected
    left join panel
        on expected.unit_id = panel.unit_id and expected.year = panel.year
    where panel.unit_id is null
),

surplus_years as (
    select unit_id, year, 'year outside ' || {{ first_year }} || '-' || {{ last_year }} as problem
    from panel
    where year < {{ first_year }} or year > {{ last_year }}
)

select * from missing_years
union all
select * from surplus_years

{% endtest %}
