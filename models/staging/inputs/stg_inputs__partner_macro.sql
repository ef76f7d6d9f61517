with

source as (
    -- depends_on: {{ source('inputs', 'partner_macro') }}
    select * from {{ read_external_table(var('partner_macro_path')) }}
),

typed as (
    select
        {{ input_text('country_code') }} as country_code,
        {{ input_integer('year') }} as year,
        {{ input_number('rd_expenditure_usd_mn') }} as rd_expenditure_usd_mn,
        {{ input_number('gdp_usd_mn') }} as gdp_usd_mn,
        {{ input_number('gfcf_usd_mn') }} as gfcf_usd_mn,
        {{ input_number('cpi') }} as cpi
    from source
    where {{ input_row_present([
        'country_code', 'year', 'rd_expenditure_usd_mn', 'gdp_usd_mn', 'gfcf_usd_mn',
        'cpi'
    ]) }}
)

select * from typed
