{#
    R&D capital stocks, one row per economy-year: the partner countries from var
    rd_base_year, and the provinces of var province_rd_path (if any) from var
    province_rd_base_year, each to the last year of its series; currency_unit says whether a
    row is in USD mn or 10,000 yuan (at base-year prices). Formulas and their derivation:
    int_rd_expenditures_deflated, int_rd_growth_rates_computed, int_rd_stocks_accumulated.
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

provinces as (
    select * from {{ ref('stg_reference__provinces') }}
),

economy_names as (
    select
        'country' as economy_kind,
        country_code as economy_code,
        country_name as economy_name
    from partner_countries

    union all

    select
        'province' as economy_kind,
        province_code as economy_code,
        province_name_en as economy_name
    from provinces
),

stocks_described as (
    select
        rd_stocks.economy_kind,
        rd_stocks.economy_code,
        economy_names.economy_name,
        rd_stocks.year,
        rd_stocks.currency_unit,
        rd_real.rd_nominal,
        rd_real.price_index_rebased,
        rd_stocks.rd_real,
        growth_rates.growth_method,
        rd_stocks.growth_rate,
        growth_rates.growth_last_year,
        growth_rates.depreciation_rate,
        growth_rates.base_year,
        rd_stocks.year = growth_rates.base_year as is_base_year,
        rd_stocks.rd_inflow,
        rd_stocks.rd_stock,
        rd_stocks.rd_stock_prev
    from rd_stocks
    inner join rd_real
        on rd_stocks.economy_code = rd_real.economy_code
        and rd_stocks.year = rd_real.year
    inner join growth_rates
        on rd_stocks.economy_code = growth_rates.economy_code
    inner join economy_names
        on rd_stocks.economy_kind = economy_names.economy_kind
        and rd_stocks.economy_code = economy_names.economy_code
)

select * from stocks_described
