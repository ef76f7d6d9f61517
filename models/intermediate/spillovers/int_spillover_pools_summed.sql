{#
    China’s national foreign R&D spillover pool per channel and year:
        POOL_ct = sum_j (flow_cjt / Y_jt) * S_jt        (constant base-year USD mn)
    One row per year-channel ('imports', 'fdi', 'ofdi'). Completeness of the partner-year
    grid is enforced upstream (int_rd_expenditures_deflated, int_partner_flows_weighted), so
    every pool sums over the same partners; n_partners records how many.
#}
with

partner_flows as (
    select * from {{ ref('int_partner_flows_weighted') }}
),

pools_summed as (
    select
        year,
        channel,
        {{ ordered_aggregate('sum', 'spillover_contribution_usd_mn', 'country_code') }}
            as pool_usd_mn,
        count(*) as n_partners
    from partner_flows
    group by year, channel
)

select * from pools_summed
