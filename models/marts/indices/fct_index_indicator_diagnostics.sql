{#
    Composite-indicator diagnostics per index and indicator (OECD/JRC Handbook 2008, as
    COINr implements them). One row per index-indicator.
    * availability_share = observed cells / (N units x T years) before gap filling;
      is_low_availability when below 0.65.
    * skewness and kurtosis of the gap-filled values over the sample (all unit-years),
      e1071 type 2 = Excel SKEW / KURT = COINr skew() / kurt(): with deviations d = x - mean,
          m2 = sum d^2, m3 = sum d^3, m4 = sum d^4, n values,
          skewness = sqrt(n) m3 / m2^(3/2) * sqrt(n (n - 1)) / (n - 2)
          r = n m4 / m2^2,  kurtosis_excess = ((n + 1)(r - 3) + 6)(n - 1) / ((n - 2)(n - 3))
      kurtosis is EXCESS kurtosis (0 for a normal distribution), as in COINr;
      is_outlier_flagged when |skewness| > 2 and kurtosis_excess > 3.5.
    * interpolated_share = filled cells / all cells.
#}
with

cells_counted as (
    select * from {{ ref('int_index_cells_counted') }}
),

indicator_values_gap_filled as (
    select * from {{ ref('int_indicator_values_gap_filled') }}
),

counts_aggregated as (
    select
        index_name,
        indicator,
        min(dimension) as dimension,
        cast(count(*) as integer) as n_units,
        cast(sum(n_cells) as integer) as n_cells,
        cast(sum(n_observed) as integer) as n_observed,
        cast(sum(n_linear_interpolated) as integer) as n_linear_interpolated,
        cast(sum(n_edge_filled) as integer) as n_edge_filled,
        cast(sum(n_interpolated) as integer) as n_interpolated,
        cast(sum(n_missing_after_fill) as integer) as n_missing_after_fill
    from cells_counted
    group by index_name, indicator
),

means_computed as (
    select
        index_name,
        indicator,
        {{ ordered_aggregate('avg', 'value', 'unit_id, year') }} as mean_value,
        cast(count(value) as integer) as n_values
    from indicator_values_gap_filled
    group by index_name, indicator
),

moments_computed as (
    select
        indicator_values_gap_filled.index_name,
        indicator_values_gap_filled.indicator,
        min(means_computed.n_values) as n_values,
        min(means_computed.mean_value) as mean_value,
        {{ ordered_aggregate(
            'sum',
            'power(indicator_values_gap_filled.value - means_computed.mean_value, 2)',
            'indicator_values_gap_filled.unit_id, indicator_values_gap_filled.year',
        ) }} as m2,
        {{ ordered_aggregate(
            'sum',
            'power(indicator_values_gap_filled.value - means_computed.mean_value, 3)',
            'indicator_values_gap_filled.unit_id, indicator_values_gap_filled.year',
        ) }} as m3,
        {{ ordered_aggregate(
            'sum',
            'power(indicator_values_gap_filled.value - means_computed.mean_value, 4)',
            'indicator_values_gap_filled.unit_id, indicator_values_gap_filled.year',
        ) }} as m4
    from indicator_values_gap_filled
    inner join means_computed
        on indicator_values_gap_filled.index_name = means_computed.index_name
        and indicator_values_gap_filled.indicator = means_computed.indicator
    group by indicator_values_gap_filled.index_name, indicator_values_gap_filled.indicator
),

shape_computed as (
    select
        index_name,
        indicator,
        n_values,
        mean_value,
        case
            when n_values >= 3 and m2 > 0
                then sqrt(n_values) * m3 / power(m2, 1.5)
                    * sqrt(n_values * (n_values - 1.0)) / (n_values - 2.0)
        end as skewness,
        case
            when n_values >= 4 and m2 > 0
                then ((n_values + 1.0) * (n_values * m4 / power(m2, 2) - 3.0) + 6.0)
                    * (n_values - 1.0) / ((n_values - 2.0) * (n_values - 3.0))
        end as kurtosis_excess
    from moments_computed
),

diagnostics_joined as (
    select
        counts_aggregated.index_name,
        counts_aggregated.dimension,
        counts_aggregated.indicator,
        counts_aggregated.n_units,
        counts_aggregated.n_cells,
        counts_aggregated.n_observed,
        {{ availability_share('counts_aggregated.n_observed', 'counts_aggregated.n_cells') }}
            as availability_share,
        {{ is_low_availability('counts_aggregated.n_observed', 'counts_aggregated.n_cells') }}
            as is_low_availability,
        counts_aggregated.n_linear_interpolated,
        counts_aggregated.n_edge_filled,
        counts_aggregated.n_interpolated,
        cast(counts_aggregated.n_interpolated as double)
        / counts_aggregated.n_cells as interpolated_share,
        counts_aggregated.n_missing_after_fill,
        shape_computed.mean_value,
        shape_computed.skewness,
        shape_computed.kurtosis_excess,
        coalesce(abs(shape_computed.skewness) > 2 and shape_computed.kurtosis_excess > 3.5, false)
            as is_outlier_flagged
    from counts_aggregated
    left join shape_computed
        on counts_aggregated.index_name = shape_computed.index_name
        and counts_aggregated.indicator = shape_computed.indicator
)

select * from diagnostics_joined
