{#
    Fails with every indicator value whose unit_id looks like a six-digit province code but
    is not one of seeds/reference/provinces.csv (a typo such as 990000 or 11000O would
    otherwise enter the index as a 32nd "province"). Ids of another shape (US states in
    the examples, names) are left to the pre-flight validation of `resilience build`.
#}
{{ config(meta={
    'message': "unknown province code {unit_id!r} (not in seeds/reference/provinces.csv);"
        ~ " fix the code or drop the rows"
}) }}

with

indicator_values as (
    select * from {{ ref('stg_inputs__indicator_values') }}
),

provinces as (
    select * from {{ ref('stg_reference__provinces') }}
),

unknown_units as (
    select
        indicator_values.unit_id,
        indicator_values.year,
        indicator_values.indicator,
        indicator_values.value_text
    from indicator_values
    left join provinces
        on indicator_values.unit_id = provinces.province_code
    where provinces.province_code is null
        and length(indicator_values.unit_id) = 6
        and indicator_values.unit_id between '100000' and '999999'
)

select * from unknown_units
