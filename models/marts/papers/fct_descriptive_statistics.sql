{#
    Descriptive statistics in the papers’ format, one row per panel-variable, each panel
    over its paper’s estimation sample: Chen’s panel_spillover_resilience (all rows: 31
    provinces, 2003-2019) and Wang & Lu’s panel_dataflow_export (in_paper_sample: 30
    provinces, 2009-2023). Per variable x over its n non-missing values:
        mean = sum(x) / n
        sd   = sqrt(sum((x - mean)^2) / (n - 1))   -- sample SD, stddev_samp, as Stata
                                                     `summarize`
        min, max; n_provinces and first_year / last_year of the rows with a value.
    The publication tables (resilience.tables.build_descriptives) render these rows; the
    specs’ `descriptives:` entries choose the variables, which must be listed here.
#}
{%- set panels = {
    'panel_spillover_resilience': {
        'sample_rule': 'all rows',
        'variables': ['res', 'gdp_growth', 'lnim', 'lnfdi', 'lnofdi', 'lngov', 'lnftri',
                      'lninf', 'lnhum'],
    },
    'panel_dataflow_export': {
        'sample_rule': 'in_paper_sample',
        'variables': ['exp_res', 'exp_res_hp', 'data_index', 'data_index_pca', 'edu', 'open',
                      'gov', 'health', 'tec', 'isu', 'ted'],
    },
} -%}

with

spillover_panel as (
    select * from {{ ref('panel_spillover_resilience') }}
),

dataflow_panel as (
    select * from {{ ref('panel_dataflow_export') }}
),

sample_rows as (
    {%- for name, panel in panels.items() %}
    select
        '{{ name }}' as panel,
        '{{ panel.sample_rule }}' as sample_rule,
        province_code,
        year,
        {{ panel.variables | join(', ') }}
    from {{ 'spillover_panel' if name == 'panel_spillover_resilience' else 'dataflow_panel' }}
    where {{ 'true' if panel.sample_rule == 'all rows' else panel.sample_rule }}
    {{ 'union all by name' if not loop.last }}
    {%- endfor %}
),

values_unpivoted as (
    unpivot sample_rows
    on {{ panels.values() | map(attribute='variables') | sum(start=[]) | join(', ') }}
    into name variable value value
),

variables_summarised as (
    select
        panel,
        sample_rule,
        variable,
        count(value) as n,
        count(distinct province_code) as n_provinces,
        min(year) as first_year,
        max(year) as last_year,
        {{ ordered_aggregate('avg', 'value', 'province_code, year') }} as mean,
        {{ ordered_aggregate('stddev_samp', 'value', 'province_code, year') }} as sd,
        min(value) as min,
        max(value) as max
    from values_unpivoted
    group by panel, sample_rule, variable
)

select * from variables_summarised
