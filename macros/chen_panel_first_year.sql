{# purpose: first year of the Chen analysis panel = max(var chen_first_year, var rd_base_year), since spillovers exist only from the R&D base year on. #}
{% macro chen_panel_first_year() -%}
    {{ return([typed_var('chen_first_year'), typed_var('rd_base_year')] | max) }}
{%- endmacro %}
