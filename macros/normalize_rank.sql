{# purpose: rank (percentile) normalise a long table by indicator direction within a scope, ties at their average rank. #}
{#
    Over each scope group g (the `partition_by` columns) of n values, oriented so that
    higher is better (x for '+', -x for '-'):
        r_i   = average rank of the oriented value among the n (1 = worst, n = best);
                tied values share the mean of the ranks they span (scipy.stats.rankdata
                method='average'): r_i = (#below) + (#tied + 1) / 2
        z_rank = (r_i - 1) / (n - 1)                      percentile scale, in [0, 1]
    so the worst unit gets 0, the best 1, and two units tied for best both get
    (n - 1.5)/(n - 1). n = 1 gives z_rank = null (no ranking); a direction other than
    '+' / '-' gives null too. #below and #tied come from rank() and count() windows, so
    the result does not depend on the order rows arrive in.
    Returns every column of `relation` plus n_ranked, rank_value, z_rank.
#}
{% macro normalize_rank(relation, partition_by, value_column='value', direction_column='direction') -%}
    {%- set partition_csv = partition_by | join(', ') -%}
    select
        ranked.*,
        case
            when ranked.n_ranked > 1 then (ranked.rank_value - 1.0) / (ranked.n_ranked - 1.0)
        end as z_rank
    from (
        select
            oriented.*,
            count(oriented.oriented_value) over (partition by {{ partition_csv }}) as n_ranked,
            case
                when oriented.oriented_value is not null
                    then (rank() over (partition by {{ partition_csv }} order by oriented.oriented_value) - 1)
                    + (count(*) over (partition by {{ partition_csv }}, oriented.oriented_value) + 1) / 2.0
            end as rank_value
        from (
            select
                src.*,
                case
                    when src.{{ direction_column }} = '+' then src.{{ value_column }}
                    when src.{{ direction_column }} = '-' then -src.{{ value_column }}
                end as oriented_value
            from {{ relation }} as src
        ) as oriented
    ) as ranked
{%- endmacro %}
