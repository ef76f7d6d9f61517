{#
    Every staged indicator value matched to the indicator system(s) that use it: a full
    outer join on indicator, so both kinds of mismatch survive as rows for the data tests
    to name -- values whose indicator no system defines (index_name null) and system
    indicators with no value at all (unit_id null). Not yet restricted to a sample:
    duplicates and non-numeric cells are errors wherever they occur.
    One row per index-unit-year-indicator (the uniqueness test guards it).
#}
with

indicator_values as (
    select * from {{ ref('stg_inputs__indicator_values') }}
),

indicator_systems as (
    select * from {{ ref('stg_reference__indicator_systems') }}
),

values_matched as (
    select
        indicator_systems.index_name,
        indicator_systems.dimension,
        coalesce(indicator_systems.indicator, indicator_values.indicator) as indicator,
        indicator_systems.direction,
        indicator_values.unit_id,
        indicator_values.year,
        indicator_values.value_text,
        indicator_values.value,
        indicator_systems.indicator is not null as is_in_system,
        indicator_values.indicator is not null as has_values
    from indicator_values
    full outer join indicator_systems
        on indicator_values.indicator = indicator_systems.indicator
)

select * from values_matched
