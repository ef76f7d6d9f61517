{#
    Fails with every year var outside the years it must lie in: a var with a `sample:` rule
    (var_rules in dbt_project.yml; chen_* in index resilience, wl_* in index dataflow)
    inside that index's first_year..last_year, any other year var inside the span of all
    index samples (the years of the data). resilience build checks the same before dbt runs
    (resilience.project_vars); this test guards `dbt build --vars` and a user's own
    index_samples file. Each var is read through typed_var, so it is an integer literal here.
#}
{{ config(meta={
    'message': 'var {var_name}={year} must lie in [{first_year}, {last_year}], the years of {years_of}'
}) }}

with

index_samples as (
    select * from {{ ref('stg_reference__index_samples') }}
),

year_vars as (
    {%- for name, rule in var('var_rules').items() if rule['type'] == 'year' %}
    select
        '{{ name }}' as var_name,
        {{ typed_var(name) }} as year,
        {{ "'" ~ rule['sample'] ~ "'" if rule.get('sample') else 'null' }} as sample_index
    {{- ' union all' if not loop.last }}
    {%- endfor %}
),

data_years as (
    select
        min(first_year) as first_year,
        max(last_year) as last_year
    from index_samples
),

windows_assigned as (
    select
        year_vars.var_name,
        year_vars.year,
        coalesce(index_samples.first_year, data_years.first_year) as first_year,
        coalesce(index_samples.last_year, data_years.last_year) as last_year,
        coalesce('index ' || year_vars.sample_index, 'the data (all index samples)') as years_of
    from year_vars
    cross join data_years
    left join index_samples
        on year_vars.sample_index = index_samples.index_name
),

outside as (
    select * from windows_assigned
    where year < first_year or year > last_year
)

select * from outside
