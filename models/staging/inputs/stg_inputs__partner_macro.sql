with

source as (
    select * from {{ source('inputs', 'partner_macro') }}
),

typed as (
    select
        cast(country_code as varchar) as country_code,
        cast(year as integer) as year,
        cast(rd_expenditure_usd_mn as double) as rd_expenditure_usd_mn,
        cast(gdp_usd_mn as double) as gdp_usd_mn,
        cast(gfcf_usd_mn as double) as gfcf_usd_mn,
        cast(cpi as double) as cpi
    from source
)

select * from typed
