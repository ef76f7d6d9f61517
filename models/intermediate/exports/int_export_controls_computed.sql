{#
    Wang & Lu controls (section 3.2.3) and mediators (3.2.4), one row per province-year of the
    panel years var('wl_first_year')..var('wl_last_year'); all shares are fractions, not percent.

        edu    = education_expenditure_cny_100mn / fiscal_expenditure_cny_100mn
        open   = (exports_usd_mn + imports_usd_mn) * cny_per_usd / (gdp_cny_100mn * 100)
                 (USD mn * CNY per USD = CNY mn; GDP in 100 mn CNY * 100 = CNY mn)
        gov    = fiscal_expenditure_cny_100mn / gdp_cny_100mn
        health = medical_institutions / 10000            (10,000 institutions)
        tec    = tech_contract_turnover_cny_100mn / gdp_cny_100mn
        isu    = tertiary_value_added_cny_100mn / gdp_cny_100mn
        ted    = rd_expenditure_cny_100mn / gdp_cny_100mn

    Every ratio goes through checked_ratio: a missing input or a non-positive denominator fails
    the run naming the province, year and indicator (a year without an exchange rate as well).
#}

with

province_accounts as (
    select * from {{ ref('stg_inputs__province_accounts') }}
),

exchange_rates as (
    select * from {{ ref('stg_inputs__exchange_rates') }}
),

panel_years as (
    select *
    from province_accounts
    where year between {{ typed_var('wl_first_year') }} and {{ typed_var('wl_last_year') }}
),

converted as (
    select
        panel_years.*,
        exchange_rates.cny_per_usd,
        (panel_years.exports_usd_mn + panel_years.imports_usd_mn)
        * exchange_rates.cny_per_usd as trade_cny_mn,
        panel_years.gdp_cny_100mn * 100 as gdp_cny_mn
    from panel_years
    left join exchange_rates
        on panel_years.year = exchange_rates.year
),

computed as (
    select
        province_code,
        year,
        {{ checked_ratio(
            'education_expenditure_cny_100mn', 'fiscal_expenditure_cny_100mn', 'edu'
        ) }} as edu,
        {{ checked_ratio('trade_cny_mn', 'gdp_cny_mn', 'open',
            hint="open needs exports_usd_mn, imports_usd_mn, gdp_cny_100mn and the year's cny_per_usd (stg_inputs__exchange_rates).") }} as open,
        {{ checked_ratio('fiscal_expenditure_cny_100mn', 'gdp_cny_100mn', 'gov') }} as gov,
        {{ checked_ratio('medical_institutions', '10000', 'health') }} as health,
        {{ checked_ratio('tech_contract_turnover_cny_100mn', 'gdp_cny_100mn', 'tec') }} as tec,
        {{ checked_ratio('tertiary_value_added_cny_100mn', 'gdp_cny_100mn', 'isu') }} as isu,
        {{ checked_ratio('rd_expenditure_cny_100mn', 'gdp_cny_100mn', 'ted') }} as ted,
        cny_per_usd
    from converted
)

select * from computed
