{#
    Warns about values that look off by a unit factor (yuan typed as 10,000 yuan, percent
    as a share): a value at least 10^2.5 (~316) times above or below the median of its own
    unit-indicator series AND of its neighbouring years. Only series that are positive
    throughout (levels, not growth rates, which cross zero) are checked.
    factor = 10^round(log10(value / median)) is the likely slip (10000 = yuan vs 10k yuan).
    A warning, not an error: a genuine jump is possible; `resilience build --strict` fails on it.
#}
{{ config(severity='warn', meta={
    'message': "value {value} is {factor:g} times the median {series_median:g} of this unit's series:"
        ~ " a unit slip? check the yearbook's unit"
}) }}

with

indicator_values as (
    select * from {{ ref('stg_inputs__indicator_values') }}
    where value is not null
),

series_stats as (
    select
        unit_id,
        indicator,
        median(value) as series_median,
        min(value) as series_min
    from indicator_values
    group by unit_id, indicator
),

with_neighbours as (
    select
        indicator_values.unit_id,
        indicator_values.year,
        indicator_values.indicator,
        indicator_values.value,
        series_stats.series_median,
        series_stats.series_min,
        lag(indicator_values.value) over (
            partition by indicator_values.unit_id, indicator_values.indicator
            order by indicator_values.year
        ) as previous_value,
        lead(indicator_values.value) over (
            partition by indicator_values.unit_id, indicator_values.indicator
            order by indicator_values.year
        ) as next_value
    from indicator_values
    inner join series_stats
        on indicator_values.unit_id = series_stats.unit_id
        and indicator_values.indicator = series_stats.indicator
),

suspected as (
    select
        unit_id,
        year,
        indicator,
        value,
        series_median,
        power(10, round(log10(value / series_median))) as factor
    from with_neighbours
    where series_min > 0
        and abs(log10(value / series_median)) >= 2.5
        and abs(log10(value / coalesce(previous_value, next_value))) >= 2.5
        and abs(log10(value / coalesce(next_value, previous_value))) >= 2.5
)

select * from suspected
