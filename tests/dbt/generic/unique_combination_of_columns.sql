{# Fails with one row per duplicated key: the key values and how often they occur. #}
{% test unique_combination_of_columns(model, combination_of_columns) %}
{{ config(meta={'message': 'duplicate rows: {n_rows} rows share the same ' ~ message_literal(combination_of_columns | join(', '))}) }}

{%- set columns_csv = combination_of_columns | join(', ') %}

select
    {{ columns_csv }},
    count(*) as n_rows
from {{ model }}
group by {{ columns_csv }}
having count(*) > 1

{% endtest %}
