{#
    Indicator values in the long layout (unit_id, year, indicator, value), from the file in
    var('indicator_values_path') (CSV or Parquet; docs/contracts.md).
    Every cell arrives as text and is read by the rule of macros/input_cells.sql (the
    pre-flight’s, python/resilience/cells.py): yearbook markers ("…", "—", "1,234") and
    non-ASCII digits give a null value that the data tests catch instead of failing a cast;
    `value_text` keeps the trimmed cell. Rows with every cell empty are skipped.
#}
with

source as (
    -- depends_on: {{ source('inputs', 'indicator_values') }}
    select * from {{ read_external_table(var('indicator_values_path')) }}
),

typed as (
    select
        {{ input_text('unit_id') }} as unit_id,
        {{ input_integer('year') }} as year,
        {{ input_text('indicator') }} as indicator,
        {{ input_text('value') }} as value_text,
        {{ input_number('value') }} as value
    from source
    where {{ input_row_present(['unit_id', 'year', 'indicator', 'value']) }}
)

select * from typed
