{#
    Estimation sample sizes of Wang & Lu on panel_dataflow_export: complete cases of the
    regression's variables (outcome, regressor, the five controls) within the 30-province
    paper sample, next to the N the paper reports. Run: dbt compile --select paper_sample_sizes,
    then execute the compiled SQL (tests/python/test_export_panel.py does).
    Expected on the default inputs: 450, 420, 390, 405, 285, 165 (plus FTZ 270 / non-FTZ 180,
    coastal 165 / non-coastal 285). The HP outcome's N is the number of years with
    trend / cycle > 0 (the paper reports 450, i.e. it kept rows our rule leaves null;
    see fct_export_hp_diagnostics).
#}

with

panel as (
    select * from {{ ref('panel_dataflow_export') }}
),

paper_sample as (
    select
        *,
        edu is not null and open is not null and gov is not null
        and health is not null and tec is not null as has_controls
    from panel
    where in_paper_sample
),

sizes as (
    -- one sample per row: the rows read as a table
    -- noqa: disable=AL03,LT05,LT09,LT02
    select 1 as sort_order, 'baseline' as sample_name, 'exp_res ~ data_index' as specification, 450 as paper_n,
        count(*) filter (where exp_res is not null and data_index is not null and has_controls) as n_obs
    from paper_sample
    union all
    select 2, 'lag1', 'exp_res ~ lag1_data_index', 420,
        count(*) filter (where exp_res is not null and lag1_data_index is not null and has_controls)
    from paper_sample
    union all
    select 3, 'lag2', 'exp_res ~ lag2_data_index', 390,
        count(*) filter (where exp_res is not null and lag2_data_index is not null and has_controls)
    from paper_sample
    union all
    select 4, 'excluding_beijing_shanghai_guangdong', 'exp_res ~ data_index', 405,
        count(*) filter (where exp_res is not null and data_index is not null and has_controls
            and province_code not in ('110000', '310000', '440000'))
    from paper_sample
    union all
    select 5, 'central_west', 'exp_res ~ data_index', 285,
        count(*) filter (where exp_res is not null and data_index is not null and has_controls
            and is_central_west)
    from paper_sample
    union all
    select 6, 'east', 'exp_res ~ data_index', 165,
        count(*) filter (where exp_res is not null and data_index is not null and has_controls
            and is_east)
    from paper_sample
    union all
    select 7, 'ftz_province', 'exp_res ~ data_index', 270,
        count(*) filter (where exp_res is not null and data_index is not null and has_controls
            and is_ftz_province)
    from paper_sample
    union all
    select 8, 'non_ftz_province', 'exp_res ~ data_index', null,
        count(*) filter (where exp_res is not null and data_index is not null and has_controls
            and not is_ftz_province)
    from paper_sample
    union all
    select 9, 'coastal', 'exp_res ~ data_index', null,
        count(*) filter (where exp_res is not null and data_index is not null and has_controls
            and is_coastal)
    from paper_sample
    union all
    select 10, 'non_coastal', 'exp_res ~ data_index', null,
        count(*) filter (where exp_res is not null and data_index is not null and has_controls
            and not is_coastal)
    from paper_sample
    union all
    select 11, 'pca_index', 'exp_res ~ data_index_pca', 450,
        count(*) filter (where exp_res is not null and data_index_pca is not null and has_controls)
    from paper_sample
    union all
    select 12, 'hp_filter_outcome', 'exp_res_hp ~ data_index', 450,
        count(*) filter (where exp_res_hp is not null and data_index is not null and has_controls)
    from paper_sample
    -- noqa: enable=AL03,LT05,LT09,LT02
)

select
    sample_name,
    specification,
    n_obs,
    paper_n
from sizes
order by sort_order
