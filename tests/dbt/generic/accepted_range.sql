{# Fails with every row whose column lies outside [min_value, max_value] (bounds optional, inclusive). #}
{% test accepted_range(model, column_name, min_value=none, max_value=none, tolerance=0) %}

select *
from {{ model }}
where {{ column_name }} is null
{%- if min_value is not none %}
    or {{ column_name }} < {{ min_value }} - {{ tolerance }}
{%- endif %}
{%- if max_value is not none %}
    or {{ column_name }} > {{ max_value }} + {{ tolerance }}
{%- endif %}

{% endtest %}
