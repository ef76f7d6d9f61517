{#
    Gap-filling counts per index, unit and indicator over the index’s sample years: how
    many cells were observed, filled by linear interpolation, filled by the nearest value
    (edge), and still missing. availability_share = n_observed / n_cells (before filling).
    One row per index-unit-indicator.
#}
with

indicator_values_gap_filled as (
    select * from {{ ref('int_indicator_values_gap_filled') }}
),

cells_counted as (
    select
        index_name,
        unit_id,
        indicator,
        min(dimension) as dimension,
        cast(count(*) as integer) as n_cells,
        cast(sum(case when is_observed then 1 else 0 end) as integer) as n_observed,
        cast(sum(case when fill_method = 'linear_interpolation' then 1 else 0 end) as integer)
            as n_linear_interpolated,
        cast(sum(case when is_edge_filled then 1 else 0 end) as integer) as n_edge_filled,
        cast(sum(case when is_interpolated then 1 else 0 end) as integer) as n_interpolated,
        cast(sum(case when value is null then 1 else 0 end) as integer) as n_missing_after_fill
    from indicator_values_gap_filled
    group by index_name, unit_id, indicator
),

shares_computed as (
    select
        cells_counted.*,
        cast(n_observed as double) / n_cells as availability_share,
        cast(n_interpolated as double) / n_cells as interpolated_share
    from cells_counted
)

select * from shares_computed
