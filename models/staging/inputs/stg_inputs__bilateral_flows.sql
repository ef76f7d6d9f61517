with

source as (
    select * from {{ source('inputs', 'bilateral_flows') }}
),

typed as (
    select
        cast(country_code as varchar) as country_code,
        cast(year as integer) as year,
        cast(imports_from_usd_mn as double) as imports_from_usd_mn,
        cast(fdi_from_usd_mn as double) as fdi_from_usd_mn,
        cast(ofdi_to_usd_mn as double) as ofdi_to_usd_mn
    from source
)

select * from typed
