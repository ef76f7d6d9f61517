{# purpose: the share of a unit or indicator's cells that were observed, and the low-availability rule (share below 0.65), written once for both diagnostics marts. #}
{% macro availability_share(n_observed, n_cells) -%}
    cast({{ n_observed }} as double) / {{ n_cells }}
{%- endmacro %}

{% macro is_low_availability(n_observed, n_cells) -%}
    {{ availability_share(n_observed, n_cells) }} < 0.65
{%- endmacro %}
