{#
    Data availability per index and unit (OECD/JRC Handbook 2008): share of the unit's
    cells (indicators x sample years) observed before gap filling, flagged below 65%,
    and the share filled. One row per index-unit.
#}
with

cells_counted as (
    select * from {{ ref('int_index_cells_counted') }}
),

units_aggregated as (
    select
        index_name,
        unit_id,
        count(*) as n_indicators,
        sum(n_cells) as n_cells,
        sum(n_observed) as n_observed,
        sum(n_linear_interpolated) as n_linear_interpolated,
        sum(n_edge_filled) as n_edge_filled,
        sum(n_interpolated) as n_interpolated,
        sum(n_missing_after_fill) as n_missing_after_fill,
        min(availability_share) as min_indicator_availability_share
    from cells_counted
    group by index_name, unit_id
),

shares_computed as (
    select
        units_aggregated.*,
        cast(n_observed as double) / n_cells as availability_share,
        cast(n_observed as double) / n_cells < 0.65 as is_low_availability,
        cast(n_interpolated as double) / n_cells as interpolated_share
    from units_aggregated
)

select * from shares_computed
