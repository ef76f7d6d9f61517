{#
    Chen’s control variables, one row per province-year over the Chen panel years
    (chen_panel_first_year() .. var chen_last_year):
        LNGOV  = ln(fiscal expenditure / GDP)                       (both CNY 100 mn)
        LNFTRI = ln(foreign capital used * CNY/USD / 100 / GDP)    (USD mn -> CNY 100 mn at the
                                                                    year’s average rate)
        LNINF  = ln(telecom business volume / GDP)                 (both CNY 100 mn)
        LNHUM  = ln(students enrolled in regular higher education, 10 thousand persons)
    The ratios use checked_ratio (missing input or non-positive GDP is an error naming
    province, year and ratio), the logs safe_ln (a non-positive value is an error naming
    province, year and variable). A panel year without an exchange rate is an error.
    LNHUM is the log of a count in 10 thousand persons; the unit only shifts the intercept.
#}
{%- set first_year = chen_panel_first_year() -%}
{%- set last_year = typed_var('chen_last_year') -%}

with

province_accounts as (
    select * from {{ ref('stg_inputs__province_accounts') }}
),

exchange_rates as (
    select * from {{ ref('stg_inputs__exchange_rates') }}
),

accounts_in_panel as (
    select
        province_accounts.province_code,
        province_accounts.year,
        province_accounts.gdp_cny_100mn,
        province_accounts.fiscal_expenditure_cny_100mn,
        province_accounts.foreign_capital_used_usd_mn,
        province_accounts.telecom_business_cny_100mn,
        province_accounts.higher_ed_students_10k,
        exchange_rates.cny_per_usd
    from province_accounts
    left join exchange_rates
        on province_accounts.year = exchange_rates.year
    where province_accounts.year between {{ first_year }} and {{ last_year }}
),

problems as (
    select distinct
        'province (all), year ' || cast(year as string) || ': cny_per_usd = '
        || coalesce(cast(cny_per_usd as string), 'missing')
        || ' in stg_inputs__exchange_rates'
        || ' (needed to convert foreign_capital_used_usd_mn; must be positive)' as problem
    from accounts_in_panel
    where not coalesce(cny_per_usd > 0, false)
),

currency_converted as (
    select
        *,
        foreign_capital_used_usd_mn * cny_per_usd / 100 as foreign_capital_used_cny_100mn
    from accounts_in_panel
    where cny_per_usd > 0
),

ratios_computed as (
    select
        *,
        {{ checked_ratio('fiscal_expenditure_cny_100mn', 'gdp_cny_100mn', 'gov_ratio') }}
            as gov_ratio,
        {{ checked_ratio('foreign_capital_used_cny_100mn', 'gdp_cny_100mn', 'ftri_ratio') }}
            as ftri_ratio,
        {{ checked_ratio('telecom_business_cny_100mn', 'gdp_cny_100mn', 'inf_ratio') }} as inf_ratio
    from currency_converted
),

controls_logged as (
    select
        province_code,
        year,
        gdp_cny_100mn,
        fiscal_expenditure_cny_100mn,
        foreign_capital_used_usd_mn,
        cny_per_usd,
        foreign_capital_used_cny_100mn,
        telecom_business_cny_100mn,
        higher_ed_students_10k,
        gov_ratio,
        ftri_ratio,
        inf_ratio,
        {{ safe_ln('gov_ratio', 'lngov') }} as lngov,
        {{ safe_ln('ftri_ratio', 'lnftri') }} as lnftri,
        {{ safe_ln('inf_ratio', 'lninf') }} as lninf,
        {{ safe_ln('higher_ed_students_10k', 'lnhum') }} as lnhum
    from ratios_computed
),

validated as (
    {{ raise_on_problems('controls_logged', 'problems', 'province_code') }}
)

select * from validated
