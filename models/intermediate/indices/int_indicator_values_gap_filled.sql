{#
    The full grid of each index’s sample (units x years x the system’s indicators) with
    gaps filled and flagged. One row per index-unit-year-indicator.

    For a missing cell at year t of a unit’s series, with t0 the last observed year
    before t (value v0) and t1 the first observed year after t (value v1):
        interior gap (t0 and t1 exist):  v = v0 + (v1 - v0) * (t - t0) / (t1 - t0)
        edge gap (only one exists):      v = that nearest value, if var('index_edge_fill'),
                                         else left missing (and the not-null test fails)
    t0 = max(year of observed cells before t), t1 = min(year of observed cells after t),
    where the observed cells are all of the unit’s numeric observations of the indicator,
    inside the index’s sample years or not: a gap at the first sample year with an
    observation the year before is interior, not an edge (only the sample years enter the
    grid and the index). Looked up for the missing cells only (a join with the observed cells of the same
    series, grouped), so no window or `ignore nulls` is needed (portable SQL) and the cost
    scales with the number of gaps, not with the grid. An observed cell has t0 = t1 = t.

    n_units_observed_in_year = the number of sample units observed for the indicator in
    that year. Zero means the year is missing for every unit: interpolating it would invent
    a whole cross-section, so the test indicator_values_year_missing_for_every_unit fails
    the build (tests/dbt/reliability/); a gap is filled only inside a unit’s own observed
    series (t0 and t1 are the unit’s own observations), never from other units.
#}
with

indicator_values_matched as (
    select * from {{ ref('int_indicator_values_matched') }}
),

sample_units as (
    select * from {{ ref('int_index_sample_units_selected') }}
),

indicator_systems as (
    select * from {{ ref('stg_reference__indicator_systems') }}
),

digits as (
    -- a literal table of the digits 0-9
    -- noqa: disable=AL03,LT11,LT02
    select 0 as digit union all select 1 union all select 2 union all select 3
    union all select 4 union all select 5 union all select 6 union all select 7
    union all select 8 union all select 9
    -- noqa: enable=AL03,LT11,LT02
),

year_offsets as (
    select hundreds.digit * 100 + tens.digit * 10 + ones.digit as year_offset
    from digits as hundreds
    cross join digits as tens
    cross join digits as ones
),

grid_expanded as (
    select
        sample_units.index_name,
        indicator_systems.dimension,
        indicator_systems.indicator,
        indicator_systems.direction,
        sample_units.unit_id,
        sample_units.first_year + year_offsets.year_offset as year
    from sample_units
    cross join year_offsets
    inner join indicator_systems
        on sample_units.index_name = indicator_systems.index_name
    where year_offsets.year_offset <= sample_units.last_year - sample_units.first_year
),

observations_joined as (
    select
        grid_expanded.*,
        indicator_values_matched.value_text,
        indicator_values_matched.value as value_observed
    from grid_expanded
    left join indicator_values_matched
        on grid_expanded.index_name = indicator_values_matched.index_name
        and grid_expanded.indicator = indicator_values_matched.indicator
        and grid_expanded.unit_id = indicator_values_matched.unit_id
        and grid_expanded.year = indicator_values_matched.year
),

observed_cells as (
    select * from observations_joined
    where value_observed is not null
),

missing_cells as (
    select * from observations_joined
    where value_observed is null
),

series_observations as (
    -- every numeric observation of a sample unit's series, in the sample years or not
    select
        indicator_values_matched.index_name,
        indicator_values_matched.unit_id,
        indicator_values_matched.indicator,
        indicator_values_matched.year,
        indicator_values_matched.value as value_observed
    from indicator_values_matched
    inner join sample_units
        on indicator_values_matched.index_name = sample_units.index_name
        and indicator_values_matched.unit_id = sample_units.unit_id
    where indicator_values_matched.value is not null
),

neighbour_years_located as (
    -- only the missing cells look for neighbours: the joins scale with the gaps, not
    -- with the grid (a complete county panel has none; issue 9, bench/README.md)
    select
        missing_cells.index_name,
        missing_cells.unit_id,
        missing_cells.indicator,
        missing_cells.year,
        max(
            case
                when series_observations.year < missing_cells.year
                    then series_observations.year
            end
        ) as previous_observed_year,
        min(
            case
                when series_observations.year > missing_cells.year
                    then series_observations.year
            end
        ) as next_observed_year
    from missing_cells
    left join series_observations
        on missing_cells.index_name = series_observations.index_name
        and missing_cells.unit_id = series_observations.unit_id
        and missing_cells.indicator = series_observations.indicator
    group by
        missing_cells.index_name,
        missing_cells.unit_id,
        missing_cells.indicator,
        missing_cells.year
),

missing_neighbours_valued as (
    select
        missing_cells.*,
        neighbour_years_located.previous_observed_year,
        neighbour_years_located.next_observed_year,
        previous_cells.value_observed as previous_observed_value,
        next_cells.value_observed as next_observed_value
    from missing_cells
    inner join neighbour_years_located
        on missing_cells.index_name = neighbour_years_located.index_name
        and missing_cells.unit_id = neighbour_years_located.unit_id
        and missing_cells.indicator = neighbour_years_located.indicator
        and missing_cells.year = neighbour_years_located.year
    left join series_observations as previous_cells
        on neighbour_years_located.index_name = previous_cells.index_name
        and neighbour_years_located.unit_id = previous_cells.unit_id
        and neighbour_years_located.indicator = previous_cells.indicator
        and neighbour_years_located.previous_observed_year = previous_cells.year
    left join series_observations as next_cells
        on neighbour_years_located.index_name = next_cells.index_name
        and neighbour_years_located.unit_id = next_cells.unit_id
        and neighbour_years_located.indicator = next_cells.indicator
        and neighbour_years_located.next_observed_year = next_cells.year
),

neighbours_valued as (
    -- an observed cell is its own nearest observation (t0 = t1 = t)
    select
        observed_cells.*,
        observed_cells.year as previous_observed_year,
        observed_cells.year as next_observed_year,
        observed_cells.value_observed as previous_observed_value,
        observed_cells.value_observed as next_observed_value
    from observed_cells
    union all
    select * from missing_neighbours_valued
),

gaps_filled as (
    select
        index_name,
        dimension,
        indicator,
        direction,
        unit_id,
        year,
        value_text,
        value_observed,
        case
            when value_observed is not null then value_observed
            when previous_observed_year is not null and next_observed_year is not null
                then previous_observed_value
                    + (next_observed_value - previous_observed_value)
                    * (year - previous_observed_year)
                    / (next_observed_year - previous_observed_year)
            {%- if typed_var('index_edge_fill') %}
            when previous_observed_year is not null then previous_observed_value
            when next_observed_year is not null then next_observed_value
            {%- endif %}
        end as value,
        case
            when value_observed is not null then 'observed'
            when previous_observed_year is not null and next_observed_year is not null
                then 'linear_interpolation'
            {%- if typed_var('index_edge_fill') %}
            when previous_observed_year is not null or next_observed_year is not null
                then 'nearest_value'
            {%- endif %}
            else 'missing'
        end as fill_method,
        previous_observed_year,
        next_observed_year
    from neighbours_valued
),

units_observed_counted as (
    select
        index_name,
        indicator,
        year,
        cast(count(value_observed) as integer) as n_units_observed_in_year
    from observations_joined
    group by index_name, indicator, year
),

cells_flagged as (
    select
        gaps_filled.*,
        units_observed_counted.n_units_observed_in_year,
        gaps_filled.value_observed is not null as is_observed,
        gaps_filled.fill_method in ('linear_interpolation', 'nearest_value') as is_interpolated,
        gaps_filled.fill_method = 'nearest_value' as is_edge_filled
    from gaps_filled
    inner join units_observed_counted
        on gaps_filled.index_name = units_observed_counted.index_name
        and gaps_filled.indicator = units_observed_counted.indicator
        and gaps_filled.year = units_observed_counted.year
)

select * from cells_flagged
