{#
    Which units and years each index estimates its weights over (one row per index-unit).
    Sample = the index’s row in index_samples (first_year..last_year, minus the
    `;`-separated excluded_unit_ids); an index with no row there (a user’s own system)
    takes every unit and every year found in the indicator values.
    Units are those present in the indicator values; exclusion is matched on the
    `;`-delimited list with spaces removed: ';' || list || ';' like '%;' || unit_id || ';%'.
#}
with

indicator_systems as (
    select * from {{ ref('stg_reference__indicator_systems') }}
),

index_samples as (
    select * from {{ ref('stg_reference__index_samples') }}
),

indicator_values as (
    select * from {{ ref('stg_inputs__indicator_values') }}
),

indices_declared as (
    select distinct index_name from indicator_systems
),

units_observed as (
    select distinct unit_id from indicator_values
),

values_extent as (
    select
        min(year) as first_year,
        max(year) as last_year
    from indicator_values
),

samples_resolved as (
    select
        indices_declared.index_name,
        index_samples.index_name is not null as has_declared_sample,
        coalesce(index_samples.first_year, values_extent.first_year) as first_year,
        coalesce(index_samples.last_year, values_extent.last_year) as last_year,
        replace(replace(coalesce(index_samples.excluded_unit_ids, ''), ' ', ''), chr(9), '')
            as excluded_unit_ids,
        coalesce(
            index_samples.description,
            'all units and years in the indicator values (no row in index_samples)'
        ) as sample_description
    from indices_declared
    cross join values_extent
    left join index_samples
        on indices_declared.index_name = index_samples.index_name
),

units_selected as (
    select
        samples_resolved.index_name,
        units_observed.unit_id,
        samples_resolved.first_year,
        samples_resolved.last_year,
        samples_resolved.has_declared_sample,
        samples_resolved.sample_description
    from samples_resolved
    cross join units_observed
    where
        not (
            ';' || samples_resolved.excluded_unit_ids || ';'
            like '%;' || units_observed.unit_id || ';%'
        )
)

select * from units_selected
