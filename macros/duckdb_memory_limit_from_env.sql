{# purpose: the on-run-start hook that sets DuckDB's memory_limit from env var RESILIENCE_DUCKDB_MEMORY_LIMIT (e.g. 4GB, 500MiB); unset = DuckDB's default, 80 % of RAM. #}
{% macro duckdb_memory_limit_from_env() -%}
    {%- set limit = env_var('RESILIENCE_DUCKDB_MEMORY_LIMIT', '') | trim -%}
    {%- if limit == '' or target.type != 'duckdb' -%}
        {{ return('') }}
    {%- endif -%}
    {%- if not modules.re.fullmatch('[0-9]+(\\.[0-9]+)?\\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)', limit) -%}
        {{ exceptions.raise_compiler_error("RESILIENCE_DUCKDB_MEMORY_LIMIT must be a size such as 4GB or 500MiB, got '" ~ limit ~ "'; unset it for DuckDB's default (80 % of RAM)") }}
    {%- endif -%}
    set memory_limit = '{{ limit }}'
{%- endmacro %}
