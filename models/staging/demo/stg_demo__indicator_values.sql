{#
    Provincial indicator values in the long layout (unit_id, year, indicator, value).
    Source: the synthetic demo seed, or var('indicator_values_path') (CSV/Parquet, columns
    unit_id, year, indicator, value) when a user brings their own panel.
    Values arrive as text so that yearbook markers ("…", "—", "1,234") can be caught by the
    data tests instead of failing the cast; `value_text` keeps the original cell.
#}
with

source as (
    {% if var('indicator_values_path') %}
    select
        cast(unit_id as varchar) as unit_id,
        year,
        indicator,
        cast(value as varchar) as value_text
    from {{ read_external_table(var('indicator_values_path')) }}
    {% else %}
    select
        cast(province_code as varchar) as unit_id,
        year,
        indicator,
        cast(value as varchar) as value_text
    from {{ ref('demo_indicator_values') }}
    {% endif %}
),

typed as (
    select
        unit_id,
        cast(year as integer) as year,
        trim(cast(indicator as varchar)) as indicator,
        nullif(trim(value_text), '') as value_text,
        try_cast(nullif(trim(value_text), '') as double) as value
    from source
)

select * from typed
