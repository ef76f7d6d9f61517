{#
    One row per typed var of the project (grain: var): the value this build used, as text,
    read through typed_var (so `dbt build --vars` and `resilience build --var` give the
    same record). Table notes that name a parameter (HP smoothing, FTZ year, base years,
    depreciation) are filled from here, never from fixed text (specs `notes`: "{hp_lambda}").
#}
with

settings as (
    {%- for name in var('var_rules') | sort %}
    {%- set kind = var('var_rules')[name]['type'] %}
    {%- set value = typed_var(name) %}
    select
        '{{ name }}' as var_name,
        '{{ (value | string | lower) if kind == "bool" else value }}' as value_text,
        '{{ kind }}' as var_type
    {{- ' union all' if not loop.last }}
    {%- endfor %}
)

select * from settings
