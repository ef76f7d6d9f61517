{#
    Descriptive statistics in the papers' format (N, mean, sd, min, max per variable) for
    both estimation panels, each over its paper sample: Chen's panel_spillover_resilience
    (31 provinces, 2003-2019) and Wang & Lu's panel_dataflow_export (in_paper_sample:
    30 provinces, 2009-2023). sd is the sample standard deviation (n - 1), as Stata's
    `summarize`. N counts the non-missing values of the variable, so it can differ between
    rows (e.g. exp_res_hp). One row per panel-variable, in the papers' variable order.
    Run: dbt compile --select descriptive_statistics, then the compiled SQL.
#}
{%- set panels = [
    {'name': 'panel_spillover_resilience', 'filter': 'true',
     'variables': ['res', 'gdp_growth', 'lnim', 'lnfdi', 'lnofdi', 'lngov', 'lnftri', 'lninf', 'lnhum']},
    {'name': 'panel_dataflow_export', 'filter': 'in_paper_sample',
     'variables': ['exp_res', 'exp_res_hp', 'data_index', 'data_index_pca', 'edu', 'open', 'gov', 'health', 'tec', 'isu', 'ted']},
] -%}

with

spillover_panel as (
    select * from {{ ref('panel_spillover_resilience') }}
),

dataflow_panel as (
    select * from {{ ref('panel_dataflow_export') }}
),

variables_summarised as (
    {%- for panel in panels %}
    {%- set source = (
        'spillover_panel' if panel.name == 'panel_spillover_resilience' else 'dataflow_panel'
    ) %}
    {%- set outer_loop = loop %}
    {%- for variable in panel.variables %}
    select
        '{{ panel.name }}' as panel,
        {{ outer_loop.index * 100 + loop.index }} as sort_order,
        '{{ variable }}' as variable,
        count({{ variable }}) as n,
        avg({{ variable }}) as mean,
        stddev_samp({{ variable }}) as sd,
        min({{ variable }}) as min,
        max({{ variable }}) as max
    from {{ source }}
    where {{ panel.filter }}
    {% if not (outer_loop.last and loop.last) %}union all{% endif %}
    {%- endfor %}
    {%- endfor %}
),

statistics_ordered as (
    select
        panel,
        variable,
        n,
        mean,
        sd,
        min,
        max
    from variables_summarised
    order by sort_order
)

select * from statistics_ordered
