{# purpose: the few scalar functions whose spelling differs between DuckDB and Spark SQL, dispatched (default__ = DuckDB's spelling, spark__ = Spark's), so the models build unchanged on both engines. #}

{# True when the whole text matches the regular expression (not a substring match). #}
{% macro full_match(text, pattern) -%}
    {{ return(adapter.dispatch('full_match', 'resilience_warehouse')(text, pattern)) }}
{%- endmacro %}

{% macro default__full_match(text, pattern) -%}
    regexp_full_match({{ text }}, '{{ pattern }}')
{%- endmacro %}

{% macro spark__full_match(text, pattern) -%}
    ({{ text }} rlike '^(?:{{ pattern }})$')
{%- endmacro %}

{# The text with leading and trailing spaces and tabs removed. #}
{% macro trim_blanks(text) -%}
    {{ return(adapter.dispatch('trim_blanks', 'resilience_warehouse')(text)) }}
{%- endmacro %}

{% macro default__trim_blanks(text) -%}
    trim({{ text }}, ' ' || chr(9))
{%- endmacro %}

{% macro spark__trim_blanks(text) -%}
    trim(both concat(' ', chr(9)) from {{ text }})
{%- endmacro %}

{# True for a finite double (not NaN, not +-infinity); null for null. #}
{% macro is_finite(x) -%}
    {{ return(adapter.dispatch('is_finite', 'resilience_warehouse')(x)) }}
{%- endmacro %}

{% macro default__is_finite(x) -%}
    isfinite({{ x }})
{%- endmacro %}

{% macro spark__is_finite(x) -%}
    (not isnan({{ x }}) and abs({{ x }}) < double('Infinity'))
{%- endmacro %}

{# CTE hint: DuckDB materialises a CTE referenced more than once (all its rows held at once); `not materialized` inlines it, so a large fan-out streams into each consumer instead. #}
{% macro cte_not_materialized() -%}
    {{ return(adapter.dispatch('cte_not_materialized', 'resilience_warehouse')()) }}
{%- endmacro %}

{% macro default__cte_not_materialized() -%}
{%- endmacro %}

{% macro duckdb__cte_not_materialized() -%}
    not materialized
{%- endmacro %}
