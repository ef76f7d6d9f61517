{#
    Pearson correlation matrix of the regression variables of one panel, wide: one row per
    variable, one column per variable (pairwise complete observations, as Stata `pwcorr`).
    Panel: var('analysis_panel') = 'dataflow' (Wang & Lu, paper sample; default) or
    'spillover' (Chen). The diagonal is 1 by construction.
    Run: dbt compile --select correlation_matrix [--vars '{analysis_panel: spillover}'].
#}
-- jinja loops with whitespace control defeat sqlfluff's indent check (LT02) here
-- noqa: disable=LT02
{%- set choice = var('analysis_panel', 'dataflow') -%}
{%- if choice == 'spillover' -%}
    {%- set panel_model = 'panel_spillover_resilience' -%}
    {%- set sample_filter = 'true' -%}
    {%- set variables = ['res', 'lnim', 'lnfdi', 'lnofdi', 'lngov', 'lnftri', 'lninf', 'lnhum'] -%}
{%- elif choice == 'dataflow' -%}
    {%- set panel_model = 'panel_dataflow_export' -%}
    {%- set sample_filter = 'in_paper_sample' -%}
    {%- set variables = [
        'exp_res', 'data_index', 'edu', 'open', 'gov', 'health', 'tec', 'isu', 'ted'
    ] -%}
{%- else -%}
    {{ exceptions.raise_compiler_error("var('analysis_panel') must be 'dataflow' or 'spillover', got '" ~ choice ~ "'") }}
{%- endif %}

with

panel as (
    select * from {{ ref(panel_model) }}
    where {{ sample_filter }}
),

correlations_computed as (
    {%- for row_variable in variables %}
    select
        {{ loop.index }} as sort_order,
        '{{ row_variable }}' as variable,
        {%- for column_variable in variables %}
        corr({{ row_variable }}, {{ column_variable }})
            as {{ column_variable }}{{ "," if not loop.last }}
        {%- endfor %}
    from panel
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

matrix_ordered as (
    select
        variable,
        {%- for column_variable in variables %}
        {{ column_variable }}{{ "," if not loop.last }}
        {%- endfor %}
    from correlations_computed
    order by sort_order
)

select * from matrix_ordered
