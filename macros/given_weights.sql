{# purpose: the user's own weights, renormalised to sum 1 over the indicators of each group. #}
{#
    For indicator k in group g (`group_by`, e.g. index_name, scope and scope_year) with the
    weight g_k the user gave it (column `weight` of the indicator system, >= 0, checked
    before the build):
        w_k = g_k / sum_{j in g} g_j
    so weights of any scale (percentages, points, shares) give the same index, and a
    variant that drops an indicator renormalises over the ones it keeps. A null g_k or a
    zero sum gives a null weight, for the caller's tests to reject.
    The sum runs in indicator order (ordered_aggregate): the same bits at any thread count.
    Returns group_by columns, indicator, n_obs (k's non-null values), given_weight, weight.
#}
{% macro given_weights(relation, group_by, indicator_column='indicator', value_column='z', given_column='given_weight') -%}
    {%- set group_csv = group_by | join(', ') -%}
    select
        givens.*,
        case
            when {{ ordered_aggregate('sum', 'givens.given_weight', 'givens.' ~ indicator_column) }} over (partition by {{ group_csv }}) > 0
                then givens.given_weight
                / {{ ordered_aggregate('sum', 'givens.given_weight', 'givens.' ~ indicator_column) }} over (partition by {{ group_csv }})
        end as weight
    from (
        select
            {{ group_csv }},
            {{ indicator_column }},
            count({{ value_column }}) as n_obs,
            {{ dbt.any_value(given_column) }} as given_weight
        from {{ relation }}
        group by {{ group_csv }}, {{ indicator_column }}
    ) as givens
{%- endmacro %}
