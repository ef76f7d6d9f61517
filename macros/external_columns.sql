{# The column names (lower case) of a user-supplied input file, read when the model compiles; [] while dbt only parses. #}
{% macro external_columns(path) -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set probe = run_query("select * from " ~ read_external_table(path) ~ " limit 0") -%}
    {{ return(probe.column_names | map('lower') | list) }}
{%- endmacro %}
