{#
    Each partner’s contribution to China’s three international technology-spillover pools
    (Lichtenberg and van Pottelsberghe de la Potterie 1998 form), one row per
    partner-year-channel over the years with an R&D stock. Partners only: the stocks of
    economy_kind 'country' (USD mn at base-year prices); provincial stocks (10,000 yuan)
    never enter a pool.

        weight_cjt       = flow_cjt / Y_jt                 (USD mn / USD mn: unitless)
        contribution_cjt = weight_cjt * S_jt               (constant base-year USD mn)

    flow_cjt: China’s imports from j (channel 'imports'), inward FDI from j ('fdi'),
    outward FDI to j ('ofdi'), all current USD mn; Y_jt: partner GDP (var
    spillover_denominator = 'gdp', default) or gross fixed capital formation ('gfcf'), current
    USD mn, so the weight is a ratio of two current-price flows and the stock alone carries
    the constant prices. Negative flows (disinvestment) are kept as reported.
    Raises, naming partner, year and column: a partner-year with a stock but no flows row
    (the pools would silently lack it), a missing or non-positive denominator (division), a
    flows row for a partner without a stock. A missing flow is the not_null test of
    stg_inputs__bilateral_flows, which dbt build runs before this model.
#}
{%- set denominator = typed_var('spillover_denominator') -%}
{%- set denominator_column = 'gdp_usd_mn' if denominator == 'gdp' else 'gfcf_usd_mn' -%}

with

rd_stocks as (
    select * from {{ ref('int_rd_stocks_accumulated') }}
),

bilateral_flows as (
    select * from {{ ref('stg_inputs__bilateral_flows') }}
),

partner_macro as (
    select * from {{ ref('stg_inputs__partner_macro') }}
),

partner_stocks as (
    -- the partners' stocks, whose currency_unit is usd_mn (int_rd_expenditures_deflated)
    select
        economy_code as country_code,
        year,
        rd_stock as rd_stock_usd_mn
    from rd_stocks
    where economy_kind = 'country'
),

stock_years as (
    select
        min(year) as first_year,
        max(year) as last_year
    from partner_stocks
),

stock_partners as (
    select distinct country_code
    from partner_stocks
),

flows_joined as (
    select
        partner_stocks.country_code,
        partner_stocks.year,
        partner_stocks.rd_stock_usd_mn,
        bilateral_flows.country_code as flows_country_code,
        bilateral_flows.imports_from_usd_mn,
        bilateral_flows.fdi_from_usd_mn,
        bilateral_flows.ofdi_to_usd_mn,
        partner_macro.{{ denominator_column }} as denominator_usd_mn
    from partner_stocks
    left join bilateral_flows
        on partner_stocks.country_code = bilateral_flows.country_code
        and partner_stocks.year = bilateral_flows.year
    left join partner_macro
        on partner_stocks.country_code = partner_macro.country_code
        and partner_stocks.year = partner_macro.year
),

problems as (
    select
        'country ' || country_code || ', year ' || cast(year as string)
        || ': no row in stg_inputs__bilateral_flows'
        || ' although the partner has an R&D stock' as problem
    from flows_joined
    where flows_country_code is null

    union all

    select
        'country ' || country_code || ', year ' || cast(year as string)
        || ': {{ denominator_column }} = '
        || coalesce(cast(denominator_usd_mn as string), 'missing')
        || ' in stg_inputs__partner_macro (the spillover denominator,'
        || ' var spillover_denominator = {{ denominator }},'
        || ' must be present and positive)' as problem
    from flows_joined
    where not coalesce(denominator_usd_mn > 0, false)

    union all

    select
        'country '
        || bilateral_flows.country_code
        || ', year '
        || cast(bilateral_flows.year as string)
        || ': stg_inputs__bilateral_flows has a partner without an R&D stock'
        || ' (not in partner_countries?)' as problem
    from bilateral_flows
    cross join stock_years
    left join stock_partners
        on bilateral_flows.country_code = stock_partners.country_code
    where stock_partners.country_code is null
        and bilateral_flows.year between stock_years.first_year and stock_years.last_year
),

channels_unpivoted as (
    -- one channel per row: the unpivot reads as a table
    -- noqa: disable=LT05,LT09,LT02
    select country_code, year, 'imports' as channel, imports_from_usd_mn as flow_usd_mn, denominator_usd_mn, rd_stock_usd_mn
    from flows_joined
    union all
    select country_code, year, 'fdi' as channel, fdi_from_usd_mn as flow_usd_mn, denominator_usd_mn, rd_stock_usd_mn
    from flows_joined
    union all
    select country_code, year, 'ofdi' as channel, ofdi_to_usd_mn as flow_usd_mn, denominator_usd_mn, rd_stock_usd_mn
    from flows_joined
    -- noqa: enable=LT05,LT09,LT02
),

flows_weighted as (
    select
        country_code,
        year,
        channel,
        flow_usd_mn,
        '{{ denominator }}' as denominator,
        denominator_usd_mn,
        flow_usd_mn / denominator_usd_mn as flow_weight,
        rd_stock_usd_mn,
        flow_usd_mn / denominator_usd_mn * rd_stock_usd_mn as spillover_contribution_usd_mn
    from channels_unpivoted
),

validated as (
    {{ raise_on_problems('flows_weighted', 'problems', 'country_code') }}
)

select * from validated
