{# purpose: the on-run-start hook that sets DuckDB's threads from env var RESILIENCE_DUCKDB_THREADS (a whole number >= 1); unset = DuckDB's default, every core. #}
{% macro duckdb_threads_from_env() -%}
    {%- set threads = env_var('RESILIENCE_DUCKDB_THREADS', '') | trim -%}
    {%- if threads == '' or target.type != 'duckdb' -%}
        {{ return('') }}
    {%- endif -%}
    {%- if not threads.isdigit() or threads | int < 1 -%}
        {{ exceptions.raise_compiler_error("RESILIENCE_DUCKDB_THREADS must be a whole number of threads, at least 1, got '" ~ threads ~ "'; unset it to use every core") }}
    {%- endif -%}
    set threads = {{ threads | int }}
{%- endmacro %}
