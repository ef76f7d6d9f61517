{# purpose: x * ln(x) with the limit 0 * ln(0) = 0, the building block of entropy (p ln p). #}
{% macro x_ln_x(x) -%}
    (case when ({{ x }}) > 0 then ({{ x }}) * ln({{ x }}) else 0.0 end)
{%- endmacro %}
