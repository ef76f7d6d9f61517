{#
    The analysis panel of Chen ("international technology spillover and regional economic
    resilience"): one row per province-year, 31 provinces x chen_panel_first_year() ..
    var chen_last_year (2003-2019 by default). Built on a province x year spine so that a
    missing input shows up as a null (caught by the not_null tests, which name the row)
    instead of a silently dropped row.
        res         resilience index score (fct_index_scores: index var('spillover_panel_index'), default 'resilience', dimension 'total')
        lnim, lnfdi, lnofdi    ln of the provincial spillovers (int_province_spillovers_apportioned)
        ln_im_share, ln_fdi_share, ln_ofdi_share    their province parts ln(im_it/im_t), ...:
                    lnim = ln_im_share + ln IM_t (a part common to all provinces of a year)
        lngov, lnftri, lninf, lnhum    controls (int_province_controls_computed)
        gdp_growth  real GDP growth in percent (alternative outcome; int_province_real_gdp_chained)
#}
{%- set first_year = chen_panel_first_year() -%}
{%- set last_year = typed_var('chen_last_year') -%}

with

provinces as (
    select * from {{ ref('stg_reference__provinces') }}
),

index_scores as (
    select * from {{ ref('fct_index_scores') }}
),

spillovers as (
    select * from {{ ref('int_province_spillovers_apportioned') }}
),

controls as (
    select * from {{ ref('int_province_controls_computed') }}
),

real_gdp as (
    select * from {{ ref('int_province_real_gdp_chained') }}
),

resilience_scores as (
    select
        unit_id as province_code,
        year,
        score as res
    from index_scores
    where index_name = {{ index_role('spillover_panel') }}
        and dimension = 'total'
),

province_years as (
    select
        provinces.province_code,
        provinces.province_name_en,
        provinces.region,
        provinces.is_east,
        provinces.is_central_west,
        provinces.is_coastal,
        years.year
    from provinces
    cross join {{ year_spine(first_year, last_year) }} as years
),

panel_joined as (
    select
        province_years.province_code,
        province_years.province_name_en,
        province_years.year,
        province_years.region,
        province_years.is_east,
        province_years.is_central_west,
        province_years.is_coastal,
        resilience_scores.res,
        spillovers.lnim,
        spillovers.lnfdi,
        spillovers.lnofdi,
        spillovers.ln_im_share,
        spillovers.ln_fdi_share,
        spillovers.ln_ofdi_share,
        controls.lngov,
        controls.lnftri,
        controls.lninf,
        controls.lnhum,
        real_gdp.gdp_growth_pct as gdp_growth,
        spillovers.im_spillover_usd_mn,
        spillovers.fdi_spillover_usd_mn,
        spillovers.ofdi_spillover_usd_mn,
        controls.gov_ratio,
        controls.ftri_ratio,
        controls.inf_ratio,
        controls.higher_ed_students_10k
    from province_years
    left join resilience_scores
        on province_years.province_code = resilience_scores.province_code
        and province_years.year = resilience_scores.year
    left join spillovers
        on province_years.province_code = spillovers.province_code
        and province_years.year = spillovers.year
    left join controls
        on province_years.province_code = controls.province_code
        and province_years.year = controls.year
    left join real_gdp
        on province_years.province_code = real_gdp.province_code
        and province_years.year = real_gdp.year
)

select * from panel_joined
