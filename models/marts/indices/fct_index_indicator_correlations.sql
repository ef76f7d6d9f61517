{#
    Pearson correlation of every pair of an index's indicators over the gap-filled sample
    (all unit-years pooled); is_highly_correlated when |r| > 0.9 (OECD/JRC Handbook 2008:
    near-duplicate indicators double-count a dimension). One row per index and unordered
    indicator pair (indicator_a < indicator_b).
#}
with

indicator_values_gap_filled as (
    select * from {{ ref('int_indicator_values_gap_filled') }}
),

pairs_joined as (
    select
        first_values.index_name,
        first_values.indicator as indicator_a,
        second_values.indicator as indicator_b,
        first_values.dimension as dimension_a,
        second_values.dimension as dimension_b,
        first_values.value as value_a,
        second_values.value as value_b
    from indicator_values_gap_filled as first_values
    inner join indicator_values_gap_filled as second_values
        on first_values.index_name = second_values.index_name
        and first_values.unit_id = second_values.unit_id
        and first_values.year = second_values.year
        and first_values.indicator < second_values.indicator
),

pairs_correlated as (
    select
        index_name,
        indicator_a,
        indicator_b,
        min(dimension_a) as dimension_a,
        min(dimension_b) as dimension_b,
        cast(count(*) as integer) as n_obs,
        corr(value_a, value_b) as correlation
    from pairs_joined
    group by index_name, indicator_a, indicator_b
),

pairs_flagged as (
    select
        pairs_correlated.*,
        coalesce(abs(correlation) > 0.9, false) as is_highly_correlated
    from pairs_correlated
)

select * from pairs_flagged
