{# Read a user-supplied CSV or Parquet file as a relation (DuckDB-only construct, dispatched): a CSV as text, comma-delimited, so every cell is read by the rule of macros/input_cells.sql, as the pre-flight reads it. #}
{% macro read_external_table(path) -%}
    {{ return(adapter.dispatch('read_external_table', 'resilience_warehouse')(path)) }}
{%- endmacro %}

{% macro default__read_external_table(path) -%}
    {{ exceptions.raise_compiler_error("read_external_table: reading files directly is only implemented for DuckDB; load '" ~ path ~ "' as a source table instead.") }}
{%- endmacro %}

{% macro duckdb__read_external_table(path) -%}
    {%- if path is none or path | trim == '' -%}
        {{ exceptions.raise_compiler_error("read_external_table: empty path") }}
    {%- endif -%}
    {%- if "'" in path -%}
        {{ exceptions.raise_compiler_error("read_external_table: path " ~ path ~ " contains a quote; rename the file.") }}
    {%- endif -%}
    {%- if path.lower().endswith('.parquet') -%}
        read_parquet('{{ path }}')
    {%- elif path.lower().endswith('.csv') -%}
        read_csv('{{ path }}', header = true, all_varchar = true, delim = ',', quote = '"', escape = '"')
    {%- else -%}
        {{ exceptions.raise_compiler_error("read_external_table: " ~ path ~ " is neither .csv nor .parquet") }}
    {%- endif -%}
{%- endmacro %}
