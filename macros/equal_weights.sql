{# purpose: equal weights 1/K over the K indicators of each group. #}
{#
    For indicator k in group g (`group_by`, e.g. index_name, scope and scope_year) with
    K_g indicators:   w_k = 1 / K_g   (sums to 1 within g).
    n_obs counts k's non-null values, as the other weight macros report it.
    Returns group_by columns, indicator, n_obs, weight.
#}
{% macro equal_weights(relation, group_by, indicator_column='indicator', value_column='z') -%}
    {%- set group_csv = group_by | join(', ') -%}
    select
        counts.*,
        cast(1 as double) / count(*) over (partition by {{ group_csv }}) as weight
    from (
        select
            {{ group_csv }},
            {{ indicator_column }},
            count({{ value_column }}) as n_obs
        from {{ relation }}
        group by {{ group_csv }}, {{ indicator_column }}
    ) as counts
{%- endmacro %}
