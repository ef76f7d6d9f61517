{# purpose: an aggregate (sum, avg, stddev_samp, ...) fed its rows in one fixed order, so a floating-point result has the same bits at any thread count. #}
{#
    fn(expression order by order_by): the engine sorts each group's rows by order_by and
    feeds them to fn one after another (DuckDB's sorted aggregate: src/function/aggregate/
    sorted_aggregate_function.cpp buffers a group's rows, sorts them, then updates one state
    in that order), so the rounding of every partial sum is the same at 1 or 32 threads.
    order_by must be unique within each group (ties may come in any order) and must not be a
    grouping column (DuckDB drops an ORDER BY on a grouping column as redundant). Works as a
    window aggregate too: {{ ordered_aggregate('sum', 'x', 'k') }} over (partition by g).
    Cost: the group's rows are buffered and sorted (measured in bench/README.md); for sums of
    bounded values on large tables exact_sum is cheaper.
    default__ (engines without ordered aggregates) is the plain aggregate, whose rounding
    there may follow the engine's row order.
#}
{% macro ordered_aggregate(function, expression, order_by) -%}
    {{ return(adapter.dispatch('ordered_aggregate', 'resilience_warehouse')(function, expression, order_by)) }}
{%- endmacro %}

{% macro default__ordered_aggregate(function, expression, order_by) -%}
    {{ function }}({{ expression }})
{%- endmacro %}

{% macro duckdb__ordered_aggregate(function, expression, order_by) -%}
    {{ function }}({{ expression }} order by {{ order_by }})
{%- endmacro %}
