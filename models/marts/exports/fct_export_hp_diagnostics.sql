{#
    How many panel rows the HP-filter outcome can use, one row per province.
    exp_res_hp = ln(100 * trend / cycle) exists only where trend / cycle > 0
    (int_export_hp_ratios_logged); the other panel rows keep a null exp_res_hp and a reason,
    counted here:
        n_panel_rows = n_usable + n_cycle_zero + n_ratio_non_positive
        share_usable = n_usable / n_panel_rows
    n_below_trend counts the years with a negative cycle: null under hp_log_rule = positive_only,
    ln(100 |trend / cycle|) under hp_log_rule = absolute (so n_usable alone hides them).
    Counted from the panel mart itself, so the counts are those an analyst regresses on.
#}

with

panel as (
    select * from {{ ref('panel_dataflow_export') }}
),

hp_filtered as (
    select * from {{ ref('int_exports_hp_filtered') }}
),

filter_settings as (
    select
        province_code,
        min(hp_lambda) as hp_lambda,
        min(series_first_year) as series_first_year,
        min(series_last_year) as series_last_year,
        count(*) as n_series_years
    from hp_filtered
    group by province_code
),

counted as (
    select
        province_code,
        min(province_name_en) as province_name_en,
        bool_and(in_paper_sample) as in_paper_sample,
        min(year) as panel_first_year,
        max(year) as panel_last_year,
        count(*) as n_panel_rows,
        count(exp_res_hp) as n_usable,
        count(*) filter (where exp_res_hp_null_reason = 'cycle_zero') as n_cycle_zero,
        count(*) filter (where exp_res_hp_null_reason = 'ratio_non_positive')
            as n_ratio_non_positive,
        count(*) filter (where is_below_hp_trend) as n_below_trend,
        count(*) filter (where exp_res_hp is null and exp_res_hp_null_reason is null)
            as n_missing_unexplained
    from panel
    group by province_code
),

joined as (
    select
        counted.province_code,
        counted.province_name_en,
        counted.in_paper_sample,
        filter_settings.hp_lambda,
        '{{ typed_var("hp_log_rule") }}' as hp_log_rule,
        filter_settings.series_first_year,
        filter_settings.series_last_year,
        filter_settings.n_series_years,
        counted.panel_first_year,
        counted.panel_last_year,
        counted.n_panel_rows,
        counted.n_usable,
        counted.n_cycle_zero,
        counted.n_ratio_non_positive,
        counted.n_below_trend,
        counted.n_missing_unexplained,
        counted.n_usable / counted.n_panel_rows as share_usable
    from counted
    left join filter_settings
        on counted.province_code = filter_settings.province_code
)

select * from joined
