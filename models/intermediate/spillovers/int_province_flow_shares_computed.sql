{#
    Each province’s share of the national total of the three channel flows, one row per
    province-year-channel over all years of the provincial accounts:
        share_cit = flow_cit / sum_{k in 31 provinces} flow_ckt
    with flow = imports_usd_mn ('imports'), fdi_inflow_usd_mn ('fdi'), ofdi_usd_mn ('ofdi').
    All three are reported in current USD mn, so no currency conversion is needed (a share
    is unitless whatever the currency, as long as numerator and total share it); stocks
    never enter here. The shares sum to 1 per year-channel (data test).
    Raises, naming province, year and column, where a share would otherwise be written
    wrong or undefined: a reference province missing in a year (its national total would
    be short), a national total that is not positive (division by zero). A province outside
    the reference list, a duplicated province-year and a missing flow are data tests of
    stg_inputs__province_accounts (relationships, unique_combination_of_columns, not_null),
    which dbt build runs before this model.
#}
with

province_accounts as (
    select * from {{ ref('stg_inputs__province_accounts') }}
),

provinces as (
    select * from {{ ref('stg_reference__provinces') }}
),

account_years as (
    select distinct year
    from province_accounts
),

channels_unpivoted as (
    -- one channel per row: the unpivot reads as a table
    -- noqa: disable=LT05,LT09,LT02
    select province_code, year, 'imports' as channel, 'imports_usd_mn' as flow_column, imports_usd_mn as flow_usd_mn
    from province_accounts
    union all
    select province_code, year, 'fdi' as channel, 'fdi_inflow_usd_mn' as flow_column, fdi_inflow_usd_mn as flow_usd_mn
    from province_accounts
    union all
    select province_code, year, 'ofdi' as channel, 'ofdi_usd_mn' as flow_column, ofdi_usd_mn as flow_usd_mn
    from province_accounts
    -- noqa: enable=LT05,LT09,LT02
),

national_totals as (
    select
        year,
        channel,
        flow_column,
        {{ ordered_aggregate('sum', 'flow_usd_mn', 'province_code') }} as national_flow_usd_mn
    from channels_unpivoted
    group by year, channel, flow_column
),

problems as (
    select
        'province ' || provinces.province_code || ', year ' || cast(account_years.year as string)
        || ': no row in stg_inputs__province_accounts (the national totals need all 31 provinces)'
            as problem
    from provinces
    cross join account_years
    left join province_accounts
        on provinces.province_code = province_accounts.province_code
        and account_years.year = province_accounts.year
    where province_accounts.province_code is null

    union all

    select
        'province (all), year ' || cast(year as string) || ': national total of ' || flow_column
        || ' = ' || coalesce(cast(national_flow_usd_mn as string), 'missing')
        || ' is not positive, so provincial shares are undefined' as problem
    from national_totals
    where not coalesce(national_flow_usd_mn > 0, false)
),

shares_computed as (
    select
        channels_unpivoted.province_code,
        channels_unpivoted.year,
        channels_unpivoted.channel,
        channels_unpivoted.flow_usd_mn,
        national_totals.national_flow_usd_mn,
        channels_unpivoted.flow_usd_mn / national_totals.national_flow_usd_mn as flow_share
    from channels_unpivoted
    inner join national_totals
        on channels_unpivoted.year = national_totals.year
        and channels_unpivoted.channel = national_totals.channel
),

validated as (
    {{ raise_on_problems('shares_computed', 'problems', 'province_code') }}
)

select * from validated
