{#
    Fails with every index-indicator-year of an index's sample for which no sample unit
    has a value (int_indicator_values_gap_filled.n_units_observed_in_year = 0): a year the
    sample declares (index_samples first_year..last_year) and no unit has. Gap filling
    would otherwise interpolate the whole cross-section of that year from the years around
    it, without a word, while one unit's missing row alone is rejected as unbalanced.
    resilience build checks the same before dbt runs (resilience.validate, check
    year_missing); this test guards `dbt build` run by hand.
#}
{{ config(meta={
    'message': 'index {index_name}: no unit has a value in this year of the index sample'
        ~ ' {first_year}-{last_year}; add the year\'s values, or narrow the sample'
        ~ ' (index_samples) to the years you have'
}) }}

with

indicator_values_gap_filled as (
    select * from {{ ref('int_indicator_values_gap_filled') }}
),

sample_units as (
    select * from {{ ref('int_index_sample_units_selected') }}
),

sample_years as (
    select
        index_name,
        min(first_year) as first_year,
        max(last_year) as last_year
    from sample_units
    group by index_name
),

years_unobserved as (
    select
        index_name,
        indicator,
        year,
        cast(count(*) as integer) as n_units_filled
    from indicator_values_gap_filled
    where n_units_observed_in_year = 0
    group by index_name, indicator, year
),

years_described as (
    select
        years_unobserved.*,
        sample_years.first_year,
        sample_years.last_year
    from years_unobserved
    inner join sample_years
        on years_unobserved.index_name = sample_years.index_name
)

select * from years_described
