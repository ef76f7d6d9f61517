{# purpose: sum(x) in exact fixed point, so the result has the same bits at any thread count and in any row order. #}
{#
    With scale s (default 24) every term is rounded once to a multiple of 10^-s and the
    terms are added as 128-bit integers (DECIMAL(38, s)); integer addition is associative,
    so the sum does not depend on how the engine splits or orders the rows:
        exact_sum(x) = double( sum_i round(x_i * 10^s) * 10^-s )
    Precision: converting a term costs at most one double rounding (relative 2^-53: DuckDB
    multiplies by 10^s in double, e.g. 0.1 -> 0.100000000000000008388608) or 10^-s absolute,
    whichever is larger; the integer sum is exact; the total is rounded once to a double. A term or a partial sum with |value| >= 10^(38 - s) (10^14 at
    s = 24) is a run-time cast or overflow error, never a wrong number. For values of
    bounded size (normalised values, weights, shares, p ln p terms); for money, moments of
    raw values or anything of unknown magnitude use ordered_aggregate.
#}
{% macro exact_sum(expression, scale=24) -%}
    {{ return(adapter.dispatch('exact_sum', 'resilience_warehouse')(expression, scale)) }}
{%- endmacro %}

{% macro default__exact_sum(expression, scale=24) -%}
    cast(sum(cast({{ expression }} as decimal(38, {{ scale }}))) as double)
{%- endmacro %}

{% macro duckdb__exact_sum(expression, scale=24) -%}
    cast(sum(cast({{ expression }} as decimal(38, {{ scale }}))) as double)
{%- endmacro %}
