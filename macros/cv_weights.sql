{# purpose: coefficient-of-variation weights w_k = CV_k / sum CV per group. #}
{#
    For indicator k in group g (`group_by`) over its n non-null values v (the callers pass
    the min-max normalised z, whose mean is > 0 whenever the range is):
        mean_k = (1/n) sum v,   s_k = sqrt(sum (v - mean_k)^2 / (n - 1))   (stddev_samp)
        CV_k   = s_k / mean_k
        w_k    = CV_k / sum_{k in g} CV_k
    The sample sd (n - 1) is the one skcriteria's StdWeighter uses; the choice cancels in
    w_k anyway (the factor sqrt(n/(n-1)) is common to every k with the same n).
    A zero mean gives a null CV for the caller's tests to reject (never a division by 0).
    Every float aggregate is fed its rows in one order (ordered_aggregate; `order_by`, unique
    within an indicator, default unit_id, year), so the bits do not depend on the thread count.
    Returns group_by columns, indicator, n_obs, mean_value, sd_value, cv, weight.
#}
{% macro cv_weights(relation, group_by, indicator_column='indicator', value_column='z', order_by=['unit_id', 'year']) -%}
    {%- set group_csv = group_by | join(', ') -%}
    select
        variations.*,
        variations.cv
            / {{ ordered_aggregate('sum', 'variations.cv', 'variations.' ~ indicator_column) }} over (partition by {{ group_csv }}) as weight
    from (
        select
            moments.*,
            case when moments.mean_value <> 0 then moments.sd_value / moments.mean_value end as cv
        from (
            select
                {{ group_csv }},
                {{ indicator_column }},
                count({{ value_column }}) as n_obs,
                {{ ordered_aggregate('avg', value_column, order_by | join(', ')) }} as mean_value,
                {{ ordered_aggregate('stddev_samp', value_column, order_by | join(', ')) }} as sd_value
            from {{ relation }}
            group by {{ group_csv }}, {{ indicator_column }}
        ) as moments
    ) as variations
{%- endmacro %}
