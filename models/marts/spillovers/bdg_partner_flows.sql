{#
    Bridge from partner countries to China’s national spillover pools: one row per
    partner-year-channel with the flow, its denominator, the weight flow / Y, the partner’s
    R&D stock and its contribution to the pool, so that
        pool_ct = sum_j spillover_contribution_cjt          (fct_spillover_pools)
    and share_of_pool says which partners drive a channel in a year.
#}
with

partner_flows as (
    select * from {{ ref('int_partner_flows_weighted') }}
),

spillover_pools as (
    select * from {{ ref('int_spillover_pools_summed') }}
),

partner_countries as (
    select * from {{ ref('stg_reference__partner_countries') }}
),

flows_described as (
    select
        partner_flows.country_code,
        partner_countries.country_name,
        partner_flows.year,
        partner_flows.channel,
        partner_flows.flow_usd_mn,
        partner_flows.denominator,
        partner_flows.denominator_usd_mn,
        partner_flows.flow_weight,
        partner_flows.rd_stock_usd_mn as rd_stock,
        partner_flows.spillover_contribution_usd_mn as spillover_contribution,
        partner_flows.spillover_contribution_usd_mn / spillover_pools.pool_usd_mn as share_of_pool
    from partner_flows
    inner join spillover_pools
        on partner_flows.year = spillover_pools.year
        and partner_flows.channel = spillover_pools.channel
    inner join partner_countries
        on partner_flows.country_code = partner_countries.country_code
)

select * from flows_described
