{#
    Export resilience against a base year (Wang & Lu, eq. 2, after He Canfei & Chen Tao 2019):

        exp_res_it = (export_it - export_i,b) / export_i,b        b = var('export_base_year'), default 2008

    * exports in USD million as reported: the ratio to the province’s own base year is
      unit-free within one currency, and staying in dollars keeps yuan exchange-rate moves out
      of the measure;
    * every year the accounts hold is rebased (the panel mart picks its years);
    * a province without a base-year row, or with a missing, zero or negative base-year export,
      fails the run with an error naming the province (checked_ratio); so does a missing export
      in any year. exp_res is exactly 0 in the base year.
#}

with

province_accounts as (
    select * from {{ ref('stg_inputs__province_accounts') }}
),

base_year_exports as (
    select
        province_code,
        exports_usd_mn as base_exports_usd_mn
    from province_accounts
    where year = {{ typed_var('export_base_year') }}
),

joined as (
    select
        province_accounts.province_code,
        province_accounts.year,
        province_accounts.exports_usd_mn,
        {#- a missing or non-positive base-year export is reported at the base year itself,
            not at the first year whose ratio needs it #}
        case
            when base_year_exports.base_exports_usd_mn > 0
                then base_year_exports.base_exports_usd_mn
            else {{ raise_error(
                "'int_exports_rebased (exp_res): province '
                || province_accounts.province_code
                || ', year " ~ typed_var('export_base_year') ~ ", indicator exports_usd_mn: the base-year export is '
                || coalesce(cast(base_year_exports.base_exports_usd_mn as string), 'missing')
                || '; it must be present and positive in base year " ~ typed_var('export_base_year')
                ~ " (var export_base_year).'"
            ) }}
        end as base_exports_usd_mn
    from province_accounts
    left join base_year_exports
        on province_accounts.province_code = base_year_exports.province_code
),

rebased as (
    select
        province_code,
        year,
        cast({{ typed_var('export_base_year') }} as integer) as base_year,
        exports_usd_mn,
        base_exports_usd_mn,
        {{ checked_ratio(
            'exports_usd_mn - base_exports_usd_mn',
            'base_exports_usd_mn',
            'exp_res',
            hint='exp_res needs exports_usd_mn in every year and a positive export in base year '
                ~ typed_var('export_base_year') ~ ' (var export_base_year) for every province.'
        ) }} as exp_res
    from joined
)

select * from rebased
