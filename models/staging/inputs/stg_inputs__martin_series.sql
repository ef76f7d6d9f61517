{# One row per unit-year of the user’s activity measure E for the Martin indices, from var('martin_series_path'); disabled when the var is null (then E is provincial real GDP, int_martin_series_selected). #}
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
        {{ input_text('unit_id') }} as unit_id,
        {{ input_integer('year') }} as year,
        {{ input_text('value') }} as value_text,
        {{ input_number('value') }} as value
    from source
    where {{ input_row_present(['unit_id', 'year', 'value']) }}
)

select * from typed
