{#
    Fails with every year var outside the sample years of the index it is tied to: a var
    with a `sample_of:` rule (var_rules in dbt_project.yml; chen_* follow
    var('spillover_panel_index'), wl_* follow var('export_panel_index')) must lie inside
    that index's first_year..last_year. No row when the samples define no such index (the
    panel it feeds is then not buildable, and its own tests say so). resilience build
    checks the same before dbt runs (resilience.project_vars); this test guards
    `dbt build --vars` and a user's own index_samples file. Each var is read through
    typed_var, so it is an integer literal here.
#}
{{ config(meta={
    'message': 'var {var_name}={year} must lie in [{first_year}, {last_year}], the years of index {sample_index}'
}) }}

with

index_samples as (
    select * from {{ ref('stg_reference__index_samples') }}
),

year_vars as (
    {%- for name, rule in var('var_rules').items()
        if rule['type'] == 'year' and rule.get('sample_of') %}
    select
        '{{ name }}' as var_name,
        {{ typed_var(name) }} as year,
        {{ index_role(rule['sample_of'][:-6]) }} as sample_index
    {{- ' union all' if not loop.last }}
    {%- endfor %}
),

windows_assigned as (
    select
        year_vars.var_name,
        year_vars.year,
        year_vars.sample_index,
        index_samples.first_year,
        index_samples.last_year
    from year_vars
    inner join index_samples
        on year_vars.sample_index = index_samples.index_name
),

outside as (
    select * from windows_assigned
    where year < first_year or year > last_year
)

select * from outside
