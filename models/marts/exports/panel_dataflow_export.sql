{#
    Wang & Lu analysis panel: one row per province-year, 31 provinces x
    var('wl_first_year')..var('wl_last_year') (2009-2023). Tibet is kept with
    in_paper_sample = false: the paper sample is the sample of var('export_panel_index') itself
    (int_index_sample_units_selected, from index_samples), so Tibet’s data_index is null.

        exp_res           (export_t - export_2008) / export_2008              int_exports_rebased
        exp_res_hp        ln(100 * trend / cycle) of HP(ln exports), null     int_export_hp_ratios_logged
                          with a reason when the ratio is not positive (var hp_log_rule)
        data_index        entropy data-flow index, total                      fct_index_scores (var('export_panel_index'), 'total')
        data_index_pca    PCA-rebuilt data-flow index                         fct_index_scores (var('export_panel_index') || '_pca')
        lagk_data_index   data_index of year t-k of the same province, within the panel years:
                          null in the first k panel years (2009; 2009-2010) even where the
                          index exists earlier, which gives the paper’s N = 420 and 390
        is_ftz_province   ftz_year <= var('ftz_by_year') (2019: 18 provinces)
        has_ftz           ftz_year <= year (FTZ in place in year t)
#}

with

provinces as (
    select * from {{ ref('stg_reference__provinces') }}
),

index_sample_units as (
    select * from {{ ref('int_index_sample_units_selected') }}
),

exports_rebased as (
    select * from {{ ref('int_exports_rebased') }}
),

hp_ratios_logged as (
    select * from {{ ref('int_export_hp_ratios_logged') }}
),

controls as (
    select * from {{ ref('int_export_controls_computed') }}
),

index_scores as (
    select * from {{ ref('fct_index_scores') }}
),

paper_sample as (
    select unit_id as province_code
    from index_sample_units
    where index_name = {{ index_role('export_panel') }}
),

province_years as (
    select
        provinces.province_code,
        provinces.province_name_en,
        years.year,
        provinces.region,
        provinces.is_east,
        provinces.is_central_west,
        provinces.is_coastal,
        provinces.ftz_year,
        coalesce(provinces.ftz_year <= {{ typed_var('ftz_by_year') }}, false) as is_ftz_province,
        coalesce(provinces.ftz_year <= years.year, false) as has_ftz,
        provinces.province_code in (
            select paper_sample.province_code from paper_sample
        ) as in_paper_sample
    from provinces
    cross join {{ year_spine(typed_var('wl_first_year'), typed_var('wl_last_year')) }} as years
),

data_indices as (
    select
        unit_id as province_code,
        year,
        max(
            case
                when index_name = {{ index_role('export_panel') }} and dimension = 'total'
                    then score
            end
        ) as data_index,
        max(
            case
                when index_name = {{ index_role('export_panel', '_pca') }} and dimension = 'total'
                    then score
            end
        ) as data_index_pca
    from index_scores
    where index_name in ({{ index_role('export_panel') }}, {{ index_role('export_panel', '_pca') }})
    group by unit_id, year
),

joined as (
    select
        province_years.province_code,
        province_years.province_name_en,
        province_years.year,
        province_years.region,
        province_years.is_east,
        province_years.is_central_west,
        province_years.is_coastal,
        province_years.ftz_year,
        province_years.is_ftz_province,
        province_years.has_ftz,
        province_years.in_paper_sample,
        exports_rebased.exp_res,
        hp_ratios_logged.exp_res_hp,
        hp_ratios_logged.exp_res_hp_null_reason,
        hp_ratios_logged.is_below_trend as is_below_hp_trend,
        data_indices.data_index,
        data_indices.data_index_pca,
        controls.edu,
        controls.open,
        controls.gov,
        controls.health,
        controls.tec,
        controls.isu,
        controls.ted
    from province_years
    left join exports_rebased
        on province_years.province_code = exports_rebased.province_code
        and province_years.year = exports_rebased.year
    left join hp_ratios_logged
        on province_years.province_code = hp_ratios_logged.province_code
        and province_years.year = hp_ratios_logged.year
    left join controls
        on province_years.province_code = controls.province_code
        and province_years.year = controls.year
    left join data_indices
        on province_years.province_code = data_indices.province_code
        and province_years.year = data_indices.year
),

lagged as (
    select
        province_code,
        province_name_en,
        year,
        region,
        is_east,
        is_central_west,
        is_coastal,
        ftz_year,
        is_ftz_province,
        has_ftz,
        in_paper_sample,
        exp_res,
        exp_res_hp,
        exp_res_hp_null_reason,
        is_below_hp_trend,
        data_index,
        data_index_pca,
        lag(data_index, 1) over (partition by province_code order by year) as lag1_data_index,
        lag(data_index, 2) over (partition by province_code order by year) as lag2_data_index,
        edu,
        open,
        gov,
        health,
        tec,
        isu,
        ted
    from joined
)

select * from lagged
