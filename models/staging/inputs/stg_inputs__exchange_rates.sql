with

source as (
    select * from {{ source('inputs', 'exchange_rates') }}
),

typed as (
    select
        cast(year as integer) as year,
        cast(cny_per_usd as double) as cny_per_usd
    from source
)

select * from typed
