with

source as (
    -- depends_on: {{ source('inputs', 'bilateral_flows') }}
    select * from {{ read_external_table(var('bilateral_flows_path')) }}
),

typed as (
    select
        {{ input_text('country_code') }} as country_code,
        {{ input_integer('year') }} as year,
        {{ input_number('imports_from_usd_mn') }} as imports_from_usd_mn,
        {{ input_number('fdi_from_usd_mn') }} as fdi_from_usd_mn,
        {{ input_number('ofdi_to_usd_mn') }} as ofdi_to_usd_mn
    from source
    where {{ input_row_present([
        'country_code', 'year', 'imports_from_usd_mn', 'fdi_from_usd_mn',
        'ofdi_to_usd_mn'
    ]) }}
)

select * from typed
