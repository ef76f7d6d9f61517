{#
    Indicator values in the long layout (unit_id, year, indicator, value), from the file in
    var('indicator_values_path') (CSV or Parquet; docs/contracts.md).
    Values arrive as text so that yearbook markers ("…", "—", "1,234") are caught by the
    data tests instead of failing the cast; `value_text` keeps the original cell.
#}
with

source as (
    select * from {{ source('inputs', 'indicator_values') }}
),

typed as (
    select
        cast(unit_id as varchar) as unit_id,
        cast(year as integer) as year,
        trim(cast(indicator as varchar)) as indicator,
        nullif(trim(cast(value as varchar)), '') as value_text,
        try_cast(nullif(trim(cast(value as varchar)), '') as double) as value
    from source
)

select * from typed
