{#
    International technology spillovers received by each province (Chen, Table 1), one row
    per province-year over the Chen panel years (chen_panel_first_year() = max(var
    chen_first_year, var rd_base_year) .. var chen_last_year):
        IM_it   = im_it   / im_t   * IM_t
        FDI_it  = fdi_it  / fdi_t  * FDI_t
        OFDI_it = ofdi_it / ofdi_t * OFDI_t
    i.e. the province’s flow share (int_province_flow_shares_computed) times the national pool
    (int_spillover_pools_summed), constant base-year USD mn, and its log
    (LNIM, LNFDI, LNOFDI): a non-positive spillover aborts the build naming province, year and
    variable (safe_ln). A panel year without a national pool is an error too.
    By construction each log is a province part plus a part common to all provinces of a
    year:
        LNIM_it = ln(im_it / im_t) + ln IM_t    (ln_im_share + ln of the national pool)
    likewise LNFDI, LNOFDI. ln_im_share, ln_fdi_share, ln_ofdi_share are the province parts:
    the specs declare the construction (chen.yaml `construction`) and estimation checks it.
#}
{%- set first_year = chen_panel_first_year() -%}
{%- set last_year = typed_var('chen_last_year') -%}

with

flow_shares as (
    select * from {{ ref('int_province_flow_shares_computed') }}
),

spillover_pools as (
    select * from {{ ref('int_spillover_pools_summed') }}
),

shares_in_panel as (
    select *
    from flow_shares
    where year between {{ first_year }} and {{ last_year }}
),

pools_attached as (
    select
        shares_in_panel.province_code,
        shares_in_panel.year,
        shares_in_panel.channel,
        shares_in_panel.flow_share,
        spillover_pools.pool_usd_mn
    from shares_in_panel
    left join spillover_pools
        on shares_in_panel.year = spillover_pools.year
        and shares_in_panel.channel = spillover_pools.channel
),

problems as (
    select distinct
        'province (all), year ' || cast(year as string) || ': no national ' || channel
        || ' spillover pool in int_spillover_pools_summed for this Chen-panel year'
        || ' (the partner R&D stocks or bilateral flows do not cover it)' as problem
    from pools_attached
    where pool_usd_mn is null
),

spillovers_apportioned as (
    select
        province_code,
        year,
        flow_share * pool_usd_mn as spillover_usd_mn,
        flow_share,
        channel
    from pools_attached
    where pool_usd_mn is not null
),

channels_pivoted as (
    select
        province_code,
        year,
        max(case when channel = 'imports' then spillover_usd_mn end) as im_spillover_usd_mn,
        max(case when channel = 'fdi' then spillover_usd_mn end) as fdi_spillover_usd_mn,
        max(case when channel = 'ofdi' then spillover_usd_mn end) as ofdi_spillover_usd_mn,
        max(case when channel = 'imports' then flow_share end) as im_flow_share,
        max(case when channel = 'fdi' then flow_share end) as fdi_flow_share,
        max(case when channel = 'ofdi' then flow_share end) as ofdi_flow_share
    from spillovers_apportioned
    group by province_code, year
),

spillovers_logged as (
    select
        province_code,
        year,
        im_spillover_usd_mn,
        fdi_spillover_usd_mn,
        ofdi_spillover_usd_mn,
        {{ safe_ln('im_spillover_usd_mn', 'lnim') }} as lnim,
        {{ safe_ln('fdi_spillover_usd_mn', 'lnfdi') }} as lnfdi,
        {{ safe_ln('ofdi_spillover_usd_mn', 'lnofdi') }} as lnofdi,
        {{ safe_ln('im_flow_share', 'ln_im_share') }} as ln_im_share,
        {{ safe_ln('fdi_flow_share', 'ln_fdi_share') }} as ln_fdi_share,
        {{ safe_ln('ofdi_flow_share', 'ln_ofdi_share') }} as ln_ofdi_share
    from channels_pivoted
),

validated as (
    {{ raise_on_problems('spillovers_logged', 'problems', 'province_code') }}
)

select * from validated
