with

source as (
    -- depends_on: {{ source('inputs', 'exchange_rates') }}
    select * from {{ read_external_table(var('exchange_rates_path')) }}
),

typed as (
    select
        {{ input_integer('year') }} as year,
        {{ input_number('cny_per_usd') }} as cny_per_usd
    from source
    where {{ input_row_present(['year', 'cny_per_usd']) }}
)

select * from typed
