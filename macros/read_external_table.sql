{# Read a user-supplied CSV or Parquet file as a relation (DuckDB-only construct, dispatched): a CSV as text, comma-delimited, so every cell is read by the rule of macros/input_cells.sql, as the pre-flight reads it. #}
{% macro read_external_table(path) -%}
    {{ return(adapter.dispatch('read_external_table', 'resilience_warehouse')(path)) }}
{%- endmacro %}

{% macro default__read_external_table(path) -%}
    {{ exceptions.raise_compiler_error("read_external_table: reading files directly is only implemented for DuckDB; load '" ~ path ~ "' as a source table instead.") }}
{%- endmacro %}

{#
    spark__: Spark SQL has no table function with CSV options, so the file is registered as
    a table of schema external_files that reads it in place (header row, every column a
    string, the same quote and escape; nothing is copied), recreated at every run so it
    always reads the file the var names now; Parquet is read in place.
#}
{% macro spark__read_external_table(path) -%}
    {%- if path is none or path | trim == '' or "'" in path or '`' in path -%}
        {{ exceptions.raise_compiler_error("read_external_table: bad path '" ~ path ~ "'") }}
    {%- endif -%}
    {#- Spark resolves a relative path against its warehouse, not the project root: dbt runs
        from the project root (README), whose path the shell gives as PWD -#}
    {%- if not path.startswith('/') and ':' not in path.split('/')[0] -%}
        {%- set path = env_var('PWD') ~ '/' ~ path -%}
    {%- endif -%}
    {%- if path.lower().endswith('.parquet') -%}
        parquet.`{{ path }}`
    {%- elif path.lower().endswith('.csv') -%}
        {%- set table = 'external_files.file_' ~ local_md5(path) -%}
        {%- if execute -%}
            {%- do run_query("create schema if not exists external_files") -%}
            {%- do run_query("drop table if exists " ~ table) -%}
            {%- do run_query("create table " ~ table ~ " using csv options (path '" ~ path ~ "', header 'true', inferSchema 'false', sep ',', quote '\"', escape '\"')") -%}
        {%- endif -%}
        {{ table }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("read_external_table: " ~ path ~ " is neither .csv nor .parquet") }}
    {%- endif -%}
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
