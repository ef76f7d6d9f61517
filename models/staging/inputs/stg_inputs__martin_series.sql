{# One row per unit-year of the user's activity measure E for the Martin indices, from var('martin_series_path'); disabled when the var is null (then E is provincial real GDP, int_martin_series_selected). #}
{%- set martin_series_path = typed_var('martin_series_path') -%}
{{ config(enabled=martin_series_path is not none) }}

with

source as (
    {#- dbt renders a disabled model while parsing: no file to name then #}
    {% if martin_series_path is not none -%}
    select * from {{ read_external_table(martin_series_path) }}
    {%- else -%}
    select null as unit_id, null as year, null as value
    {%- endif %}
),

typed as (
    select
        cast(unit_id as varchar) as unit_id,
        cast(year as integer) as year,
        nullif(trim(cast(value as varchar)), '') as value_text,
        try_cast(nullif(trim(cast(value as varchar)), '') as double) as value
    from source
)

select * from typed
