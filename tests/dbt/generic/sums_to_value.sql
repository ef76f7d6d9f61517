{# Fails with each group whose column does not sum to `value` within `tolerance` (weights, shares). #}
{% test sums_to_value(model, column_name, group_by, value=1, tolerance=1e-9) %}
{{ config(meta={'message': message_literal(column_name) ~ ' sums to {total!r}, not ' ~ value}) }}

{%- set group_csv = group_by | join(', ') %}

select
    {{ group_csv }},
    sum({{ column_name }}) as total
from {{ model }}
group by {{ group_csv }}
having abs(sum({{ column_name }}) - {{ value }}) > {{ tolerance }}
    or sum({{ column_name }}) is null

{% endtest %}
