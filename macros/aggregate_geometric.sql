{# purpose: weighted geometric mean of shifted normalised values per group, with the zero rule stated. #}
{#
    For each group (`group_by`, e.g. index_name, unit_id, year and dimension) over its
    indicators k with weights w_k and shifted normalised values z'_k (z' = z + c, the zero
    policy's z_shifted):
        score = prod_k z'_k ^ (w_k / W),   W = sum_k w_k     (W = 1 over all indicators)
              = exp( sum_k w_k ln z'_k / W )
    computed in logs (a product of many small numbers underflows, a sum of logs does not).
    Zero rule: the geometric mean needs z' > 0, hence the shift; where a z' is 0 (zero
    policy limit) the product is 0 and so is the score (the limit of z'^w as z' -> 0 for
    w > 0), has_zero says so. A negative z' (a z-score) has no real power: the callers
    refuse that combination at compile time.
    Both sums run in indicator order (ordered_aggregate), so the bits do not depend on the
    thread count. Returns group_by columns, weight_sum (W), n_indicators, has_zero, score.
#}
{% macro aggregate_geometric(relation, group_by, weight_column='weight', value_column='z_shifted', indicator_column='indicator') -%}
    {%- set group_csv = group_by | join(', ') -%}
    select
        sums.{{ group_by | join(', sums.') }},
        sums.weight_sum,
        sums.n_indicators,
        sums.has_zero,
        case
            when sums.has_zero then 0.0
            else exp(sums.weighted_log_sum / sums.weight_sum)
        end as score
    from (
        select
            {{ group_csv }},
            {{ ordered_aggregate('sum', weight_column, indicator_column) }} as weight_sum,
            count(*) as n_indicators,
            coalesce(bool_or({{ value_column }} = 0), false) as has_zero,
            {{ ordered_aggregate('sum', 'case when ' ~ value_column ~ ' > 0 then ' ~ weight_column ~ ' * ln(' ~ value_column ~ ') end', indicator_column) }}
                as weighted_log_sum
        from {{ relation }}
        group by {{ group_csv }}
    ) as sums
{%- endmacro %}
