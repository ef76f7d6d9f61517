{# purpose: the index a panel column is built from (var '<role>_index', e.g. export_panel_index = 'dataflow'), checked to be a plain identifier and returned as a quoted SQL string literal. #}
{% macro index_role(role, suffix='') -%}
    {%- set name = (var(role ~ '_index') | string | trim) ~ suffix -%}
    {%- if not modules.re.fullmatch('[A-Za-z0-9_]+', name) -%}
        {{ exceptions.raise_compiler_error("var " ~ role ~ "_index=" ~ name ~ ": expected an index name of the indicator system (letters, digits and underscore only).") }}
    {%- endif -%}
    {{ return("'" ~ name ~ "'") }}
{%- endmacro %}
