{# purpose: a SQL expression that aborts the running query with `message` (a SQL string expression) when it is evaluated; put it in the branch of a CASE that only bad rows reach. #}
{% macro raise_error(message) -%}
    {{ return(adapter.dispatch('raise_error', 'resilience_warehouse')(message)) }}
{%- endmacro %}

{% macro default__raise_error(message) -%}
    {{ exceptions.raise_compiler_error("raise_error: a run-time error is only implemented for DuckDB and Spark/Databricks (" ~ adapter.type() ~ " has none here).") }}
{%- endmacro %}

{% macro duckdb__raise_error(message) -%}
    error({{ message }})
{%- endmacro %}

{% macro spark__raise_error(message) -%}
    raise_error({{ message }})
{%- endmacro %}
