{#
    Partner R&D capital stocks, one row per partner-year from var rd_base_year to the last
    year of the partner panel. Formulas and their derivation: int_rd_expenditures_deflated,
    int_rd_growth_rates_computed, int_rd_stocks_accumulated.
#}
with

rd_stocks as (
    select * from {{ ref('int_rd_stocks_accumulated') }}
),

rd_real as (
    select * from {{ ref('int_rd_expenditures_deflated') }}
),

growth_rates as (
    select * from {{ ref('int_rd_growth_rates_computed') }}
),

partner_countries as (
    select * from {{ ref('stg_reference__partner_countries') }}
),

stocks_described as (
    select
        rd_stocks.country_code,
        partner_countries.country_name,
        rd_stocks.year,
        rd_real.rd_nominal_usd_mn,
        rd_real.cpi_rebased,
        rd_stocks.rd_real_usd_mn as rd_real,
        growth_rates.growth_method,
        rd_stocks.growth_rate,
        growth_rates.depreciation_rate,
        growth_rates.base_year,
        rd_stocks.year = growth_rates.base_year as is_base_year,
        rd_stocks.rd_inflow_usd_mn as rd_inflow,
        rd_stocks.rd_stock_usd_mn as rd_stock,
        rd_stocks.rd_stock_prev_usd_mn as rd_stock_prev
    from rd_stocks
    inner join rd_real
        on rd_stocks.country_code = rd_real.country_code
        and rd_stocks.year = rd_real.year
    inner join growth_rates
        on rd_stocks.country_code = growth_rates.country_code
    inner join partner_countries
        on rd_stocks.country_code = partner_countries.country_code
)

select * from stocks_described
