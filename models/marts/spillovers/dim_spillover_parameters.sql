{#
    The settings this build of the R&D-stock, spillover, Chen-panel and Martin marts used,
    one row per parameter (value as text), plus the sample facts they imply. Rebuilding with
    `--vars` (e.g. '{rd_depreciation: 0.15}') rewrites this table with the marts, so a reader of
    fct_rd_capital_stocks or panel_spillover_resilience can always see how they were made.
#}
with

rd_stocks as (
    select * from {{ ref('int_rd_stocks_accumulated') }}
),

growth_rates as (
    select * from {{ ref('int_rd_growth_rates_computed') }}
),

stock_sample as (
    select
        min(year) as first_year,
        max(year) as last_year,
        count(distinct economy_code) as n_partners
    from rd_stocks
    where economy_kind = 'country'
),

province_stock_sample as (
    select count(distinct economy_code) as n_provinces
    from rd_stocks
    where economy_kind = 'province'
),

parameters_listed as (
    -- one parameter per row: the rows read as a table
    -- noqa: disable=AL03,LT05,LT09,LT02
    select 'rd_base_year' as parameter, '{{ typed_var("rd_base_year") }}' as value, 'var' as source,
        'Base year of constant prices (CPI rebased to 1) and of the initial R&D stock.' as description
    union all
    select 'rd_depreciation', '{{ typed_var("rd_depreciation") }}', 'var',
        'Depreciation rate delta of R&D capital in the perpetual inventory.'
    union all
    select 'rd_growth_method', '{{ typed_var("rd_growth_method") }}', 'var',
        'Average growth g of real R&D for the initial stock: geometric or log_mean.'
    union all
    select 'province_rd_base_year', '{{ typed_var("province_rd_base_year") }}', 'var',
        'Base year of constant prices and of the initial stock of the provincial R&D stocks (input province_rd).'
    union all
    select 'rd_gestation_lag', '{{ typed_var("rd_gestation_lag") }}', 'var',
        '0: S_t = (1 - delta) S_t-1 + RD_t; 1: + RD_t-1 (one-year gestation lag).'
    union all
    select 'spillover_denominator', '{{ typed_var("spillover_denominator") }}', 'var',
        'Partner aggregate dividing the bilateral flow: gdp or gfcf (current USD mn).'
    union all
    select 'chen_first_year', '{{ typed_var("chen_first_year") }}', 'var',
        'First year requested for the Chen analysis panel.'
    union all
    select 'chen_last_year', '{{ typed_var("chen_last_year") }}', 'var',
        'Last year of the Chen analysis panel.'
    union all
    select 'martin_shock_start', '{{ typed_var("martin_shock_start") }}', 'var',
        'Pre-shock peak year s of the Martin contraction window.'
    union all
    select 'martin_shock_end', '{{ typed_var("martin_shock_end") }}', 'var',
        'Trough year e: end of the contraction and start of the recovery window.'
    union all
    select 'martin_recovery_end', '{{ typed_var("martin_recovery_end") }}', 'var',
        'Last year r of the Martin recovery window.'
    union all
    select 'panel_first_year', '{{ chen_panel_first_year() }}', 'derived',
        'First year of panel_spillover_resilience = max(chen_first_year, rd_base_year).'
    union all
    select 'rd_stock_first_year', cast(first_year as string), 'derived',
        'First year with partner R&D stocks (the base year).'
    from stock_sample
    union all
    select 'rd_stock_last_year', cast(last_year as string), 'derived',
        'Last year with partner R&D stocks (the last year of the partner panel).'
    from stock_sample
    union all
    select 'rd_growth_last_year', cast(max(growth_last_year) as string), 'derived',
        'Last year of the sample over which the R&D growth rate g is averaged (min(chen_last_year, data)).'
    from growth_rates
    where economy_kind = 'country'
    union all
    select 'n_partner_countries', cast(n_partners as string), 'derived',
        'Partner countries whose R&D stocks enter the pools.'
    from stock_sample
    union all
    select 'n_provinces_with_rd_stocks', cast(n_provinces as string), 'derived',
        'Provinces with R&D stocks (input province_rd; 0 when var province_rd_path is null). They never enter the pools.'
    from province_stock_sample
    -- noqa: enable=AL03,LT05,LT09,LT02
)

select * from parameters_listed
