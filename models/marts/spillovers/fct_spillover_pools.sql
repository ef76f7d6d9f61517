{#
    China’s national international technology-spillover pools, one row per year-channel:
        pool_ct = sum_j (flow_cjt / Y_jt) * S_jt     (constant base-year USD mn)
    See int_partner_flows_weighted for the terms and bdg_partner_flows for each partner’s part.
#}
with

spillover_pools as (
    select * from {{ ref('int_spillover_pools_summed') }}
),

pools_described as (
    select
        year,
        channel,
        pool_usd_mn as pool,
        n_partners,
        '{{ typed_var("spillover_denominator") }}' as denominator,
        {{ typed_var('rd_base_year') }} as price_base_year
    from spillover_pools
)

select * from pools_described
