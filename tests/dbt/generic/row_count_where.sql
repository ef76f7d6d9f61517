{# Fails (one row) when the number of rows satisfying `condition` differs from `expected`. #}
{% test row_count_where(model, condition, expected) %}
{{ config(meta={'message': 'expected {expected_rows} rows where {condition_text}, found {actual_rows}'}) }}

select
    {{ expected }} as expected_rows,
    count(*) as actual_rows,
    '{{ condition | replace("'", "''") }}' as condition_text
from {{ model }}
where {{ condition }}
having count(*) != {{ expected }}

{% endtest %}
