{# Fails (one row) when the number of rows satisfying `condition` differs from `expected`. #}
{% test row_count_where(model, condition, expected) %}

select
    {{ expected }} as expected_rows,
    count(*) as actual_rows,
    '{{ condition | replace("'", "''") }}' as condition_text
from {{ model }}
where {{ condition }}
having count(*) != {{ expected }}

{% endtest %}
