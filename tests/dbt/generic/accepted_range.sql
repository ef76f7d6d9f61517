{# Fails with every row whose column lies outside [min_value, max_value] (bounds optional, inclusive). #}
{% test accepted_range(model, column_name, min_value=none, max_value=none, tolerance=0) %}
{{ config(meta={'message': message_literal(column_name) ~ ' = {' ~ column_name | lower ~ '!r} outside [' ~ (min_value if min_value is not none else '-inf') ~ ', ' ~ (max_value if max_value is not none else 'inf') ~ ']', 'column_is_indicator': true}) }}

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
