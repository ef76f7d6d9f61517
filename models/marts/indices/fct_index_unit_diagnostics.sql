{#
    Data availability per index and unit (OECD/JRC Handbook 2008): share of the unit’s
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
        cast(count(*) as integer) as n_indicators,
        cast(sum(n_cells) as integer) as n_cells,
        cast(sum(n_observed) as integer) as n_observed,
        cast(sum(n_linear_interpolated) as integer) as n_linear_interpolated,
        cast(sum(n_edge_filled) as integer) as n_edge_filled,
        cast(sum(n_interpolated) as integer) as n_interpolated,
        cast(sum(n_missing_after_fill) as integer) as n_missing_after_fill,
        min(availability_share) as min_indicator_availability_share
    from cells_counted
    group by index_name, unit_id
),

shares_computed as (
    select
        units_aggregated.*,
        {{ availability_share('n_observed', 'n_cells') }} as availability_share,
        {{ is_low_availability('n_observed', 'n_cells') }} as is_low_availability,
        cast(n_interpolated as double) / n_cells as interpolated_share
    from units_aggregated
)

select * from shares_computed
