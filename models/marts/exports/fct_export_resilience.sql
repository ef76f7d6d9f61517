{#
    Export resilience of every province-year the accounts hold (Wang & Lu, eq. 2), with the
    province’s region, so the report draws the whole series (the years before the panel
    too) from a mart; the formula is computed once, in int_exports_rebased:

        exp_res_it = (export_it - export_i,b) / export_i,b        b = var('export_base_year')
#}

with

provinces as (
    select * from {{ ref('stg_reference__provinces') }}
),

exports_rebased as (
    select * from {{ ref('int_exports_rebased') }}
),

joined as (
    select
        exports_rebased.province_code,
        provinces.province_name_en,
        provinces.region,
        exports_rebased.year,
        exports_rebased.base_year,
        exports_rebased.exports_usd_mn,
        exports_rebased.base_exports_usd_mn,
        exports_rebased.exp_res
    from exports_rebased
    inner join provinces
        on exports_rebased.province_code = provinces.province_code
)

select * from joined
